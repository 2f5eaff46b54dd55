"""The final model as a bag: one model per cross-validation fold, averaged.

A trial is validated on k folds. With ``final_model="bag"`` its final model is the soft vote, with
equal weights, of k copies of its configuration, each fitted on one fold's training rows (AutoGluon's
bagging), instead of one refit on all rows (Azure's). Averaging k models that each saw (k-1)/k of the
rows lowers their variance; on the meta datasets a 5-fold bag of LightGBM or XGBoost with default
parameters beat the refit on held-out data (``benchmarks/meta_bagging.py``).

The fold models are fitted behind the job's one featurization, fitted on all training rows, so that
the bag is one pipeline with one ``datatransformer``, like every other final model: it predicts,
pickles, logs to MLflow and converts to ONNX as a voting ensemble does. (The trials' own fold models
are not reused: each was fitted behind its fold's featurization, which the final model does not
have.) A bag costs the k fold fits the trial made, about k - 1 times a refit.

Behind the all-rows featurization a fold model sees columns its trial's fold model did not (a
category absent from the fold's training rows, two rare categories that are equal there), so each
fold model is checked on its own fold's validation rows against what the trial predicted for them
(:func:`validated_folds`); one far worse is left out of the bag.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from automl.core import TrialResult
from automl.settings import TrainingSettings

if TYPE_CHECKING:
    from automl.tasks.tabular._prepare import TabularData

__all__ = ["BAG", "REFIT", "bag_rows", "bag_seconds", "final_model_kind", "validated_folds"]

BAG, REFIT = "bag", "refit"
#: A bag fits the trial's folds again, on the same rows, behind another featurization: its trial's
#: fit time plus this margin.
BAG_MARGIN = 1.1
#: Validation schemes whose folds a bag is made of: several folds that each leave rows out.
BAGGED_METHODS = ("cross_validation", "custom_cv", "monte_carlo")
#: A fold model stays in its bag when its error on its own fold's validation rows is at most this many
#: times the error of the trial's model of that fold on the same rows (the root mean squared error of
#: the values, or of the class probabilities against the labels). The same configuration behind the
#: all-rows featurization predicts about as well as it was validated; one far worse is not the model
#: that was validated (a LassoLars put +/-5.7e18 on two rare one-hot columns that were equal on its
#: fold's training rows, and predicted 2e20 for a house).
MAX_ERROR_RATIO = 1.5


def _refit_positions(prepared: TabularData, pool_rows: np.ndarray) -> np.ndarray | None:
    """Positions in the featurized training rows (``X_refit``) of ``pool_rows``; None when some of
    them are not training rows."""
    refit_rows = np.asarray(prepared.validation.refit_rows)
    order = np.argsort(refit_rows, kind="stable")
    found = np.minimum(np.searchsorted(refit_rows, pool_rows, sorter=order), len(refit_rows) - 1)
    return order[found] if np.array_equal(refit_rows[order[found]], pool_rows) else None


def bag_rows(prepared: TabularData) -> list[np.ndarray] | None:
    """Positions in the featurized training rows (``X_refit``) of each fold's training rows, or None
    when the folds are not all made of training rows (a bag needs them all in ``X_refit``)."""
    positions = [_refit_positions(prepared, fold.train) for fold in prepared.validation.folds]
    return None if any(p is None for p in positions) else positions


def _error(prediction: np.ndarray, y: np.ndarray, classes: np.ndarray | None) -> float:
    """Root mean squared error of values, or of class probabilities against the one-hot labels;
    infinite for predictions that are not finite."""
    prediction = np.asarray(prediction, dtype=float)
    if classes is None:
        squared = (prediction.ravel() - np.asarray(y, dtype=float)) ** 2
    else:
        squared = ((prediction - (np.asarray(y)[:, None] == np.asarray(classes)[None, :])) ** 2).sum(axis=1)
    value = float(np.sqrt(np.mean(squared))) if len(squared) else 0.0
    return value if np.isfinite(value) else np.inf


def validated_folds(trial: TrialResult, models: list[Any | None], prepared: TabularData
                    ) -> tuple[list[int], str | None]:
    """The fold models of ``trial``'s bag that predict their own fold's validation rows about as well
    as the trial did (:data:`MAX_ERROR_RATIO`), by fold index, and a sentence on those left out (None when
    every one is kept, or when the trial kept no validation predictions to compare with). A fold whose
    model is None (not fitted) is neither kept nor named."""
    if trial.valid_predictions is None or trial.valid_rows is None:
        return [i for i, model in enumerate(models) if model is not None], None
    kept, dropped = [], []
    for index, (model, fold) in enumerate(zip(models, prepared.validation.folds)):
        if model is None:
            continue
        positions = _refit_positions(prepared, fold.valid)
        if positions is None:
            kept.append(index)
            continue
        y = prepared.y[fold.valid]
        validated = np.asarray(trial.valid_predictions)[np.searchsorted(trial.valid_rows, fold.valid)]
        ours = prepared.task.predict_folds(model, prepared.X_refit[positions], prepared.classes)
        reference, error = _error(validated, y, prepared.classes), _error(ours, y, prepared.classes)
        if error <= MAX_ERROR_RATIO * reference + 1e-12:
            kept.append(index)
        else:
            dropped.append(f"fold {index} ({error / reference:.3g} times the error)" if reference > 0
                           else f"fold {index}")
    if not dropped:
        return kept, None
    return kept, (f"{trial.name}: the model of {', '.join(dropped)} predicted its own validation rows "
                  f"far worse than the trial did, and was left out of the bag")


def final_model_kind(training: TrainingSettings, prepared: TabularData) -> tuple[str, str]:
    """How the final model of a job is trained (:data:`BAG` or :data:`REFIT`), and why, in one sentence.

    ``"auto"`` bags when trials are validated on several folds and refits after a single holdout (a
    bag of one model trained on 90% of the rows loses to the refit on all of them); ``"bag"`` falls
    back to the refit, with the reason, when there are no folds to bag.
    """
    setting = training.final_model
    if setting == REFIT:
        return REFIT, "refit on all training rows (final_model='refit')"
    plan = prepared.validation
    if plan.method not in BAGGED_METHODS or plan.n_folds < 2:
        return REFIT, (f"refit on all training rows: a bag needs cross-validation folds, and the job "
                       f"validates on {plan.describe()[0].lower() + plan.describe()[1:]}").rstrip(".")
    if bag_rows(prepared) is None:
        return REFIT, "refit on all training rows: the folds hold rows the final model is not trained on"
    return BAG, f"a bag of the {plan.n_folds} fold models (final_model={setting!r})"


def bag_seconds(members: list[TrialResult], n_folds: int, workers: int = 1) -> float:
    """Seconds bagging ``members`` should take: each member's trial fits its ``n_folds`` folds again,
    ``workers`` folds at a time; at least the slowest fold."""
    total = sum(m.duration_seconds for m in members)
    slowest = max((m.duration_seconds for m in members), default=0.0) / max(1, n_folds)
    return BAG_MARGIN * max(total / max(1, workers), slowest)
