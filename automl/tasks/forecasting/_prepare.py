"""The setup step of a forecasting job: load, check, clean, resolve ``auto``, guardrails, folds."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import guardrails
from automl.data import load_data
from automl.errors import ConfigError, DataError, did_you_mean
from automl.settings import DataSettings, ForecastingSettings
from automl.tasks.forecasting._trial import ForecastTrialData, make_trial_data
from automl.timeseries import ForecastSpec, SeriesData, clean_frame, handle_short_series, resolve_spec

__all__ = ["CHECK_ROWS", "ForecastData", "RollingOriginValidation", "UNSUPPORTED_DATA_SETTINGS",
           "check_forecasting_settings", "prepare_forecasting", "series_rows"]

#: Data settings forecasting does not support (Azure: section 4).
UNSUPPORTED_DATA_SETTINGS = ("validation_data", "validation_data_size", "cv_split_column_names", "test_data_size",
                             "weight_column_name")
#: Rows of each series' last horizon kept on the result, at most.
CHECK_ROWS = 200


@dataclass
class RollingOriginValidation:
    """The rolling-origin scheme: ``n_folds`` origins ``step`` periods apart, each validating ``horizon``."""

    n_folds: int
    horizon: int
    step: int
    auto: bool
    method: str = "rolling_origin"

    def describe(self) -> str:
        """One sentence for people."""
        return (f"Rolling-origin cross-validation: {self.n_folds} fold(s), each validating the "
                f"{self.horizon} periods after its origin, origins {self.step} period(s) apart.")

    def to_dict(self) -> dict[str, Any]:
        """A plain description for guardrails, MLflow and reports."""
        return {"method": self.method, "n_folds": self.n_folds, "auto": self.auto, "horizon": self.horizon,
                "cv_step_size": self.step, "description": self.describe()}


@dataclass
class ForecastData:
    """What forecasting trials, ensembles and the refit need.

    ``X`` holds the training rows on the grid (time, ids, features; the model predicts them as
    back-tests); ``y`` the actuals of every validation instance, which a trial's ``valid_rows``
    index; ``trial`` the series and the rolling-origin instances every trial reads.
    """

    target: str
    spec: ForecastSpec
    series: list[SeriesData]
    trial: ForecastTrialData
    validation: RollingOriginValidation
    X: pd.DataFrame
    y: np.ndarray
    last_rows: pd.DataFrame
    guardrails: list = field(default_factory=list)
    facts: guardrails.ForecastingFacts | None = None
    X_test: pd.DataFrame | None = None
    y_test: np.ndarray | None = None
    featurization_summary: list[dict] = field(default_factory=list)
    #: Forecasting has no classes and drops no rows for a missing target (it imputes them on the grid).
    classes: None = None
    positive_label: None = None
    dropped_target_rows: int = 0

    @property
    def n_train_rows(self) -> int:
        """Points of every series: what the final model is fitted on."""
        return sum(len(s) for s in self.series)

    @property
    def data_shape(self) -> tuple[int, int]:
        """Points on the grid, and the time, id and feature columns plus the target."""
        return self.n_train_rows, len(self.spec.features) + 1

    @property
    def engineered_feature_names(self) -> list[str]:
        """None shared: each regression learner engineers its own features from the series."""
        return []

    @property
    def datatransformer(self) -> None:
        """None: a forecaster reads whole series, not featurized rows."""
        return None

    def check_rows(self) -> pd.DataFrame:
        """Each series' last horizon of training rows (at most :data:`CHECK_ROWS`)."""
        return self.last_rows

    def trial_data(self) -> ForecastTrialData:
        """What a trial reads."""
        return self.trial


def _require(frame: pd.DataFrame, column: str, setting: str) -> None:
    if column not in frame.columns:
        raise DataError(f"{setting}: column {column!r} is not in training_data."
                        f"{did_you_mean(column, map(str, frame.columns))} "
                        f"Columns: {', '.join(map(str, list(frame.columns)[:30]))}.")


def check_forecasting_settings(data: DataSettings, settings: ForecastingSettings) -> None:
    """Raise :class:`~automl.errors.ConfigError` for what a forecasting job refuses, before any data is read."""
    for name in UNSUPPORTED_DATA_SETTINGS:
        if getattr(data, name) is not None:
            raise ConfigError(f"{name} is not supported for forecasting: validation is rolling-origin "
                              "cross-validation (n_cross_validations, cv_step_size); give test_data for a test.")
    if not settings.time_column_name:
        raise ConfigError("time_column_name is required for forecasting: call "
                          "job.set_forecast_settings(time_column_name=..., forecast_horizon=...).")


