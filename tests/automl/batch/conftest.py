"""One small ONNX-compatible model per task, trained once, saved as model.onnx and an MLflow folder."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import automl
from automl.tracking import save_sklearn_model

TITANIC = Path(__file__).resolve().parents[3] / "examples" / "classification" / "data"


def _train(job, folder: Path):
    job.set_limits(max_trials=1, max_concurrent_trials=1, timeout_minutes=2)
    job.set_training(allowed_training_algorithms=["LightGBM"], enable_onnx_compatible_models=True,
                     enable_vote_ensemble=False, enable_stack_ensemble=False)
    result = job.submit(show_progress=False)
    assert result.best_model is not None
    result.export_onnx(folder / "model.onnx")
    save_sklearn_model(result.best_model, folder / "mlflow-model", result.check_rows)
    return result


@pytest.fixture(scope="session")
def titanic_model(tmp_path_factory):
    """(result, folder with model.onnx and mlflow-model/, raw test rows without the target)."""
    folder = tmp_path_factory.mktemp("batch-titanic")
    job = automl.classification(training_data=str(TITANIC / "train"), target_column_name="Survived",
                                n_cross_validations=2, tracking_uri=False)
    result = _train(job, folder)
    test = pd.read_csv(TITANIC / "test" / "titanic_test.csv").drop(columns="Survived")
    return result, folder, test


@pytest.fixture(scope="session")
def regression_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch-regression")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=300), "kind": rng.choice(["a", "b", "c"], 300)})
    frame["y"] = 3 * frame["x"] + frame["kind"].map({"a": 0.0, "b": 5.0, "c": -5.0}) + rng.normal(0, 0.1, 300)
    job = automl.regression(training_data=frame, target_column_name="y", n_cross_validations=2,
                            tracking_uri=False)
    return _train(job, folder), folder, frame.drop(columns="y")


def write_parts(rows: pd.DataFrame, folder: Path, parts: int) -> list[Path]:
    """``rows`` cut into ``parts`` CSV files ``part_00.csv`` ... in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, chunk in enumerate(np.array_split(np.arange(len(rows)), parts)):
        path = folder / f"part_{i:02d}.csv"
        rows.iloc[chunk].to_csv(path, index=False)
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def parts():
    return write_parts
