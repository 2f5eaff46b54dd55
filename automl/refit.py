"""Refitting trials on all training data, behind the fitted featurization."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sklearn.pipeline import Pipeline

from automl._setup import PreparedData
from automl.algorithms import registry_for_task
from automl.trials import TrialResult, TrialSpec, build_model, fit_model


def refit_steps(trial: TrialResult, prepared: PreparedData, n_jobs: int = 1) -> Pipeline:
    """``trial``'s scaler and estimator fitted on all featurized training rows."""
    algorithm = registry_for_task(prepared.task)[trial.algorithm]
    spec = TrialSpec(trial.iteration, trial.name, algorithm, trial.params)
    X, y, w = prepared.refit_arrays()
    return fit_model(build_model(spec, n_jobs), spec, X, y, w)


def refit_members(members: list[TrialResult], prepared: PreparedData, n_jobs: int = 1,
                  workers: int = 1) -> list[Pipeline]:
    """:func:`refit_steps` of every member, ``workers`` at a time on threads.

    The learners fit in native code that releases the GIL, so threads use the
    cores without copying the data; each member gets ``n_jobs // workers`` threads.
    """
    workers = max(1, min(workers, len(members)))
    per_member = max(1, n_jobs // workers)
    if workers == 1:
        return [refit_steps(m, prepared, per_member) for m in members]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="automl-refit") as pool:
        return list(pool.map(lambda m: refit_steps(m, prepared, per_member), members))


def refit_trial(trial: TrialResult, prepared: PreparedData, n_jobs: int = 1,
                workers: int = 1) -> Pipeline:
    """The model of ``trial`` refit on all training data: one Pipeline taking raw rows.

    Its first step is the fitted ``datatransformer``; ensembles are refit by
    :mod:`automl.ensembles` from their members' refit steps, ``workers`` members
    at a time (:func:`refit_members`).
    """
    if trial.ensemble is not None:
        from automl.ensembles import refit_ensemble

        members = trial.ensemble.members
        fitted = dict(zip(map(id, members), refit_members(members, prepared, n_jobs, workers)))
        return refit_ensemble(trial, prepared, lambda member: fitted[id(member)])
    model = refit_steps(trial, prepared, n_jobs)
    return Pipeline([("datatransformer", prepared.refit_transformer), *model.steps])
