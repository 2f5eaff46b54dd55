"""Ensemble trials on small frames: naming, scoring, off rules, failures, refit."""
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import VotingClassifier, VotingRegressor

import automl
from automl.core import CANCELED, COMPLETED, FAILED, TrialSpec
from automl.ensembles import FinalModelTime, StackEnsembleRegressor, VotingEnsembleSpec
from automl.settings import StackEnsembleSettings, TrainingSettings
from automl.tasks import get_task
from automl.tasks.tabular import build_ensemble_trials, prepare, refit_trial
from automl.tasks.tabular._ensemble_scoring import ValidationScorer, gather_candidates

CLASSIFIERS = ["DecisionTree", "LogisticRegression", "KNN", "BernoulliNaiveBayes"]


def run_trials(prepared, metric, names, params=None):
    task = prepared.task
    return [task.evaluate_trial(TrialSpec(i, f"small_{i}", task.algorithms[n], (params or {}).get(n, {})),
                                prepared.trial_data(), metric)
            for i, n in enumerate(names)]


def planned_ensembles(training, task, max_trials):
    return get_task(task).planned_ensembles(training, max_trials)


def build(trials, prepared, metric, training=None, max_trials=10):
    training = training or TrainingSettings()
    return build_ensemble_trials(prepared.task.planned_ensembles(training, max_trials), trials, prepared, training,
                                 metric=prepared.task.metric(metric), max_trials=max_trials,
                                 start_iteration=len(trials), name_of=lambda i: f"small_{i}")


@pytest.fixture(scope="module")
def weighted_classification():
    rows = []
    for i in range(160):
        colour = ["red", "green", "blue"][i % 3]
        x = (i * 7) % 50
        noisy = (i * 13) % 7 == 0
        label = "yes" if (x > 25 or colour == "red") != noisy else "no"
        rows.append({"x": float(x), "z": float((i * 11) % 17), "colour": colour, "w": 1.0 + (i % 4),
                     "label": label})
    job = automl.classification(training_data=pd.DataFrame(rows), target_column_name="label",
                                weight_column_name="w", primary_metric="AUC_weighted", positive_label="yes",
                                n_cross_validations=3, log_verbosity="warning")
    prepared = prepare(job.data, job.featurization, task=get_task("classification"), positive_label="yes")
    trials = run_trials(prepared, "AUC_weighted", CLASSIFIERS)
    return prepared, trials


@pytest.fixture(scope="module")
def built(weighted_classification):
    prepared, trials = weighted_classification
    return build(trials, prepared, "AUC_weighted", max_trials=6)


def test_ensemble_trials_continue_the_numbering_and_are_fully_scored(weighted_classification, built):
    prepared, trials = weighted_classification
    voting, stack = built
    assert [(t.iteration, t.name, t.algorithm, t.display_name) for t in (voting, stack)] == [
        (4, "small_4", "VotingEnsemble", "VotingEnsemble"), (5, "small_5", "StackEnsemble", "StackEnsemble")]
    for t in (voting, stack):
        assert t.status == COMPLETED and t.preprocessor == "" and t.error is None
        assert set(t.metrics) == set(trials[0].metrics) and "AUC_binary" in t.metrics
        assert t.score == t.metrics["AUC_weighted"] and math.isfinite(t.score)
        assert t.valid_predictions.dtype == np.float32 and t.valid_predictions.shape == (160, 2)
        np.testing.assert_array_equal(t.valid_rows, trials[0].valid_rows)
        assert t.duration_seconds > 0 and t.started_at > 0
    assert isinstance(voting.ensemble, VotingEnsembleSpec)
    assert voting.ensemble.weights.sum() == pytest.approx(1.0)
    assert sum(voting.params["ensemble_weights"]) == pytest.approx(1.0)
    assert voting.score >= max(t.score for t in trials) - 1e-9
    assert stack.params["stack_meta_learner_type"] == "LogisticRegressionCV"
    assert stack.params["ensembled_iterations"] == voting.params["ensembled_iterations"]


def test_a_single_member_scores_like_its_trial(weighted_classification):
    prepared, trials = weighted_classification
    metric = prepared.task.metric("AUC_weighted")
    candidates = gather_candidates(trials, metric)
    scorer = ValidationScorer(prepared, candidates.rows, metric)
    for trial, prediction in zip(candidates.trials, candidates.predictions):
        assert scorer.primary(scorer.y, prediction) == pytest.approx(trial.score, abs=1e-6)
        assert scorer.all_metrics(prediction)["log_loss"] == pytest.approx(trial.metrics["log_loss"], rel=1e-5)


