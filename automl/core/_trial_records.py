"""What a trial is (:class:`TrialSpec`), what it reads (:class:`TrialData`) and what it produced
(:class:`TrialResult`): the records every layer shares."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from automl.algorithms import Algorithm

COMPLETED, FAILED, CANCELED = "Completed", "Failed", "Canceled"


@dataclass
class TrialData:
    """The featurized folds and what scoring needs: all a trial reads.

    Built once per job by the setup step and shared with trial processes
    (memory-mapped), never copied per trial.
    """

    task: str                            # the name of its task: trial processes look the task up by it
    folds: list
    n_pool: int
    classes: np.ndarray | None = None
    positive_label: Any = None
    y_min: float | None = None
    y_max: float | None = None


@dataclass(frozen=True)
class TrialSpec:
    """One algorithm with one configuration, to be trained and scored.

    ``name`` follows Azure: ``<job>_<iteration>``, iterations counted from 0. ``max_seconds``
    is the trial's time allowance, set by the scheduler when it starts the trial: a learner
    that grows member by member (forests) fits as many members as it holds. With
    ``stop_when_slow`` (set once the job has a scored trial), a learner that cannot grow is
    stopped after its first fold when its folds would take far longer than the allowance.
    """

    iteration: int
    name: str
    algorithm: Algorithm
    params: dict[str, Any] = field(default_factory=dict)
    max_seconds: float | None = None
    stop_when_slow: bool = False

    @property
    def display_name(self) -> str:
        """``"MaxAbsScaler LightGBM"``."""
        return self.algorithm.display_name


@dataclass
class TrialResult:
    """The outcome of one trial.

    Attributes
    ----------
    metrics : dict
        Every metric of the task, averaged over folds.
    score : float
        The primary metric (NaN when the trial failed).
    valid_predictions : ndarray or None
        Validation predictions (out-of-fold under CV) of the pool rows
        ``valid_rows``, float32: class probabilities for classification (columns
        in the order of the prepared classes), values for regression. Kept for
        ensembles.
    ensemble : object or None
        For ensemble trials, what ``automl.ensembles`` needs to refit them.
    model_bytes : int
        Size of one fold's fitted model, pickled, or its trees' size as exported when that is larger
        (``automl.algorithms.fitted_model_bytes``; 0 when unknown): what logging and holding the
        refit model will cost, scaled by the rows.
    peak_memory_bytes : int
        Peak resident memory of the trial's process (0 when unknown).
    fit_seconds : float
        Seconds spent fitting, all folds (0 when not measured apart from ``duration_seconds``):
        where a trial's predictions cost more than its fits (forecasting predicts series by
        series), the refit is estimated from this.
    model : object or None
        The fitted model, for trials whose model is the final one (``training_mode="distributed"``:
        no refit); None when the final model is refit.
    """

    iteration: int
    name: str
    algorithm: str
    preprocessor: str
    params: dict[str, Any]
    status: str
    score: float = math.nan
    metrics: dict[str, float] = field(default_factory=dict)
    duration_seconds: float = 0.0
    started_at: float = 0.0
    error: str | None = None
    valid_predictions: np.ndarray | None = None
    valid_rows: np.ndarray | None = None
    ensemble: Any = None
    model_bytes: int = 0
    peak_memory_bytes: int = 0
    fit_seconds: float = 0.0
    model: Any = None

    @property
    def display_name(self) -> str:
        """``"MaxAbsScaler LightGBM"``; ensembles have no preprocessor: ``"VotingEnsemble"``."""
        return f"{self.preprocessor} {self.algorithm}".strip()

    @property
    def succeeded(self) -> bool:
        """Completed with a numeric score."""
        return self.status == COMPLETED and not math.isnan(self.score)
