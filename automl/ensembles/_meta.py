"""The StackEnsemble meta learner: which one (Azure's ``StackMetaLearnerType``) and its honest score.

How the meta learner is scored
------------------------------
The meta learner learns from the members' validation predictions, so it
cannot be scored on the rows it learnt from. Its validation predictions are
*cross-fitted*: every row is predicted by meta learners that never saw it.

- Under cross-validation (and Monte Carlo or custom folds) the job's own folds
  are used: for each fold the meta learner is fit on the out-of-fold
  predictions of the other folds' rows and predicts this fold's rows. Azure
  likewise trains the meta learner on the out-of-fold predictions.
- With a holdout (``validation_data_size`` or ``validation_data``) Azure keeps
  ``stack_meta_learner_train_percentage`` (p, 0.2) of the data for the meta
  learner. Here the holdout rows are split into parts so that each meta learner
  is fit on a p share of them: for p <= 0.5 into ``round(1 / p)`` parts, fitting
  on one part and predicting the others (each row's predictions are averaged);
  for p > 0.5 into ``round(1 / (1 - p))`` parts, fitting on all parts but one.

Either way the StackEnsemble is scored on the same rows, fold by fold, as every
other trial. The meta learner of the final model is then fit on all validation
predictions.
"""
from __future__ import annotations

import time
import warnings
from typing import Any, Callable, Mapping

import numpy as np
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import (
    ElasticNet,
    ElasticNetCV,
    LinearRegression,
    LogisticRegression,
    LogisticRegressionCV,
)
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils.validation import has_fit_parameter
from threadpoolctl import threadpool_limits

from automl.core import name_key
from automl.ensembles._stack import align_proba
from automl.errors import ConfigError

MetaLearnerTable = Mapping[str, Callable[[], Any]]

#: Azure's ``StackMetaLearnerType`` values for class probabilities, with their default estimators.
CLASSIFICATION_META_LEARNERS: dict[str, Callable[[], Any]] = {
    "LogisticRegression": lambda: LogisticRegression(max_iter=1000),
    "LogisticRegressionCV": lambda: LogisticRegressionCV(
        l1_ratios=(0.0,), scoring="neg_log_loss", use_legacy_attributes=False, max_iter=1000),
    "LightGBMClassifier": lambda: LGBMClassifier(n_estimators=100, num_leaves=8, random_state=0, n_jobs=1,
                                                 verbose=-1),
}
#: Azure's ``StackMetaLearnerType`` values for values (regression, forecasting).
REGRESSION_META_LEARNERS: dict[str, Callable[[], Any]] = {
    "ElasticNet": ElasticNet,
    "ElasticNetCV": lambda: ElasticNetCV(random_state=0),
    "LightGBMRegressor": lambda: LGBMRegressor(n_estimators=100, num_leaves=8, random_state=0, n_jobs=1,
                                               verbose=-1),
    "LinearRegression": LinearRegression,
}
#: Every meta learner by name.
META_LEARNERS: dict[str, Callable[[], Any]] = {**CLASSIFICATION_META_LEARNERS, **REGRESSION_META_LEARNERS}
#: Validation methods with several folds, where Azure defaults to the ``*CV`` meta learners.
CV_METHODS = ("cross_validation", "monte_carlo", "custom_cv")


def resolve_meta_learner(name: str | None, table: MetaLearnerTable, default: str, cross_validated: bool,
                         what: str = "") -> str:
    """The canonical meta learner name for ``stack_meta_learner_type`` (None: Azure's default).

    Parameters
    ----------
    name : str or None
        ``stack_meta_learner_type``; None (or ``"None"``) picks ``default``, or its ``*CV``
        variant under cross-validation.
    table : mapping
        The meta learners the task allows (:data:`CLASSIFICATION_META_LEARNERS` or
        :data:`REGRESSION_META_LEARNERS`).
    default : str
        The task's default (``LogisticRegression`` or ``ElasticNet``).
    cross_validated : bool
    what : str
        The task, for the message.

    Raises
    ------
    ConfigError
        For an unknown name or one the table does not hold.

    Examples
    --------
    >>> resolve_meta_learner(None, CLASSIFICATION_META_LEARNERS, "LogisticRegression", cross_validated=True)
    'LogisticRegressionCV'
    >>> resolve_meta_learner("light_gbm_regressor", REGRESSION_META_LEARNERS, "ElasticNet", cross_validated=False)
    'LightGBMRegressor'
    """
    if name is None or name_key(name) == "none":
        return default + ("CV" if cross_validated else "")
    for candidate in table:
        if name_key(candidate) == name_key(str(name)):
            return candidate
    raise ConfigError(f"stack_meta_learner_type: {name!r} is not a {what or 'known'} meta learner. "
                      f"Valid values: None, {', '.join(table)}.")


def make_meta_learner(name: str, kwargs: Mapping[str, Any] | None = None) -> Any:
    """The unfitted meta learner ``name`` with ``stack_meta_learner_kwargs`` applied.

    Raises
    ------
    ConfigError
        When a keyword is not a parameter of the meta learner.
    """
    estimator = META_LEARNERS[name]()
    try:
        return estimator.set_params(**dict(kwargs or {}))
    except ValueError as exc:
        raise ConfigError(f"stack_meta_learner_kwargs do not fit {name}: {exc}") from None


