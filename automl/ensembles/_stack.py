"""The StackEnsemble model: layer-1 estimators, their predictions into a meta learner.

:class:`StackEnsembleClassifier` and :class:`StackEnsembleRegressor` are plain
scikit-learn estimators: ``fit`` trains the layer-1 estimators and a meta
learner on their cross-validated predictions. AutoML builds them instead from
members refit on all training rows and a meta learner fit on the members'
validation predictions (:func:`make_stack_ensemble`), so nothing is fit twice.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone, is_classifier
from sklearn.linear_model import ElasticNet, LogisticRegression
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.utils.validation import check_is_fitted

from automl.ensembles._voting import check_member_classes


def meta_features(predictions: Sequence[np.ndarray]) -> np.ndarray:
    """The meta learner's input: the members' predictions side by side.

    Class probabilities (2-D, one column per class) are used for every class,
    except for two classes where only the second column is kept (the first adds
    nothing), as scikit-learn's ``StackingClassifier`` does. Values (1-D) are one
    column each.

    Examples
    --------
    >>> proba = np.array([[0.8, 0.2], [0.3, 0.7]])
    >>> meta_features([proba, proba]).tolist()
    [[0.2, 0.2], [0.7, 0.7]]
    >>> meta_features([np.array([1.5, 2.5])]).tolist()
    [[1.5], [2.5]]
    """
    columns = []
    for p in predictions:
        p = np.asarray(p, dtype=float)
        if p.ndim == 2:
            columns.append(p[:, 1:] if p.shape[1] == 2 else p)
        else:
            columns.append(p.reshape(len(p), 1))
    return np.hstack(columns)


def align_proba(proba: np.ndarray, fitted: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Columns of ``proba`` (for the ``fitted`` classes) placed in ``classes`` order; zeros elsewhere."""
    fitted, classes = np.asarray(fitted), np.asarray(classes)
    if len(fitted) == len(classes) and np.array_equal(fitted, classes):
        return np.asarray(proba, dtype=float)
    aligned = np.zeros((len(proba), len(classes)))
    position = {c: i for i, c in enumerate(classes.tolist())}
    for j, c in enumerate(fitted.tolist()):
        aligned[:, position[c]] = proba[:, j]
    return aligned


class _StackBase(BaseEstimator):
    """What both stack ensembles share: layer-1 predictions as features."""

    #: How a layer-1 estimator predicts for the meta learner.
    _layer1_method = "predict"

    def __init__(self, estimators: Sequence[tuple[str, Any]], final_estimator: Any = None, cv: Any = 5):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.cv = cv

    def transform(self, X: Any) -> np.ndarray:
        """The meta features of ``X``: the layer-1 estimators' predictions side by side."""
        check_is_fitted(self, "estimators_")
        return meta_features([getattr(e, self._layer1_method)(X) for e in self.estimators_])

    def _fit_layers(self, X: Any, y: np.ndarray, default_final: Any) -> None:
        cv = check_cv(self.cv, y, classifier=is_classifier(self))
        oof = [cross_val_predict(clone(e), X, y, cv=cv, method=self._layer1_method) for _, e in self.estimators]
        self.estimators_ = [clone(e).fit(X, y) for _, e in self.estimators]
        final = default_final if self.final_estimator is None else self.final_estimator
        self.final_estimator_ = clone(final).fit(meta_features(oof), y)


class StackEnsembleClassifier(ClassifierMixin, _StackBase):
    """Stacked classifier: layer-1 class probabilities, then a meta learner.

    Parameters
    ----------
    estimators : list of (str, estimator)
        Layer-1 classifiers with ``predict_proba``.
    final_estimator : classifier, default=None
        The meta learner; ``LogisticRegression(max_iter=1000)`` when None.
    cv : int or cross-validation splitter, default=5
        How ``fit`` makes the out-of-fold predictions the meta learner learns from.

    Attributes
    ----------
    estimators_ : list of estimators
        Fitted layer-1 classifiers.
    final_estimator_ : classifier
        Fitted meta learner.
    classes_ : ndarray
        The classes, sorted.
    """

    _layer1_method = "predict_proba"

    def fit(self, X: Any, y: Any) -> "StackEnsembleClassifier":
        """Fit the layer-1 classifiers on ``X`` and the meta learner on their out-of-fold probabilities."""
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self._fit_layers(X, y, LogisticRegression(max_iter=1000))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities from the meta learner, columns in ``classes_`` order."""
        proba = self.final_estimator_.predict_proba(self.transform(X))
        return align_proba(proba, self.final_estimator_.classes_, self.classes_)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class StackEnsembleRegressor(RegressorMixin, _StackBase):
    """Stacked regressor: layer-1 predictions, then a meta learner.

    Parameters
    ----------
    estimators : list of (str, estimator)
        Layer-1 regressors.
    final_estimator : regressor, default=None
        The meta learner; ``ElasticNet()`` when None.
    cv : int or cross-validation splitter, default=5
        How ``fit`` makes the out-of-fold predictions the meta learner learns from.

    Attributes
    ----------
    estimators_ : list of estimators
        Fitted layer-1 regressors.
    final_estimator_ : regressor
        Fitted meta learner.
    """

    def fit(self, X: Any, y: Any) -> "StackEnsembleRegressor":
        """Fit the layer-1 regressors on ``X`` and the meta learner on their out-of-fold predictions."""
        self._fit_layers(X, np.asarray(y, dtype=float), ElasticNet())
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The meta learner's prediction from the layer-1 predictions."""
        return np.asarray(self.final_estimator_.predict(self.transform(X)), dtype=float)


def make_stack_ensemble(members: Sequence[tuple[str, Any]], final_estimator: Any, *,
                        classes: np.ndarray | None = None) -> StackEnsembleClassifier | StackEnsembleRegressor:
    """A fitted stack ensemble from fitted ``members`` and a fitted meta learner.

    With ``classes`` a :class:`StackEnsembleClassifier` over the members' probabilities,
    else a :class:`StackEnsembleRegressor` over their values. The meta learner must have
    been fit on :func:`meta_features` of the members' out-of-sample predictions, class
    columns in ``classes`` order.
    """
    members = list(members)
    if classes is not None:
        classes = np.asarray(classes)
        for name, member in members:
            check_member_classes(name, member, classes)
        ensemble = StackEnsembleClassifier(members, final_estimator)
        ensemble.classes_ = classes
    else:
        ensemble = StackEnsembleRegressor(members, final_estimator)
    ensemble.estimators_ = [member for _, member in members]
    ensemble.final_estimator_ = final_estimator
    return ensemble
