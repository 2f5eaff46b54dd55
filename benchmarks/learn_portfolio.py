"""Learn the starting portfolio (``automl/search/portfolio.json``) on the meta datasets.

Experiments run on ``../shared/datasets/meta`` only (``AUTOML_META_DATA`` names
another folder holding a ``manifest.json``), never on the benchmark datasets.
Each configuration is judged the way a job judges it: ``automl.tasks.tabular.prepare``
(3-fold cross-validation, automatic featurization), then
``Task.evaluate_trial`` with one thread, on the job's primary metric
(AUC_weighted for classification, normalized_root_mean_squared_error for
regression).

Steps
-----
1. Load each dataset (``drop_columns`` of the manifest dropped; at most
   ``--max-rows`` rows, a seeded sample).
2. Evaluate the defaults of the strong learners (LightGBM, XGBoost, CatBoost, RandomForest,
   ExtremeRandomTrees) on every dataset.
3. Evaluate a fixed, seeded list of candidate configurations of the strong
   learners (``--candidates`` per learner, drawn with ``sample_config`` and
   taken round-robin over the learners) until the dataset's share of the time
   budget is used (at least one round). A trial slower than
   ``TRIAL_CAP_FACTOR`` times the LightGBM default (within
   ``TRIAL_CAP_SECONDS``) is stopped and counts as failed. Then, on every other
   dataset of each task, the other algorithms' defaults (only for ``costs``).
4. Normalise per dataset: 0 is the best of the defaults a job runs before the
   portfolio (``LEADING_DEFAULTS``: LightGBM, XGBoost), 1 the best configuration
   seen, clipped to [-1, 1]. Then pick configurations greedily, each time the one
   that most raises the mean over datasets of the best-so-far normalised score,
   its gain divided by ``max(1, relative cost / COST_ALLOWANCE)`` so a config
   far costlier than a LightGBM default must pay for its time.
5. ``costs``: for each algorithm name (shared across tasks), the median over
   datasets of its default's duration divided by LightGBM's on that dataset.

Usage::

    nice -n 10 python benchmarks/learn_portfolio.py [--budget-minutes 20] [--candidates 12]
        [--max-rows 4000] [--raw measurements.json] [--from-raw measurements.json] [--dry-run]

``--raw`` saves the measurements; ``--from-raw`` rebuilds the portfolio from them
without training anything.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import statistics
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without (re)installing the package
    sys.path.insert(0, str(ROOT))

from automl.algorithms import sample_config  # noqa: E402
from automl.core import TrialSpec  # noqa: E402
from automl.engine.search._adaptive import LEADING_DEFAULTS  # noqa: E402
from automl.engine.search._portfolio import PORTFOLIO_FILE  # noqa: E402
from automl.settings import DataSettings, FeaturizationSettings  # noqa: E402
from automl.tasks import get_task  # noqa: E402
from automl.tasks.tabular import prepare  # noqa: E402

TASKS = ("classification", "regression")
PRIMARY_METRIC = {"classification": "AUC_weighted", "regression": "normalized_root_mean_squared_error"}
STRONG = {"classification": ("LightGBM", "XGBoostClassifier", "CatBoostClassifier", "RandomForest",
                             "ExtremeRandomTrees"),
          "regression": ("LightGBM", "XGBoostRegressor", "CatBoostRegressor", "RandomForest",
                         "ExtremeRandomTrees")}
N_FOLDS = 3
SEED = 0
#: A trial is stopped after this many LightGBM-default durations, within these bounds (seconds).
TRIAL_CAP_FACTOR = 8.0
TRIAL_CAP_SECONDS = (5.0, 45.0)
#: The other algorithms' defaults only measure a cost: a shorter ceiling (the median is robust).
PROBE_CAP_SECONDS = 20.0
#: Part of a cost-probing dataset's time share kept for those defaults (they run last).
PROBE_RESERVE = 0.35
#: Relative cost (LightGBM default = 1) a config may have before its gain is discounted.
COST_ALLOWANCE = 4.0
MIN_CONFIGS, MAX_CONFIGS = 4, 6
#: After MIN_CONFIGS, stop when the next config adds less than this mean normalised gain.
MIN_GAIN = 0.02
#: Score differences below this are noise: the dataset then has nothing to gain.
NOISE = 1e-4


def meta_folder() -> Path:
    """``AUTOML_META_DATA`` (a folder or its manifest), else ``../shared/datasets/meta``."""
    override = os.environ.get("AUTOML_META_DATA")
    base = Path(override) if override else ROOT.parent / "shared" / "datasets" / "meta"
    return base.parent if base.is_file() else base


def load_dataset(folder: Path, entry: dict, read_kwargs: dict, max_rows: int) -> pd.DataFrame:
    """The dataset without its ``drop_columns``, at most ``max_rows`` rows (seeded sample)."""
    frame = pd.read_csv(folder / entry["file"], **read_kwargs)
    frame = frame.drop(columns=[c for c in entry.get("drop_columns", []) if c in frame.columns])
    if len(frame) > max_rows:
        frame = frame.sample(max_rows, random_state=SEED).reset_index(drop=True)
    return frame


def candidate_list(task: str, per_learner: int) -> list[tuple[str, dict]]:
    """Seeded configurations of the strong learners, round-robin over the learners."""
    registry = get_task(task).algorithms
    drawn = []
    for index, name in enumerate(STRONG[task]):
        rng = np.random.default_rng([SEED, TASKS.index(task), index])
        drawn.append([(name, sample_config(dict(registry[name].search_space), rng))
                      for _ in range(per_learner)])
    return [config for round_ in zip(*drawn) for config in round_]


class _TrialTimeout(Exception):
    """Raised by the alarm inside a trial; ``evaluate_trial`` records it as a failure."""


#: Whether the alarm of the running trial has fired: CatBoost, whose training loop is native code,
#: turns a signal that arrives during training into KeyboardInterrupt instead of our exception.
_ALARM = {"fired": False}


def _on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    _ALARM["fired"] = True
    raise _TrialTimeout("stopped by learn_portfolio's per-trial time cap")


def run_trial(task: str, algorithm: str, params: dict, data: Any, cap: float) -> dict:
    """One trial, stopped after ``cap`` seconds: its oriented score (NaN if failed) and duration."""
    spec = TrialSpec(0, "portfolio_0", get_task(task).algorithms[algorithm], dict(params))
    started = time.perf_counter()
    _ALARM["fired"] = False
    signal.setitimer(signal.ITIMER_REAL, cap)
    try:
        result = get_task(task).evaluate_trial(spec, data, PRIMARY_METRIC[task], n_jobs=1)
        score = result.score if result.succeeded else math.nan
    except _TrialTimeout:  # the alarm fired outside evaluate_trial's own guard
        score = math.nan
    except KeyboardInterrupt:  # the alarm, as CatBoost reports it; a real Ctrl-C goes on up
        if not _ALARM["fired"]:
            raise
        score = math.nan
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    duration = time.perf_counter() - started
    sign = 1.0 if get_task(task).metric(PRIMARY_METRIC[task]).greater_is_better else -1.0
    return {"score": sign * score, "seconds": round(min(duration, cap), 3), "capped": duration >= cap}


def measure(budget_seconds: float, per_learner: int, max_rows: int) -> dict:
    """Evaluate defaults and candidates on every meta dataset within the time budget."""
    folder = meta_folder()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    read_kwargs = manifest.get("read_csv_kwargs", {"keep_default_na": False, "na_values": [""]})
    entries = sorted(manifest["datasets"].items(), key=lambda item: (item[1]["rows"], item[0]))
    entries = [(name, entry) for name, entry in entries if entry["task"] in TASKS]
    candidates = {task: candidate_list(task, per_learner) for task in TASKS}
    seen = {task: 0 for task in TASKS}
    out: dict[str, Any] = {"candidates": candidates, "datasets": {}}
    deadline = time.perf_counter() + budget_seconds
    signal.signal(signal.SIGALRM, _on_alarm)
    for position, (name, entry) in enumerate(entries):
        started = time.perf_counter()
        share = max(0.0, deadline - started) / (len(entries) - position)
        task = entry["task"]
        frame = load_dataset(folder, entry, read_kwargs, max_rows)
        try:
            prepared = prepare(DataSettings(training_data=frame, target_column_name=entry["target"],
                                            n_cross_validations=N_FOLDS),
                               FeaturizationSettings(), task=get_task(task), seed=SEED)
        except Exception as exc:  # a dataset the pipeline refuses is skipped, not fatal
            print(f"{name}: skipped ({type(exc).__name__}: {exc})", flush=True)
            continue
        data = prepared.trial_data()
        probe_costs = seen[task] % 2 == 0
        seen[task] += 1
        record = {"task": task, "rows": len(frame), "defaults": {}, "candidates": {}}
        lightgbm = run_trial(task, "LightGBM", {}, data, TRIAL_CAP_SECONDS[1] * 4)
        record["defaults"]["LightGBM"] = lightgbm
        cap = float(np.clip(TRIAL_CAP_FACTOR * lightgbm["seconds"], *TRIAL_CAP_SECONDS))
        for algorithm in STRONG[task][1:]:
            record["defaults"][algorithm] = run_trial(task, algorithm, {}, data, cap)
        box = share * (1.0 - PROBE_RESERVE if probe_costs else 1.0)
        for index, (algorithm, params) in enumerate(candidates[task]):
            if index >= len(STRONG[task]) and time.perf_counter() - started > box:
                break  # at least one round, so every dataset has a say
            record["candidates"][str(index)] = run_trial(task, algorithm, params, data, cap)
        if probe_costs:
            probe_cap = min(cap, PROBE_CAP_SECONDS)
            for algorithm in get_task(task).algorithms.names():
                if algorithm not in STRONG[task]:
                    record["defaults"][algorithm] = run_trial(task, algorithm, {}, data, probe_cap)
        out["datasets"][name] = record
        print(f"{name:<22} {task:<14} rows {len(frame):>5}  defaults {len(record['defaults']):>2}  "
              f"candidates {len(record['candidates']):>3}/{len(candidates[task])}  "
              f"{time.perf_counter() - started:6.1f}s (share {share:5.1f}s)", flush=True)
    return out


def relative_costs(measured: dict) -> dict[str, float]:
    """Median over datasets of each default's duration / the LightGBM default's duration."""
    ratios: dict[str, list[float]] = {}
    for record in measured["datasets"].values():
        base = record["defaults"]["LightGBM"]["seconds"]
        for algorithm, trial in record["defaults"].items():
            ratios.setdefault(algorithm, []).append(trial["seconds"] / base)
    names = {a for task in TASKS for a in get_task(task).algorithms.names()}
    return {a: round(statistics.median(ratios[a]), 2) for a in sorted(names) if a in ratios}


def normalised(task: str, measured: dict) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Datasets, normalised candidate scores (NaN if not run or failed) and relative costs."""
    leading = get_task(task).algorithms.names()[:LEADING_DEFAULTS]
    names = [n for n, r in measured["datasets"].items() if r["task"] == task]
    n_candidates = len(measured["candidates"][task])
    scores = np.full((n_candidates, len(names)), np.nan)
    costs = np.full((n_candidates, len(names)), np.nan)
    for j, name in enumerate(names):
        record = measured["datasets"][name]
        base = min(record["defaults"]["LightGBM"]["seconds"], TRIAL_CAP_SECONDS[1])
        reference = max(record["defaults"][a]["score"] for a in leading if a in record["defaults"])
        raw = np.full(n_candidates, np.nan)
        for index, trial in record["candidates"].items():
            raw[int(index)] = trial["score"]
            costs[int(index), j] = trial["seconds"] / base
        seen = [t["score"] for t in record["defaults"].values()]
        top = np.nanmax(np.concatenate([raw, seen, [reference]]))
        ceiling = 1.0 if top - reference > NOISE else 0.0  # else the leading defaults are the best
        scale = max(top - reference, NOISE)
        scores[:, j] = np.clip((raw - reference) / scale, -1.0, ceiling)
    return names, scores, costs


