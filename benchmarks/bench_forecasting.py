"""Forecasting benchmark: automl.forecasting against SeasonalNaive and automatic ETS / ARIMA peers.

The peers ``sm_AutoETS`` and ``sm_AutoARIMA`` are the statsmodels searches automl's
``ExponentialSmoothing`` and ``AutoArima`` use (:mod:`automl.timeseries._autostats`: ETS
by AICc; stepwise SARIMAX by AICc), fitted per series on the whole training history with
no validation or ensembling: they measure what the classical backend alone achieves.
(Earlier rows named ``AutoETS`` / ``AutoARIMA`` in the JSON lines came from statsforecast,
the previous backend; the table shows only the current methods.)

The peers ``sf_AutoETS`` and ``sf_AutoARIMA`` are statsforecast's, the reference the forecasting
issue sets: statsforecast pins pandas < 3, so they run in ``.venv-statsforecast`` (made by
``make bench``; :mod:`benchmarks._statsforecast_peer`) and are reported as not available
without it. Every peer gets the manifest's season when its search can use it (up to 24 for
ETS, 52 for ARIMA) and none otherwise; automl gets its defaults, the same on every dataset.

On each forecasting dataset of the manifest, and on the hourly set of :data:`PACKAGED`, the last ``forecast_horizon`` points of every
series are held out (the manifest's split). automl runs in a fresh process with its defaults
(MLflow tracking into a scratch store included) under a 120-second budget, watched like the
tabular runs: wall time from ``submit()`` to its return, and peak memory of the process
tree. Figures per method: NRMSE (RMSE over all test points / range of the test points, the
manifest's definition), Azure's NRMSE (per series, RMSE / range of its training target, averaged
over series: the metric automl's jobs choose by), mean MASE over series (scale: in-sample
seasonal naive with the manifest's season), and for automl the coverage of its 95% and 80%
prediction intervals.
Appends JSON lines to ``benchmarks/results/forecasting.jsonl`` and writes
``benchmarks/results/forecasting.md``.

One held-out window of one series is a noisy judge: on the hourly set, the horizon before the last
can rank two models the other way round. ``--origins K`` also holds out the K - 1 horizons before the
last one, each after a job (and peer fits) on the history before it (records with ``origin`` 1 ...
K - 1; the manifest's split is origin 0), and writes ``benchmarks/results/forecasting_origins.md``:
each method's mean NRMSE and MASE over the origins, and automl's paired differences from the peers,
a win or a loss only where the mean difference exceeds its spread (:mod:`benchmarks._paired`).

Usage: ``python benchmarks/bench_forecasting.py [dataset ...] [--minutes 2] [--methods automl ...]
[--origins 5]``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import RESULTS, append_result, datasets_dir, manifest  # noqa: E402
from benchmarks._paired import paired_differences, summary_line  # noqa: E402
from benchmarks._watch import peaks_by_phase, run_watched  # noqa: E402

DATASETS = ("airline_passengers", "tourism_quarterly", "daily_min_temperatures", "sf_temps_hourly")
#: Series sets that come with a package instead of the manifest: the forecasting issue's hourly set is
#: San Francisco's hourly temperatures of 2010 (NOAA), which ``vega_datasets`` (MIT) ships; 8,759 hours
#: (the hour the clocks skip in March is absent), the last two days held out.
PACKAGED = {
    "sf_temps_hourly": {"loader": "sf_temps", "task": "forecasting", "target": "temp", "time_column": "date",
                        "series_id_columns": [], "forecast_horizon": 48, "frequency": "h", "seasonality": 24,
                        "source": {"package": "vega_datasets", "file": "sf-temps.csv", "license": "MIT"}},
}


def dataset_entry(name: str) -> dict:
    """The manifest's entry of a forecasting set, or the entry of a packaged one."""
    return PACKAGED.get(name) or manifest()["datasets"][name]


def read_series_set(name: str, entry: dict) -> pd.DataFrame:
    """The rows of a series set: the manifest's file, or the packaged data."""
    if "loader" not in entry:
        return pd.read_csv(datasets_dir() / entry["file"])
    from vega_datasets import local_data

    return getattr(local_data, entry["loader"])()
