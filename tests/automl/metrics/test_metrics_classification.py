"""Classification metrics against hand-computed values."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.metrics import roc_auc_score

from automl.errors import ConfigError, DataError
from automl.metrics import CLASSIFICATION_METRICS, score_classification

BINARY_KEYS = {name for name in CLASSIFICATION_METRICS if name.endswith("_binary")}


def onehot(labels, classes, p=1.0):
    """Probabilities putting ``p`` on each row's label and the rest evenly elsewhere."""
    rest = (1.0 - p) / (len(classes) - 1)
    return np.array([[p if c == label else rest for c in classes] for label in labels])


# weighted_accuracy ---------------------------------------------------------------------------

IMBALANCED_TRUE = ["a", "a", "a", "a", "b", "c"]
IMBALANCED_PRED = ["a", "a", "a", "a", "a", "a"]  # always the majority class


def test_weighted_accuracy_weighs_frequent_classes_more_than_balanced_accuracy():
    s = score_classification(IMBALANCED_TRUE, onehot(IMBALANCED_PRED, "abc", 0.8), list("abc"))
    # class counts a=4, b=1, c=1 -> row weights 4/6 (a), 1/6 (b), 1/6 (c); only the a rows are right
    weighted = (4 * 4 / 6) / (4 * 4 / 6 + 1 / 6 + 1 / 6)  # = 16/18
    assert s["weighted_accuracy"] == pytest.approx(weighted)
    assert s["accuracy"] == pytest.approx(4 / 6)
    assert s["balanced_accuracy"] == pytest.approx((1 + 0 + 0) / 3)  # macro recall
    assert s["weighted_accuracy"] > s["accuracy"] > s["balanced_accuracy"]


def test_weighted_accuracy_multiplies_sample_weight():
    s = score_classification(
        IMBALANCED_TRUE, onehot(IMBALANCED_PRED, "abc", 0.8), list("abc"),
        sample_weight=[1, 1, 1, 1, 2, 2],
    )
    # a rows 4/6 * 1, b and c rows 1/6 * 2
    assert s["weighted_accuracy"] == pytest.approx((4 * 4 / 6) / (4 * 4 / 6 + 2 / 6 + 2 / 6))
    assert s["accuracy"] == pytest.approx(4 / 8)


# norm_macro_recall ---------------------------------------------------------------------------

def test_norm_macro_recall_binary_is_rescaled_macro_recall():
    y = [0, 0, 0, 1, 1, 1]
    pred = [0, 0, 1, 1, 1, 0]  # recall 2/3 for both classes
    s = score_classification(y, onehot(pred, [0, 1], 0.7), [0, 1])
    assert s["norm_macro_recall"] == pytest.approx((2 / 3 - 0.5) / 0.5)


def test_norm_macro_recall_clipped_at_zero_for_worse_than_chance():
    y = [0, 0, 0, 1, 1, 1]
    pred = [1, 1, 0, 0, 0, 1]  # recall 1/3 for both classes: worse than chance
    s = score_classification(y, onehot(pred, [0, 1], 0.7), [0, 1])
    assert s["balanced_accuracy"] == pytest.approx(1 / 3)
    assert s["norm_macro_recall"] == 0.0


def test_norm_macro_recall_multiclass_uses_one_over_n_classes():
    y = ["a", "a", "b", "b", "c", "c"]
    pred = ["a", "a", "b", "a", "a", "b"]  # recalls 1, 1/2, 0 -> macro 1/2
    s = score_classification(y, onehot(pred, "abc", 0.6), list("abc"))
    assert s["norm_macro_recall"] == pytest.approx((0.5 - 1 / 3) / (1 - 1 / 3))  # = 0.25


# *_binary metrics and averages on binary data ------------------------------------------------

YES_TRUE = ["yes", "no", "yes", "yes", "no", "no"]
YES_PROBA = np.array([0.9, 0.6, 0.4, 0.8, 0.2, 0.3])  # P(yes); predicted yes, yes, no, yes, no, no


