"""Forecasting meta check: automl-studio's jobs on public series that are not benchmark sets.

The series come with ``vega_datasets`` (MIT): Seattle's hourly temperatures of 2010 (48 hours ahead),
Seattle's daily maximum temperatures 2012-2015 (14 days), five stock prices (monthly, 12 months) and
five US employment series (monthly, 12 months). Each (set, cut-off) is one job on the history before
the cut-off (counted back in points from the end), forecasting the next horizon, which is held out;
the figures are printed as JSON lines: the returned model, NRMSE (one RMSE over the set's held-out
points, over the training range), MASE, seasonal naive's NRMSE and the 95% and 80% interval coverage.
To compare two versions, run it from two checkouts (``PYTHONPATH``) with the same arguments.

    python benchmarks/meta_forecasting.py --minutes 1 [--only seattle_hourly:700 stocks:0]
"""
from __future__ import annotations

import argparse
import json
import time
import warnings
from typing import Iterator

import numpy as np
import pandas as pd

from bench_forecasting import scores, seasonal_naive, series_of

#: name -> (target, time column, series ids, horizon, season of the seasonal-naive figure, cut-offs)
SETS = {
    "seattle_hourly": ("temp", "date", [], 48, 24, [700, 3000, 5500]),
    "seattle_daily": ("temp_max", "date", [], 14, 7, [0, 100, 300, 500]),
    "stocks": ("price", "date", ["symbol"], 12, 12, [0, 12, 24]),
    "us_employment": ("jobs", "month", ["industry"], 12, 12, [0, 24]),
}
EMPLOYMENT = ["construction", "manufacturing", "retail_trade", "leisure_and_hospitality", "government"]


def series_set(name: str) -> pd.DataFrame:
    """The rows of a set, sorted by series and time."""
    from vega_datasets import local_data

    target, time_col, ids = SETS[name][:3]
    if name == "seattle_hourly":
        frame = local_data.seattle_temps()
    elif name == "seattle_daily":
        frame = local_data.seattle_weather()[["date", "temp_max"]]
    elif name == "stocks":
        frame = local_data.stocks()
    else:
        frame = local_data.us_employment().melt(id_vars="month", value_vars=EMPLOYMENT, var_name="industry",
                                                value_name="jobs")
    frame[time_col] = pd.to_datetime(frame[time_col])
    return frame.sort_values([*ids, time_col]).reset_index(drop=True)


def _full_series(train: pd.DataFrame, test: pd.DataFrame, ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Without the series the job drops as too short (shorter than 90% of the longest)."""
    if not ids:
        return train, test
    lengths = train.groupby(ids[0]).size()
    full = set(lengths[lengths >= 0.9 * lengths.max()].index)
    return train[train[ids[0]].isin(full)], test[test[ids[0]].isin(full)]


def check(name: str, back: int, minutes: float) -> dict:
    """One job on ``name`` cut ``back`` points before the end, and its figures on the next horizon."""
    import automl

    target, time_col, ids, horizon, season, _ = SETS[name]
    frame = series_set(name)
    position = frame.groupby(ids).cumcount(ascending=False).to_numpy() if ids else np.arange(len(frame))[::-1]
    train = frame[position >= back + horizon].reset_index(drop=True)
    test = frame[(position >= back) & (position < back + horizon)]
    job = automl.forecasting(training_data=train, target_column_name=target)
    job.set_forecast_settings(time_column_name=time_col, forecast_horizon=horizon,
                              time_series_id_column_names=ids or None)
    job.set_limits(timeout_minutes=minutes, trial_timeout_minutes=minutes / 2, max_concurrent_trials=2)
    job.set_training(enable_model_explainability=False)
    started = time.time()
    result = job.submit(show_progress=False)
    wall = time.time() - started
    train, test = _full_series(train, test, ids)
    test = test.sort_values([*ids, time_col]).reset_index(drop=True)
    X = test[[time_col, *ids]]
    bands = result.best_model.forecast_quantiles(X, quantiles=[0.025, 0.1, 0.9, 0.975])
    forecast = result.best_model.forecast(X)["forecast"].to_numpy()
    y = test[target].to_numpy(float)
    entry = {"target": target, "series_id_columns": ids}
    history, actual = series_of(train, entry), series_of(test, entry)
    predicted = series_of(test.assign(**{target: forecast}), entry)
    naive = seasonal_naive(history, horizon, season)
    span = float(np.ptp(train[target]))

    def nrmse(by_series: dict) -> float:  # one RMSE over the held-out points, over the training range
        errors = np.concatenate([actual[k] - by_series[k] for k in actual])
        return round(float(np.sqrt(np.mean(errors ** 2)) / span), 5)

    def cover(low: float, high: float) -> float:
        return round(float(np.mean((y >= bands[low].to_numpy()) & (y <= bands[high].to_numpy()))), 3)

    return {"set": name, "back": back, "minutes": minutes, "best": result.best_trial.display_name,
            "wall": round(wall, 1), "nrmse": nrmse(predicted), "snaive": nrmse(naive),
            "mase": round(scores(history, actual, predicted, season)["mase"], 4),
            "cov95": cover(0.025, 0.975), "cov80": cover(0.1, 0.9)}


def jobs() -> Iterator[tuple[str, int]]:
    """Every (set, cut-off) of :data:`SETS`."""
    for name, entry in SETS.items():
        for back in entry[-1]:
            yield name, back


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="each job's budget")
    parser.add_argument("--only", nargs="*", default=[], help="set:cut-off pairs (any cut-off of a set may be given)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    todo = [(o.split(":")[0], int(o.split(":")[1])) for o in args.only] if args.only else list(jobs())
    for name, back in todo:
        print(json.dumps(check(name, back, args.minutes)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