def greedy_portfolio(task: str, measured: dict) -> list[dict]:
    """Configurations one by one, each the largest cost-weighed gain of the mean best-so-far."""
    names, scores, costs = normalised(task, measured)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # candidates never run: all-NaN rows
        cost = np.nanmedian(costs, axis=1)
        mean_score = np.nanmean(scores, axis=1)
    filled = np.nan_to_num(scores, nan=-1.0)  # not run or failed: no help on that dataset
    best = np.zeros(len(names))  # the leading defaults, normalised
    chosen: list[dict] = []
    while len(chosen) < MAX_CONFIGS:
        gains = np.maximum(filled, best).mean(axis=1) - best.mean()
        penalty = np.maximum(1.0, np.nan_to_num(cost, nan=np.inf) / COST_ALLOWANCE)
        taken = [c["index"] for c in chosen]
        weighed = gains / penalty
        weighed[taken] = -np.inf
        if weighed.max() <= 0 and len(chosen) < MIN_CONFIGS:  # nothing left to gain: best on average
            weighed = np.nan_to_num(mean_score, nan=-np.inf) / penalty
            weighed[taken] = -np.inf
        pick = int(np.argmax(weighed))
        if not np.isfinite(weighed[pick]) or len(chosen) >= MIN_CONFIGS and gains[pick] < MIN_GAIN:
            break
        algorithm, params = measured["candidates"][task][pick]
        chosen.append({"index": pick, "algorithm": algorithm, "params": _plain(params),
                       "mean_gain": round(float(gains[pick]), 4),
                       "mean_normalised_score": round(float(mean_score[pick]), 4),
                       "relative_cost": round(float(cost[pick]), 2),
                       "n_datasets": int((~np.isnan(scores[pick])).sum()),
                       "n_datasets_best": int((filled[pick] > best + 1e-12).sum())})
        best = np.maximum(best, filled[pick])
    for config in chosen:
        config.pop("index")
    return chosen