#: Minutes of automl's budget on every dataset: the time promise is checked at 120 seconds.
MINUTES = 2.0
#: A run still going after budget * HARD_CAP_FACTOR + HARD_CAP_SECONDS is ended and recorded so.
HARD_CAP_FACTOR, HARD_CAP_SECONDS = 3, 120


def split(name: str, origin: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The rows before the held-out horizon, and that horizon of every series: the last
    ``forecast_horizon`` rows (origin 0), or the horizon ``origin`` horizons before them (nothing after
    it is used)."""
    entry = dataset_entry(name)
    frame = read_series_set(name, entry)
    time_col, ids, h = entry["time_column"], entry["series_id_columns"], entry["forecast_horizon"]
    frame[time_col] = pd.to_datetime(frame[time_col])
    frame = frame.sort_values([*ids, time_col]).reset_index(drop=True)
    position = frame.groupby(ids).cumcount(ascending=False) if ids else pd.Series(np.arange(len(frame))[::-1])
    back = origin * h
    held = (position >= back) & (position < back + h)
    return frame[position >= back + h].reset_index(drop=True), frame[held].reset_index(drop=True), entry


def series_of(frame: pd.DataFrame, entry: dict) -> dict[tuple, np.ndarray]:
    ids = entry["series_id_columns"]
    if not ids:
        return {(): frame[entry["target"]].to_numpy(dtype=float)}
    return {k if isinstance(k, tuple) else (k,): g[entry["target"]].to_numpy(dtype=float)
            for k, g in frame.groupby(ids, sort=True)}


def azure_nrmse(train: dict, test: dict, forecast: dict) -> float:
    """Azure's forecasting NRMSE, which automl's jobs choose by: each series' RMSE over the range of its
    training target, averaged over series (macro). On one series it ranks methods as the NRMSE does."""
    values = [np.sqrt(np.mean((test[k] - forecast[k]) ** 2)) / np.ptp(train[k]) for k in test if np.ptp(train[k]) > 0]
    return float(np.mean(values))


def scores(train: dict, test: dict, forecast: dict, season: int) -> dict[str, float]:
    """NRMSE over all test points, Azure's macro NRMSE and mean MASE over series."""
    y = np.concatenate([test[k] for k in test])
    p = np.concatenate([forecast[k] for k in test])
    nrmse = float(np.sqrt(np.mean((y - p) ** 2)) / (y.max() - y.min()))
    mases = []
    for k in test:
        history, m = train[k], season if len(train[k]) > season else 1
        scale = np.mean(np.abs(history[m:] - history[:-m]))
        if scale > 0:
            mases.append(np.mean(np.abs(test[k] - forecast[k])) / scale)
    return {"nrmse": nrmse, "mase": float(np.mean(mases)), "azure_nrmse": azure_nrmse(train, test, forecast)}


def seasonal_naive(train: dict, h: int, season: int) -> dict:
    return {k: np.resize(y[-season:], h) if len(y) >= season else np.full(h, y[-1]) for k, y in train.items()}


def peer_season(kind: str, season: int) -> int:
    """The season an ETS (up to 24) or ARIMA (up to 52) search is given: the manifest's, or none."""
    return season if season <= (24 if kind.endswith("ETS") else 52) else 1


def statsmodels_model(kind: str, train: dict, h: int, season: int) -> dict:
    """Per-series forecasts of the statsmodels AutoETS / AutoARIMA searches (seasonal naive if a fit fails)."""
    from automl.timeseries._autostats import auto_arima, auto_ets

    m = peer_season(kind, season)
    out = {}
    for k, y in train.items():
        usable = m if len(y) >= 2 * m + 2 else 1
        try:
            model = auto_ets(y, usable) if kind == "sm_AutoETS" else auto_arima(y, usable)
            out[k] = model.forecast(h)
        except ValueError:  # no variant could be fitted
            out[k] = seasonal_naive({k: y}, h, season)[k]
    return out


#: statsforecast's interpreter: its own environment, as it pins pandas < 3.
SF_PYTHON = Path(__file__).resolve().parents[1] / ".venv-statsforecast" / "bin" / "python"


def statsforecast_model(kind: str, train: dict, h: int, season: int) -> tuple[dict, float]:
    """statsforecast's ``AutoETS`` or ``AutoARIMA`` per series, fitted in ``.venv-statsforecast``, and
    its fitting seconds there."""
    if not SF_PYTHON.exists():
        raise RuntimeError(f"statsforecast is not available: {SF_PYTHON} is missing (make bench creates it)")
    model = kind.removeprefix("sf_")
    with tempfile.TemporaryDirectory(prefix="automl-bench-sf-") as scratch:
        request, answer = Path(scratch) / "series.json", Path(scratch) / "forecasts.json"
        request.write_text(json.dumps({"series": [[list(k), y.tolist()] for k, y in train.items()], "horizon": h,
                                       "season": peer_season(kind, season), "models": [model]}))
        done = subprocess.run([str(SF_PYTHON), str(Path(__file__).with_name("_statsforecast_peer.py")), str(request),
                               str(answer)], capture_output=True, text=True, check=False, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(f"statsforecast failed: {done.stderr[-800:]}")
        result = json.loads(answer.read_text())
    return {tuple(k): np.asarray(v) for k, v in result[model]}, result["seconds"][model]


def run_automl(train_frame: pd.DataFrame, test_frame: pd.DataFrame, entry: dict, minutes: float) -> tuple:
    """automl with its defaults on the training rows: its forecast per series, interval coverage and figures."""
    import automl

    time_col, ids = entry["time_column"], entry["series_id_columns"]
    job = automl.forecasting(training_data=train_frame, target_column_name=entry["target"])
    job.set_forecast_settings(time_column_name=time_col, forecast_horizon=entry["forecast_horizon"],
                              time_series_id_column_names=ids or None)
    job.set_limits(timeout_minutes=minutes, trial_timeout_minutes=minutes / 2, max_concurrent_trials=2)
    submitted = time.time()
    result = job.submit(show_progress=False)
    returned = time.time()
    future = test_frame[[time_col, *ids]]
    quantiles = result.best_model.forecast_quantiles(future, quantiles=[0.025, 0.1, 0.5, 0.9, 0.975])
    y = test_frame[entry["target"]].to_numpy(dtype=float)
    figures = {"coverage95": float(np.mean((y >= quantiles[0.025]) & (y <= quantiles[0.975]))),
               "coverage80": float(np.mean((y >= quantiles[0.1]) & (y <= quantiles[0.9]))),
               "best": result.best_trial.display_name if result.best_trial else None, "trials": len(result.trials),
               "budget_minutes": minutes, "submit_seconds": round(returned - submitted, 2),
               "overrun": round((returned - submitted) / (minutes * 60) - 1, 3),
               "timings": {k: round(v, 2) for k, v in result.timings.items()}, "stop_reason": result.stop_reason,
               "budget_notes": list(result.budget_notes), "phases": [["job", submitted, returned]]}
    point = result.best_model.forecast(future)
    frame = test_frame.assign(_forecast=point["forecast"].to_numpy())
    forecast = series_of(frame.assign(**{entry["target"]: frame["_forecast"]}), entry)
    return forecast, figures


def automl_in_a_fresh_process(name: str, minutes: float, origin: int = 0) -> tuple[dict, dict]:
    """:func:`run_automl` in a new interpreter (``--child``), its process tree's memory watched."""
    with tempfile.TemporaryDirectory(prefix="automl-bench-") as scratch:
        out = Path(scratch) / "record.json"
        env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{Path(scratch) / 'mlflow.db'}"}
        watched = run_watched([sys.executable, str(Path(__file__).resolve()), "--child", name, str(minutes), str(out),
                               str(origin)],
                              env=env, cwd=scratch, stderr=Path(scratch) / "stderr.txt",
                              cap_seconds=minutes * 60 * HARD_CAP_FACTOR + HARD_CAP_SECONDS)
        if not out.exists():
            reason = "ran far past its budget" if watched.capped else (Path(scratch) / "stderr.txt").read_text()[-500:]
            raise RuntimeError(f"automl on {name} left no result: {reason}")
        record = json.loads(out.read_text())
    forecast = {tuple(key): np.asarray(values) for key, values in record.pop("forecast")}
    record["peak_memory_mb"] = round(watched.peak_bytes / 2**20)
    record["peak_rss_sum_mb"] = round(watched.peak_rss_bytes / 2**20)
    record["memory_by_phase_mb"] = peaks_by_phase(watched.samples, record.pop("phases"))
    return forecast, record


def _child(name: str, minutes: float, out: str, origin: int) -> None:
    train_frame, test_frame, entry = split(name, origin)
    forecast, figures = run_automl(train_frame, test_frame, {**entry, "name": name}, minutes)
    figures["forecast"] = [[list(key), values.tolist()] for key, values in forecast.items()]
    Path(out).write_text(json.dumps(figures))


METHODS = ("SeasonalNaive", "sm_AutoETS", "sm_AutoARIMA", "sf_AutoETS", "sf_AutoARIMA", "automl")
#: The peers automl is paired with across origins.
PEERS = ("SeasonalNaive", "sf_AutoETS", "sf_AutoARIMA")


def bench(name: str, minutes: float, methods: tuple[str, ...] = METHODS, origin: int = 0) -> list[dict]:
    train_frame, test_frame, entry = split(name, origin)
    entry = {**entry, "name": name}
    h, season = entry["forecast_horizon"], entry["seasonality"]
    train, test = series_of(train_frame, entry), series_of(test_frame, entry)
    records = []
    for method in methods:
        started = time.time()
        extra: dict = {}
        if method == "SeasonalNaive":
            forecast = seasonal_naive(train, h, season)
        elif method == "automl":
            forecast, extra = automl_in_a_fresh_process(name, minutes, origin)
        elif method.startswith("sf_"):
            try:
                forecast, fit_seconds = statsforecast_model(method, train, h, season)
            except RuntimeError as exc:
                print(f"{name} {method}: {exc}", flush=True)
                continue
            extra = {"fit_seconds": fit_seconds}
        else:
            forecast = statsmodels_model(method, train, h, season)
        record = {"dataset": name, "method": method, "origin": origin, **scores(train, test, forecast, season),
                  "seconds": round(time.time() - started, 1), **extra}
        print(record, flush=True)
        append_result("forecasting.jsonl", record)
        records.append(record)
    return records


def latest_records(origins: int = 1) -> list[dict]:
    """The last record of each (dataset, current method, origin below ``origins``) in ``forecasting.jsonl``,
    in file order (records before ``--origins`` existed are origin 0)."""
    latest: dict[tuple, dict] = {}
    with open(RESULTS / "forecasting.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            record.setdefault("origin", 0)
            if record["method"] not in METHODS or record["origin"] >= origins:
                continue
            key = (record["dataset"], record["method"], record["origin"])
            latest.pop(key, None)
            latest[key] = record
    return sorted(latest.values(), key=lambda r: (DATASETS.index(r["dataset"]) if r["dataset"] in DATASETS else 9))


def targets(records: list[dict]) -> list[str]:
    """The forecasting issue's targets, dataset by dataset: automl at least as good as SeasonalNaive
    (NRMSE and MASE), better than both statsforecast models, intervals within 5 points of nominal."""
    by = {(r["dataset"], r["method"]): r for r in records}
    names = list(dict.fromkeys(r["dataset"] for r in records if r["method"] == "automl"))
    if not names:
        return []
    floor = sum(by[(n, "automl")][m] <= by[(n, "SeasonalNaive")][m] for n in names for m in ("nrmse", "mase")
                if (n, "SeasonalNaive") in by)
    peers = [n for n in names if (n, "sf_AutoETS") in by and (n, "sf_AutoARIMA") in by]

    def beats(n: str, metric: str) -> bool:
        return by[(n, "automl")][metric] < min(by[(n, "sf_AutoETS")][metric], by[(n, "sf_AutoARIMA")][metric])

    # rounded: 12 of 12 points inside a 95% band is 1.00, five points from nominal, which float subtraction
    # puts at 0.050000000000000044
    covered = sum(round(abs(by[(n, "automl")][f"coverage{c}"] - c / 100), 9) <= 0.05
                  for n in names for c in (95, 80))
    return ["", f"- At least as good as SeasonalNaive: **{floor} of {2 * len(names)}** (dataset, metric) pairs.",
            f"- Better than both statsforecast models: NRMSE on **{sum(beats(n, 'nrmse') for n in peers)} of "
            f"{len(peers)}**, MASE on **{sum(beats(n, 'mase') for n in peers)} of {len(peers)}** datasets.",
            f"- Intervals within 5 points of nominal: **{covered} of {2 * len(names)}** (dataset, level) pairs."]


def markdown(records: list[dict]) -> str:
    """The table of every method, then automl's time promise (``submit()`` within the budget + 5%)."""
    lines = ["| dataset | method | NRMSE | mean MASE | Azure NRMSE | 95% cover | 80% cover | seconds "
             "| submit s (overrun) | peak MB | best |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        cover = lambda k: f"{r[k]:.2f}" if k in r else "-"  # noqa: E731
        submit = f"{r['submit_seconds']:.1f} ({r['overrun']:+.1%})" if "submit_seconds" in r else "-"
        azure = f"{r['azure_nrmse']:.4f}" if "azure_nrmse" in r else "-"
        lines.append(f"| {r['dataset']} | {r['method']} | {r['nrmse']:.4f} | {r['mase']:.3f} | {azure} "
                     f"| {cover('coverage95')} | {cover('coverage80')} | {r['seconds']} | {submit} "
                     f"| {r.get('peak_memory_mb', '-')} "
                     f"| {r.get('best') or '-'} |")
    lines += targets(records)
    timed = [r for r in records if "overrun" in r]
    if timed:
        worst = max(timed, key=lambda r: r["overrun"])
        within = sum(r["overrun"] <= 0.05 for r in timed)
        lines += ["", f"- automl's submit() within its budget + 5%: **{within} of {len(timed)}** datasets (largest "
                  f"overrun {worst['overrun']:+.1%}, {worst['dataset']}, budget {worst['budget_minutes']:g} min)."]
    return "\n".join(lines) + "\n"


def origins_markdown(records: list[dict], origins: int) -> str:
    """Per dataset, each method's mean NRMSE and MASE over the origins it was scored on, and automl's
    paired MASE and NRMSE differences from SeasonalNaive and the statsforecast models (a win: lower)."""
    lines = [f"Held out: the last horizon and the {origins - 1} before it (origins 0 to {origins - 1}), "
             "each method fitted on the history before its window.", "",
             "| dataset | method | origins | mean NRMSE | mean MASE |", "|---|---|---|---|---|"]
    by_method: dict[tuple, list[dict]] = {}
    for r in records:
        by_method.setdefault((r["dataset"], r["method"]), []).append(r)
    for (dataset, method), rows in by_method.items():
        lines.append(f"| {dataset} | {method} | {len(rows)} | {np.mean([r['nrmse'] for r in rows]):.4f} "
                     f"| {np.mean([r['mase'] for r in rows]):.3f} |")
    for metric in ("mase", "nrmse"):  # lower is better: a score is the negated error
        scored = [{"dataset": r["dataset"], "system": r["method"], "seed": r["origin"], "score": -r[metric]}
                  for r in records]
        lines += ["", f"automl's {metric.upper()} against each peer, paired by origin (positive: automl lower):",
                  "", "| dataset | " + " | ".join(PEERS) + " |", "|---|" + "---|" * len(PEERS)]
        pairs = {peer: paired_differences(scored, "automl", peer) for peer in PEERS}
        for dataset in dict.fromkeys(r["dataset"] for r in records):
            cells = [pairs[p][dataset].cell() if dataset in pairs[p] else "-" for p in PEERS]
            lines.append(f"| {dataset} | " + " | ".join(cells) + " |")
        lines += [""] + [summary_line(pairs[p], "automl", p) for p in PEERS if pairs[p]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child(argv[1], float(argv[2]), argv[3], int(argv[4]) if len(argv) > 4 else 0)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--minutes", type=float, default=MINUTES, help="automl budget per dataset")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--origins", type=int, default=1,
                        help="held-out horizons per dataset: the last one and the origins - 1 before it")
    args = parser.parse_args(argv)
    for name in args.datasets:
        for origin in range(args.origins):
            bench(name, args.minutes, tuple(args.methods), origin)
    table = markdown(latest_records())
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "forecasting.md").write_text(table, encoding="utf-8")
    print(table)
    if args.origins > 1:
        across = origins_markdown(latest_records(args.origins), args.origins)
        (RESULTS / "forecasting_origins.md").write_text(across, encoding="utf-8")
        print(across)
    return 0


if __name__ == "__main__":
    sys.exit(main())
