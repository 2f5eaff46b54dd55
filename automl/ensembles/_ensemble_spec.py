"""What an ensemble trial keeps for its refit (``TrialResult.ensemble``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from automl.core import TrialResult

VOTING, STACK = "VotingEnsemble", "StackEnsemble"


def member_name(trial: TrialResult) -> str:
    """The name of a member inside the ensemble estimator: ``"LightGBM_0"``."""
    return f"{trial.algorithm}_{trial.iteration}"


@dataclass
class VotingEnsembleSpec:
    """A VotingEnsemble: its members and their weights.

    Attributes
    ----------
    members : list of TrialResult
        The selected trials, best single score first, each once.
    weights : ndarray
        Selection counts over their total; sums to one.
    """

    members: list[TrialResult]
    weights: np.ndarray
    kind: str = field(default=VOTING, init=False)


@dataclass
class StackEnsembleSpec:
    """A StackEnsemble: its members and its meta learner.

    Attributes
    ----------
    members : list of TrialResult
        Layer 1: the VotingEnsemble's members.
    meta_learner_type : str
        Azure's ``StackMetaLearnerType`` name of the meta learner.
    meta_learner_kwargs : dict
        ``stack_meta_learner_kwargs`` applied to it.
    meta_learner : estimator
        Fitted on the members' validation predictions of ``rows`` (all of them).
    rows : ndarray
        Pool rows the meta learner was fit on.
    train_percentage : float or None
        Share of the holdout each cross-fitted meta learner was fit on when
        scoring (None under cross-validation).
    """

    members: list[TrialResult]
    meta_learner_type: str
    meta_learner_kwargs: dict[str, Any]
    meta_learner: Any
    rows: np.ndarray
    train_percentage: float | None = None
    kind: str = field(default=STACK, init=False)
