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
    assert "codes" not in bag.estimators_[0].named_steps  # ONNX mode: CatBoost takes the featurization as it is
    assert result.tracking_errors == [] and set(result.logged_models) == {"mlflow", "onnx"}
    assert result.onnx_check["passed"]
    exported = result.export_onnx(tmp_path / "model.onnx")
    X = frame.drop(columns=target)
    labels = session(exported.model).run(None, onnx_feed(X, exported.input_kinds))[0]
    assert np.mean(labels == result.best_model.predict(X)) >= 0.999
    assert not any(p.name == "catboost_info" for p in tmp_path.iterdir())


@pytest.mark.slow
def test_catboost_reads_the_string_columns_as_categories_outside_onnx_mode(load, tmp_path):
    """Outside ONNX mode, CatBoost's models take the string columns as categories (codes of their blocks),
    and the export says which step has no converter and what to do."""
    frame, target, task = load("titanic")
    job = automl.classification(training_data=frame, target_column_name=target, name="catboost_codes_job",
                                experiment_name="onnx-tests", log_verbosity="warning", n_cross_validations=3,
                                enable_model_explainability=False)
    job.set_limits(max_trials=1)
    job.set_training(allowed_training_algorithms=["CatBoostClassifier"], enable_vote_ensemble=False,
                     enable_stack_ensemble=False)
    result = job.submit(show_progress=False)
    assert result.best_trial.succeeded and result.tracking_errors == []
    member = result.best_model.named_steps["bag"].estimators_[0]
    codes = member.named_steps["codes"]
    names = result.best_model.named_steps["datatransformer"].get_feature_names_out()
    coded = {names[b[0]].split("_")[0] for b in codes.blocks}
    purposes = dict(zip(result.featurization_summary["RawFeatureName"], result.featurization_summary["TypeDetected"]))
    assert coded == {"Sex", "Embarked", "Cabin"}  # the string columns encoded as categories; not Name, text
    assert {purposes[c] for c in coded} <= {"Categorical", "CategoricalHash"} and purposes["Name"] == "Text"
    assert member[-1].get_cat_feature_indices() == list(range(len(codes.blocks)))
    with pytest.raises(ConfigError, match="step .*codes' \\(CategoryCodes\\) has no ONNX converter.*"
                                          "enable_onnx_compatible_models=True"):
        result.export_onnx(tmp_path / "model.onnx")
