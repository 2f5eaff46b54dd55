"""Classification metrics of Azure ML AutoML, declared once in :data:`CLASSIFICATION_METRICS`.

Every function below takes a :class:`ClassificationData` (labels already encoded as
class indices) and returns a float. The table wraps each one into a public
:class:`~automl.metrics.Metric` whose ``compute`` accepts raw labels and probabilities.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable

import numpy as np
from sklearn import metrics as skm

from automl.errors import ConfigError
from automl.metrics._metric import Metric, quiet
from automl.metrics._class_inputs import ClassificationData, prepare_classification
from automl.metrics._counts import average_precision, class_aucs, class_counts, matthews, prf, prf_of_class

__all__ = ["CLASSIFICATION_METRICS", "score_classification"]

Scorer = Callable[[ClassificationData], float]


def _counts(d: ClassificationData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return d.shared("counts", lambda: class_counts(d.y, d.pred, d.n_classes, d.sample_weight))


def _accuracy(d: ClassificationData) -> float:
    return float(np.average(d.y == d.pred, weights=d.sample_weight))


def _weighted_accuracy(d: ClassificationData) -> float:
    """Accuracy where each row weighs (count of its true class) / n: frequent classes count more."""
    weights = np.bincount(d.y, minlength=d.n_classes)[d.y] / len(d.y)
    if d.sample_weight is not None:
        weights = weights * d.sample_weight
    return float(np.average(d.y == d.pred, weights=weights))


def _prf(kind: str, average: str, d: ClassificationData) -> float:
    """Precision, recall or F1 over all known classes (absent classes count as 0), from the class counts,
    as ``precision_recall_fscore_support`` computes them."""
    return prf(_counts(d), kind, average)


def _prf_binary(kind: str, d: ClassificationData) -> float:
    """Precision, recall or F1 of the positive class against all others."""
    return prf_of_class(_counts(d), d.positive, kind)


def _norm_macro_recall(d: ClassificationData) -> float:
    """max(0, (recall_macro - R) / (1 - R)) with R = 1 / n_classes, the chance level."""
    chance = 1.0 / d.n_classes
    return max(0.0, (_prf("recall", "macro", d) - chance) / (1.0 - chance))


def _log_loss(d: ClassificationData) -> float:
    return skm.log_loss(d.y, d.proba, labels=d.labels, sample_weight=d.sample_weight)


def _matthews(d: ClassificationData) -> float:
    return matthews(_counts(d))


def _auc(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None) -> float:
    """Binary ROC AUC, NaN when ``y`` holds a single class."""
    if y.all() or not y.any():
        return float("nan")
    if weight is None:
        return float(class_aucs(np.asarray(y, dtype=float)[:, None], np.asarray(score)[:, None])[0])
    return skm.roc_auc_score(y, score, sample_weight=weight)


def _ap(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None) -> float:
    """Binary average precision, NaN when ``y`` has no positive."""
    if not y.any():
        return float("nan")
    if weight is None:
        return average_precision(y, score)
    return skm.average_precision_score(y, score, sample_weight=weight)


def _one_vs_rest(binary: Callable[..., float], average: str, d: ClassificationData) -> float:
    """Average a binary ranking score over classes, one-vs-rest.

    ``macro`` averages the classes where the score is defined, ``weighted`` weighs
    them by true-class support (sample-weighted), ``micro`` scores the flattened
    indicator matrix. On binary data both classes are averaged, as Azure does.
    """
    truth = d.onehot
    weight = d.sample_weight
    if average == "micro":
        flat_weight = None if weight is None else np.repeat(weight, d.n_classes)
        return binary(truth.ravel(), d.proba.ravel(), flat_weight)
    scores = d.shared(("one_vs_rest", binary), lambda: np.array(
        [binary(truth[:, k], d.proba[:, k], weight) for k in d.labels]))  # macro and weighted average them
    rows = np.ones(len(d.y)) if weight is None else weight
    support = rows @ truth
    defined = ~np.isnan(scores)
    if average == "weighted":
        defined &= support > 0
    if not defined.any():
        return float("nan")
    if average == "macro":
        return float(scores[defined].mean())
    return float(np.average(scores[defined], weights=support[defined]))


def _positive_vs_rest(binary: Callable[..., float], d: ClassificationData) -> float:
    return binary(d.y == d.positive, d.proba[:, d.positive], d.sample_weight)


def _on_prepared(name: str, scorer: Scorer, binary: bool, worst: float) -> Callable[[ClassificationData], float]:
    """``scorer`` on prepared inputs, with the table's rules: a binary metric needs a positive class,
    no rows is NaN, non-finite probabilities are the worst value."""

    def evaluate(data: ClassificationData) -> float:
        if binary and data.positive is None:
            raise ConfigError(
                f"positive_label: {name} needs a positive class; pass positive_label "
                "(it is only auto-detected for the classes {0, 1} or {False, True})."
            )
        if len(data.y) == 0:
            return float("nan")
        if not data.finite:
            return worst
        with quiet():
            return float(scorer(data))

    return evaluate


#: Each metric of the table on inputs already prepared (:func:`score_classification` prepares them once).
_ON_PREPARED: dict[str, Callable[[ClassificationData], float]] = {}


def _metric(
    name: str,
    scorer: Scorer,
    *,
    primary: bool = False,
    greater_is_better: bool = True,
    worst: float = 0.0,
    binary: bool = False,
) -> Metric:
    """Wrap ``scorer`` into a :class:`Metric` whose ``compute`` takes raw inputs."""
    evaluate = _ON_PREPARED[name] = _on_prepared(name, scorer, binary, worst)

    def compute(
        y_true: Any,
        proba: Any,
        classes: Any,
        *,
        sample_weight: Any = None,
        positive_label: Any = None,
    ) -> float:
        return evaluate(prepare_classification(
            y_true, proba, classes, sample_weight=sample_weight, positive_label=positive_label
        ))

    compute.__name__ = name
    compute.__doc__ = f"Compute {name} from labels and class probabilities."
    return Metric(name, "classification", greater_is_better, primary, worst, compute, binary, probabilities=True)


_TABLE = [
    _metric("accuracy", _accuracy, primary=True),
    _metric("AUC_macro", partial(_one_vs_rest, _auc, "macro")),
    _metric("AUC_micro", partial(_one_vs_rest, _auc, "micro")),
    _metric("AUC_weighted", partial(_one_vs_rest, _auc, "weighted"), primary=True),
    _metric("AUC_binary", partial(_positive_vs_rest, _auc), binary=True),
    _metric("average_precision_score_macro", partial(_one_vs_rest, _ap, "macro")),
    _metric("average_precision_score_micro", partial(_one_vs_rest, _ap, "micro")),
    _metric(
        "average_precision_score_weighted", partial(_one_vs_rest, _ap, "weighted"), primary=True
    ),
    _metric("average_precision_score_binary", partial(_positive_vs_rest, _ap), binary=True),
    _metric("balanced_accuracy", partial(_prf, "recall", "macro")),
    _metric("f1_score_macro", partial(_prf, "f1", "macro")),
    _metric("f1_score_micro", partial(_prf, "f1", "micro")),
    _metric("f1_score_weighted", partial(_prf, "f1", "weighted")),
    _metric("f1_score_binary", partial(_prf_binary, "f1"), binary=True),
    _metric("log_loss", _log_loss, greater_is_better=False, worst=float("inf")),
    _metric("matthews_correlation", _matthews, worst=-1.0),
    _metric("norm_macro_recall", _norm_macro_recall, primary=True),
    _metric("precision_score_macro", partial(_prf, "precision", "macro")),
    _metric("precision_score_micro", partial(_prf, "precision", "micro")),
    _metric("precision_score_weighted", partial(_prf, "precision", "weighted"), primary=True),
    _metric("precision_score_binary", partial(_prf_binary, "precision"), binary=True),
    _metric("recall_score_macro", partial(_prf, "recall", "macro")),
    _metric("recall_score_micro", partial(_prf, "recall", "micro")),
    _metric("recall_score_weighted", partial(_prf, "recall", "weighted")),
    _metric("recall_score_binary", partial(_prf_binary, "recall"), binary=True),
    _metric("weighted_accuracy", _weighted_accuracy),
]

#: Every scalar classification metric of Azure AutoML, by Azure name.
CLASSIFICATION_METRICS: dict[str, Metric] = {m.name: m for m in _TABLE}


def score_classification(
    y_true: Any,
    proba: Any,
    classes: Any,
    *,
    sample_weight: Any = None,
    positive_label: Any = None,
) -> dict[str, float]:
    """Compute every classification metric.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels, in their original values.
    proba : array-like of shape (n, n_classes)
        Class probabilities, columns ordered like ``classes``. The predicted label
        is ``classes[argmax]``. A 1-D array is read as P(classes[1]) for two classes.
    classes : array-like of shape (n_classes,)
        Every class the model knows, also those absent from ``y_true``.
    sample_weight : array-like of shape (n,), default=None
        Row weights, passed to scikit-learn.
    positive_label : object, default=None
        The positive class for the ``*_binary`` metrics. Auto-detected as 1 / True
        when ``classes`` is exactly {0, 1} or {False, True}.

    Returns
    -------
    dict of str to float
        One entry per metric of :data:`CLASSIFICATION_METRICS`; the ``*_binary``
        entries only when a positive class is known. Undefined values are NaN;
        non-finite probabilities give every metric its worst value.

    Examples
    --------
    >>> scores = score_classification(["a", "b"], [[0.9, 0.1], [0.2, 0.8]], ["a", "b"])
    >>> scores["accuracy"], "AUC_binary" in scores
    (1.0, False)
    """
    data = prepare_classification(  # once: encoding the labels is the dearest part on many rows
        y_true, proba, classes, sample_weight=sample_weight, positive_label=positive_label
    )
    return {
        name: _ON_PREPARED[name](data)
        for name, metric in CLASSIFICATION_METRICS.items()
        if data.positive is not None or not metric.needs_positive_label
    }
