"""The forkserver that local trial processes are forked from is stopped when the last job using it ends."""
from multiprocessing import forkserver

import psutil

import automl
from automl.engine.scheduler._local import KEEP_SERVER_VARIABLE, LocalProcessEngine


def _server_processes() -> list[psutil.Process]:
    """This process's children that are multiprocessing forkservers."""
    found = []
    for child in psutil.Process().children():
        try:
            if any("forkserver" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:  # ended while listed
            pass
    return found


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
        assert _server_processes() == [] and forkserver._forkserver._forkserver_pid is None


def test_the_forkserver_runs_while_any_engine_of_the_process_is_open(monkeypatch):
    monkeypatch.delenv(KEEP_SERVER_VARIABLE, raising=False)
    first, second = LocalProcessEngine(1, "accuracy"), LocalProcessEngine(1, "accuracy")
    first.warm_up()
    second.warm_up()
    first.warm_up()  # twice: still one user
    server = _server_processes()
    assert len(server) == 1
    first.close()
    assert _server_processes() == server and server[0].is_running()
    second.close()
    assert _server_processes() == [] and not server[0].is_running()
    second.close()  # closing again changes nothing
    assert _server_processes() == []


def test_the_forkserver_is_kept_when_asked(monkeypatch):
    monkeypatch.setenv(KEEP_SERVER_VARIABLE, "1")
    engine = LocalProcessEngine(1, "accuracy")
    engine.warm_up()
    engine.close()
    assert len(_server_processes()) == 1