def fit_meta(learner: Any, Z: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> Any:
    """Fit a clone of ``learner`` (with sample weights when it takes them)."""
    model = clone(learner)
    fit_params = {} if w is None or not has_fit_parameter(model, "sample_weight") else {"sample_weight": w}
    # One thread: the problem is tiny, and idle BLAS threads spinning next to
    # the OpenMP pools of LightGBM / XGBoost make it up to ten times slower.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(Z, y, **fit_params)


#: What a ``*CV`` meta learner's search costs, in fits of its plain estimator with default
#: hyper-parameters: 14-25 measured for ``LogisticRegressionCV`` (750-30,000 rows, 2-26 classes, 2-10
#: members) and 7-15 for ``ElasticNetCV``.
CV_SEARCH_FACTOR = 25.0


def _plain_counterpart(learner: Any) -> Any | None:
    """The plain estimator of a ``*CV`` meta learner, with default hyper-parameters; None for others."""
    if isinstance(learner, LogisticRegressionCV):
        return LogisticRegression(max_iter=learner.max_iter)
    if isinstance(learner, ElasticNetCV):
        return ElasticNet(random_state=0)
    return None


def fit_meta_within(learner: Any, Z: np.ndarray, y: np.ndarray, w: np.ndarray | None, n_splits: int,
                    seconds_left: float) -> Any:
    """:func:`fit_meta` of ``learner``, when it and the ``n_splits`` fits of its cross-fitted score should
    take at most ``seconds_left``.

    The estimate comes from one timed fit: of the plain estimator for a ``*CV`` learner (its search
    counted as :data:`CV_SEARCH_FACTOR` such fits, each cross-fitting fold as one); of ``learner``
    itself otherwise, and that fit is the one returned.

    Raises
    ------
    TimeoutError
        When the rest would take longer than ``seconds_left``; the message says both.
    """
    plain = _plain_counterpart(learner)
    started = time.perf_counter()
    probe = fit_meta(learner if plain is None else plain, Z, y, w)
    seconds = (time.perf_counter() - started) * ((0.0 if plain is None else CV_SEARCH_FACTOR) + n_splits)
    if seconds > seconds_left:
        raise TimeoutError(f"skipped: its meta learner would take about {seconds:.1f} s more to fit and score, "
                           f"beyond the {max(0.0, seconds_left):.1f} s left of the ensembles' budget")
    return probe if plain is None else fit_meta(learner, Z, y, w)


def tuned_plain(fitted: Any) -> Any | None:
    """The plain estimator with the hyper-parameters a fitted ``*CV`` meta learner chose.

    Cross-fitting the stack's score refits the meta learner once per fold; with
    the hyper-parameters chosen once on all rows, a fold costs one fit instead
    of a whole inner search (10 folds x 5 inner folds x 10 ``Cs`` for Azure's
    ``LogisticRegressionCV``). None for other learners.
    """
    if isinstance(fitted, LogisticRegressionCV):
        return LogisticRegression(C=float(np.ravel(fitted.C_)[0]), max_iter=fitted.max_iter)
    if isinstance(fitted, ElasticNetCV):
        return ElasticNet(alpha=float(fitted.alpha_), l1_ratio=float(fitted.l1_ratio_), random_state=0)
    return None


def predict_meta(model: Any, Z: np.ndarray, classes: np.ndarray | None) -> np.ndarray:
    """Probabilities in ``classes`` order (with classes) or values (without)."""
    if classes is not None:
        return align_proba(model.predict_proba(Z), model.classes_, classes)
    return np.asarray(model.predict(Z), dtype=float)


def holdout_splits(y: np.ndarray, train_fraction: float, stratify: bool,
                   seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit, predict) position pairs over one holdout; each fit part holds about ``train_fraction``.

    With ``stratify`` the parts keep the class shares of ``y`` (when every class has a row per part).
    """
    small = train_fraction <= 0.5
    k = max(2, int(round(1 / train_fraction if small else 1 / (1 - train_fraction))))
    k = min(k, len(y))
    stratify = stratify and np.unique(y, return_counts=True)[1].min() >= k
    splitter = (StratifiedKFold(k, shuffle=True, random_state=seed) if stratify
                else KFold(k, shuffle=True, random_state=seed))
    pairs = list(splitter.split(np.zeros(len(y)), y if stratify else None))
    return [(small_part, rest) if small else (rest, small_part) for rest, small_part in pairs]


def fold_splits(parts: list[np.ndarray], n_rows: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit, predict) position pairs from the job's folds: fit on the rows outside each fold."""
    pairs = []
    for part in parts:
        outside = np.ones(n_rows, dtype=bool)
        outside[part] = False
        pairs.append((np.flatnonzero(outside), part))
    return pairs


def cross_fit(learner: Any, Z: np.ndarray, y: np.ndarray, w: np.ndarray | None,
              splits: list[tuple[np.ndarray, np.ndarray]], classes: np.ndarray | None) -> np.ndarray:
    """Out-of-sample meta predictions of every row: the average over the splits predicting it.

    Class probabilities in ``classes`` order, or values when ``classes`` is None.
    """
    width = 1 if classes is None else len(classes)
    total = np.zeros((len(y), width))
    count = np.zeros(len(y))
    for fit_rows, predict_rows in splits:
        model = fit_meta(learner, Z[fit_rows], y[fit_rows], None if w is None else w[fit_rows])
        total[predict_rows] += predict_meta(model, Z[predict_rows], classes).reshape(-1, width)
        count[predict_rows] += 1
    if (count == 0).any():
        raise ValueError("cross-fitting left rows without a meta learner prediction.")
    mean = total / count[:, None]
    return mean[:, 0] if classes is None else mean
