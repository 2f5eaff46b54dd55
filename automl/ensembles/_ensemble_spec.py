"""What an ensemble trial keeps for its refit (``TrialResult.ensemble``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from automl.core import TrialResult
from automl.ensembles._selection import within_time

VOTING, STACK = "VotingEnsemble", "StackEnsemble"


def member_name(trial: TrialResult) -> str:
    """The name of a member inside the ensemble estimator: ``"LightGBM_0"``."""
    return f"{trial.algorithm}_{trial.iteration}"


@dataclass(frozen=True)
class FinalModelTime:
    """The time an ensemble's final model may take.

    Attributes
    ----------
    seconds : callable
        ``seconds(members)``: what the final model of an ensemble of ``members`` should take to train and
        log (one member: its own final model).
    seconds_left : float
        What is left for it before the job's limit.
    """

    seconds: Callable[[list[TrialResult]], float]
    seconds_left: float


def within_final_time(counts: np.ndarray, members: list[TrialResult],
                      final_time: FinalModelTime | None) -> tuple[np.ndarray, list[int]]:
    """Selection ``counts`` of ``members`` without those (the most seconds of their own final model per
    selection first, :func:`within_time`) that keep the ensemble's final model from fitting
    ``final_time.seconds_left``, and the iterations left out."""
    if final_time is None:
        return counts, []
    seconds = [final_time.seconds([m]) if c > 0 else 0.0 for m, c in zip(members, counts)]
    kept = within_time(counts, seconds,
                       lambda chosen: final_time.seconds([members[i] for i in chosen]) <= final_time.seconds_left)
    return kept, [members[i].iteration for i in np.flatnonzero((np.asarray(counts) > 0) & (kept == 0))]


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
