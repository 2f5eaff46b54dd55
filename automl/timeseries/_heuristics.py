"""Azure's ``auto`` rules: horizon, seasonality, lags, rolling window, folds, short series, memory."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import guardrails
from automl.errors import ConfigError
from automl.timeseries import _frequency as freq
from automl.timeseries._panel import FOURIER_TERMS, ForecastSpec, SeriesData
from automl.settings import ForecastingSettings
from featurizers._timeseries import auto_lag_order, seasonal_profile, seasonal_strength

__all__ = ["design_bytes", "resolve_spec", "handle_short_series", "min_length"]

#: A season is kept by ``seasonality="auto"`` when it explains this share of the detrended variance.
MIN_SEASONAL_STRENGTH = 0.1
#: ``n_cross_validations="auto"``: this many folds where the longest series allows them...
AUTO_FOLDS = 3
#: ... and more, up to :data:`MAX_AUTO_FOLDS`, while the series times the folds are fewer than this many
#: validation windows and the shortest series still allows them: one or two series validated on three
#: windows each rank the models, test the floor and size the intervals on a handful of strongly
#: correlated errors.
AUTO_WINDOWS = 10
MAX_AUTO_FOLDS = 10
#: Series looked at by the auto heuristics (the longest ones).
_SAMPLE_SERIES = 20
#: The lag features may use at most this share of the available memory.
MEMORY_SHARE = 0.3


def min_length(horizon: int, n_folds: int, step: int, lookback: int) -> int:
    """Azure's minimum series length under rolling-origin CV: ``2H + (n-1)*step + max(lag, window) + 1``."""
    return 2 * horizon + (n_folds - 1) * step + lookback + 1


def _sample(series: list[SeriesData]) -> list[SeriesData]:
    return sorted(series, key=len, reverse=True)[:_SAMPLE_SERIES]


def _season(series: list[SeriesData], frequency: str, setting: Any) -> int:
    if setting is None:
        return 1
    if setting != "auto":
        return int(setting)
    candidate = freq.default_season(frequency)
    if candidate < 2:
        return 1
    strengths = [seasonal_strength(s.y, candidate) for s in _sample(series) if len(s) >= 2 * candidate]
    return candidate if strengths and float(np.median(strengths)) >= MIN_SEASONAL_STRENGTH else 1


def _without_season(y: np.ndarray, season: int) -> np.ndarray:
    """``y`` less its seasonal means (:func:`seasonal_profile`); as it is for no season."""
    if season < 2 or len(y) < 2 * season:
        return y
    return y - seasonal_profile(y, season)[np.arange(len(y)) % season]


def _adjusted_strength(y: np.ndarray, season: int) -> float:
    """:func:`seasonal_strength` less what ``season`` means fit of noise alone (like an adjusted R squared:
    with 3 points at each position of a year of days, the means fit a third of pure noise)."""
    unexplained = (1.0 - seasonal_strength(y, season)) * len(y) / max(1, len(y) - season)
    return max(0.0, 1.0 - unexplained)


def _long_seasons(series: list[SeriesData], frequency: str, setting: Any, season: int) -> list[float]:
    """The seasons longer than ``season`` that ``seasonality="auto"`` finds, in days (a week and a year of
    hourly data, a year of daily data): shortest first, each kept when it explains
    :data:`MIN_SEASONAL_STRENGTH` of what the shorter ones kept leave (a week of hours holds the day's
    cycle too, so the day's is taken out first), beyond what its means fit of noise
    (:func:`_adjusted_strength`), in the median of the series long enough to show it."""
    if setting != "auto":
        return []
    residuals = [_without_season(np.asarray(s.y[s.n_padded:], dtype=float), season) for s in _sample(series)]
    kept = []
    for days, periods in freq.long_season_candidates(frequency):
        strengths = [_adjusted_strength(r, periods) for r in residuals if len(r) >= 2 * periods]
        if strengths and float(np.median(strengths)) >= MIN_SEASONAL_STRENGTH:
            kept.append(days)
            residuals = [_without_season(r, periods) for r in residuals]
    return kept


