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
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from automl.core import TrialResult
from automl.settings import TrainingSettings

if TYPE_CHECKING:
    from automl.tasks.tabular._prepare import TabularData

__all__ = ["BAG", "REFIT", "bag_rows", "bag_seconds", "final_model_kind"]

BAG, REFIT = "bag", "refit"
#: A bag fits the trial's folds again, on the same rows, behind another featurization: its trial's
#: fit time plus this margin.
BAG_MARGIN = 1.1
#: Validation schemes whose folds a bag is made of: several folds that each leave rows out.
BAGGED_METHODS = ("cross_validation", "custom_cv", "monte_carlo")


def bag_rows(prepared: TabularData) -> list[np.ndarray] | None:
    """Positions in the featurized training rows (``X_refit``) of each fold's training rows, or None
    when the folds are not all made of training rows (a bag needs them all in ``X_refit``)."""
    refit_rows = np.asarray(prepared.validation.refit_rows)
    order = np.argsort(refit_rows, kind="stable")
    positions = []
    for fold in prepared.validation.folds:
        found = np.searchsorted(refit_rows, fold.train, sorter=order)
        found = np.minimum(found, len(refit_rows) - 1)
        if not np.array_equal(refit_rows[order[found]], fold.train):
            return None
        positions.append(order[found])
    return positions


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
