"""Resume and extend: a killed job continues without training a finished trial again.

Real jobs on real data (credit_g, airline_passengers from tests/data); the killed job runs in a
process of its own, killed with SIGKILL once its third trial is written.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

import automl
import automl.jobs._continue as continuing
from automl.errors import ConfigError, DataError
from automl.jobs import load_saved_job

DATA = Path(__file__).resolve().parents[2] / "data"
CREDIT = DATA / "credit_g.csv"
FAST = ["LightGBM", "XGBoostClassifier", "LogisticRegression", "ExtremeRandomTrees"]
#: Quick jobs: a holdout, no explanations.
QUICK = {"validation_data_size": 0.25, "enable_model_explainability": False}


class _Started:
    """Counts the trials a session starts: every fit of a trial goes through a start."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def trial_started(self, spec) -> None:
        self.names.append(spec.name)


@pytest.fixture
def started(monkeypatch) -> _Started:
    counter = _Started()
    default = continuing.default_observers
    monkeypatch.setattr(continuing, "default_observers", lambda job, show: [*default(job, show), counter])
    return counter


def _credit_job(name: str, data: object = CREDIT, max_trials: int = 6, concurrency: int = 1):
    job = automl.classification(training_data=data, target_column_name="class", name=name, **QUICK)
    job.set_limits(max_trials=max_trials, timeout_minutes=3, max_concurrent_trials=concurrency)
    job.set_training(allowed_training_algorithms=FAST)
    return job


def _kill_after_three_trials(name: str, outputs: Path) -> list[str]:
    """Run a job in another process and SIGKILL it once three of its trials are written; the files then."""
    code = textwrap.dedent(f"""
        import automl
        job = automl.classification(training_data={str(CREDIT)!r}, target_column_name="class", name={name!r},
                                    **{QUICK!r})
        job.set_limits(max_trials=8, timeout_minutes=3, max_concurrent_trials=2)
        job.set_training(allowed_training_algorithms={FAST!r})
        job.submit(show_progress=False)
    """)
    env = dict(os.environ, AUTOML_OUTPUTS_DIR=str(outputs), AUTOML_TRACKING="off")
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
    trials = outputs / name / "state" / "trials"
    deadline = time.monotonic() + 120
    while len(list(trials.glob("*.pkl"))) < 3:
        assert process.poll() is None, f"the job ended before it was killed: {process.stderr.read()[-2000:]}"
        assert time.monotonic() < deadline, "no third trial within 120 s"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return sorted(p.name for p in trials.glob("*.pkl"))


def _resume_when_told(name: str, outputs: Path, go: Path) -> subprocess.Popen:
    """Another process that imports automl, says so (``go`` with ``.ready``), waits for ``go`` to exist, then
    resumes job ``name``."""
    code = textwrap.dedent(f"""
        import pathlib, time, automl
        pathlib.Path({str(go) + ".ready"!r}).touch()
        while not pathlib.Path({str(go)!r}).exists():
            time.sleep(0.01)
        automl.resume({name!r}, show_progress=False)
    """)
    env = dict(os.environ, AUTOML_OUTPUTS_DIR=str(outputs), AUTOML_TRACKING="off")
    return subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)


def test_a_killed_job_resumes_without_training_its_finished_trials_again(tmp_path, monkeypatch, started):
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path))
    kept = _kill_after_three_trials("killed", tmp_path)
    assert len(kept) >= 3
    saved = load_saved_job("killed")
    assert saved.status == "Running" and saved.position.spent_seconds > 0
    go = tmp_path / "go"
    other = _resume_when_told("killed", tmp_path, go)
    while not Path(f"{go}.ready").exists():  # imported: it will try the moment it is told
        assert other.poll() is None, other.stderr.read()
        time.sleep(0.01)

    resuming = JobRunner(lambda: automl.resume("killed", show_progress=False))
    lock = tmp_path / "killed" / "state" / "job.lock"
    while not (lock.exists() and f'"pid": {os.getpid()}' in lock.read_text()):
        assert resuming.is_alive(), "the resume ended before it took the job's lock"
        time.sleep(0.01)
    go.touch()  # a second process resumes the job while this one runs it: refused
    assert other.wait(timeout=120) != 0 and f"is running in process {os.getpid()}" in other.stderr.read()
    result = resuming.result()

    assert result.status == "Completed", result.stop_reason
    assert len(result.trials) == 8, "max_trials counts both sessions, ensembles included"
    by_name = {t.name: t for t in result.trials}
    for old in saved.trials:  # kept as they were: same score, same start, same duration
        new = by_name[old.name]
        assert (new.score, new.started_at, new.duration_seconds) == (old.score, old.started_at, old.duration_seconds)
    assert not set(started.names) & {t.name for t in saved.trials}, "a finished trial was trained again"
    assert len(started.names) == 8 - 2 - len(saved.trials), "the ensembles aside, only the missing trials ran"
    assert {r["iteration"] for r in saved.pending} <= {int(n.rsplit("_", 1)[1]) for n in started.names}
    assert [s["kind"] for s in result.sessions] == ["submit", "resume"]
    assert result.duration_seconds >= saved.position.spent_seconds, "the time limit counts both sessions"
    rows = pd.read_csv(CREDIT).drop(columns="class").head(20)
    assert len(result.best_model.predict(rows)) == 20
    with pytest.raises(ConfigError, match="completed .*nothing to resume.*automl.extend"):
        automl.resume("killed", show_progress=False)