def _lags(series: list[SeriesData], frequency: str, season: int,
          settings: ForecastingSettings) -> tuple[list[int], list[int]]:
    auto_order = auto_window = 0
    if "auto" in (settings.target_lags, settings.target_rolling_window_size):
        found = [auto_lag_order(s.y, freq.max_lag_for(frequency), season) for s in _sample(series)[:5]]
        auto_order = int(np.median([f[0] for f in found]))
        auto_window = int(np.median([f[1] for f in found]))
    lags = settings.target_lags
    lags = [] if lags is None else (list(range(1, auto_order + 1)) if lags == "auto" else list(lags))
    window = settings.target_rolling_window_size
    windows = [] if window is None else ([auto_window] if window == "auto" and auto_window > 1 else
                                         [] if window == "auto" else [int(window)])
    return lags, windows


def _folds(series: list[SeriesData], horizon: int, lookback: int, n_cv: Any, step: Any) -> tuple[int, int]:
    longest = max(series, key=len)
    n = len(longest)
    if n < min_length(horizon, 1, 1, lookback):
        largest = max(0, (n - lookback - 1) // 2)
        raise ConfigError(
            f"forecast_horizon={horizon} is longer than any series allows: the longest series "
            f"({longest.label or 'the single series'!r}) has {n} points, and a horizon of {horizon} with a "
            f"look-back of {lookback} needs at least {min_length(horizon, 1, 1, lookback)} (one horizon "
            f"to validate, one to train on, plus the lags). Use forecast_horizon <= {largest}, shorter "
            "lags, or more history.")
    step = horizon if step in (None, "auto") else int(step)
    if n_cv in (None, "auto"):
        return _auto_folds(series, horizon, step, lookback), step
    if min_length(horizon, int(n_cv), step, lookback) > n:
        raise ConfigError(
            f"n_cross_validations={n_cv} with cv_step_size={step} needs series of "
            f"{min_length(horizon, int(n_cv), step, lookback)} points, but the longest has {n}. Use fewer "
            "folds, a smaller cv_step_size, or leave both 'auto'.")
    return int(n_cv), step


def _auto_folds(series: list[SeriesData], horizon: int, step: int, lookback: int) -> int:
    """``n_cross_validations="auto"``: up to :data:`AUTO_FOLDS` folds that the longest series allows, then
    more while there are fewer than :data:`AUTO_WINDOWS` validation windows (series times folds) and
    the shortest series allows them too, so that no series becomes short for want of the extra ones.
    Series already short for the first folds (padded, dropped or kept as they are) count for neither."""
    lengths = [len(s) for s in series]
    n_cv = 1
    while n_cv < AUTO_FOLDS and min_length(horizon, n_cv + 1, step, lookback) <= max(lengths):
        n_cv += 1
    held = [n for n in lengths if n >= min_length(horizon, n_cv, step, lookback)]
    while (n_cv < MAX_AUTO_FOLDS and len(held) * n_cv < AUTO_WINDOWS
           and min_length(horizon, n_cv + 1, step, lookback) <= min(held)):
        n_cv += 1
    return n_cv


def _pad(s: SeriesData, length: int, frequency: str, spec: ForecastSpec, rng: np.random.Generator) -> SeriesData:
    """Azure's padding: white noise around the median (clipped at 0 when it is not negative)."""
    n_pad = length - len(s)
    offset = freq.to_offset(frequency)
    times = pd.date_range(end=s.times[0] - offset, periods=n_pad, freq=offset)
    median = float(np.median(s.y))
    noise = median + rng.normal(0.0, max(float(np.std(s.y)), 1e-6) * 0.1, n_pad)
    noise = np.clip(noise, 0.0, None) if median >= 0 else noise
    pad_X = pd.DataFrame({c: (np.zeros(n_pad) if c in spec.numeric_features else
                              [spec.fill_values[c]] * n_pad) for c in s.X.columns})
    return SeriesData(s.key, times.append(s.times), np.concatenate([noise, s.y]),
                      pd.concat([pad_X, s.X], ignore_index=True), n_padded=n_pad)


def handle_short_series(series: list[SeriesData], spec: ForecastSpec, mode: str | None,
                        facts: guardrails.ForecastingFacts, seed: int = 0) -> list[SeriesData]:
    """Pad, drop or keep the series shorter than ``spec.min_length``.

    ``auto`` pads when no series is long enough and drops otherwise (Azure). The folds are
    sized to fit the longest series, so it is never short itself.
    """
    mode = mode or "none"
    facts.short_series_mode = mode
    short = [s for s in series if len(s) < spec.min_length]
    if not short:
        return series
    if mode == "auto":
        mode = "pad" if len(short) == len(series) else "drop"
    action = {"pad": "padded", "drop": "dropped", "none": "kept"}[mode]
    facts.short_series = [{"series": s.label, "length": len(s), "required": spec.min_length, "action": action}
                          for s in short]
    if mode == "none":
        return series
    if mode == "drop":  # the folds fit the longest series, so at least that one is kept
        return [s for s in series if len(s) >= spec.min_length]
    rng = np.random.default_rng(seed)
    return [_pad(s, spec.min_length, spec.frequency, spec, rng) if len(s) < spec.min_length else s
            for s in series]


def design_bytes(series: list[SeriesData], spec: ForecastSpec) -> int:
    """Bytes of a regression forecaster's design matrix on ``series``, three working copies: lag
    features replicate each training point once per horizon step."""
    n_rows = sum(len(s) for s in series) * (spec.horizon if spec.uses_lags else 1)
    n_columns = (len(spec.lags) + 2 * len(spec.windows) + len(spec.features) * (1 + len(spec.lags))
                 + 2 * FOURIER_TERMS * len(spec.long_seasons) + 12)
    return int(n_rows * n_columns * 8 * 3)


def _memory(series: list[SeriesData], spec: ForecastSpec, facts: guardrails.ForecastingFacts) -> None:
    """Turn lag features off when the design matrix would not fit in memory."""
    facts.memory_estimate_bytes = design_bytes(series, spec)
    facts.available_memory_bytes = guardrails.available_memory_bytes()
    if spec.uses_lags and facts.available_memory_bytes and \
            facts.memory_estimate_bytes > MEMORY_SHARE * facts.available_memory_bytes:
        spec.lags, spec.windows, spec.feature_lags = [], [], False
        facts.lags_turned_off = True


def resolve_spec(series: list[SeriesData], schema: dict[str, Any], settings: ForecastingSettings,
                 n_cross_validations: Any, facts: guardrails.ForecastingFacts) -> ForecastSpec:
    """Every ``auto`` setting resolved on the cleaned series."""
    frequency = schema["frequency"]
    season = _season(series, frequency, settings.seasonality)
    horizon = season if settings.forecast_horizon == "auto" else int(settings.forecast_horizon)
    lags, windows = _lags(series, frequency, season, settings)
    unknown = list(settings.features_unknown_at_forecast_time or [])
    spec = ForecastSpec(
        time_column=schema["time"], target=schema["target"], id_columns=schema["ids"], frequency=frequency,
        horizon=max(1, horizon), season=season, long_seasons=_long_seasons(series, frequency, settings.seasonality,
                                                                           season),
        lags=lags, windows=windows,
        feature_lags=settings.feature_lags == "auto" and bool(lags), use_stl=settings.use_stl,
        holidays=settings.country_or_region_for_holidays, numeric_features=schema["numeric"],
        categorical_features=schema["categorical"], unknown_features=unknown, fill_values=schema["fill"])
    _memory(series, spec, facts)
    spec.n_cross_validations, spec.cv_step_size = _folds(series, spec.horizon, spec.max_lookback,
                                                         n_cross_validations, settings.cv_step_size)
    spec.min_length = min_length(spec.horizon, spec.n_cross_validations, spec.cv_step_size, spec.max_lookback)
    return spec
