"""Shared helpers of the benchmark scripts: where the datasets are, the manifest's split."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def datasets_dir() -> Path:
    """``../shared/datasets`` beside the checkout, or ``$AUTOML_BENCH_DATA``."""
    return Path(os.environ.get("AUTOML_BENCH_DATA", ROOT.parent / "shared" / "datasets"))


def manifest() -> dict:
    """The datasets' manifest."""
    return json.loads((datasets_dir() / "manifest.json").read_text())


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (gzipped or not) or Parquet file."""
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def load_split(name: str, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """A 75/25 split of the manifest's dataset (drawn with ``seed``, stratified for classification),
    leaking columns dropped; an entry with a ``test_file`` (the scaling benchmark's) is split already."""
    entry = manifest()["datasets"][name]
    if "test_file" in entry:
        return read_table(datasets_dir() / entry["file"]), read_table(datasets_dir() / entry["test_file"]), entry
    frame = read_table(datasets_dir() / entry["file"])
    frame = frame.drop(columns=[c for c in entry.get("drop_columns", []) if c in frame.columns])
    frame = frame.dropna(subset=[entry["target"]])
    stratify = frame[entry["target"]] if entry["task"] == "classification" else None
    train, test = train_test_split(frame, test_size=0.25, random_state=seed, stratify=stratify)
    return train, test, entry


def append_result(file_name: str, record: dict) -> None:
    """Append one JSON line to ``benchmarks/results/<file_name>``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / file_name, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
