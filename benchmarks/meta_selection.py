"""Meta check of the VotingEnsemble's selection (#19): its rules replayed on the candidates of whole jobs.

``collect`` runs automl-studio's job on each meta dataset (``meta_jobs.run_job``: 75/25 split by seed,
``--minutes`` per job) and keeps what its Caruana selection saw: every candidate's out-of-fold
predictions on the shared rows, the target and the metric (one ``.npz`` per job in ``--folder``).
``analyse`` replays selection rules on those candidates by cross-selection: the rows split in two halves
(stratified for classification, ``--repeats`` times), a rule selects the weights on one half and the
weighted average is scored on the other, both ways. The job's models are the same for every rule, so the
paired differences between rules show how well each rule's choice carries over to rows it did not see,
without the run-to-run noise of whole jobs. Meta datasets only: never a benchmark set.

    python benchmarks/meta_selection.py collect --seeds 0 --folder /tmp/selection [--datasets sonar]
    python benchmarks/meta_selection.py analyse --folder /tmp/selection [--repeats 5]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learn_portfolio import load_dataset, meta_folder  # noqa: E402
from meta_jobs import MAX_ROWS, run_job  # noqa: E402

from automl.ensembles import caruana_selection  # noqa: E402
from automl.metrics import fast_scorer  # noqa: E402
from automl.tasks import get_task  # noqa: E402
from automl.tasks.tabular import _ensemble_trials  # noqa: E402

#: The rules replayed: (rounds, initial size; None: Azure's min(5, rounds // 2) within 5% of the best).
RULES: dict[str, tuple[int, int | None]] = {
    "azure_15": (15, None), "rounds_25": (25, None), "from_best_25": (25, 1), "best_single": (1, None),
}
BASELINE = "azure_15"


def _capture_selection(into: dict) -> Callable[[], None]:
    """Make the job's selection record its candidates into ``into``; returns the undo."""
    real = _ensemble_trials._Selection.chosen

    def chosen(self):
        if "predictions" not in into:
            classes = self.scorer.prepared.classes
            y = np.asarray(self.scorer.y)  # labels as text: saved without pickling, compared alike
            into.update(predictions=np.stack(self.candidates.predictions),
                        y=y if classes is None else y.astype(str),
                        classes=np.asarray([] if classes is None else classes).astype(str),
                        metric=self.scorer.metric.name)
        return real(self)
    _ensemble_trials._Selection.chosen = chosen
    return lambda: setattr(_ensemble_trials._Selection, "chosen", real)


def collect(args: argparse.Namespace) -> None:
    folder = meta_folder()
    manifest = json.loads((folder / "manifest.json").read_text())
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        for name, entry in manifest["datasets"].items():
            if args.datasets and name not in args.datasets:
                continue
            frame = load_dataset(folder, entry, manifest.get("read_csv_kwargs", {}), MAX_ROWS)
            seen: dict = {}
            undo = _capture_selection(seen)
            try:
                figures = run_job(name, entry, frame, seed, args.minutes)
            finally:
                undo()
            print(json.dumps({k: figures[k] for k in ("dataset", "seed", "score", "wall", "best")}), flush=True)
            if "predictions" in seen:
                np.savez_compressed(out / f"{name}__{seed}.npz", task=entry["task"], **seen)


def _scorer(task: str, metric_name: str, y: np.ndarray, classes: np.ndarray) -> Callable[[np.ndarray], float]:
    metric = get_task(task).metric(metric_name)
    fast = fast_scorer(metric, y, classes) if task == "classification" else None
    if fast is not None:
        return fast
    if metric_name == "r2_score":  # thousands of calls a selection: the formula, not the metric's checks
        y = y.astype(float)
        total = float(np.sum((y - y.mean()) ** 2))
        return lambda prediction: 1.0 - float(np.sum((y - prediction) ** 2)) / total
    extra = {"classes": classes} if task == "classification" else {}
    return lambda prediction: metric.value(y, prediction, **extra)


def _select(rule: tuple[int, int | None], predictions: np.ndarray, score: Callable, greater: bool) -> np.ndarray:
    rounds, initial = rule
    counts = caruana_selection(list(predictions), None, lambda _, p: score(p), greater, rounds, initial_size=initial)
    return counts / counts.sum()


def cross_selection(capture: dict, repeats: int) -> dict[str, float]:
    """Each rule's score on the half it did not select on, averaged over both halves and ``repeats`` splits."""
    task, metric_name = str(capture["task"]), str(capture["metric"])
    predictions, y, classes = capture["predictions"], capture["y"], capture["classes"]
    greater = get_task(task).metric(metric_name).greater_is_better
    totals = {rule: [] for rule in RULES}
    for repeat in range(repeats):
        folds = (StratifiedKFold(2, shuffle=True, random_state=repeat) if task == "classification"
                 else KFold(2, shuffle=True, random_state=repeat))
        for select_rows, score_rows in folds.split(predictions[0], y):
            on_select = _scorer(task, metric_name, y[select_rows], classes)
            on_score = _scorer(task, metric_name, y[score_rows], classes)
            for rule, spec in RULES.items():
                weights = _select(spec, predictions[:, select_rows], on_select, greater)
                averaged = np.tensordot(weights, predictions[:, score_rows], axes=1)
                totals[rule].append(on_score(averaged))
    return {rule: statistics.fmean(values) for rule, values in totals.items()}


def analyse(args: argparse.Namespace) -> None:
    by_dataset: dict[str, list[dict[str, float]]] = {}
    for path in sorted(Path(args.folder).glob("*.npz")):
        capture = dict(np.load(path, allow_pickle=False))
        scores = cross_selection(capture, args.repeats)
        dataset, seed = path.stem.split("__")
        by_dataset.setdefault(dataset, []).append(scores)
        print(json.dumps({"dataset": dataset, "seed": int(seed), "candidates": len(capture["predictions"]),
                          "rows": len(capture["y"]), **{k: round(v, 5) for k, v in scores.items()}}), flush=True)
    print(f"\nrule minus {BASELINE}, mean over each dataset's seeds (better: a gain beyond 0.0005)")
    for rule in RULES:
        if rule == BASELINE:
            continue
        gains = [statistics.fmean(s[rule] - s[BASELINE] for s in seeds) for seeds in by_dataset.values()]
        better, worse = sum(g > 0.0005 for g in gains), sum(g < -0.0005 for g in gains)
        print(f"{rule:>14}: mean {statistics.fmean(gains):+.5f}, median {statistics.median(gains):+.5f}, "
              f"better {better}, same {len(gains) - better - worse}, worse {worse} of {len(gains)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("collect")
    run.add_argument("--seeds", type=int, nargs="+", default=[0])
    run.add_argument("--datasets", nargs="*", default=[])
    run.add_argument("--minutes", type=float, default=1.0)
    run.add_argument("--folder", required=True)
    replay = commands.add_parser("analyse")
    replay.add_argument("--folder", required=True)
    replay.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    collect(args) if args.command == "collect" else analyse(args)


if __name__ == "__main__":
    main()
