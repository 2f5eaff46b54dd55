"""The final model's refit (``automl.engine._final_model.refit_best``) on a task of stubs: what a refit left
behind at the job's limit may still touch."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from types import SimpleNamespace

from automl.core import COMPLETED, TrialResult
from automl.engine._final_model import refit_best


@dataclass
class _Prepared:
    final_model_reason: str = "refit on all training rows"


class _TaskWhoseRefitIsLate:
    """Its refit returns only when ``release`` is set, then writes what it cut to its prepared data, as the
    tabular bag does for folds that were not fitted."""

    def __init__(self):
        self.release, self.wrote = threading.Event(), threading.Event()

    def rank(self, trials, metric):
        return list(trials)

    def choose_final(self, ranked, prepared, metric):
        return ranked, ""

    def lighter_final_model(self, prepared):
        return None

    def final_fit_seconds(self, members, prepared):
        return 0.1

    def final_model_bytes(self, members, prepared):
        return 0

    def refit(self, trial, prepared, *, deadline=None, notes=None):
        self.release.wait(30)
        prepared.final_model_reason += "; the model(s) of fold(s) 2 left out: not fitted by the job's limit"
        self.wrote.set()
        return object()


def test_a_refit_left_behind_at_the_limit_never_writes_to_the_jobs_prepared_data():
    task, prepared = _TaskWhoseRefitIsLate(), _Prepared()
    trial = TrialResult(0, "job_0", "LightGBM", "MaxAbsScaler", {}, COMPLETED, score=0.9, duration_seconds=0.1)
    job = SimpleNamespace(name="job", primary_metric="AUC_weighted")
    notes: list[str] = []
    model, best, returned, _ = refit_best(job, task, [trial], prepared, 0.3, notes)
    assert model is None and best is None and returned is prepared
    assert notes[-1].startswith("no final model from job_0")
    task.release.set()  # the refit left behind goes on, and writes what it cut
    assert task.wrote.wait(10)
    assert prepared.final_model_reason == "refit on all training rows"
