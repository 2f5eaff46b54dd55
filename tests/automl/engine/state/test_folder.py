"""The state folder: trials written atomically, read back; damaged and foreign folders."""
from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from automl.core import COMPLETED, TrialResult
from automl.engine.state import JobStateFolder, SearchPosition
from automl.errors import ConfigError


class _Job:
    """The few attributes the folder reads of a job (a real job pickles the same way)."""

    name, task = "job", "classification"


def _trial(iteration: int) -> TrialResult:
    return TrialResult(iteration, f"job_{iteration}", "LightGBM", "MaxAbsScaler", {"num_leaves": 7 + iteration},
                       COMPLETED, score=0.5 + iteration / 10, valid_predictions=np.full((4, 2), iteration, np.float32),
                       valid_rows=np.arange(4))


@pytest.fixture
def folder(tmp_path) -> JobStateFolder:
    state = JobStateFolder(tmp_path / "state")
    state.start(_Job(), "fingerprint")
    for i in range(3):
        state.save_trial(_trial(i), SearchPosition(consumed=i + 1, running=[], spent_seconds=float(i)))
    return state


def test_trials_and_position_read_back(folder):
    saved = folder.load()
    assert [t.iteration for t in saved.trials] == [0, 1, 2]
    assert saved.trials[2].params == {"num_leaves": 9} and saved.trials[2].score == pytest.approx(0.7)
    assert np.array_equal(saved.trials[1].valid_predictions, np.full((4, 2), 1, np.float32))
    assert saved.position.consumed == 3 and saved.position.spent_seconds == 2.0
    assert saved.status == "Running" and saved.fingerprint == "fingerprint" and saved.next_iteration == 3
    assert not list(folder.folder.rglob("*.tmp")), "a write left its temporary file"


def test_running_trials_are_pending_until_their_file_is_written(folder):
    folder.save_position(SearchPosition(consumed=5, running=[{"iteration": 3, "algorithm": "LightGBM", "params": {}},
                                                             {"iteration": 4, "algorithm": "XGBoostClassifier",
                                                              "params": {"max_depth": 3}}]))
    saved = folder.load()
    assert [r["iteration"] for r in saved.pending] == [3, 4] and saved.next_iteration == 5
    # Killed between a trial's file and the position: the trial is finished, not pending.
    (folder.trials_folder / "00003.pkl").write_bytes(pickle.dumps(_trial(3)))
    assert [r["iteration"] for r in folder.load().pending] == [4]


def test_half_written_trials_are_dropped_and_named(folder):
    path = folder.trials_folder / "00002.pkl"
    path.write_bytes(path.read_bytes()[:40])  # a write cut short, as a copy or a full disk leaves it
    (folder.trials_folder / ".00003.pkl.999.tmp").write_bytes(b"\x80")
    saved = folder.load()
    assert [t.iteration for t in saved.trials] == [0, 1]
    assert any("00002.pkl" in d for d in saved.dropped) and any("unfinished write" in d for d in saved.dropped)


def test_a_folder_of_another_version_is_refused(folder):
    manifest = json.loads((folder.folder / "manifest.json").read_text())
    manifest["automl_version"] = "0.0.1"
    (folder.folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ConfigError, match=r"written by automl-studio 0\.0\.1.*Resume it with the version"):
        folder.load()


def test_a_new_job_of_the_same_name_replaces_the_old_state(folder):
    folder.start(_Job(), "other")
    saved = folder.load()
    assert saved.trials == [] and saved.fingerprint == "other" and len(saved.sessions) == 1


def test_finish_records_status_and_next_iteration(folder):
    folder.finish("Completed", "max_trials (5) reached", 5, _trial(2))
    saved = folder.load()
    assert saved.status == "Completed" and saved.next_iteration == 5
    assert saved.manifest["best"] == {"name": "job_2", "score": pytest.approx(0.7)}
    assert saved.sessions[0]["ended_at"] >= saved.sessions[0]["started_at"]


def test_a_failing_write_turns_the_writing_off_and_never_raises(tmp_path, caplog):
    state = JobStateFolder(tmp_path / "state")
    job = _Job()
    job.unpicklable = lambda: None  # a setting pickle refuses
    state.start(job, "fingerprint")
    assert not state.enabled and "cannot be resumed" in caplog.text
    state.save_trial(_trial(0), SearchPosition())  # turned off: nothing written, nothing raised
    assert not list(tmp_path.rglob("*.pkl")) and not list(tmp_path.rglob("*.tmp"))
