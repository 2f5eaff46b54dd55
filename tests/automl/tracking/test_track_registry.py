"""result.register_model: a registry version that loads by URI and predicts like best_model."""
from __future__ import annotations

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient

from automl.errors import ConfigError


def test_registered_model_loads_by_uri_and_matches_best_model(tracked_result, titanic_frame, tracking_uri):
    version = tracked_result.register_model("titanic-survival", tags={"stage": "test"},
                                            description="three trials")
    assert version.name == "titanic-survival" and int(version.version) >= 1
    loaded = mlflow.pyfunc.load_model(f"models:/titanic-survival/{version.version}")
    X = titanic_frame.drop(columns="Survived")  # raw rows, missing values included
    np.testing.assert_array_equal(loaded.predict(X), tracked_result.best_model.predict(X))
    stored = MlflowClient(tracking_uri).get_model_version("titanic-survival", version.version)
    assert stored.tags == {"stage": "test"} and stored.description == "three trials"


def test_each_registration_is_a_new_version(tracked_result):
    first = tracked_result.register_model("titanic-versions")
    second = tracked_result.register_model("titanic-versions")
    assert int(second.version) == int(first.version) + 1


def test_sklearn_flavour_loads_the_pipeline(tracked_result, titanic_frame):
    version = tracked_result.register_model("titanic-sklearn")
    pipeline = mlflow.sklearn.load_model(f"models:/titanic-sklearn/{version.version}")
    X = titanic_frame.drop(columns="Survived").head(100)
    np.testing.assert_allclose(pipeline.predict_proba(X), tracked_result.best_model.predict_proba(X))


def test_register_into_another_store_logs_the_model_there(tracked_result, titanic_frame, tmp_path):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    version = tracked_result.register_model("elsewhere", tracking_uri=other)
    from automl.tracking import using_tracking_uri

    with using_tracking_uri(other):
        loaded = mlflow.pyfunc.load_model(f"models:/elsewhere/{version.version}")
    X = titanic_frame.drop(columns="Survived").head(20)
    np.testing.assert_array_equal(loaded.predict(X), tracked_result.best_model.predict(X))
    assert tracked_result.tracking_uri != other  # the result still points at its own run


@pytest.mark.parametrize("kwargs, message", [
    ({"format": "pickle"}, "format must be one of mlflow, onnx"),
    ({"name": ""}, "give the registered model a name"),
])
def test_bad_registration_arguments(tracked_result, kwargs, message):
    arguments = {"name": "x", **kwargs}
    with pytest.raises(ConfigError, match=message):
        tracked_result.register_model(arguments.pop("name"), **arguments)


def test_using_tracking_uri_restores_the_global_uri(tmp_path, tracking_uri):
    from automl.tracking import using_tracking_uri

    before = mlflow.get_tracking_uri()
    with using_tracking_uri(f"sqlite:///{tmp_path / 'x.db'}"):
        assert mlflow.get_tracking_uri().endswith("x.db")
    assert mlflow.get_tracking_uri() == before == tracking_uri
