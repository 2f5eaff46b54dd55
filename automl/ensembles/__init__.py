"""Ensembles: VotingEnsemble (Caruana ensemble selection) and StackEnsemble, as in Azure AutoML.

They run as a job's last trials, built from the other trials' validation
predictions (:func:`build_ensemble_trials`); the best one is refit on all
training data by :func:`refit_ensemble`. :func:`caruana_selection` is the
selection algorithm alone, on plain arrays.

>>> import numpy as np
>>> from automl.ensembles import caruana_selection
>>> y = np.array([0.0, 1.0, 2.0, 3.0])
>>> mse = lambda t, p: float(np.mean((t - p) ** 2))
>>> caruana_selection([y - 1.0, y + 1.0], y, mse, greater_is_better=False, rounds=2).tolist()
[1, 1]
"""
from automl.ensembles._build import build_ensemble_trials, planned_ensembles
from automl.ensembles._meta import META_LEARNERS, make_meta_learner, resolve_meta_learner
from automl.ensembles._refit import refit_ensemble
from automl.ensembles._selection import (
    MAXIMUM_DEFAULT_ENSEMBLE_SELECTION_ITERATIONS,
    MAXIMUM_MODELS_FOR_SELECTION,
    MAXIMUM_PIPELINES_IN_GREEDY_PHASE,
    SELECTION_GREEDY_SCORE_THRESHOLD,
    caruana_selection,
    default_initial_size,
    default_rounds,
)
from automl.ensembles._spec import STACK, VOTING, StackEnsembleSpec, VotingEnsembleSpec
from automl.ensembles._stack import StackEnsembleClassifier, StackEnsembleRegressor, meta_features
from automl.ensembles._voting import make_voting_ensemble, weighted_average

__all__ = [
    "build_ensemble_trials", "refit_ensemble", "planned_ensembles", "caruana_selection",
    "default_rounds", "default_initial_size", "make_voting_ensemble", "weighted_average",
    "StackEnsembleClassifier", "StackEnsembleRegressor", "meta_features", "META_LEARNERS",
    "resolve_meta_learner", "make_meta_learner", "VotingEnsembleSpec", "StackEnsembleSpec",
    "VOTING", "STACK", "MAXIMUM_MODELS_FOR_SELECTION", "MAXIMUM_DEFAULT_ENSEMBLE_SELECTION_ITERATIONS",
    "MAXIMUM_PIPELINES_IN_GREEDY_PHASE", "SELECTION_GREEDY_SCORE_THRESHOLD",
]
