"""Refitting trials on all training data, behind the fitted featurization."""
from __future__ import annotations

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


def refit_trial(trial: TrialResult, prepared: PreparedData, n_jobs: int = 1) -> Pipeline:
    """The model of ``trial`` refit on all training data: one Pipeline taking raw rows.

    Its first step is the fitted ``datatransformer``; ensembles are refit by
    :mod:`automl.ensembles` from their members' refit steps.
    """
    if trial.ensemble is not None:
        from automl.ensembles import refit_ensemble

        return refit_ensemble(trial, prepared, lambda member: refit_steps(member, prepared, n_jobs))
    model = refit_steps(trial, prepared, n_jobs)
    return Pipeline([("datatransformer", prepared.refit_transformer), *model.steps])
