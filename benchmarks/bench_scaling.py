"""Scaling benchmark: wall time, peak memory, trials and held-out score from 10k to 1M rows.

The table is adult's columns resampled with noise (:func:`synthetic_adult`): numeric columns
jittered, 3% of each categorical column redrawn from its marginal, a date column, 2% missing
values in four columns and 2% of the labels flipped. Training rows are drawn from 75% of
adult's rows and the 20,000 held-out rows from the other 25%, so no held-out row is a noisy
copy of a training row. Each size gets the budget a user would give it (10k rows: 60 s, 100k:
120 s, 1M: 600 s; ``--budgets`` changes them), and automl-studio and AutoGluon run one after
the other, each in a fresh process, through the tabular harness (``bench_tabular.run_one``:
the same scoring, the same memory watch of the process tree).

From the runs it fits, per system, the exponent ``b`` of ``y ~ rows^b`` (least squares on
logs) for the wall time, the peak memory and the seconds per trial. Results: JSON lines in
``benchmarks/results/scaling.jsonl``, ``benchmarks/results/scaling.md``, the plot
``benchmarks/results/scaling.png``, and with the default sizes and systems the README's
"Scaling" section. The data is written to ``$AUTOML_SCALING_DATA`` (default: a folder in the
system's temporary directory), never into the checkout.

Usage::

    python benchmarks/bench_scaling.py [--rows 10000 100000 1000000] [--budgets 60 120 600]
                                       [--systems automl-studio AutoGluon]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import RESULTS, ROOT, append_result, datasets_dir  # noqa: E402
from bench_tabular import availability, run_one  # noqa: E402

ROWS, BUDGETS, SYSTEMS = (10_000, 100_000, 1_000_000), (60.0, 120.0, 600.0), ("automl-studio", "AutoGluon")
TEST_ROWS, SOURCE_TEST_SHARE = 20_000, 0.25
README_START, README_END = "<!-- bench:scaling:start -->", "<!-- bench:scaling:end -->"
#: The promise for the largest run: within its budget + 5%, under 8 GB, at least 5 completed trials.
GRACE, MAX_PEAK_MB, MIN_TRIALS = 0.05, 8 * 1024, 5
NUMERIC_NOISE = {"age": 2.0, "hours_per_week": 3.0}
SCALED = ("fnlwgt", "capital_gain", "capital_loss")
REDRAWN = ("workclass", "occupation", "marital_status", "relationship", "race", "native_country")
HOLED = ("age", "occupation", "hours_per_week", "workclass")


def synthetic_adult(source: pd.DataFrame, n_rows: int, seed: int) -> pd.DataFrame:
    """``n_rows`` of ``source`` (adult's columns) resampled with noise, a date column and missing values."""
    rng = np.random.default_rng(seed)
    frame = source.iloc[rng.integers(0, len(source), n_rows)].reset_index(drop=True)
    for column, spread in NUMERIC_NOISE.items():
        frame[column] = np.clip(np.round(frame[column] + rng.normal(0, spread, n_rows)), 1, 99)
    for column in SCALED:
        frame[column] = np.round(frame[column] * rng.lognormal(0, 0.1, n_rows))
    for column in REDRAWN:
        redraw = rng.random(n_rows) < 0.03
        frame.loc[redraw, column] = source[column].to_numpy()[rng.integers(0, len(source), int(redraw.sum()))]
    days = pd.to_timedelta(rng.integers(0, 3 * 365, n_rows), unit="D")
    frame.insert(len(frame.columns) - 1, "interview_date", pd.Timestamp("2019-01-01") + days)
    for column in HOLED:
        frame.loc[rng.random(n_rows) < 0.02, column] = np.nan
    labels = sorted(source["class"].unique())
    flip = rng.random(n_rows) < 0.02
    frame.loc[flip, "class"] = np.where(frame.loc[flip, "class"] == labels[0], labels[1], labels[0])
    return frame


def write_datasets(folder: Path, sizes: list[int]) -> None:
    """The training tables of ``sizes``, the shared held-out table and their manifest, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    adult = pd.read_csv(datasets_dir() / "adult.csv.gz")
    held_out = adult.sample(frac=SOURCE_TEST_SHARE, random_state=0)
    source = adult.drop(index=held_out.index)
    synthetic_adult(held_out, TEST_ROWS, seed=1).to_parquet(folder / "test.parquet")
    entries = {}
    for n in sizes:
        path = folder / f"adult_{n}.parquet"
        if not path.exists():
            synthetic_adult(source, n, seed=0).to_parquet(path)
        entries[dataset_name(n)] = {"file": path.name, "test_file": "test.parquet", "task": "classification",
                                    "target": "class", "metric": "AUC_weighted", "rows": n}
    (folder / "manifest.json").write_text(json.dumps({"datasets": entries}, indent=1))


def dataset_name(n_rows: int) -> str:
    return f"synthetic_adult_{n_rows}"


def exponent(rows: list[int], values: list[float]) -> float | None:
    """``b`` of ``value ~ rows^b``, least squares on logs (None with fewer than two points).

    >>> round(exponent([10, 100, 1000], [1.0, 10.0, 100.0]), 3)
    1.0
    """
    pairs = [(math.log(n), math.log(v)) for n, v in zip(rows, values) if v and v > 0]
    if len(pairs) < 2:
        return None
    x, y = np.array(pairs).T
    return float(np.polyfit(x, y, 1)[0])


def seconds_per_trial(record: dict) -> float | None:
    return record["wall_seconds"] / record["trials"] if record.get("trials") else None


def growth(records: list[dict], system: str) -> dict[str, float | None]:
    """The exponents of wall time, peak memory and seconds per trial in rows, for ``system``."""
    runs = sorted((r for r in records if r["system"] == system and "error" not in r), key=lambda r: r["rows"])
    rows = [r["rows"] for r in runs]
    return {"wall": exponent(rows, [r["wall_seconds"] for r in runs]),
            "memory": exponent(rows, [r["peak_memory_mb"] for r in runs]),
            "per_trial": exponent(rows, [seconds_per_trial(r) for r in runs])}


def render_markdown(records: list[dict], context: dict) -> str:
    """The table, the exponents and the checks of the largest run."""
    lines = [f"Run {context['date']} on {context['cpus']} cores, {context['memory_gib']} GiB. Synthetic adult "
             f"(see `benchmarks/bench_scaling.py`); held-out AUC_weighted on {TEST_ROWS:,} rows drawn from rows "
             "of adult that no training row comes from.", "",
             "| rows | budget s | system | wall s | overrun | peak MB | trials (completed) | held-out AUC | best |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        if "error" in r:
            lines.append(f"| {r['rows']:,} | {r['budget']:.0f} | {r['system']} | failed: {r['error'][:80]} "
                         "| | | | | |")
            continue
        lines.append(f"| {r['rows']:,} | {r['budget']:.0f} | {r['system']} | {r['wall_seconds']:.1f} "
                     f"| {r['overrun']:+.1%} | {r['peak_memory_mb']} "
                     f"| {r['trials']} ({r.get('completed_trials', '-')}) "
                     f"| {r['score']:.4f} "
                     f"| {r['best']} |")
    lines += ["", "Growth in rows (exponent b of y ~ rows^b; the budget grows with the rows, so the wall time's "
              "exponent is mostly the budget's):", "", "| system | wall | peak memory | seconds per trial |",
              "|---|---|---|---|"]
    for system in dict.fromkeys(r["system"] for r in records):
        g = growth(records, system)
        cells = ["-" if v is None else f"{v:.2f}" for v in (g["wall"], g["memory"], g["per_trial"])]
        lines.append(f"| {system} | {' | '.join(cells)} |")
    largest = [r for r in records if r["system"] == SYSTEMS[0] and "error" not in r]
    if largest:
        top = max(largest, key=lambda r: r["rows"])
        checks = [top["overrun"] <= GRACE, top["peak_memory_mb"] <= MAX_PEAK_MB,
                  top.get("completed_trials", 0) >= MIN_TRIALS]
        lines += ["", f"- {SYSTEMS[0]} on {top['rows']:,} rows: {top['wall_seconds']:.1f} s for a "
                  f"{top['budget']:.0f} s budget ({top['overrun']:+.1%}), peak {top['peak_memory_mb']} MB, "
                  f"{top.get('completed_trials')} completed trials: "
                  + ("**every promise held**" if all(checks) else "**a promise was missed**") + "."]
    lines += ["", "![Wall time and peak memory against rows](benchmarks/results/scaling.png)"]
    return "\n".join(lines) + "\n"


def plot(records: list[dict], path: Path) -> None:
    """Wall time and peak memory against rows, log-log, one line per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for system in dict.fromkeys(r["system"] for r in records):
        runs = sorted((r for r in records if r["system"] == system and "error" not in r), key=lambda r: r["rows"])
        rows = [r["rows"] for r in runs]
        axes[0].plot(rows, [r["wall_seconds"] for r in runs], marker="o", label=system)
        axes[1].plot(rows, [r["peak_memory_mb"] / 1024 for r in runs], marker="o", label=system)
    budgets = sorted({(r["rows"], r["budget"]) for r in records})
    axes[0].plot([n for n, _ in budgets], [b * (1 + GRACE) for _, b in budgets], "k--", lw=1,
                 label="budget + 5%")
    for axis, label in zip(axes, ("wall time (s)", "peak memory of the process tree (GiB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("training rows")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.suptitle("automl-studio and AutoGluon from 10k to 1M rows (synthetic adult)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def readme_update(readme: Path, markdown: str) -> None:
    """Put ``markdown`` between the README's scaling markers (a section at the end when absent)."""
    text = readme.read_text(encoding="utf-8")
    block = f"{README_START}\n{markdown}{README_END}"
    if README_START in text:
        text = re.sub(re.escape(README_START) + ".*?" + re.escape(README_END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n### Scaling\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=list(ROWS))
    parser.add_argument("--budgets", type=float, nargs="+", default=list(BUDGETS),
                        help="one per --rows value: seconds for that size")
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    args = parser.parse_args()
    if len(args.budgets) != len(args.rows):
        parser.error("give one budget per --rows value")
    folder = Path(os.environ.get("AUTOML_SCALING_DATA", Path(tempfile.gettempdir()) / "automl-scaling"))
    write_datasets(folder, args.rows)
    os.environ["AUTOML_BENCH_DATA"] = str(folder)  # the harness's child processes read the tables here
    context = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "cpus": os.cpu_count(),
               "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)}
    records = []
    for n_rows, budget in zip(args.rows, args.budgets):
        for system in args.systems:
            reason = availability(system)
            if reason:
                print(f"{system} is not available: {reason}")
                continue
            record = {"rows": n_rows, "budget": budget, "system": system,
                      **run_one(system, dataset_name(n_rows), budget, seed=0)}
            print(json.dumps({k: record.get(k) for k in ("rows", "system", "wall_seconds", "peak_memory_mb",
                                                         "trials", "score", "error")}), flush=True)
            append_result("scaling.jsonl", {**context, **record})
            records.append(record)
    markdown = render_markdown(records, context)
    (RESULTS / "scaling.md").write_text(markdown)
    plot(records, RESULTS / "scaling.png")
    print(markdown)
    if args.rows == list(ROWS) and set(args.systems) == set(SYSTEMS):
        readme_update(ROOT / "README.md", markdown)


if __name__ == "__main__":
    main()
