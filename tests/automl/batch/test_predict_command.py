"""``automl predict`` as a subprocess: a folder of 10 CSV files, one corrupt -> 9 scored, exit 3."""
from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd


def run_cli(args, cwd):
    env = {**os.environ, "AUTOML_TRACKING": "off"}
    return subprocess.run([sys.executable, "-m", "automl.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_ten_files_one_corrupt_scores_nine_names_the_bad_one_and_exits_3(titanic_model, parts, tmp_path):
    _, models, test = titanic_model
    paths = parts(test, tmp_path / "to_score", 10)
    paths[7].write_bytes(b"PK\x03\x04 this is not a csv \x00\x00\n\"broken")
    done = run_cli(["predict", "--model", models / "model.onnx", "--input", "to_score",
                    "--output", "out/predictions.csv", "--mini-batch-size", "3", "--proba"], tmp_path)
    assert done.returncode == 3, done.stderr
    out = pd.read_csv(tmp_path / "out" / "predictions.csv")
    assert sorted(out["file"].unique()) == [p.name for p in paths if p != paths[7]]
    assert len(out) == sum(len(pd.read_csv(p)) for p in paths if p != paths[7])
    assert {"probability_0", "probability_1"} <= set(out.columns)
    errors = (tmp_path / "out" / "job_error.txt").read_text()
    assert errors.startswith("part_07.csv: ") and errors.count("\n") == 1
    overview = (tmp_path / "out" / "job_progress_overview.txt").read_text()
    assert "status: CompletedWithErrors" in overview and "9 scored, 1 failed, 10 in total" in overview
    assert "CompletedWithErrors" in done.stdout and "part_07.csv" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_file_scored_exits_0_and_a_bad_model_exits_2(titanic_model, parts, tmp_path):
    _, models, test = titanic_model
    parts(test, tmp_path / "to_score", 2)
    done = run_cli(["predict", "--model", models / "mlflow-model", "--input", "to_score",
                    "--output", "predictions.csv"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "predictions.csv")) == len(test)
    done = run_cli(["predict", "--model", "missing/model.onnx", "--input", "to_score"], tmp_path)
    assert done.returncode == 2 and "--model 'missing/model.onnx' does not exist" in done.stderr
