"""Distributed-training benchmark: ``training_mode="distributed"`` on generated data of 1M, 5M and 20M rows.

The data has 20 mixed columns (12 numbers, two of them with 3% missing values; 8 categorical
columns of 3 to 500 levels) and a binary label that depends on them with interactions; it is
written as Parquet files of 250,000 rows to ``$AUTOML_DISTRIBUTED_DATA`` (default: a folder in
the system's temporary directory), never into the checkout. 100,000 separate rows are the
held-out test.

The cluster is a ``dask scheduler`` and two ``dask worker`` processes (one thread each) started
here, a fresh one for every run (started before the run's clock). For each size, in fresh
processes whose process tree's memory is watched (:mod:`_watch`):

- ``distributed``: an automl-studio job, ``training_mode="distributed"``, within the budget;
- ``local``: the same job with ``training_mode="non_distributed"`` on the rows read into pandas,
  for the sizes at most ``--local-max-rows`` (the data fits on one machine there);
- ``lightgbm.dask``: a direct ``DaskLGBMClassifier`` on the same partitions, with category codes
  for the categorical columns and as many boosting rounds as the distributed job's first trial:
  what reading and training alone cost. The job's overhead over it is the time from ``submit()`` to
  the end of its first trial (setup: aggregates, sample, featurization, featurizing every partition;
  then the trial: training, predicting and scoring the held-out partitions), against the direct
  run's wall time (the job's own wall time is its budget: the search fills it).

Reported per run: wall time, the driver's peak memory (the job's process and its trial processes),
each worker's peak, trials, and the held-out AUC. Results: JSON lines in
``benchmarks/results/distributed.jsonl`` and the table ``benchmarks/results/distributed.md``.

Usage::

    python benchmarks/bench_distributed.py [--rows 1000000 5000000 20000000] [--budget 300]
                                           [--local-max-rows 1000000]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import RESULTS, append_result  # noqa: E402
from _watch import run_watched, tree_memory  # noqa: E402

ROWS, FILE_ROWS, TEST_ROWS = (1_000_000, 5_000_000, 20_000_000), 250_000, 100_000
LEVELS = (3, 5, 8, 12, 20, 50, 120, 500)


def generate(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """``rows`` rows of the benchmark's table (see the module's docstring)."""
    x = rng.normal(size=(rows, 12)).astype(np.float32)
    frame = pd.DataFrame(x, columns=[f"num_{j:02d}" for j in range(12)])
    logit = 0.8 * x[:, 0] - 0.6 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3] + 0.4 * np.sin(2 * x[:, 4])
    for j, levels in enumerate(LEVELS):
        codes = rng.integers(0, levels, size=rows)
        frame[f"cat_{j}"] = pd.Categorical.from_codes(codes, [f"L{k}" for k in range(levels)]).astype(str)
        logit += np.sin(codes * (j + 1.7)) * 0.3
    for column in ("num_05", "num_09"):
        frame.loc[rng.random(rows) < 0.03, column] = np.nan
    frame["label"] = np.where(rng.random(rows) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return frame


def write_data(folder: Path, rows: int, seed: int = 0) -> None:
    """The training files of ``rows`` rows and ``test.parquet``, unless they are there already."""
    done = folder / "done"
    if done.exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "train").mkdir(parents=True)
    rng = np.random.default_rng(seed)
    for i in range(max(2, rows // FILE_ROWS)):
        generate(min(FILE_ROWS, rows), rng).to_parquet(folder / "train" / f"part-{i:04d}.parquet", index=False)
    generate(TEST_ROWS, rng).to_parquet(folder / "test.parquet", index=False)
    done.write_text("ok")


#: What a run does in its fresh process; its last line on stderr is its JSON record.
JOB = """
import json, sys, time
import pandas as pd
from sklearn.metrics import roc_auc_score
import automl
folder, mode, budget, address = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4].replace("tcp", "dask")
train = folder + "/train" if mode == "distributed" else pd.read_parquet(folder + "/train")
job = automl.classification(training_data=train, target_column_name="label", log_verbosity="warning",
                            enable_model_explainability=False)
job.set_training(training_mode=mode, allowed_training_algorithms=["LightGBM"])
job.set_limits(timeout_minutes=budget / 60)
started, epoch = time.monotonic(), time.time()
result = job.submit(compute=address if mode == "distributed" else "local", show_progress=False)
wall = time.monotonic() - started
test = pd.read_parquet(folder + "/test.parquet")
proba = result.best_model.predict_proba(test.drop(columns="label"))[:, list(result.best_model.classes_).index("yes")]
first = min(result.trials, key=lambda t: t.iteration)
sys.stderr.write(json.dumps({"wall_seconds": wall, "trials": sum(t.succeeded for t in result.trials),
                             "auc": roc_auc_score(test["label"] == "yes", proba),
                             "rounds": int(result.best_trial.params.get("n_estimators", 100)),
                             "first_trial_rounds": int(first.params.get("n_estimators", 100)),
                             "first_trial_seconds": first.duration_seconds,
                             "first_model_seconds": first.started_at + first.duration_seconds - epoch,
                             "setup_seconds": result.timings.get("setup"),
                             "timings": result.timings}) + "\\n")
