"""The :class:`Metric` record shared by the classification and regression tables."""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from scipy.stats import ConstantInputWarning
from sklearn.exceptions import UndefinedMetricWarning

__all__ = ["Metric", "quiet"]


@dataclass(frozen=True)
class Metric:
    """One scalar metric: its Azure name, direction, bounds and how to compute it.

    Parameters
    ----------
    name : str
        Azure spelling, e.g. ``"AUC_weighted"`` or ``"normalized_root_mean_squared_error"``.
    task : str
        ``"classification"`` or ``"regression"`` (forecasting uses the regression table).
    greater_is_better : bool
        True for scores to maximise; False for ``log_loss`` and the error metrics.
    primary : bool
        Whether Azure accepts the metric as ``primary_metric``.
    worst : float
        Value reported for a failed trial or non-finite predictions.
    compute : callable
        Classification: ``compute(y_true, proba, classes, *, sample_weight=None,
        positive_label=None) -> float``. Regression: ``compute(y_true, y_pred, *,
        y_min=None, y_max=None, sample_weight=None) -> float``.
    needs_positive_label : bool, default=False
        True for the ``*_binary`` metrics, which are only reported when a positive
        class is known.
    probabilities : bool, default=False
        True for the classification metrics: they score class probabilities against
        ``classes``; the others score values against the training-target range.
    """

    name: str
    task: str
    greater_is_better: bool
    primary: bool
    worst: float
    compute: Callable[..., float]
    needs_positive_label: bool = False
    probabilities: bool = False

    @property
    def perfect(self) -> float:
        """The best value the metric can take: 1 for the scores (accuracies, AUCs, precisions,
        recalls, F1, r2, correlations), 0 for the losses and errors. Every metric of Azure's
        tables is bounded so."""
        return 1.0 if self.greater_is_better else 0.0

    def value(self, y_true: Any, prediction: Any, *, classes: Any = None, positive_label: Any = None,
              y_min: float | None = None, y_max: float | None = None, sample_weight: Any = None) -> float:
        """The metric of ``prediction``: ``compute`` with the arguments its kind takes.

        Class probabilities are scored against ``classes`` (and ``positive_label``); values
        against the training-target range ``y_min`` .. ``y_max``.
        """
        if self.probabilities:
            return self.compute(y_true, prediction, classes, sample_weight=sample_weight,
                                positive_label=positive_label)
        return self.compute(y_true, prediction, y_min=y_min, y_max=y_max, sample_weight=sample_weight)


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the warnings scikit-learn and scipy emit for undefined cases.

    We return NaN (or a documented fallback) for those cases ourselves.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        warnings.simplefilter("ignore", ConstantInputWarning)
        yield