def test_refit_ensembles_predict_on_raw_rows(weighted_classification, built):
    prepared, trials = weighted_classification
    voting, stack = built
    raw = prepared.X.head(10)
    for trial, kind in ((voting, VotingClassifier), (stack, object)):
        model = refit_trial(trial, prepared)
        assert [name for name, _ in model.steps] == ["datatransformer", "ensemble"]
        assert isinstance(model.named_steps["ensemble"], kind)
        assert model.classes_.tolist() == ["no", "yes"]
        proba = model.predict_proba(raw)
        assert proba.shape == (10, 2) and np.allclose(proba.sum(axis=1), 1.0)
        assert set(model.predict(raw)) <= {"no", "yes"}


def test_members_refit_on_threads_give_the_same_ensemble(weighted_classification, built):
    prepared, _ = weighted_classification
    raw = prepared.X.head(20)
    for trial in built:
        one_by_one = refit_trial(trial, prepared, workers=1).predict_proba(raw)
        two_at_a_time = refit_trial(trial, prepared, workers=2).predict_proba(raw)
        assert np.allclose(one_by_one, two_at_a_time)


def test_off_rules(weighted_classification):
    prepared, trials = weighted_classification
    assert planned_ensembles(TrainingSettings(), task="classification", max_trials=4) == [
        "VotingEnsemble", "StackEnsemble"]
    assert planned_ensembles(TrainingSettings(), task="classification", max_trials=3) == []
    voting_only = TrainingSettings(enable_stack_ensemble=False)
    assert planned_ensembles(voting_only, task="classification", max_trials=3) == ["VotingEnsemble"]
    assert planned_ensembles(voting_only, task="classification", max_trials=2) == []
    neither = TrainingSettings(enable_vote_ensemble=False, enable_stack_ensemble=False)
    assert planned_ensembles(neither, task="classification", max_trials=100) == []
    assert planned_ensembles(TrainingSettings(), task="forecasting", max_trials=10) == ["VotingEnsemble"]
    assert build(trials, prepared, "AUC_weighted", max_trials=3) == []
    assert build(trials, prepared, "AUC_weighted", neither) == []
    onnx = TrainingSettings(enable_onnx_compatible_models=True)
    assert [t.algorithm for t in build(trials, prepared, "AUC_weighted", onnx, max_trials=4)] == [
        "VotingEnsemble"]
    stack_only = build(trials, prepared, "AUC_weighted", TrainingSettings(enable_vote_ensemble=False),
                       max_trials=4)
    assert [(t.algorithm, t.iteration, t.status) for t in stack_only] == [("StackEnsemble", 4, COMPLETED)]


def test_fewer_than_two_usable_trials_means_no_ensemble(weighted_classification):
    prepared, trials = weighted_classification
    failed = run_trials(prepared, "AUC_weighted", ["DecisionTree"], {"DecisionTree": {"max_depth": -3}})[0]
    failed.iteration = 99
    assert failed.status == FAILED
    assert build([trials[0], failed], prepared, "AUC_weighted") == []
    voting = build([*trials, failed], prepared, "AUC_weighted", TrainingSettings(enable_stack_ensemble=False),
                   max_trials=4)[0]
    assert voting.status == COMPLETED and 99 not in voting.params["ensembled_iterations"]
    assert build([voting, trials[0]], prepared, "AUC_weighted") == []  # an ensemble is no candidate


def test_a_failing_stack_is_recorded_and_the_voting_ensemble_kept(weighted_classification):
    prepared, trials = weighted_classification
    bad = TrainingSettings(stack_ensemble_settings=StackEnsembleSettings(
        stack_meta_learner_type="LogisticRegression", stack_meta_learner_kwargs={"no_such": 1}))
    voting, stack = build(trials, prepared, "AUC_weighted", bad, max_trials=4)
    assert voting.status == COMPLETED
    assert stack.status == FAILED and "stack_meta_learner_kwargs" in stack.error and math.isnan(stack.score)


def test_a_stack_whose_meta_learner_would_run_past_the_ensembles_budget_is_skipped(weighted_classification,
                                                                                  built):
    prepared, trials = weighted_classification
    training = TrainingSettings()
    voting, stack = build_ensemble_trials(
        prepared.task.planned_ensembles(training, 6), trials, prepared, training,
        metric=prepared.task.metric("AUC_weighted"), max_trials=6, start_iteration=len(trials),
        name_of=lambda i: f"small_{i}", max_seconds=0.0)
    assert voting.status == COMPLETED   # the vote is built, from the best two candidates (below)
    assert stack.status == CANCELED and math.isnan(stack.score) and stack.ensemble is None
    assert stack.error.startswith("skipped: its meta learner would take about ")
    assert stack.error.endswith("beyond the 0.0 s left of the ensembles' budget")
    assert built[1].status == COMPLETED   # without a budget, the same stack is built


