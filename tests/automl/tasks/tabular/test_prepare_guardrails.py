"""Guardrails the setup step feeds: class weights when they help, the memory estimate."""
import numpy as np
import pandas as pd

import automl
from automl.tasks import get_task
from automl.tasks.tabular import _balancing, prepare


def _statuses(result):
    return {g.name: g.status for g in result.guardrails}


def test_imbalance_rule_is_azures_twenty_percent():
    assert _balancing.is_imbalanced(np.array(["a"] * 20 + ["b"] * 100))
    assert not _balancing.is_imbalanced(np.array(["a"] * 21 + ["b"] * 100))
    weights = _balancing.balanced_weights(np.array(["a"] * 20 + ["b"] * 80))
    assert weights == {"a": 2.5, "b": 0.625}


def test_mammography_alerts_or_applies_class_weights(data_dir):
    frame = pd.read_csv(data_dir / "mammography.csv").sample(4000, random_state=0)
    job = automl.classification(training_data=frame, target_column_name="class",
                                primary_metric="norm_macro_recall", log_verbosity="warning")
    prepared = prepare(job.data, job.featurization, task=get_task("classification"),
                       primary_metric=job.primary_metric)
    balance = next(g for g in prepared.guardrails if g.name == "Class balancing detection")
    # norm_macro_recall rewards the minority class: balanced weights help and are applied.
    assert balance.status == "Done" and prepared.class_weights is not None
    fold = prepared.folds[0]
    minority = prepared.classes[np.argmin([np.sum(prepared.y == c) for c in prepared.classes])]
    assert fold.w_train[fold.y_train == minority].mean() > fold.w_train[fold.y_train != minority].mean()
    assert fold.w_valid is None  # metrics stay unweighted


def test_bank_marketing_class_balancing_is_reported(data_dir):
    frame = pd.read_csv(data_dir / "bank_marketing.csv.gz")
    job = automl.classification(training_data=frame, target_column_name="y",
                                primary_metric="AUC_weighted", log_verbosity="warning")
    prepared = prepare(job.data, job.featurization, task=get_task("classification"),
                       primary_metric=job.primary_metric)
    balance = next(g for g in prepared.guardrails if g.name == "Class balancing detection")
    assert balance.status in ("Alerted", "Done")
    assert (balance.status == "Done") == (prepared.class_weights is not None)


def test_memory_guardrail_reports_the_estimate(small_classification_frame):
    job = automl.classification(training_data=small_classification_frame, target_column_name="label")
    prepared = prepare(job.data, job.featurization, task=get_task("classification"))
    memory = next(g for g in prepared.guardrails if g.name == "Memory issues detection")
    assert memory.status == "Passed"


def test_memory_mitigation_switches_cv_to_holdout(small_classification_frame, monkeypatch):
    import guardrails

    monkeypatch.setattr(guardrails, "available_memory_bytes", lambda: 1_000)  # a tiny machine
    job = automl.classification(training_data=small_classification_frame, target_column_name="label")
    prepared = prepare(job.data, job.featurization, task=get_task("classification"))
    assert prepared.validation.method == "holdout"
    memory = next(g for g in prepared.guardrails if g.name == "Memory issues detection")
    assert memory.status == "Done" and "holdout" in memory.description
