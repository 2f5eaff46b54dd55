"""CatBoost exports inside the whole pipeline: string labels of several classes, the bag a job
returns, and a clear refusal of labels ONNX cannot hold."""
from __future__ import annotations

import numpy as np
import pytest

import automl
from automl.errors import ConfigError
from automl.export import MAX_DIFFERENCE, export_onnx, onnx_feed, session


def test_string_labels_of_three_classes_come_back(load, single_model):
    frame, target, task = load("penguins")
    model, X = single_model(frame, target, task, "CatBoostClassifier", params={"iterations": 100})
    exported = export_onnx(model, None, X)
    assert exported.check.passed and exported.check.max_abs_difference <= MAX_DIFFERENCE
    labels, probabilities = session(exported.model).run(None, onnx_feed(X, exported.input_kinds))
    np.testing.assert_array_equal(labels, model.predict(X))
    assert set(labels) == {"Adelie", "Chinstrap", "Gentoo"}
    np.testing.assert_allclose(probabilities, model.predict_proba(X), atol=MAX_DIFFERENCE)


@pytest.mark.parametrize("shift", [0.0, 0.5], ids=["whole", "fractional"])
def test_float_labels_are_refused_with_the_fix(load, single_model, shift):
    frame, target, task = load("titanic")
    frame = frame.assign(**{target: frame[target].astype(float) + shift})
    model, X = single_model(frame, target, task, "CatBoostClassifier", params={"iterations": 20})
    with pytest.raises(ConfigError, match="CatBoostClassifier trained on float labels.*"
                                          "Encode the target as integers or strings, or block "
                                          "CatBoostClassifier"):
        export_onnx(model, None, X)


@pytest.mark.slow
def test_a_catboost_job_returns_a_bag_that_is_logged_and_exports(load, tmp_path):
    frame, target, task = load("titanic")
    job = automl.classification(training_data=frame, target_column_name=target, name="catboost_job",
                                experiment_name="onnx-tests", log_verbosity="warning", n_cross_validations=3,
                                enable_model_explainability=False)  # this test is about the bag's export
    job.set_limits(max_trials=1)
    job.set_training(allowed_training_algorithms=["CatBoostClassifier"], enable_onnx_compatible_models=True,
                     enable_vote_ensemble=False, enable_stack_ensemble=False)
    result = job.submit(show_progress=False)
    assert result.best_trial.algorithm == "CatBoostClassifier" and result.best_trial.succeeded
    bag = result.best_model.named_steps["bag"]
    assert len(bag.estimators_) == 3  # one CatBoost per cross-validation fold
    assert result.tracking_errors == [] and set(result.logged_models) == {"mlflow", "onnx"}
    assert result.onnx_check["passed"]
    exported = result.export_onnx(tmp_path / "model.onnx")
    X = frame.drop(columns=target)
    labels = session(exported.model).run(None, onnx_feed(X, exported.input_kinds))[0]
    assert np.mean(labels == result.best_model.predict(X)) >= 0.999
    assert not any(p.name == "catboost_info" for p in tmp_path.iterdir())