def test_binary_metrics_with_string_positive_label():
    proba = np.column_stack([1 - YES_PROBA, YES_PROBA])
    s = score_classification(YES_TRUE, proba, ["no", "yes"], positive_label="yes")
    # TP = rows 0, 3; FP = row 1; FN = row 2
    assert s["precision_score_binary"] == pytest.approx(2 / 3)
    assert s["recall_score_binary"] == pytest.approx(2 / 3)
    assert s["f1_score_binary"] == pytest.approx(2 / 3)
    # positives .9 .4 .8 vs negatives .6 .2 .3: ordered pairs won 3 + 2 + 3 of 9
    assert s["AUC_binary"] == pytest.approx(8 / 9)
    # ranking .9(P) .8(P) .6(N) .4(P): precision at each positive 1, 1, 3/4
    assert s["average_precision_score_binary"] == pytest.approx((1 + 1 + 3 / 4) / 3)


def test_binary_metrics_follow_the_chosen_positive_label():
    proba = np.column_stack([1 - YES_PROBA, YES_PROBA])
    s = score_classification(YES_TRUE, proba, ["no", "yes"], positive_label="no")
    # predicted no = rows 2, 4, 5, of which 4 and 5 are no; true no = rows 1, 4, 5
    assert s["precision_score_binary"] == pytest.approx(2 / 3)
    assert s["recall_score_binary"] == pytest.approx(2 / 3)
    assert s["AUC_binary"] == pytest.approx(8 / 9)


def test_binary_metrics_auto_detected_for_zero_one_and_bool_classes():
    y = [1, 1, 1, 1, 0, 0]
    pred = [1, 1, 1, 0, 1, 0]
    s = score_classification(y, onehot(pred, [0, 1], 0.9), [0, 1])
    assert BINARY_KEYS <= set(s)
    # positive class 1: precision 3/4, recall 3/4; class 0: precision 1/2, recall 1/2
    assert s["precision_score_binary"] == pytest.approx(3 / 4)
    # multiclass averages on binary data average both classes, not just the positive one
    assert s["precision_score_macro"] == pytest.approx((3 / 4 + 1 / 2) / 2)
    assert s["precision_score_weighted"] == pytest.approx((4 * 3 / 4 + 2 * 1 / 2) / 6)
    assert s["precision_score_micro"] == pytest.approx(4 / 6)
    bools = score_classification([bool(v) for v in y], onehot(pred, [0, 1], 0.9), [False, True])
    assert bools["recall_score_binary"] == pytest.approx(3 / 4)


def test_binary_metrics_absent_without_known_positive_class():
    s = score_classification(["a", "b", "a"], onehot(["a", "b", "b"], "ab"), ["a", "b"])
    assert not BINARY_KEYS & set(s)
    assert set(s) == set(CLASSIFICATION_METRICS) - BINARY_KEYS


def test_unknown_positive_label_is_a_config_error():
    with pytest.raises(ConfigError, match="positive_label"):
        score_classification(["a", "b"], onehot(["a", "b"], "ab"), ["a", "b"], positive_label="c")


def test_binary_metric_compute_without_positive_class_raises():
    with pytest.raises(ConfigError, match="positive_label"):
        auc_binary = CLASSIFICATION_METRICS["AUC_binary"]
        auc_binary.compute(["a", "b"], onehot(["a", "b"], "ab"), ["a", "b"])


# AUC, log_loss, weights ----------------------------------------------------------------------

def test_multiclass_auc_matches_sklearn_one_vs_rest():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 60)
    proba = rng.dirichlet([1, 1, 1], 60)
    s = score_classification(y, proba, [0, 1, 2])
    for average in ("weighted", "macro"):
        expected = roc_auc_score(y, proba, average=average, multi_class="ovr")
        assert s[f"AUC_{average}"] == pytest.approx(expected)
    indicator = (y[:, None] == np.arange(3)).astype(int)
    assert s["AUC_micro"] == pytest.approx(roc_auc_score(indicator, proba, average="micro"))


