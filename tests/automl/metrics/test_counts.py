"""Every classification metric computed from class counts and one sort equals scikit-learn's own
function on the same rows: weights, ties, absent classes and a class never predicted included."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from automl.metrics import score_classification


def _reference(y: np.ndarray, proba: np.ndarray, weight: np.ndarray | None, positive: int | None) -> dict:
    """The metrics by scikit-learn, one function call each (one-vs-rest averages by hand, as Azure's)."""
    k = proba.shape[1]
    pred, labels = proba.argmax(axis=1), list(range(k))
    rows = np.ones(len(y)) if weight is None else weight
    options = {"labels": labels, "sample_weight": weight, "zero_division": 0}
    out = {"accuracy": skm.accuracy_score(y, pred, sample_weight=weight),
           "balanced_accuracy": skm.recall_score(y, pred, average="macro", **options),
           "matthews_correlation": skm.matthews_corrcoef(y, pred, sample_weight=weight)}
    for average in ("macro", "micro", "weighted"):
        out[f"precision_score_{average}"] = skm.precision_score(y, pred, average=average, **options)
        out[f"recall_score_{average}"] = skm.recall_score(y, pred, average=average, **options)
        out[f"f1_score_{average}"] = skm.f1_score(y, pred, average=average, **options)
    present = [c for c in labels if (y == c).any() and not (y == c).all()]
    support = [rows[y == c].sum() for c in present]
    for name, function in (("AUC", skm.roc_auc_score), ("average_precision_score", skm.average_precision_score)):
        scores = [function(y == c, proba[:, c], sample_weight=weight) for c in present]
        out[f"{name}_macro"] = np.mean(scores)
        out[f"{name}_weighted"] = np.average(scores, weights=support)
        onehot = (y[:, None] == np.arange(k)).astype(int)
        out[f"{name}_micro"] = function(onehot.ravel(), proba.ravel(),
                                        sample_weight=None if weight is None else np.repeat(weight, k))
        if positive is not None:
            out[f"{name}_binary"] = function(y == positive, proba[:, positive], sample_weight=weight)
    if positive is not None:
        for kind, function in (("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)):
            out[f"{kind}_score_binary"] = function(y == positive, pred == positive, sample_weight=weight,
                                                   zero_division=0)
    return out


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ties", [False, True])
def test_every_metric_equals_scikit_learns(n_classes, weighted, ties):
    rng = np.random.default_rng(100 * n_classes + 10 * weighted + ties)
    n = 240
    p = np.full(n_classes, 1.0 / n_classes)
    if n_classes > 2:
        p[-1] = 0.0  # a class absent from the rows
        p /= p.sum()
    y = rng.choice(n_classes, size=n, p=p)
    raw = rng.random((n, n_classes)) ** 2
    if ties:  # coarse probabilities, as small forests give
        raw = np.round(raw * 3) / 3 + 1e-3
    proba = raw / raw.sum(axis=1, keepdims=True)
    weight = rng.random(n) + 0.1 if weighted else None
    positive = 1 if n_classes == 2 else None
    found = score_classification(y, proba, list(range(n_classes)), sample_weight=weight, positive_label=positive)
    # The metrics normalise each row again: ties are those of the normalised rows.
    expected = _reference(y, proba / proba.sum(axis=1, keepdims=True), weight, positive)
    assert set(expected) <= set(found)
    for name, value in expected.items():
        assert found[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name


def test_a_class_never_predicted_and_a_single_class_fold():
    y = np.array([0, 0, 1, 1, 2, 2, 0, 1])
    proba = np.array([[0.9, 0.1, 0.0]] * 4 + [[0.2, 0.8, 0.0]] * 4)  # class 2 is never predicted
    found = score_classification(y, proba, [0, 1, 2])
    expected = _reference(y, proba, None, None)
    for name, value in expected.items():
        assert found[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name
    alone = score_classification(np.zeros(5, dtype=int), np.tile([0.7, 0.3], (5, 1)), [0, 1], positive_label=1)
    assert np.isnan(alone["AUC_binary"]) and np.isnan(alone["average_precision_score_binary"])
    assert alone["accuracy"] == 1.0 and alone["precision_score_binary"] == 0.0
