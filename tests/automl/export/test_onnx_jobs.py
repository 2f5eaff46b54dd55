"""ONNX-mode jobs on titanic, adult and diamonds: the best model and a VotingEnsemble of the
job's trials export to one graph each that predicts like Python on validation rows."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import onnx
import pytest

import automl
from automl.export import MAX_DIFFERENCE, export_onnx, onnx_feed, session
from automl.tasks import get_task
from automl.ensembles import VotingEnsembleSpec
from automl.tasks.tabular import prepare, refit_steps, refit_trial

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["titanic", "adult", "diamonds"])
def onnx_job(request, load, mlflow_uri, tmp_path_factory):
    frame, target, task = load(request.param)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp(request.param))
        mp.setenv("MLFLOW_TRACKING_URI", mlflow_uri)
        mp.delenv("AUTOML_TRACKING", raising=False)
        factory = automl.classification if task == "classification" else automl.regression
        job = factory(training_data=frame, target_column_name=target, name=f"{request.param}_onnx",
                      experiment_name="onnx-tests", log_verbosity="warning")
        job.set_limits(max_trials=3, max_concurrent_trials=1)
        job.set_training(enable_onnx_compatible_models=True, enable_vote_ensemble=False,
                         enable_stack_ensemble=False)
        return job, job.submit(show_progress=False), frame, target


def test_best_model_exports_and_matches(onnx_job, tmp_path):
    job, result, frame, target = onnx_job
    exported = result.export_onnx(tmp_path / "model.onnx")
    assert exported.check.passed, exported.check
    assert result.onnx_check == exported.check.to_dict()
    graph = onnx.load(tmp_path / "model.onnx")
    raw = [c for c in frame.columns if c != target]
    assert [i.name for i in graph.graph.input] == raw
    kinds = json.loads({p.key: p.value for p in graph.metadata_props}["automl.inputs"])
    types = {i.name: i.type.tensor_type.elem_type for i in graph.graph.input}
    for column, kind in kinds.items():
        expected = onnx.TensorProto.STRING if kind == "string" else onnx.TensorProto.DOUBLE
        assert types[column] == expected
    outputs = [o.name for o in graph.graph.output]
    assert outputs == (["label", "probabilities"] if job.task == "classification" else ["variable"])
    # The graph on its own, fed raw rows: same predictions as best_model.
    X = frame.drop(columns=target).head(300)
    first = session(graph).run(None, onnx_feed(X, kinds))[0]
    expected = result.best_model.predict(X)
    if job.task == "classification":
        assert np.mean(first == expected) >= 0.999
    else:
        np.testing.assert_allclose(first.ravel(), expected, rtol=MAX_DIFFERENCE, atol=MAX_DIFFERENCE)


def test_tracker_logged_the_checked_onnx_model(onnx_job):
    _, result, _, _ = onnx_job
    assert result.tracking_errors == []
    assert result.onnx_check is not None and result.onnx_check["passed"]
    assert set(result.logged_models) == {"mlflow", "onnx"}


def test_voting_ensemble_of_the_jobs_trials_exports_as_one_graph(onnx_job, voting_model):
    job, result, _, _ = onnx_job
    prepared = prepare(job.data, job.featurization, task=get_task(job.task), onnx_compatible=True)
    ranked = sorted((t for t in result.trials if t.succeeded and t.ensemble is None),
                    key=lambda t: t.score, reverse=job.task == "classification")[:3]
    # Distinct algorithms make a mixed ensemble (float32 trees next to double learners).
    assert len({t.algorithm for t in ranked}) >= 2
    members = [(t.name, refit_steps(t, prepared)) for t in ranked]
    weights = np.array([0.5, 0.3, 0.2][: len(members)])
    model = voting_model(prepared.refit_transformer, members, weights, job.task)
    exported = export_onnx(model, None, result.check_rows)
    assert exported.check.passed, exported.check
    graph_ops = {n.op_type for n in exported.model.graph.node}
    assert graph_ops & {"TreeEnsembleClassifier", "TreeEnsembleRegressor", "TreeEnsemble"}


def test_the_best_model_is_a_bag_of_fold_models_that_exports_as_one_graph(onnx_job, tmp_path):
    job, result, _, _ = onnx_job
    n_folds = result.validation["n_folds"]
    assert result.final_model == f"a bag of the {n_folds} fold models (final_model='auto')"
    bag = result.best_model.named_steps["bag"]
    assert len(bag.estimators_) == n_folds > 1
    exported = result.export_onnx(tmp_path / "bag.onnx")
    assert exported.check.passed, exported.check
    assert exported.check.rows == len(result.check_rows)


def test_a_vote_of_bagged_trials_exports_as_one_graph(onnx_job):
    job, result, _, _ = onnx_job
    prepared = prepare(job.data, job.featurization, task=get_task(job.task), onnx_compatible=True)
    prepared.final_model = "bag"
    ranked = sorted((t for t in result.trials if t.succeeded and t.ensemble is None),
                    key=lambda t: t.score, reverse=job.task == "classification")[:2]
    vote = dataclasses.replace(ranked[0], iteration=99, name="vote", algorithm="VotingEnsemble",
                               ensemble=VotingEnsembleSpec(ranked, np.array([0.6, 0.4])))
    model = refit_trial(vote, prepared)
    assert len(model.named_steps["ensemble"].estimators_) == 2 * prepared.validation.n_folds
    exported = export_onnx(model, None, result.check_rows)
    assert exported.check.passed, exported.check
