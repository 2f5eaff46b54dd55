"""``ForecastingSettings``: the fields of Azure's ``set_forecast_settings``, validated once."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from automl.errors import ConfigError

__all__ = ["ForecastingSettings", "AGGREGATE_FUNCTIONS", "SHORT_SERIES_MODES", "STL_MODES"]

AGGREGATE_FUNCTIONS = ("sum", "max", "min", "mean")
SHORT_SERIES_MODES = ("auto", "pad", "drop", "none")
STL_MODES = ("season", "season_trend")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _auto(value: Any) -> bool:
    return isinstance(value, str) and value.lower() == "auto"


def _auto_or(value: Any) -> Any:
    """``"auto"`` for any spelling of it; other values as they are."""
    return "auto" if _auto(value) else value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _as_names(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, (list, tuple)) else value


def _sorted_lags(value: Any) -> Any:
    lags = [value] if _is_int(value) else value
    if isinstance(lags, (list, tuple)) and lags and all(_is_int(v) and v >= 1 for v in lags):
        return sorted(set(int(v) for v in lags))
    return value


def _check_positive_int_or_auto(name: str, value: Any) -> None:
    if value is not None and not _auto(value) and (not _is_int(value) or value < 1):
        raise ConfigError(f"{name} must be a whole number of at least 1 or 'auto', got {value!r}.")


def _check_choice(name: str, value: Any, options: tuple[str, ...]) -> None:
    if value is not None and str(value).lower() not in options:
        raise ConfigError(f"{name} must be one of {', '.join(options)}, got {value!r}.")


def _check_names(name: str, value: Any) -> None:
    if value is None:
        return
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) and n for n in names):
        raise ConfigError(f"{name} must be a column name or a list of column names, got {value!r}.")


def _check_lags(value: Any) -> None:
    if value is None or _auto(value):
        return
    lags = [value] if _is_int(value) else value
    if not (isinstance(lags, (list, tuple)) and lags and all(_is_int(v) and v >= 1 for v in lags)):
        raise ConfigError(f"target_lags must be a whole number, a list of whole numbers (at least 1) or "
                          f"'auto', got {value!r}.")


@dataclass
class ForecastingSettings:
    """How a forecasting job reads and models its series (``set_forecast_settings``).

    Attributes
    ----------
    time_column_name : str
        The time column (required); values must parse as dates.
    forecast_horizon : int or "auto"
        Periods to forecast (default 1); ``auto`` is one season (at least 1).
    time_series_id_column_names : list of str, optional
        Columns naming the series; detected when timestamps repeat and none are given.
    frequency : str, optional
        pandas offset alias (``"D"``, ``"MS"``, ``"QS"``...); inferred when None. May be
        coarser than the data only with ``target_aggregate_function``; never finer.
    target_lags : int, list of int or "auto", optional
        Lags of the target relative to the forecast origin (off by default).
    feature_lags : "auto", optional
        ``auto`` adds the target lags of the numeric features too.
    target_rolling_window_size : int or "auto", optional
        Rolling mean and standard deviation of the target over this many periods.
    seasonality : int or "auto"
        Season length; ``auto`` detects it, None means 1 (non-seasonal).
    use_stl : {"season", "season_trend"}, optional
        Adds the seasonal (and trend) component of a decomposition of the target as features.
    short_series_handling_config : {"auto", "pad", "drop", "none"}
        ``auto`` pads short series when no series is long, else drops them.
    target_aggregate_function : {"sum", "max", "min", "mean"}, optional
        Aggregates the target to ``frequency`` (which it requires).
    country_or_region_for_holidays : str, optional
        ISO 3166 code: a holiday feature for daily or finer data.
    cv_step_size : int or "auto"
        Periods between the origins of rolling-origin validation folds.
    features_unknown_at_forecast_time : list of str, optional
        Feature columns known in training but not when forecasting; models use their last
        known value instead.
    """

    time_column_name: str | None = None
    forecast_horizon: int | str = 1
    time_series_id_column_names: list[str] | None = None
    frequency: str | None = None
    target_lags: int | list[int] | str | None = None
    feature_lags: str | None = None
    target_rolling_window_size: int | str | None = None
    seasonality: int | str | None = "auto"
    use_stl: str | None = None
    short_series_handling_config: str | None = "auto"
    target_aggregate_function: str | None = None
    country_or_region_for_holidays: str | None = None
    cv_step_size: int | str = "auto"
    features_unknown_at_forecast_time: list[str] | None = None

    def normalized(self) -> ForecastingSettings:
        """A copy in canonical form: ``"Auto"`` -> ``"auto"``, one column name -> a list, lags sorted.

        Values of the wrong type are left as they are, for :meth:`validate` to name.
        """
        return replace(
            self,
            forecast_horizon=_auto_or(self.forecast_horizon),
            time_series_id_column_names=_as_names(self.time_series_id_column_names),
            features_unknown_at_forecast_time=_as_names(self.features_unknown_at_forecast_time),
            target_lags=_sorted_lags(_auto_or(self.target_lags)),
            feature_lags=_lower(self.feature_lags),
            target_rolling_window_size=_auto_or(self.target_rolling_window_size),
            seasonality=_auto_or(self.seasonality),
            use_stl=_lower(self.use_stl),
            short_series_handling_config=_lower(self.short_series_handling_config),
            target_aggregate_function=_lower(self.target_aggregate_function),
            cv_step_size="auto" if self.cv_step_size is None else _auto_or(self.cv_step_size),
        )

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an invalid or contradictory setting; change nothing."""
        if self.time_column_name is not None and not isinstance(self.time_column_name, str):
            raise ConfigError(f"time_column_name must be a column name, got {self.time_column_name!r}.")
        _check_positive_int_or_auto("forecast_horizon", self.forecast_horizon)
        _check_names("time_series_id_column_names", self.time_series_id_column_names)
        _check_names("features_unknown_at_forecast_time", self.features_unknown_at_forecast_time)
        if self.frequency is not None:
            try:
                pd.tseries.frequencies.to_offset(self.frequency)
            except (ValueError, TypeError):
                raise ConfigError(f"frequency {self.frequency!r} is not a pandas offset alias; use e.g. "
                                  "'D' (daily), 'W' (weekly), 'MS' (month start), 'QS' or 'h'.") from None
        _check_lags(self.target_lags)
        _check_choice("feature_lags", self.feature_lags, ("auto",))
        _check_positive_int_or_auto("target_rolling_window_size", self.target_rolling_window_size)
        if self.seasonality is not None and not _auto(self.seasonality) and (
                not _is_int(self.seasonality) or self.seasonality < 1):
            raise ConfigError(f"seasonality must be a whole number of at least 1, 'auto' or None, "
                              f"got {self.seasonality!r}.")
        _check_choice("use_stl", self.use_stl, STL_MODES)
        _check_choice("short_series_handling_config", self.short_series_handling_config, SHORT_SERIES_MODES)
        _check_choice("target_aggregate_function", self.target_aggregate_function, AGGREGATE_FUNCTIONS)
        if self.target_aggregate_function is not None and self.frequency is None:
            raise ConfigError("target_aggregate_function needs frequency: set the frequency to "
                              "aggregate to, e.g. frequency='W' with target_aggregate_function='sum'.")
        _check_positive_int_or_auto("cv_step_size", self.cv_step_size)
        self._validate_holidays()
        if self.time_column_name is not None and self.time_column_name in (self.time_series_id_column_names or []):
            raise ConfigError(f"{self.time_column_name!r} is the time column; remove it from "
                              "time_series_id_column_names.")

    def _validate_holidays(self) -> None:
        country = self.country_or_region_for_holidays
        if country is None:
            return
        if not isinstance(country, str) or len(country) not in (2, 3):
            raise ConfigError("country_or_region_for_holidays must be an ISO 3166 code such as 'US', "
                              f"got {country!r}.")
        import holidays

        if country.upper() not in holidays.list_supported_countries():
            raise ConfigError(f"country_or_region_for_holidays {country!r} is not "
                              "a country the 'holidays' package knows; use an ISO 3166 code such as 'US' or 'DE'.")

    @property
    def lags_enabled(self) -> bool:
        """Whether target lags or rolling windows were asked for (they block classical models)."""
        return self.target_lags is not None or self.target_rolling_window_size is not None
