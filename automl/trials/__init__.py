"""Trials: what to train next, how to train and score it, and when to stop."""
from automl.trials._evaluate import build_model, evaluate_trial, fit_model, predict_scores
from automl.trials._proposer import TrialProposer
from automl.trials._stopping import StopRules
from automl.trials._trial import CANCELED, COMPLETED, FAILED, TrialData, TrialResult, TrialSpec

__all__ = [
    "TrialData", "TrialSpec", "TrialResult", "COMPLETED", "FAILED", "CANCELED", "StopRules",
    "TrialProposer",
    "build_model", "evaluate_trial", "fit_model", "predict_scores",
]
