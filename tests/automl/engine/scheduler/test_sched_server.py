"""The forkserver that local trial processes are forked from is stopped when the last job using it ends."""
from multiprocessing import forkserver

import psutil

import automl
from automl.engine.scheduler._local import KEEP_SERVER_VARIABLE, LocalProcessEngine
from automl.testing import trial_server_pid


def _server() -> psutil.Process | None:
    """The forkserver, when it is alive and a child of this process."""
    pid = trial_server_pid()
    return None if pid is None else psutil.Process(pid)


def _children() -> str:
    """This process's children with their command lines, for a failure message."""
    lines = []
    for child in psutil.Process().children():
        try:
            lines.append(f"{child.pid} {child.status()} {' '.join(child.cmdline())[:120]}")
        except psutil.Error:
            pass
    return "\n".join(lines)


def test_a_job_stops_the_forkserver_when_it_ends(small_classification_frame, monkeypatch):
    monkeypatch.delenv(KEEP_SERVER_VARIABLE, raising=False)
    for _ in range(2):  # the second job starts it again
        job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                    log_verbosity="warning")
        job.set_training(allowed_training_algorithms=["LogisticRegression", "DecisionTree"],
                         enable_vote_ensemble=False, enable_stack_ensemble=False)
        job.set_limits(max_trials=2)
        result = job.submit()
        assert sum(t.succeeded for t in result.trials) == 2
        assert _server() is None and forkserver._forkserver._forkserver_pid is None, _children()


def test_the_forkserver_runs_while_any_engine_of_the_process_is_open(monkeypatch):
    monkeypatch.delenv(KEEP_SERVER_VARIABLE, raising=False)
    first, second = LocalProcessEngine(1, "accuracy"), LocalProcessEngine(1, "accuracy")
    first.warm_up()
    second.warm_up()
    first.warm_up()  # twice: still one user
    server = _server()
    assert server is not None, _children()
    first.close()
    assert _server() == server and server.is_running(), _children()
    second.close()
    assert _server() is None and not server.is_running(), _children()
    second.close()  # closing again changes nothing
    assert _server() is None, _children()


def test_the_forkserver_is_kept_when_asked(monkeypatch):
    monkeypatch.setenv(KEEP_SERVER_VARIABLE, "1")
    engine = LocalProcessEngine(1, "accuracy")
    engine.warm_up()
    server = _server()
    assert server is not None, _children()
    engine.close()
    assert _server() == server and server.is_running(), _children()
