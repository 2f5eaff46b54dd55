"""A job's own VotingEnsemble, of bagged members, exported by ``result.export_onnx`` and scored by
onnxruntime: the same probabilities (within 1e-4) and labels, or values, as Python on the job's
validation rows."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import VotingClassifier, VotingRegressor

import automl
from automl.batch import load_scorer
from automl.export import MAX_DIFFERENCE

pytestmark = pytest.mark.slow

#: Learners that convert to ONNX and differ enough for the vote to combine them.
ALGORITHMS = {"classification": ["LightGBM", "LogisticRegression", "RandomForest", "ExtremeRandomTrees"],
              "regression": ["LightGBM", "ElasticNet", "RandomForest", "ExtremeRandomTrees"]}


@pytest.fixture(scope="module", params=["titanic", "diamonds"])
def voted(request, load):
    frame, target, task = load(request.param)
    factory = automl.classification if task == "classification" else automl.regression
    job = factory(training_data=frame, target_column_name=target, name=f"{request.param}_vote_onnx",
                  experiment_name="onnx-tests", log_verbosity="warning")
    job.set_limits(max_trials=len(ALGORITHMS[task]) + 1, max_concurrent_trials=2, enable_early_termination=False)
    job.set_training(enable_onnx_compatible_models=True, enable_stack_ensemble=False,
                     allowed_training_algorithms=ALGORITHMS[task], enable_model_explainability=False)
    return task, job.submit(show_progress=False)


def test_the_job_returns_its_vote_of_bags(voted):
    task, result = voted
    assert result.best_trial.algorithm == "VotingEnsemble", result.leaderboard
    assert result.final_model.startswith("a bag of the")
    vote = result.best_model.named_steps["ensemble"]
    assert isinstance(vote, VotingClassifier if task == "classification" else VotingRegressor)
    members, folds = len(result.best_trial.ensemble.members), result.validation["n_folds"]
    assert members < len(vote.named_estimators_) <= members * folds  # each member a bag of fold models


def test_the_vote_exports_and_onnxruntime_predicts_like_python(voted, tmp_path):
    task, result = voted
    exported = result.export_onnx(tmp_path / "vote.onnx")
    X = result.check_rows
    assert len(X) >= 200
    labels, probabilities = load_scorer(tmp_path / "vote.onnx").predict_both(X)
    if task == "classification":
        expected = result.best_model.predict_proba(X)
        assert np.abs(probabilities - expected).max() <= 1e-4, exported.check
        np.testing.assert_array_equal(labels, result.best_model.predict(X))
    else:
        np.testing.assert_allclose(labels, result.best_model.predict(X), rtol=MAX_DIFFERENCE, atol=MAX_DIFFERENCE)