def _require_columns(frame: pd.DataFrame, target: str, settings: ForecastingSettings) -> None:
    _require(frame, settings.time_column_name, "time_column_name")
    _require(frame, target, "target_column_name")
    for column in settings.time_series_id_column_names or []:
        _require(frame, column, "time_series_id_column_names")
    for column in settings.features_unknown_at_forecast_time or []:
        _require(frame, column, "features_unknown_at_forecast_time")


def _numeric_target(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    values = pd.to_numeric(frame[target], errors="coerce")
    bad = values.isna() & frame[target].notna()
    if bad.any():
        raise DataError(f"Forecasting needs a numeric target, but column {target!r} holds "
                        f"{frame[target][bad].iloc[0]!r} (row {int(np.flatnonzero(bad.to_numpy())[0])}). "
                        "Convert it to numbers.")
    return frame.assign(**{target: values.astype(float)})


def series_rows(series: list[SeriesData], spec: ForecastSpec, last: int | None = None,
                limit: int | None = None) -> pd.DataFrame:
    """Rows (time, ids, features) of the series on their grid: all, or each one's ``last`` periods,
    at most ``limit`` rows."""
    frames, n = [], 0
    for s in series:
        start = 0 if last is None else max(0, len(s) - last)
        frame = pd.DataFrame({spec.time_column: s.times[start:]})
        for column, value in zip(spec.id_columns, s.key):
            frame[column] = value
        frames.append(pd.concat([frame, s.X.iloc[start:].reset_index(drop=True)], axis=1))
        n += len(frame)
        if limit is not None and n >= limit:
            break
    frame = pd.concat(frames, ignore_index=True)
    return frame if limit is None else frame.head(limit)


def prepare_forecasting(data: DataSettings, settings: ForecastingSettings, seed: int = 0) -> ForecastData:
    """Run the setup step of a forecasting job."""
    data.require_data()
    check_forecasting_settings(data, settings)
    frame = load_data(data.training_data, setting="training_data")
    target = data.target_column_name
    _require_columns(frame, target, settings)
    frame = _numeric_target(frame, target)
    facts = guardrails.ForecastingFacts()
    series, schema = clean_frame(frame, settings, target, facts)
    spec = resolve_spec(series, schema, settings, data.n_cross_validations, facts)
    series = handle_short_series(series, spec, settings.short_series_handling_config, facts, seed)
    trial = make_trial_data(series, spec)
    validation = RollingOriginValidation(spec.n_cross_validations, spec.horizon, spec.cv_step_size,
                                         data.n_cross_validations in (None, "auto"))
    prepared = ForecastData(target, spec, series, trial, validation, series_rows(series, spec), trial.y_true,
                            series_rows(series, spec, last=spec.horizon, limit=CHECK_ROWS),
                            guardrails.run_forecasting(facts), facts)
    prepared.featurization_summary = _summary(spec)
    if data.test_data is not None:
        test = _numeric_target(load_data(data.test_data, setting="test_data"), target)
        _require(test, target, "target_column_name")
        prepared.X_test, prepared.y_test = test.drop(columns=[target]), test[target].to_numpy(dtype=float)
    return prepared


def _summary(spec: ForecastSpec) -> list[dict[str, Any]]:
    """The featurization summary of a forecasting job: one row per raw column."""
    rows = [{"RawFeatureName": spec.time_column, "TypeDetected": "DateTime", "Dropped": "No",
             "EngineeredFeatureCount": 0, "Transformations": ["TimeIndex", "CalendarFeatures"]}]
    rows += [{"RawFeatureName": c, "TypeDetected": "Categorical", "Dropped": "No", "EngineeredFeatureCount": 1,
              "Transformations": ["TimeSeriesId", "LabelEncoder"]} for c in spec.id_columns]
    rows += [{"RawFeatureName": c, "TypeDetected": "Numeric", "Dropped": "No",
              "EngineeredFeatureCount": 1 + (len(spec.lags) if spec.feature_lags else 0),
              "Transformations": ["MedianImputer"] + (["Lag"] if spec.feature_lags else [])}
             for c in spec.numeric_features]
    rows += [{"RawFeatureName": c, "TypeDetected": "Categorical", "Dropped": "No", "EngineeredFeatureCount": 1,
              "Transformations": ["ModeImputer", "LabelEncoder"]} for c in spec.categorical_features]
    rows.append({"RawFeatureName": spec.target, "TypeDetected": "Target", "Dropped": "No",
                 "EngineeredFeatureCount": len(spec.lags) + 2 * len(spec.windows),
                 "Transformations": ["ForwardFillImputer"] + (["Lag"] if spec.lags else [])
                 + (["RollingWindow"] if spec.windows else [])})
    return rows
