"""What an explanation holds: raw-feature and engineered-feature importance of one model."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Explanation"]


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


@dataclass
class Explanation:
    """Which features drive a model's predictions.

    Attributes
    ----------
    raw_importance : pandas.DataFrame
        One row per raw column, most important first: ``feature``, ``importance``
        (mean drop of ``metric`` when the column is shuffled; 0 means the model
        ignores it, negative values are noise), ``std`` (over the repeats).
    engineered_importance : pandas.DataFrame or None
        One row per engineered feature, most important first: ``feature`` and
        ``importance`` (share of the model's total, summing to 1). None when the
        model exposes no importances of its own (e.g. k-nearest neighbours).
    metric : str
        The metric shuffles are scored with (the job's primary metric).
    baseline_score : float
        ``metric`` of the unshuffled rows.
    n_rows, n_repeats : int
        Validation rows scored, and shuffles per column.
    raw_method : str
        How ``raw_importance`` was measured: ``"permutation"`` (the model's own predictions of
        the shuffled rows) or ``"surrogate permutation"`` (a model too slow to predict every shuffle
        in the time budget: a LightGBM surrogate trained on its predictions is shuffled instead,
        Azure's mimic explainer; ``details["surrogate_fidelity"]`` is its R² on held-out rows).
    engineered_method : str or None
        Where ``engineered_importance`` comes from: ``"tree contributions"``
        (LightGBM / XGBoost / CatBoost, mean absolute SHAP value), ``"feature_importances_"``,
        ``"coefficients"`` (absolute coefficient times feature spread); ensembles
        average their members' shares by their weights.
    details : dict
        ``seconds`` spent explaining, and for jobs ``rows``: which rows were scored.

    Examples
    --------
    >>> import pandas as pd
    >>> e = Explanation(pd.DataFrame({"feature": ["age"], "importance": [0.1], "std": [0.01]}),
    ...                 None, "accuracy", 0.8, 100, 3)
    >>> e.get_feature_importance_dict()
    {'age': 0.1}
    """

    raw_importance: pd.DataFrame
    engineered_importance: pd.DataFrame | None
    metric: str
    baseline_score: float
    n_rows: int
    n_repeats: int
    engineered_method: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    raw_method: str = "permutation"

    def get_feature_importance_dict(self, raw: bool = True) -> dict[str, float]:
        """``{feature: importance}``, most important first (Azure's explanation client call).

        Parameters
        ----------
        raw : bool, default=True
            Raw columns (permutation importance); False for engineered features.

        Returns
        -------
        dict of str to float
            Empty when ``raw=False`` and the model has no engineered importances.
        """
        frame = self.raw_importance if raw else self.engineered_importance
        if frame is None:
            return {}
        return {str(f): float(v) for f, v in zip(frame["feature"], frame["importance"])}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data (the MLflow artifacts ``explanation/*.json``)."""
        def rows(frame: pd.DataFrame | None) -> list[dict[str, Any]] | None:
            if frame is None:
                return None
            return [{k: (_finite(v) if isinstance(v, float) else str(v)) for k, v in row.items()}
                    for row in frame.to_dict(orient="records")]

        return {"metric": self.metric, "baseline_score": _finite(self.baseline_score),
                "n_rows": int(self.n_rows), "n_repeats": int(self.n_repeats),
                "raw_method": self.raw_method, "engineered_method": self.engineered_method,
                "raw_importance": rows(self.raw_importance),
                "engineered_importance": rows(self.engineered_importance),
                "details": dict(self.details)}

    def __repr__(self) -> str:
        top = ", ".join(f"{f}={v:.4f}" for f, v in list(self.get_feature_importance_dict().items())[:3])
        return f"Explanation(metric={self.metric!r}, n_rows={self.n_rows}, top=[{top}])"