@pytest.mark.parametrize("weighted", [False, True])
def test_averages_computed_once_for_all_metrics_equal_scikit_learns_own_functions(weighted):
    """score_classification shares one precision_recall_fscore_support per average and one set of per-class
    AUC / average precision: every average equals scikit-learn's own function on the same rows (a class the
    rows lack included)."""
    rng = np.random.default_rng(3)
    y = rng.choice([0, 1, 2], 300, p=[0.6, 0.4, 0.0])
    proba = rng.dirichlet([1, 1, 1], 300)
    pred, weight = proba.argmax(axis=1), (rng.random(300) if weighted else None)
    s = score_classification(y, proba, [0, 1, 2], sample_weight=weight)
    options = {"labels": [0, 1, 2], "sample_weight": weight, "zero_division": 0}
    for average in ("macro", "micro", "weighted"):
        assert s[f"precision_score_{average}"] == skm.precision_score(y, pred, average=average, **options)
        assert s[f"recall_score_{average}"] == skm.recall_score(y, pred, average=average, **options)
        assert s[f"f1_score_{average}"] == skm.f1_score(y, pred, average=average, **options)
    assert s["balanced_accuracy"] == skm.recall_score(y, pred, average="macro", **options)
    present = [0, 1]  # scikit-learn's one-vs-rest skips the absent class as the metrics do
    rows = np.ones(len(y)) if weight is None else weight
    for average in ("macro", "weighted"):
        support = None if average == "macro" else [rows[y == k].sum() for k in present]
        aucs = [skm.roc_auc_score(y == k, proba[:, k], sample_weight=weight) for k in present]
        assert s[f"AUC_{average}"] == pytest.approx(np.average(aucs, weights=support), rel=1e-12)
        aps = [skm.average_precision_score(y == k, proba[:, k], sample_weight=weight) for k in present]
        assert s[f"average_precision_score_{average}"] == pytest.approx(np.average(aps, weights=support), rel=1e-12)
    binary = score_classification(y == 1, proba[:, :2] / proba[:, :2].sum(axis=1, keepdims=True), [False, True],
                                  sample_weight=weight)
    yes = (proba[:, 1] > proba[:, 0])
    assert binary["f1_score_binary"] == skm.f1_score(y == 1, yes, sample_weight=weight, zero_division=0)
    assert binary["precision_score_binary"] == skm.precision_score(y == 1, yes, sample_weight=weight, zero_division=0)
    assert binary["recall_score_binary"] == skm.recall_score(y == 1, yes, sample_weight=weight, zero_division=0)


def test_log_loss_by_hand():
    s = score_classification(["a", "b"], [[0.8, 0.2], [0.4, 0.6]], ["a", "b"])
    assert s["log_loss"] == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)


def test_sample_weight_passed_through():
    s = score_classification([0, 1, 1], onehot([0, 0, 1], [0, 1]), [0, 1], sample_weight=[1, 2, 3])
    assert s["accuracy"] == pytest.approx((1 + 3) / 6)


def test_one_dimensional_probability_for_two_classes():
    s = score_classification(YES_TRUE, YES_PROBA, ["no", "yes"], positive_label="yes")
    assert s["AUC_binary"] == pytest.approx(8 / 9)


def test_class_absent_from_fold_still_computes_without_warnings():
    y = ["a", "a", "b", "b"]  # class "c" is known to the model but absent here
    proba = onehot(["a", "a", "b", "b"], "abc", 0.8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = score_classification(y, proba, list("abc"))
    assert s["accuracy"] == 1.0
    assert s["AUC_weighted"] == 1.0  # absent class has zero support
    assert s["AUC_macro"] == 1.0  # undefined class left out of the average
    assert s["recall_score_macro"] == pytest.approx(2 / 3)  # absent class counts as 0
    assert math.isfinite(s["log_loss"])


def test_single_class_fold_gives_nan_auc_not_an_error():
    s = score_classification(["a", "a"], onehot(["a", "b"], "ab", 0.8), ["a", "b"])
    assert math.isnan(s["AUC_weighted"])
    assert s["accuracy"] == 0.5


def test_non_finite_probabilities_give_worst_values():
    proba = np.array([[np.nan, np.nan], [0.5, 0.5]])
    s = score_classification([0, 1], proba, [0, 1])
    assert s == {name: CLASSIFICATION_METRICS[name].worst for name in s}
    assert s["log_loss"] == math.inf and s["AUC_weighted"] == 0.0


def test_labels_outside_classes_and_bad_shapes_are_data_errors():
    with pytest.raises(DataError, match="'z'"):
        score_classification(["a", "z"], onehot(["a", "b"], "ab"), ["a", "b"])
    with pytest.raises(DataError, match="shape"):
        score_classification(["a", "b"], np.ones((2, 3)) / 3, ["a", "b"])
