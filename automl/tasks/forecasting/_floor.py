"""The floor of a forecasting job: a forecaster is returned only when it beats SeasonalNaive.

Rolling-origin validation scores a trial on a few windows; a regression learner on lag features, a
vote weighted on those same windows, or a classical model with many parameters (an ARIMA order
chosen on the same history) can look better there than repeating the last season and still forecast
worse. So the best trial by validation score is returned only when it beats the SeasonalNaive trial
by more than the noise: the mean of the paired differences of the primary metric over the validation
windows (over the series of the one window, when there is one) must exceed their standard error.
Otherwise the best classical model that does is returned, else SeasonalNaive itself, and the result
says why. (A classical best that cannot be compared with SeasonalNaive on any window stands.)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from automl.algorithms import AlgorithmRegistry
from automl.core import TrialResult
from automl.metrics import Metric
from automl.tasks.forecasting._trial import ForecastTrialData

__all__ = ["FLOOR", "FloorCheck", "floor_check", "with_floor"]

#: The baseline a learned forecaster must beat.
FLOOR = "SeasonalNaive"


@dataclass(frozen=True)
class FloorCheck:
    """The paired comparison of a trial with the floor on the validation windows.

    ``gain`` is the mean improvement of the primary metric over the floor (positive: the trial is
    better), ``spread`` its standard error over ``units`` paired windows (0 for one window).
    """

    gain: float
    spread: float
    units: int
    unit: str

    @property
    def beats_floor(self) -> bool:
        """Whether the gain exceeds the noise (and is positive when there is no noise estimate)."""
        return bool(np.isfinite(self.gain) and self.gain > max(self.spread, 0.0))


def _units(data: ForecastTrialData, rows: np.ndarray) -> tuple[list[np.ndarray], str]:
    """Positions in ``rows`` of each paired unit: a validation window; the series of the window when
    there is one window."""
    folds = data.instance_fold[rows]
    if len(np.unique(folds)) > 1:
        return [np.flatnonzero(folds == k) for k in np.unique(folds)], "validation windows"
    series = data.instance_series[rows]
    return [np.flatnonzero(series == s) for s in np.unique(series)], "series of the validation window"


def floor_check(trial: TrialResult, floor: TrialResult, data: ForecastTrialData, metric: Metric) -> FloorCheck:
    """``trial`` against ``floor`` on the validation instances both forecast, unit by unit."""
    if trial.valid_predictions is None or floor.valid_predictions is None:
        return FloorCheck(float("nan"), float("nan"), 0, "validation windows")
    rows, in_trial, in_floor = np.intersect1d(trial.valid_rows, floor.valid_rows, return_indices=True)
    ours = np.asarray(trial.valid_predictions, dtype=float)[in_trial]
    theirs = np.asarray(floor.valid_predictions, dtype=float)[in_floor]
    units, unit = _units(data, rows)
    sign = 1.0 if metric.greater_is_better else -1.0
    gains = np.array([sign * (data.score(ours[u], rows[u])[metric.name] - data.score(theirs[u], rows[u])[metric.name])
                      for u in units])
    gains = gains[np.isfinite(gains)]
    if len(gains) == 0:
        return FloorCheck(float("nan"), float("nan"), 0, unit)
    spread = float(np.std(gains, ddof=1) / np.sqrt(len(gains))) if len(gains) > 1 else 0.0
    return FloorCheck(float(np.mean(gains)), spread, len(gains), unit)


def _classical(trial: TrialResult, algorithms: AlgorithmRegistry) -> bool:
    if trial.ensemble is not None or trial.algorithm not in algorithms.names():
        return False
    return bool(getattr(algorithms[trial.algorithm], "classical", False))


def _stands(check: FloorCheck, classical: bool) -> bool:
    """Whether a trial with this ``check`` against the floor may be returned: it beats the floor by more
    than the noise, or it is a classical model that cannot be compared with it on any window."""
    return check.beats_floor or (classical and not check.units)


def with_floor(ranked: list[TrialResult], data: ForecastTrialData, metric: Metric,
               algorithms: AlgorithmRegistry) -> tuple[list[TrialResult], str]:
    """``ranked`` (best first) with another trial first when the best one does not beat the :data:`FLOOR`
    trial by more than the noise: the best classical trial that does, else the floor trial; and why, in
    one sentence ("" when the order stands, or when no floor trial succeeded)."""
    floor = next((t for t in ranked if t.ensemble is None and t.algorithm == FLOOR), None)
    if floor is None or ranked[0] is floor:
        return ranked, ""
    top = ranked[0]
    check = floor_check(top, floor, data, metric)
    if _stands(check, _classical(top, algorithms)):
        return ranked, ""
    chosen = next(t for t in ranked if _classical(t, algorithms)
                  and (t is floor or _stands(floor_check(t, floor, data, metric), True)))
    if not check.units:
        measured = f"could not be compared with {FLOOR} on any validation window"
    else:
        measured = (f"{'beat' if check.gain > 0 else 'did not beat'} {FLOOR} by {check.gain:.4g} {metric.name} on "
                    f"average over {check.units} {check.unit}, and the standard error of the paired differences "
                    f"is {check.spread:.4g}")
    reason = (f"{chosen.name} ({chosen.display_name}) was returned instead of the best trial {top.name} "
              f"({top.display_name}), which {measured}: a forecaster is returned only when it beats "
              f"{FLOOR} on validation by more than the noise")
    return [chosen, *(t for t in ranked if t is not chosen)], reason