def _plain(params: dict) -> dict:
    """Parameters as plain JSON values: ints stay ints, floats rounded to 6 significant digits."""
    plain = {}
    for key, value in params.items():
        if isinstance(value, (bool, np.bool_)):
            plain[key] = bool(value)
        elif isinstance(value, (int, np.integer)):
            plain[key] = int(value)
        elif isinstance(value, (float, np.floating)):
            plain[key] = float(f"{float(value):.6g}")
        else:
            plain[key] = value
    return plain


def build_portfolio(measured: dict) -> dict:
    """The content of ``portfolio.json``."""
    return {
        "generated_by": "benchmarks/learn_portfolio.py",
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "method": ("greedy portfolio over seeded random configurations of the strong learners; "
                   "mean_gain: rise of the mean over datasets of the best-so-far score normalised "
                   "to 0 = best of the leading defaults (LightGBM, XGBoost) and 1 = best seen"),
        "datasets": sorted(measured["datasets"]),
        "configs": {task: greedy_portfolio(task, measured) for task in TASKS},
        "costs": relative_costs(measured),
    }


def print_table(portfolio: dict) -> None:
    """The chosen configurations and the costs."""
    for task in TASKS:
        print(f"\n{task}: {'algorithm':<20} {'gain':>6} {'mean':>6} {'cost':>5} {'won':>4}  params")
        for config in portfolio["configs"][task]:
            params = ", ".join(f"{k}={v}" for k, v in config["params"].items())
            print(f"{'':16}{config['algorithm']:<20} {config['mean_gain']:6.3f} "
                  f"{config['mean_normalised_score']:6.3f} {config['relative_cost']:5.2f} "
                  f"{config['n_datasets_best']:>4}  {params}")
    print("\ncosts (LightGBM = 1): " + ", ".join(f"{k} {v}" for k, v in portfolio["costs"].items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--budget-minutes", type=float, default=20.0,
                        help="time for all trials, shared among the datasets (default 20)")
    parser.add_argument("--candidates", type=int, default=12, help="configurations per strong learner")
    parser.add_argument("--max-rows", type=int, default=4000, help="rows kept per dataset")
    parser.add_argument("--raw", type=Path, help="save the measurements to this JSON file")
    parser.add_argument("--from-raw", type=Path, help="rebuild from saved measurements, no training")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write portfolio.json")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")  # convergence chatter of the weak learners' defaults
    started = time.perf_counter()
    if args.from_raw:
        measured = json.loads(args.from_raw.read_text(encoding="utf-8"))
    else:
        with threadpool_limits(limits=1, user_api="openmp"), threadpool_limits(limits=1, user_api="blas"):
            measured = measure(args.budget_minutes * 60, args.candidates, args.max_rows)
        if args.raw:
            args.raw.write_text(json.dumps(measured), encoding="utf-8")
    portfolio = build_portfolio(measured)
    print_table(portfolio)
    if not args.dry_run:
        PORTFOLIO_FILE.write_text(json.dumps(portfolio, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {PORTFOLIO_FILE.relative_to(ROOT)}")
    print(f"{time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
