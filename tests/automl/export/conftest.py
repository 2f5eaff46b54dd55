"""Data and model builders for the ONNX tests; jobs log to a temporary MLflow store."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import Bunch

import featurizers
from automl.algorithms import fit_pipeline, make_pipeline
from automl.export import input_kinds, onnx_feed, register_converters, session
from automl.export._adapt import adapt
from automl.export._convert import TARGET_OPSET, _initial_types
from automl.tasks import get_task

#: dataset -> (file, target, task, rows kept)
DATASETS = {
    "titanic": ("titanic.csv", "Survived", "classification", None),
    "adult": ("adult.csv.gz", "class", "classification", 3000),
    "diamonds": ("diamonds.csv.gz", "price", "regression", 3000),
    "penguins": ("penguins.csv", "species", "classification", None),
}


@pytest.fixture(scope="session")
def mlflow_uri(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"


@pytest.fixture(autouse=True)
def _isolated_store(mlflow_uri, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_uri)
    monkeypatch.delenv("AUTOML_TRACKING", raising=False)  # the suite turns tracking off elsewhere


@pytest.fixture(scope="session")
def load(data_dir):
    """``load(name)`` -> (frame, target, task), subsampled with a fixed seed."""
    cache: dict[str, tuple] = {}

    def _load(name: str):
        if name not in cache:
            file, target, task, rows = DATASETS[name]
            frame = pd.read_csv(data_dir / file)
            if rows is not None and len(frame) > rows:
                frame = frame.sample(rows, random_state=0).reset_index(drop=True)
            cache[name] = (frame, target, task)
        return cache[name]
    return _load


def fit_single(frame: pd.DataFrame, target: str, task: str, algorithm: str, *,
               onnx_compatible: bool = True, params: dict | None = None) -> tuple[Pipeline, pd.DataFrame]:
    """A featurized single-algorithm pipeline on raw rows, as a job refits it."""
    X, y = frame.drop(columns=target), frame[target].to_numpy()
    datatransformer = featurizers.plan_featurization(X, onnx_compatible=onnx_compatible).build().fit(X, y)
    learner = get_task(task).algorithms[algorithm]
    steps = fit_pipeline(make_pipeline(learner, params or {}), learner, datatransformer.transform(X), y)
    return Pipeline([("datatransformer", datatransformer), *steps.steps]), X


def voting(datatransformer, members: list[tuple[str, Pipeline]], weights, task: str, y=None) -> Pipeline:
    """The VotingEnsemble shape: datatransformer, then a soft VotingClassifier / VotingRegressor
    of already fitted member pipelines (weights a numpy array, flatten_transform=False)."""
    weights = np.asarray(weights, dtype=float)
    if task == "classification":
        ensemble = VotingClassifier(members, voting="soft", weights=weights, flatten_transform=False)
        ensemble.le_ = LabelEncoder().fit(members[0][1].classes_ if y is None else y)
        ensemble.classes_ = ensemble.le_.classes_
    else:
        ensemble = VotingRegressor(members, weights=weights)
    ensemble.estimators_ = [m for _, m in members]
    ensemble.named_estimators_ = Bunch(**dict(members))
    return Pipeline([("datatransformer", datatransformer), ("ensemble", ensemble)])


@pytest.fixture(scope="session")
def single_model():
    """:func:`fit_single`."""
    return fit_single


@pytest.fixture(scope="session")
def voting_model():
    """:func:`voting`."""
    return voting


def graph_output(transformer: ColumnTransformer, X: pd.DataFrame, sparse: bool = False) -> np.ndarray:
    """Convert a fitted ColumnTransformer alone (``sparse``: as adapted for sparse features) and
    run the graph on ``X``."""
    import copy

    from skl2onnx import convert_sklearn

    register_converters()
    kinds = input_kinds(transformer, X)
    transformer = copy.deepcopy(transformer)
    options: dict = {}
    adapt(transformer, options, sparse)
    graph = convert_sklearn(transformer, initial_types=_initial_types(kinds), target_opset=TARGET_OPSET,
                            options=options)
    return session(graph).run(None, onnx_feed(X, kinds))[0]
