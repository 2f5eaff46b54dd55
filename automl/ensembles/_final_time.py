"""An ensemble within the time left: members whose final models would not let the ensemble's fit it are
left out, and the ensemble trial names them (``params[LEFT_OUT_TO_FIT_TIME]``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from automl.core import TrialResult
from automl.ensembles._selection import within_time

__all__ = ["LEFT_OUT_TO_FIT_TIME", "FinalModelTime", "within_final_time"]

#: An ensemble trial's parameter: the iterations :func:`within_final_time` left out of it.
LEFT_OUT_TO_FIT_TIME = "left_out_to_fit_time"


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