"""

#: The direct lightgbm.dask baseline: the same partitions, category codes, ``rounds`` rounds.
DIRECT = """
import json, sys, time
import dask.dataframe as dd
import numpy as np, pandas as pd
from distributed import Client
from lightgbm.dask import DaskLGBMClassifier
from sklearn.metrics import roc_auc_score
folder, rounds, address = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with Client(address) as client:
    started = time.monotonic()
    frame = dd.read_parquet(folder + "/train")
    categorical = [c for c in frame.columns if c.startswith("cat_")]
    def codes(part):
        out = pd.DataFrame({c: part[c].astype("float32") for c in part.columns if c.startswith("num_")},
                           index=part.index)
        for c in categorical:
            out[c] = part[c].astype(str).str[1:].astype("int32")
        out["label"] = (part["label"] == "yes").astype("int32")
        return out
    meta = {**{c: "float32" for c in frame.columns if c.startswith("num_")}, **{c: "int32" for c in categorical},
            "label": "int32"}
    frame = frame.map_partitions(codes, meta=meta)
    X, y = frame.drop(columns="label"), frame["label"]
    model = DaskLGBMClassifier(client=client, n_estimators=rounds, verbose=-1).fit(X, y)
    wall = time.monotonic() - started
    test = codes(pd.read_parquet(folder + "/test.parquet"))
    proba = model.to_local().predict_proba(test.drop(columns="label"))[:, 1]
sys.stderr.write(json.dumps({"wall_seconds": wall, "trials": 1, "auc": roc_auc_score(test["label"], proba),
                             "rounds": rounds}) + "\\n")
"""


class Cluster:
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, their memory watched."""

    def __init__(self, workers: int = 2) -> None:
        dask = shutil.which("dask", path=os.path.dirname(sys.executable))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{port}"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                            "--no-dashboard"], **quiet)]
        self.workers = [subprocess.Popen([dask, "worker", self.address, "--nthreads", "1", "--no-dashboard",
                                          "--host", "127.0.0.1"], **quiet) for _ in range(workers)]
        self.processes += self.workers
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        self.peaks = [0] * workers
        self._stop = threading.Event()

    def watch(self) -> None:
        """Sample the workers' memory until :meth:`stop_watching`."""
        self.peaks = [0] * len(self.workers)
        self._stop.clear()

        def sample() -> None:
            while not self._stop.wait(0.1):
                for i, worker in enumerate(self.workers):
                    try:
                        self.peaks[i] = max(self.peaks[i], tree_memory(psutil.Process(worker.pid))[0])
                    except psutil.Error:
                        pass
        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()

    def stop_watching(self) -> list[int]:
        self._stop.set()
        self._thread.join()
        return [round(p / 2**20) for p in self.peaks]

    def close(self) -> None:
        for process in self.processes[::-1]:
            process.kill()


def _run(code: str, args: list[str], cap: float, log: Path) -> dict:
    """``code`` in a fresh process against a fresh cluster (its address is the last argument): no run finds
    the workers warm from the one before (imports done, files cached) or holding its memory."""
    cluster = Cluster()
    try:
        cluster.watch()
        watched = run_watched([sys.executable, "-c", code, *args, cluster.address],
                              env=dict(os.environ, AUTOML_TRACKING="off"), cwd=tempfile.gettempdir(), stderr=log,
                              cap_seconds=cap)
        workers = cluster.stop_watching()
    finally:
        cluster.close()
    record = {"returncode": watched.returncode, "driver_peak_mb": round(watched.peak_bytes / 2**20),
              "worker_peaks_mb": workers}
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    return record if not lines else {**record, **json.loads(lines[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=list(ROWS))
    parser.add_argument("--budget", type=float, default=300.0, help="seconds per job (default 300)")
    parser.add_argument("--local-max-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    root = Path(os.environ.get("AUTOML_DISTRIBUTED_DATA", Path(tempfile.gettempdir()) / "automl-distributed-data"))
    rows_out = []
    for rows in args.rows:
        folder = root / f"rows-{rows}"
        write_data(folder, rows)
        runs = {}
        for system, mode in (("distributed", "distributed"), ("local", "non_distributed")):
            if mode == "non_distributed" and rows > args.local_max_rows:
                continue
            runs[system] = _run(JOB, [str(folder), mode, str(args.budget)], cap=args.budget * 3,
                                log=folder / f"{system}.log")
        rounds = str(runs["distributed"].get("first_trial_rounds", 100))
        runs["lightgbm.dask"] = _run(DIRECT, [str(folder), rounds], cap=args.budget * 3, log=folder / "direct.log")
        for system, record in runs.items():
            record = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "rows": rows,
                      "system": system, "budget_seconds": args.budget, **record}
            append_result("distributed.jsonl", record)
            rows_out.append(record)
            print(json.dumps({k: v for k, v in record.items() if k != "timings"}), flush=True)
    _write_table(rows_out)


def _write_table(records: list[dict]) -> None:
    lines = ["| rows | system | wall s | first model s (overhead) | driver peak MB | worker peaks MB | trials "
             "| held-out AUC |", "|---|---|---|---|---|---|---|---|"]
    direct = {(r["rows"], r["date"]): r.get("wall_seconds") for r in records if r["system"] == "lightgbm.dask"}
    for r in records:
        first = "-"
        if r.get("first_model_seconds") is not None and r["system"] == "distributed":
            seconds, base = r["first_model_seconds"], direct.get((r["rows"], r["date"]))  # the same run's
            first = f"{seconds:.1f}" + (f" ({seconds / base - 1:+.0%})" if base else "")
        lines.append(f"| {r['rows']:,} | {r['system']} | {r.get('wall_seconds', float('nan')):.1f} | {first} | "
                     f"{r['driver_peak_mb']} | {', '.join(map(str, r['worker_peaks_mb']))} | {r.get('trials', 0)} | "
                     f"{r.get('auc', float('nan')):.4f} |")
    drivers = {r["rows"]: r["driver_peak_mb"] for r in records if r["system"] == "distributed"}
    if len(drivers) > 1:
        low, high = min(drivers), max(drivers)
        lines += ["", f"- The driver's peak grows {drivers[high] / drivers[low]:.2f}x from {low:,} to {high:,} rows."]
    (RESULTS / "distributed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
