"""Classification and regression (:class:`ClassificationTask`, :class:`RegressionTask`).

The setup step (:func:`prepare`: load, check, split, featurize each fold once, guardrails),
trials on the featurized folds, the VotingEnsemble and StackEnsemble trials, the refit
behind the fitted featurization, test scoring and explanations of a tabular job.
"""
from automl.tasks.tabular._ensemble_trials import build_ensemble_trials
from automl.tasks.tabular._prepare import FoldData, TabularData, load_frames, prepare
from automl.tasks.tabular._refit import refit_factor, refit_seconds, refit_steps, refit_trial
from automl.tasks.tabular._tabular_tasks import (
    CLASSIFICATION_TASK,
    REGRESSION_TASK,
    ClassificationTask,
    RegressionTask,
    TabularTask,
)
from automl.tasks.tabular._trial import evaluate_trial
from automl.tasks.tabular._validation_plan import Fold, ValidationPlan, plan_validation, split_test

__all__ = [
    "CLASSIFICATION_TASK", "ClassificationTask", "Fold", "FoldData", "REGRESSION_TASK", "RegressionTask",
    "TabularData", "TabularTask", "ValidationPlan", "build_ensemble_trials", "evaluate_trial", "load_frames",
    "plan_validation", "prepare", "refit_factor", "refit_seconds", "refit_steps", "refit_trial", "split_test",
]
