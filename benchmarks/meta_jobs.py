"""Tabular meta check: automl-studio's whole jobs on the meta datasets, which are not benchmark sets.

Each (dataset, seed) is one job (``timeout_minutes`` from ``--minutes``), run as ``bench_tabular.py``
runs automl-studio (``_systems.fit_automl_studio``) and scored as it scores (``_run_one.held_out_score``),
on a 75/25 split drawn with the seed (stratified for classification), on ``../shared/datasets/meta``
(``AUTOML_META_DATA`` names another folder; at most 20,000 rows, as ``learn_portfolio.py`` reads them).
The figures are printed as JSON lines: the held-out AUC_weighted or r2 (the job's primary metric too),
the wall time of ``submit()``, the trials and the searched trials that completed, the returned model,
the searched trials that ran longer than a trial's allowance (``slow``: algorithm, seconds, status,
reason), those stopped after their first fold for their pace, and the job's ``budget_notes``. To
compare two versions, run it from two checkouts (``PYTHONPATH``) with the same arguments and pair the
lines by (dataset, seed).

    python benchmarks/meta_jobs.py --seeds 0 1 2 [--datasets sonar glass] [--minutes 1]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _run_one import held_out_score  # noqa: E402
from _systems import fit_automl_studio, remove_scratch, scratch_dir  # noqa: E402
from learn_portfolio import load_dataset, meta_folder  # noqa: E402

MAX_ROWS = 20_000


def run_job(name: str, entry: dict, frame: pd.DataFrame, seed: int, minutes: float) -> dict:
    """One job on the seed's split of ``frame``; its figures."""
    target, classification = entry["target"], entry["task"] == "classification"
    entry = {**entry, "metric": "AUC_weighted" if classification else "r2_score"}
    train, test = train_test_split(frame, test_size=0.25, random_state=seed,
                                   stratify=frame[target] if classification else None)
    workdir, fitted = scratch_dir(), None
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{workdir / 'mlflow.db'}"  # each job its own store
    try:
        fitted = fit_automl_studio(train, entry, 60 * minutes, seed, workdir)
        score = held_out_score(fitted, test.drop(columns=[target]), test[target], entry)
    finally:  # after the job's logging into the store, which may go on after submit()
        remove_scratch(workdir, fitted)
    extra = fitted.extra
    return {"dataset": name, "seed": seed, "minutes": minutes, "score": round(score, 5),
            "wall": extra["submit_seconds"], "trials": fitted.trials, "completed": extra["completed_trials"],
            "best": fitted.best, "slow": extra["slow_trials"], "stopped_for_pace": extra["stopped_for_pace"],
            "budget_notes": extra["budget_notes"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--datasets", nargs="*", default=[], help="meta dataset names (default: all)")
    parser.add_argument("--minutes", type=float, default=1.0)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    folder = meta_folder()
    manifest = json.loads((folder / "manifest.json").read_text())
    unknown = sorted(set(args.datasets) - set(manifest["datasets"]))
    if unknown:
        parser.error(f"not meta datasets: {', '.join(unknown)}")
    for seed in args.seeds:
        for name, entry in manifest["datasets"].items():
            if args.datasets and name not in args.datasets:
                continue
            frame = load_dataset(folder, entry, manifest.get("read_csv_kwargs", {}), MAX_ROWS)
            print(json.dumps(run_job(name, entry, frame, seed, args.minutes)), flush=True)


if __name__ == "__main__":
    main()
