"""Refitting an ensemble trial: members refit on all training rows, assembled behind the featurization."""
from __future__ import annotations

from typing import Any, Callable

from sklearn.pipeline import Pipeline

from automl._setup import PreparedData
from automl.ensembles._spec import StackEnsembleSpec, VotingEnsembleSpec, member_name
from automl.ensembles._stack import make_stack_ensemble
from automl.ensembles._voting import make_voting_ensemble
from automl.trials import TrialResult


def refit_ensemble(trial: TrialResult, prepared: PreparedData,
                   refit_member: Callable[[TrialResult], Any]) -> Pipeline:
    """The model of an ensemble trial, refit on all training data, taking raw rows.

    Parameters
    ----------
    trial : TrialResult
        A VotingEnsemble or StackEnsemble trial from :func:`build_ensemble_trials`.
    prepared : PreparedData
        The job's prepared data: ``refit_transformer``, ``classes``, ``task``.
    refit_member : callable
        ``refit_member(member_trial)`` returns that member's fitted
        ``Pipeline([("preprocessor", ...), ("estimator", ...)])`` trained on all
        featurized training rows.

    Returns
    -------
    Pipeline
        ``Pipeline([("datatransformer", prepared.refit_transformer), ("ensemble", model)])``
        where ``model`` is a fitted ``VotingClassifier`` (soft) / ``VotingRegressor``
        or a :class:`StackEnsembleClassifier` / :class:`StackEnsembleRegressor`.

    Raises
    ------
    ValueError
        When a refit member does not know exactly the job's classes.
    """
    spec = trial.ensemble
    members = [(member_name(m), refit_member(m)) for m in spec.members]
    if isinstance(spec, VotingEnsembleSpec):
        model = make_voting_ensemble(members, spec.weights, task=prepared.task, classes=prepared.classes)
    elif isinstance(spec, StackEnsembleSpec):
        model = make_stack_ensemble(members, spec.meta_learner, task=prepared.task, classes=prepared.classes)
    else:
        raise TypeError(f"trial {trial.name!r} holds no ensemble this version can refit: {type(spec).__name__}.")
    return Pipeline([("datatransformer", prepared.refit_transformer), ("ensemble", model)])