class JobRunner(threading.Thread):
    """``target()`` on a thread; ``result()`` joins it and returns its value or raises its error."""

    def __init__(self, target) -> None:
        super().__init__(daemon=True)
        self._target_call, self._value, self._error = target, None, None
        self.start()

    def run(self) -> None:
        try:
            self._value = self._target_call()
        except BaseException as exc:  # handed to result()
            self._error = exc

    def result(self):
        self.join(300)
        if self._error is not None:
            raise self._error
        return self._value


def test_extend_adds_trials_and_rebuilds_the_ensembles(tmp_path, monkeypatch, started):
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path))
    first = _credit_job("extended").submit(show_progress=False)
    before = load_saved_job("extended").next_iteration

    result = automl.extend("extended", max_trials=3, timeout_minutes=2, show_progress=False)

    assert len(result.trials) == len(first.trials) + 3
    new = {t.iteration for t in result.trials if t.ensemble is None and t.iteration >= before}
    assert len(new) == 3 and len(started.names) == 3
    ensembles = [t for t in result.trials if t.ensemble is not None]
    assert ensembles and all(t.iteration >= before + 3 for t in ensembles), "the ensembles are built again"
    assert any(set(t.params["ensembled_iterations"]) & new for t in ensembles), "no ensemble took a new trial"
    assert result.previous_best["name"] == first.best_trial.name
    assert result.improved == (result.best_trial.score > first.best_trial.score)
    damaged = tmp_path / "extended" / "state" / "trials" / "00000.pkl"
    damaged.write_bytes(damaged.read_bytes()[:50])
    with pytest.warns(UserWarning, match=r"half written; dropped 00000\.pkl .*those dropped are trained again"):
        assert 0 not in {t.iteration for t in load_saved_job("extended").trials}


def test_a_changed_data_file_is_refused(tmp_path, monkeypatch, started):
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path))
    frame, path = pd.read_csv(CREDIT).head(300), tmp_path / "credit.csv"
    frame.to_csv(path, index=False)
    _credit_job("changed", data=str(path), max_trials=3).submit(show_progress=False)
    frame.loc[3, "age"] += 1
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"data of job 'changed' changed since its first session \(training_data "
                                        r".*credit\.csv"):
        automl.extend("changed", max_trials=1, show_progress=False)
    assert started.names == [], "the refusal comes before any trial"


def test_bad_cases_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="unknown job 'nobody'.*no job has a state folder there"):
        automl.resume("nobody")
    with pytest.raises(ConfigError, match="is not a job name"):
        automl.resume("../elsewhere")
    state = tmp_path / "interrupted" / "state"
    state.mkdir(parents=True)
    (state / "manifest.json").write_text('{"format": 1, "automl_version": "%s", "status": "Running"}'
                                         % automl.__version__)
    with pytest.raises(ConfigError, match="settings of the job .* cannot be read"):
        automl.resume("interrupted")


def test_a_canceled_forecasting_job_resumes(tmp_path, monkeypatch, started):
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path))
    job = automl.forecasting(training_data=DATA / "airline_passengers.csv", target_column_name="Passengers",
                             name="air", enable_model_explainability=False,
                             forecasting_settings={"time_column_name": "Month", "forecast_horizon": 12})
    job.set_limits(max_trials=5, timeout_minutes=2, max_concurrent_trials=1)
    job.set_training(allowed_training_algorithms=["SeasonalNaive", "Naive", "ExponentialSmoothing", "LightGBM"])
    run = job.submit(show_progress=False, wait=False)
    while len(run.finished_trials) < 2 and not run.done():
        time.sleep(0.05)
    run.cancel()
    canceled = run.result()
    assert canceled.status == "Canceled"
    kept = {t.name: t.score for t in canceled.trials if t.succeeded}

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a whole folder: nothing dropped, no warning
        result = automl.resume("air", show_progress=False)

    assert result.status == "Completed" and len(result.trials) == 5
    assert {t.name: t.score for t in result.trials if t.name in kept} == kept
    assert not set(started.names) & set(kept)


def test_a_job_whose_state_cannot_be_written_still_runs(tmp_path, caplog):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    job = _credit_job("unwritable", data=pd.read_csv(CREDIT).head(200), max_trials=1)
    job.output_dir = blocker / "job"
    result = job.submit(show_progress=False)
    assert result.status == "Completed" and len(result.trials) == 1
    assert "cannot be resumed" in caplog.text