def test_the_selection_scores_the_best_candidates_its_budget_allows(weighted_classification, built):
    prepared, trials = weighted_classification
    training = TrainingSettings()
    metric = prepared.task.metric("AUC_weighted")
    hurried = build_ensemble_trials(["VotingEnsemble"], trials, prepared, training, metric=metric, max_trials=6,
                                    start_iteration=len(trials), name_of=lambda i: f"small_{i}",
                                    max_seconds=0.0)[0]
    best_two = {t.iteration for t in gather_candidates(trials, metric).trials[:2]}
    assert built[0].params["selection_candidates"] == "4 of 4"
    assert hurried.status == COMPLETED and hurried.params["selection_candidates"] == "2 of 4"
    assert set(hurried.params["ensembled_iterations"]) <= best_two
    assert set(built[0].params["ensembled_iterations"]) - best_two   # unhurried, it takes a third one


@pytest.mark.parametrize("name", ["LogisticRegressionCV", "LogisticRegression"])
def test_a_meta_learner_within_the_time_left_is_fitted_as_without_it(name):
    from automl.ensembles import fit_meta, fit_meta_within, make_meta_learner

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    Z = np.column_stack([y + rng.normal(scale=0.8, size=300) for _ in range(3)])
    learner = make_meta_learner(name)
    within = fit_meta_within(learner, Z, y, None, 3, math.inf)
    np.testing.assert_allclose(within.predict_proba(Z), fit_meta(learner, Z, y, None).predict_proba(Z))
    with pytest.raises(TimeoutError, match="beyond the 0.0 s left"):
        fit_meta_within(learner, Z, y, None, 3, 0.0)


def test_validation_data_regression(small_regression_frame):
    train, valid = small_regression_frame.iloc[:110], small_regression_frame.iloc[110:]
    job = automl.regression(training_data=train, validation_data=valid, target_column_name="y",
                            primary_metric="normalized_root_mean_squared_error", log_verbosity="warning")
    prepared = prepare(job.data, job.featurization, task=get_task("regression"))
    assert prepared.validation.method == "validation_data"
    trials = run_trials(prepared, "normalized_root_mean_squared_error",
                        ["ElasticNet", "DecisionTree", "KNN", "LassoLars"])
    stack_settings = StackEnsembleSettings(stack_meta_learner_type="LinearRegression")
    voting, stack = build(trials, prepared, "normalized_root_mean_squared_error",
                          TrainingSettings(stack_ensemble_settings=stack_settings))
    assert voting.score <= min(t.score for t in trials) + 1e-9
    assert stack.status == COMPLETED and stack.params["stack_meta_learner_train_percentage"] == 0.2
    assert stack.ensemble.rows.min() >= 110  # the meta learner learnt from the validation rows
    for trial, kind in ((voting, VotingRegressor), (stack, StackEnsembleRegressor)):
        model = refit_trial(trial, prepared)
        assert isinstance(model.named_steps["ensemble"], kind)
        predictions = model.predict(valid.drop(columns="y"))
        assert predictions.shape == (40,) and np.isfinite(predictions).all()


def test_members_whose_final_model_would_not_fit_the_time_left_are_left_out(weighted_classification, built):
    import dataclasses

    prepared, trials = weighted_classification
    full_vote, _ = built
    chosen = full_vote.params["ensembled_iterations"]
    assert len(chosen) >= 2
    slow = chosen[0]  # the best member's final model would take too long: the ensembles go without it
    trials = [dataclasses.replace(t, duration_seconds=1000.0 if t.iteration == slow else 1.0) for t in trials]
    training = TrainingSettings()
    voting, stack = build_ensemble_trials(
        prepared.task.planned_ensembles(training, 6), trials, prepared, training,
        metric=prepared.task.metric("AUC_weighted"), max_trials=6, start_iteration=len(trials),
        name_of=lambda i: f"small_{i}",
        final_time=FinalModelTime(lambda members: sum(m.duration_seconds for m in members), 100.0))
    for ensemble in (voting, stack):
        assert ensemble.params["left_out_to_fit_time"] == [slow]
        assert slow not in ensemble.params["ensembled_iterations"]
        assert sorted(m.iteration for m in ensemble.ensemble.members) == sorted(set(chosen) - {slow})
    # the vote is scored as what it is: the weighted average of the members it kept
    members = voting.ensemble.members
    metric = prepared.task.metric("AUC_weighted")
    scorer = ValidationScorer(prepared, voting.valid_rows, metric)
    kept = gather_candidates(members, metric)
    by_iteration = dict(zip([t.iteration for t in kept.trials], kept.predictions))
    average = sum(w * by_iteration[m.iteration] for m, w in zip(members, voting.ensemble.weights))
    assert voting.score == pytest.approx(scorer.primary(scorer.y, average), abs=1e-6)
    assert voting.score != pytest.approx(full_vote.score, abs=1e-9)
    assert "left_out_to_fit_time" not in full_vote.params
