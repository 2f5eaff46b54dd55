"""From a raw frame to regular series: parse time, find series, align to the frequency,
aggregate, fill gaps and impute. Every problem is a clear error or a guardrail fact."""
from __future__ import annotations

import warnings
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from automl.errors import ConfigError, DataError
from automl.timeseries import _frequency as freq
from automl.timeseries._panel import SeriesData, series_label
from automl.settings import ForecastingSettings
from guardrails import ForecastingFacts

__all__ = ["parse_times", "clean_frame", "series_keys", "feature_kinds"]

#: At least this share of the points must lie on the frequency grid; the rest are removed.
MIN_ON_GRID = 0.9
#: Id columns are searched among this many candidate columns, combinations of up to 3.
_MAX_ID_CANDIDATES = 8


def parse_times(values: pd.Series, column: str, source: str = "training_data") -> pd.DatetimeIndex:
    """``values`` as naive datetimes; unparseable or missing values are a :class:`DataError`."""
    if ptypes.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values)
    else:
        with warnings.catch_warnings():  # "could not infer format": each value is parsed on its own
            warnings.simplefilter("ignore", UserWarning)
            try:
                parsed = pd.to_datetime(values, errors="coerce")
            except (ValueError, TypeError):
                parsed = pd.to_datetime(values, errors="coerce", format="mixed")
            if parsed.isna().sum() > values.isna().sum():  # one format for all failed: each on its own
                parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna().to_numpy()
    if bad.any():
        rows = np.flatnonzero(bad)[:3]
        shown = ", ".join(f"row {r}: {values.iloc[r]!r}" for r in rows)
        raise DataError(f"time_column_name: {bad.sum()} value(s) of column {column!r} in {source} are "
                        f"missing or do not parse as dates ({shown}). Fix or drop those rows, or "
                        "convert the column to ISO dates such as 2024-01-31.")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return pd.DatetimeIndex(parsed)


def feature_kinds(frame: pd.DataFrame, features: list[str]) -> tuple[list[str], list[str]]:
    """Numeric and categorical feature columns (booleans and strings are categorical)."""
    numeric = [c for c in features if ptypes.is_numeric_dtype(frame[c]) and not ptypes.is_bool_dtype(frame[c])]
    return numeric, [c for c in features if c not in numeric]


def series_keys(frame: pd.DataFrame, ids: list[str]) -> pd.Series:
    """One tuple key per row (``()`` without ids)."""
    if not ids:
        return pd.Series([()] * len(frame), index=frame.index)
    return pd.Series(list(zip(*(frame[c].tolist() for c in ids))), index=frame.index)


def _codes(keys: pd.Series) -> np.ndarray:
    """An integer code per row for its series key (tuples make awkward group keys)."""
    mapping: dict[tuple, int] = {}
    return np.array([mapping.setdefault(k, len(mapping)) for k in keys.tolist()], dtype=int)


def _groups(keys: pd.Series) -> dict[tuple, np.ndarray]:
    """Row positions of each series key, in order of appearance."""
    out: dict[tuple, list[int]] = {}
    for position, key in enumerate(keys.tolist()):
        out.setdefault(key, []).append(position)
    return {k: np.asarray(v) for k, v in out.items()}


def _duplicate_error(frame: pd.DataFrame, ids: list[str], time: str, keys: pd.Series) -> DataError:
    codes = _codes(keys)
    mask = frame.assign(_code=codes).duplicated(["_code", time], keep=False).to_numpy()
    first = int(np.flatnonzero(mask)[0])
    same = mask & (codes == codes[first])
    label = series_label(keys.iloc[first]) or "the single series"
    stamps = sorted({str(t) for t in frame.loc[same, time]})[:3]
    dup = frame.loc[mask]
    what = f"series {label!r} (ids {ids})" if ids else "the data (no time_series_id_column_names)"
    return DataError(
        f"Duplicate timestamps: {len(dup)} rows of {what} share a timestamp, e.g. {', '.join(stamps)}. "
        "Set time_series_id_column_names to the columns that tell the series apart, or set frequency and "
        "target_aggregate_function to aggregate the duplicates.")


