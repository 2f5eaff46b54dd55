"""Ensembles: VotingEnsemble (Caruana ensemble selection) and StackEnsemble, as in Azure AutoML.

The model side: :func:`caruana_selection` (the selection algorithm, on plain arrays), the
fitted estimators :func:`make_voting_ensemble` and :func:`make_stack_ensemble` assemble
from refit members, and the StackEnsemble meta learners (Azure's ``StackMetaLearnerType``).
The ensemble *trials* of a job are built by its task (:mod:`automl.tasks`), which records
what an ensemble needs for its refit in a :class:`VotingEnsembleSpec` or
:class:`StackEnsembleSpec`.

>>> import numpy as np
>>> from automl.ensembles import caruana_selection
>>> y = np.array([0.0, 1.0, 2.0, 3.0])
>>> mse = lambda t, p: float(np.mean((t - p) ** 2))
>>> caruana_selection([y - 1.0, y + 1.0], y, mse, greater_is_better=False, rounds=2).tolist()
[1, 1]
"""
from automl.ensembles._meta import (
    CLASSIFICATION_META_LEARNERS,
    CV_METHODS,
    META_LEARNERS,
    REGRESSION_META_LEARNERS,
    cross_fit,
    fit_meta,
    fit_meta_within,
    fold_splits,
    holdout_splits,
    make_meta_learner,
    predict_meta,
    resolve_meta_learner,
    tuned_plain,
)
from automl.ensembles._selection import (
    MAX_ENSEMBLE_BYTES,
    MAXIMUM_DEFAULT_ENSEMBLE_SELECTION_ITERATIONS,
    MAXIMUM_MODELS_FOR_SELECTION,
    MAXIMUM_PIPELINES_IN_GREEDY_PHASE,
    SELECTION_GREEDY_SCORE_THRESHOLD,
    affordable_candidates,
    caruana_selection,
    default_initial_size,
    default_rounds,
    within_time,
)
from automl.ensembles._ensemble_spec import STACK, VOTING, StackEnsembleSpec, VotingEnsembleSpec, member_name
from automl.ensembles._final_time import LEFT_OUT_TO_FIT_TIME, FinalModelTime, within_final_time
from automl.ensembles._stack import (
    StackEnsembleClassifier,
    StackEnsembleRegressor,
    align_proba,
    make_stack_ensemble,
    meta_features,
)
from automl.ensembles._voting import make_voting_ensemble, weighted_average

__all__ = [
    "CLASSIFICATION_META_LEARNERS", "CV_METHODS", "FinalModelTime", "LEFT_OUT_TO_FIT_TIME", "MAX_ENSEMBLE_BYTES",
    "MAXIMUM_DEFAULT_ENSEMBLE_SELECTION_ITERATIONS", "MAXIMUM_MODELS_FOR_SELECTION",
    "MAXIMUM_PIPELINES_IN_GREEDY_PHASE", "META_LEARNERS", "REGRESSION_META_LEARNERS",
    "SELECTION_GREEDY_SCORE_THRESHOLD", "STACK", "StackEnsembleClassifier", "StackEnsembleRegressor",
    "StackEnsembleSpec", "VOTING", "VotingEnsembleSpec", "affordable_candidates", "align_proba",
    "caruana_selection", "cross_fit",
    "default_initial_size", "default_rounds", "fit_meta", "fit_meta_within", "fold_splits", "holdout_splits",
    "make_meta_learner",
    "make_stack_ensemble", "make_voting_ensemble", "member_name", "meta_features", "predict_meta",
    "resolve_meta_learner", "tuned_plain", "weighted_average", "within_final_time", "within_time",
]
