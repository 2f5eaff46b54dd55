"""The best model in a dozen lines: what the console shows instead of scikit-learn's repr.

An ensemble lists its members with their weights, algorithms and validation scores; a single
model its algorithm; the featurization takes one line per kind of column (how many, which
steps, the first names). ``result.best_model`` keeps the full repr.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from automl.engine import AutoMLResult

__all__ = ["model_summary"]

#: Column names shown per featurization line before "...".
NAMES_SHOWN = 4
#: Ensemble members listed before "and N more".
MEMBERS_SHOWN = 8


def _score(value: float) -> str:
    return "-" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:.4f}"


def _members(result: AutoMLResult) -> list[str]:
    ensemble = result.best_trial.ensemble
    if ensemble is None:
        return []
    weights = getattr(ensemble, "weights", None)
    weights = np.full(len(ensemble.members), 1.0 / len(ensemble.members)) if weights is None else \
        np.asarray(weights, dtype=float) / np.sum(weights)
    order = np.argsort(-weights, kind="stable")
    width = max(len(m.display_name) for m in ensemble.members)
    meta = getattr(ensemble, "meta_learner_type", None)
    lines = [f"  members ({'weight' if meta is None else 'input to the ' + meta + ' meta learner'}, "
             f"algorithm, trial, validation {result.primary_metric}):"]
    for i in order[:MEMBERS_SHOWN]:
        member = ensemble.members[i]
        share = f"{weights[i]:.2f}" if meta is None else "   -"
        lines.append(f"    {share}  {member.display_name:<{width}}  {member.name}  {_score(member.score)}")
    if len(order) > MEMBERS_SHOWN:
        lines.append(f"    and {len(order) - MEMBERS_SHOWN} more")
    return lines


def _featurization(summary: pd.DataFrame) -> list[str]:
    if summary is None or len(summary) == 0 or "Transformations" not in summary.columns:
        return []
    rows = summary.assign(steps=[" + ".join(t) if len(t) else "-" for t in summary["Transformations"]])
    lines = [f"  featurization of {len(rows)} columns into "
             f"{int(rows['EngineeredFeatureCount'].sum()):,} features:"]
    groups = rows.groupby(["TypeDetected", "Dropped", "steps"], sort=False)
    for (kind, dropped, steps), group in groups:
        names = list(group["RawFeatureName"].astype(str))
        shown = ", ".join(names[:NAMES_SHOWN]) + (", ..." if len(names) > NAMES_SHOWN else "")
        what = "dropped" if dropped == "Yes" else f"{steps} -> {int(group['EngineeredFeatureCount'].sum()):,}"
        lines.append(f"    {kind} ({len(names)}): {shown}: {what}")
    return lines


def model_summary(result: AutoMLResult) -> str:
    """A short description of ``result``'s best model.

    Parameters
    ----------
    result : AutoMLResult

    Returns
    -------
    str
        The best trial with its validation score, an ensemble's members (weight, algorithm,
        trial, score), and the featurization, one line per kind of column; one line saying
        there is no model when the job produced none.
    """
    trial = result.best_trial
    if trial is None or result.best_model is None:
        return f"No model: the job ended {result.status} ({result.stop_reason})."
    lines = [f"Best model: {trial.display_name} ({trial.name}), validation {result.primary_metric} "
             f"{_score(trial.score)}"]
    final = getattr(result, "final_model", None)
    if final:
        lines.append(f"  final model: {final}")
    lines += _members(result)
    lines += _featurization(result.featurization_summary)
    return "\n".join(lines)