def _detect_ids(frame: pd.DataFrame, time: str, target: str, exclude: list[str]) -> list[str]:
    candidates = [c for c in frame.columns if c not in (time, target, *exclude)
                  and (not ptypes.is_float_dtype(frame[c])) and frame[c].nunique() < len(frame) / 2]
    candidates = sorted(candidates, key=lambda c: frame[c].nunique())[:_MAX_ID_CANDIDATES]
    for size in (1, 2, 3):
        for combo in combinations(candidates, size):
            if not frame.duplicated([*combo, time]).any():
                return list(combo)
    return []


def _resolve_ids(frame: pd.DataFrame, settings: ForecastingSettings, target: str,
                 facts: ForecastingFacts) -> list[str]:
    time = settings.time_column_name
    ids = list(settings.time_series_id_column_names or [])
    for column in ids:
        if frame[column].isna().any():
            row = int(np.flatnonzero(frame[column].isna().to_numpy())[0])
            raise DataError(f"time_series_id_column_names: column {column!r} is missing in "
                            f"{int(frame[column].isna().sum())} row(s) (first: row {row}); every row needs "
                            "its series id. Fill or drop those rows.")
    if ids or settings.target_aggregate_function is not None or not frame.duplicated([time]).any():
        return ids
    detected = _detect_ids(frame, time, target, list(settings.features_unknown_at_forecast_time or []))
    if not detected:
        raise _duplicate_error(frame, [], time, series_keys(frame, []))
    facts.id_columns_detected = detected
    return detected


def _check_not_finer(frequency: str, frame: pd.DataFrame, time: str, keys: pd.Series) -> None:
    """A frequency finer than the data would invent most of the points: refuse it."""
    diffs = frame.assign(_code=_codes(keys)).sort_values(time).groupby("_code")[time].diff().dropna()
    if diffs.empty:
        return
    typical = diffs.median()
    if freq.period_length(frequency) * 2 <= typical:
        inferred = freq.infer_frequency(pd.DatetimeIndex(frame[time])) or f"about every {typical}"
        raise ConfigError(f"frequency {frequency!r} is finer than the data, whose points come "
                          f"{inferred!r} apart (median gap {typical}). Use a frequency at least as coarse "
                          f"as the data (e.g. {inferred!r}) or leave frequency unset to infer it.")


def _align(frame: pd.DataFrame, frequency: str, time: str, keys: pd.Series,
           facts: ForecastingFacts) -> pd.DataFrame:
    """Drop points off the grid when at least 90% are on it; else a DataError."""
    keep = np.ones(len(frame), dtype=bool)
    for index in _groups(keys).values():
        keep[index] = freq.on_grid(pd.DatetimeIndex(frame[time].iloc[index]), frequency)
    if keep.all():
        return frame
    if keep.mean() < MIN_ON_GRID:
        off = frame.loc[~keep, time].head(3).astype(str).tolist()
        raise DataError(f"Only {keep.mean():.0%} of the time points lie on the {frequency!r} grid "
                        f"(e.g. {', '.join(off)} do not). Set frequency to the data's own frequency, or set "
                        "frequency and target_aggregate_function to aggregate the points to it.")
    facts.misaligned_points = [{"series": series_label(keys.iloc[i]), "time": str(frame[time].iloc[i])}
                               for i in np.flatnonzero(~keep)]
    return frame.loc[keep]


def _mode(values: pd.Series) -> Any:
    counts = values.dropna().value_counts()
    return counts.index[0] if len(counts) else np.nan


def _aggregate(frame: pd.DataFrame, settings: ForecastingSettings, ids: list[str], target: str,
               facts: ForecastingFacts) -> pd.DataFrame:
    time, frequency = settings.time_column_name, settings.frequency
    frame = frame.assign(**{time: freq.bucket(pd.DatetimeIndex(frame[time]), frequency)})
    numeric, categorical = feature_kinds(frame, [c for c in frame.columns if c not in (time, target, *ids)])
    spec = {target: settings.target_aggregate_function, **{c: "mean" for c in numeric},
            **{c: _mode for c in categorical}}
    grouped = frame.groupby([*ids, time], sort=True, dropna=False).agg(spec).reset_index()
    facts.aggregated_rows = len(frame) - len(grouped)
    facts.aggregate_function = settings.target_aggregate_function
    return grouped[frame.columns]


