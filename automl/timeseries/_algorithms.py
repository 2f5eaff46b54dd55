"""Forecasting algorithms (Azure's ``ForecastingModels``), declared once in :data:`FORECASTING`.

The classical models (``Naive`` ... ``Prophet``) have no scaler in front and are shown by
their name alone; every regression learner of :data:`REGRESSION` is also a forecaster
on engineered features (``MaxAbsScaler LightGBM``...).
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import partial
from typing import Any, Iterable

from automl.algorithms import REGRESSION, Algorithm, AlgorithmRegistry
from automl.errors import ConfigError
from automl.timeseries._classical import BaselineForecaster, ProphetForecaster, StatsForecaster
from automl.timeseries._regression_forecaster import RegressionForecaster

TASK = "forecasting"

__all__ = ["FORECASTING", "ForecastingAlgorithm", "ForecastingRegistry", "LAG_BLOCKED"]

#: Azure blocks these when target lags or rolling windows are on.
LAG_BLOCKED = ("AutoArima", "ExponentialSmoothing", "Prophet")


@dataclass(frozen=True)
class ForecastingAlgorithm(Algorithm):
    """A forecasting algorithm; ``requires`` names the module (and extra) it needs, if any."""

    classical: bool = False
    requires: tuple[str, str] | None = None

    @property
    def display_name(self) -> str:
        """The name alone for classical models, ``"<scaler> <learner>"`` otherwise."""
        return self.name if self.classical else super().display_name

    @property
    def available(self) -> bool:
        """Whether the module it needs is installed."""
        return self.requires is None or importlib.util.find_spec(self.requires[0].split(".")[0]) is not None


class ForecastingRegistry(AlgorithmRegistry):
    """The forecasting registry: classical models have no scaler (``preprocessor`` ``""``)."""

    def register(self, algorithm: Algorithm) -> Algorithm:
        """Add ``algorithm``; duplicates are refused."""
        if getattr(algorithm, "classical", False) and algorithm.preprocessor == "":
            if algorithm.name in self._algorithms:
                raise ValueError(f"Algorithm {algorithm.name!r} is already registered for {self.task}.")
            self._algorithms[algorithm.name] = algorithm
            return algorithm
        return super().register(algorithm)

    def select_for(self, allowed: Iterable[str] | None, blocked: Iterable[str] | None, *,
                   lags: bool) -> list[Algorithm]:
        """The algorithms a forecasting job trains: ``select``, minus those blocked by lags and
        those whose optional package is missing (an explicitly allowed one is an error)."""
        chosen = self.select(allowed, blocked)
        explicit = {self.resolve(n) for n in allowed} if allowed else set()
        for algorithm in chosen:
            if algorithm.name in explicit and not algorithm.available:
                module, extra = algorithm.requires
                raise ConfigError(f"{algorithm.name} needs the '{module}' package: pip install "
                                  f"'automl-studio[{extra}]', or remove it from allowed_training_algorithms.")
        kept = [a for a in chosen if a.available and not (lags and a.name in LAG_BLOCKED)]
        if not kept:
            raise ConfigError(
                "allowed_training_algorithms leave no forecasting algorithm to train: target lags and rolling "
                f"windows block {', '.join(LAG_BLOCKED)} (as in Azure). Allow another algorithm or turn "
                "target_lags / target_rolling_window_size off.")
        return kept


def _baseline(method: str, **_: Any) -> Any:
    return BaselineForecaster(method)


def _stats(kind: str, n_jobs: int = 1, **_: Any) -> Any:
    return StatsForecaster(kind, n_jobs)


def _prophet(**_: Any) -> Any:
    return ProphetForecaster()


def _learner(name: str, n_jobs: int = 1, **params: Any) -> Any:
    return RegressionForecaster(REGRESSION[name], params, n_jobs)


FORECASTING = ForecastingRegistry(TASK)

#: Classical models by priority; the regression learners take the odd slots from 3 on, so a small
#: budget sees the strongest of both kinds first. ``_threads``: the factory's parameter for the
#: processes that fit the series side by side (the statsmodels searches), or None.
for _priority, _name, _factory, _requires, _threads in (
    (0, "ExponentialSmoothing", partial(_stats, "ets"), None, "n_jobs"),
    (1, "AutoArima", partial(_stats, "arima"), None, "n_jobs"),
    (2, "SeasonalNaive", partial(_baseline, "SeasonalNaive"), None, None),
    (4, "Arimax", partial(_stats, "arimax"), None, "n_jobs"),
    (6, "Naive", partial(_baseline, "Naive"), None, None),
    (8, "SeasonalAverage", partial(_baseline, "SeasonalAverage"), None, None),
    (10, "Average", partial(_baseline, "Average"), None, None),
    (12, "Prophet", _prophet, ("prophet", "prophet"), None),
):
    FORECASTING.register(ForecastingAlgorithm(
        _name, TASK, _factory, "", priority=_priority, onnx_convertible=False, supports_sample_weight=False,
        classical=True, requires=_requires, thread_param=_threads))

for _algorithm in REGRESSION.by_priority():
    FORECASTING.register(ForecastingAlgorithm(
        _algorithm.name, TASK, partial(_learner, _algorithm.name), _algorithm.preprocessor,
        default_params=_algorithm.default_params, search_space=_algorithm.search_space,
        priority=3 + 2 * _algorithm.priority, onnx_convertible=False, supports_sample_weight=False,
        thread_param="n_jobs", max_rows=_algorithm.max_rows, size=_algorithm.size))
