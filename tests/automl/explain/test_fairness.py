"""The fairness table equals fairlearn's MetricFrame computed directly, with the same metrics."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame
from sklearn.metrics import accuracy_score, mean_absolute_error, roc_auc_score

from automl.explain import fairness_report


def test_classification_groups_match_a_direct_metricframe():
    rng = np.random.default_rng(0)
    n = 600
    sex = pd.Series(rng.choice(["f", "m"], n), name="sex")
    y = rng.choice(["no", "yes"], n)
    p_yes = np.clip(np.where(y == "yes", 0.7, 0.3) + np.where(sex == "f", 0.2, -0.1) * rng.random(n), 0, 1)
    proba = np.column_stack([1 - p_yes, p_yes])
    report = fairness_report(y, proba, sex.to_frame(), classes=["no", "yes"], positive_label="yes")
    direct = MetricFrame(metrics={"accuracy": accuracy_score}, y_true=y, y_pred=pd.Series(np.where(p_yes >= 0.5, "yes", "no")), sensitive_features=sex)
    direct_auc = MetricFrame(metrics=lambda t, s: roc_auc_score(t == "yes", s), y_true=y, y_pred=p_yes,
                             sensitive_features=sex)
    for group in ["f", "m"]:
        assert report.by_group.loc[group, "accuracy"] == pytest.approx(direct.by_group.loc[group, "accuracy"])
        assert report.by_group.loc[group, "AUC_binary"] == pytest.approx(direct_auc.by_group.loc[group])
        assert report.by_group.loc[group, "rows"] == (sex == group).sum()
    assert report.difference["accuracy"] == pytest.approx(direct.difference()["accuracy"])
    assert report.ratio["accuracy"] == pytest.approx(direct.ratio()["accuracy"])


def test_regression_groups_of_two_columns():
    rng = np.random.default_rng(1)
    n = 400
    groups = pd.DataFrame({"region": rng.choice(["n", "s"], n), "kind": rng.choice(["a", "b"], n)})
    y = rng.normal(10, 2, n)
    predicted = y + rng.normal(0, np.where(groups["region"] == "n", 0.5, 2.0))
    report = fairness_report(y, predicted, groups, y_min=float(y.min()), y_max=float(y.max()))
    direct = MetricFrame(metrics=mean_absolute_error, y_true=y, y_pred=predicted,
                         sensitive_features=groups)
    for index, value in direct.by_group.items():
        assert report.by_group.loc[index, "mean_absolute_error"] == pytest.approx(value)
    assert report.by_group.loc[("s", "a"), "mean_absolute_error"] > report.by_group.loc[("n", "a"),
                                                                                         "mean_absolute_error"]