def _fill_values(frame: pd.DataFrame, numeric: list[str], categorical: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for c in numeric:
        median = frame[c].median()
        values[c] = 0.0 if pd.isna(median) else float(median)
    for c in categorical:
        mode = _mode(frame[c])
        values[c] = "missing" if pd.isna(mode) else mode
    return values


def _regularise(part: pd.DataFrame, key: tuple, spec: dict[str, Any], facts: ForecastingFacts) -> SeriesData:
    """One series on its full grid: gaps inserted, target carried forward, features imputed."""
    time, target, frequency = spec["time"], spec["target"], spec["frequency"]
    times = pd.DatetimeIndex(part[time])
    full = freq.grid(times.min(), times.max(), frequency)
    part = part.set_index(time).reindex(full)
    inserted = len(full) - len(times)
    facts.inserted_rows += inserted
    label = series_label(key)
    y = part[target]
    if y.isna().any():
        facts.imputed.append({"column": target, "series": label, "missing values": int(y.isna().sum())})
    y = y.ffill().bfill().to_numpy(dtype=float)
    X = part[spec["features"]].reset_index(drop=True)
    for c in spec["features"]:
        if X[c].isna().any():
            facts.imputed.append({"column": c, "series": label, "missing values": int(X[c].isna().sum())})
            X[c] = X[c].ffill() if c in spec["categorical"] else X[c]
            X[c] = X[c].fillna(spec["fill"][c])
    return SeriesData(key, full, y, X)


def clean_frame(frame: pd.DataFrame, settings: ForecastingSettings, target: str,
                facts: ForecastingFacts) -> tuple[list[SeriesData], dict[str, Any]]:
    """Regular series from a raw training frame, and the schema found on the way.

    Returns
    -------
    series : list of SeriesData
    schema : dict
        ``time``, ``target``, ``ids``, ``frequency``, ``features``, ``numeric``,
        ``categorical``, ``fill`` (imputation values).
    """
    time = settings.time_column_name
    frame = frame.reset_index(drop=True).copy()
    frame[time] = parse_times(frame[time], time)
    ids = _resolve_ids(frame, settings, target, facts)
    keys = series_keys(frame, ids)
    if settings.target_aggregate_function is None and \
            frame.assign(_code=_codes(keys)).duplicated(["_code", time]).any():
        raise _duplicate_error(frame, ids, time, keys)
    frequency = settings.frequency
    if frequency is not None:
        _check_not_finer(frequency, frame, time, keys)
    else:
        longest = max(_groups(keys).values(), key=len)
        frequency = freq.infer_frequency(pd.DatetimeIndex(frame[time].iloc[longest])) \
            or freq.infer_frequency(pd.DatetimeIndex(frame[time]))
        if frequency is None:
            raise DataError(f"The frequency of {time!r} could not be inferred (the timestamps are too few "
                            "or irregular). Set frequency, e.g. frequency='D', and target_aggregate_function "
                            "if several points fall in one period.")
    facts.frequency, facts.frequency_inferred = frequency, settings.frequency is None
    if settings.target_aggregate_function is not None:
        frame = _aggregate(frame, settings, ids, target, facts)
        keys = series_keys(frame, ids)
    frame = _align(frame, frequency, time, keys, facts)
    keys = series_keys(frame, ids)
    features = [c for c in frame.columns if c not in (time, target, *ids)]
    numeric, categorical = feature_kinds(frame, features)
    schema = {"time": time, "target": target, "ids": ids, "frequency": frequency, "features": features,
              "numeric": numeric, "categorical": categorical, "fill": _fill_values(frame, numeric, categorical)}
    series = [_regularise(frame.iloc[index].sort_values(time), key, schema, facts)
              for key, index in sorted(_groups(keys).items(), key=lambda kv: tuple(map(str, kv[0])))]
    facts.n_series = len(series)
    return series, schema
