"""How big a fitted model grows with the data, and the caps that keep it within a byte budget.

Forests grow with rows x trees: a scikit-learn tree holds a node record and its values per
node, and without a limit a regression tree has about one leaf per few distinct rows. A forest
of 100 trees on 40,000 rows is 300-500 MB, and its ONNX conversion takes fifteen times that.
:class:`ForestSize` estimates the size from the rows and caps it by adding ``max_leaf_nodes``
(and, past a floor of leaves, fewer trees) so that a fitted forest stays under
:data:`MAX_MODEL_BYTES`: on diamonds (40,000 rows) that costs a random forest 0.0002 of r2.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Protocol

import numpy as np

from automl.core import serialized_bytes

__all__ = ["MAX_MODEL_BYTES", "ForestSize", "ModelSize", "NODE_BYTES", "TrainingDataSize", "fitted_model_bytes"]

#: The largest fitted model the default caps allow (forests are capped to it from their rows).
MAX_MODEL_BYTES = 32 * 2**20
#: Bytes of scikit-learn's tree node record, before the node's values.
NODE_BYTES = 64
#: Bytes of a fitted tree beside its nodes (its estimator object, pickled).
TREE_BYTES = 2048
#: Leaves per tree a cap keeps at least; below it, trees are dropped instead.
MIN_LEAVES = 1024
#: Share of the rows a bootstrap sample holds distinct.
BOOTSTRAP_SHARE = 1 - math.exp(-1)


class ModelSize(Protocol):
    """How big a fitted model of an algorithm grows with the data it is fitted on."""

    def estimate(self, params: Mapping[str, Any], n_rows: int, n_values: int = 1, n_features: int = 1) -> int:
        """Bytes of the fitted model, about."""

    def cap(self, params: Mapping[str, Any], n_rows: int, n_values: int = 1,
            max_bytes: int = MAX_MODEL_BYTES) -> dict[str, Any]:
        """``params`` bounded so that the fitted model stays within ``max_bytes`` (where it can be)."""


@dataclass(frozen=True)
class TrainingDataSize:
    """A model that keeps its training data (nearest neighbours): rows x features x 8 bytes."""

    def estimate(self, params: Mapping[str, Any], n_rows: int, n_values: int = 1, n_features: int = 1) -> int:
        """Bytes of the training data the model keeps.

        >>> TrainingDataSize().estimate({}, 1_000_000, n_features=50) // 2**20
        381
        """
        return int(n_rows * max(1, n_features) * 8)

    def cap(self, params: Mapping[str, Any], n_rows: int, n_values: int = 1,
            max_bytes: int = MAX_MODEL_BYTES) -> dict[str, Any]:
        """Nothing to cap: the model is its data (the algorithm's ``max_rows`` keeps it small)."""
        return dict(params)


@dataclass(frozen=True)
class ForestSize:
    """The size of a scikit-learn forest (random forest, extremely randomised trees).

    Attributes
    ----------
    bootstrap : bool
        Whether each tree sees a bootstrap sample (about 63% of the rows distinct).
    """

    bootstrap: bool = True

    def _leaves(self, params: Mapping[str, Any], n_rows: int) -> float:
        rows = n_rows * (BOOTSTRAP_SHARE if params.get("bootstrap", self.bootstrap) else 1.0)
        leaves = rows / max(1, int(params.get("min_samples_leaf") or 1))
        cap = params.get("max_leaf_nodes")
        return max(1.0, min(leaves, cap) if cap else leaves)

    def estimate(self, params: Mapping[str, Any], n_rows: int, n_values: int = 1, n_features: int = 1) -> int:
        """Bytes of the fitted forest at most: trees x (2 x leaves) nodes x (record + values).

        Examples
        --------
        >>> ForestSize(bootstrap=False).estimate({"n_estimators": 100}, 40_000) // 2**20
        549
        """
        trees = int(params.get("n_estimators") or 100)
        return int(trees * (TREE_BYTES + 2 * self._leaves(params, n_rows) * (NODE_BYTES + 8 * max(1, n_values))))

    def cap(self, params: Mapping[str, Any], n_rows: int, n_values: int = 1,
            max_bytes: int = MAX_MODEL_BYTES) -> dict[str, Any]:
        """``params`` with ``max_leaf_nodes`` (and, when even :data:`MIN_LEAVES` leaves are too many,
        ``n_estimators``) bounded so that :meth:`estimate` stays within ``max_bytes``.

        Examples
        --------
        >>> capped = ForestSize().cap({"n_estimators": 100}, 40_000)
        >>> capped["max_leaf_nodes"], ForestSize().estimate(capped, 40_000) <= MAX_MODEL_BYTES
        (2315, True)
        >>> ForestSize().cap({"n_estimators": 500, "min_samples_leaf": 4}, 40_000)["n_estimators"]
        224
        >>> ForestSize().cap({"n_estimators": 100}, 800)  # small data: nothing to cap
        {'n_estimators': 100}
        """
        out = dict(params)
        if self.estimate(out, n_rows, n_values) <= max_bytes:
            return out
        node = NODE_BYTES + 8 * max(1, n_values)
        trees = int(out.get("n_estimators") or 100)
        leaves = int((max_bytes // trees - TREE_BYTES) // (2 * node))
        if leaves < MIN_LEAVES:
            leaves = MIN_LEAVES
            out["n_estimators"] = max(1, int(max_bytes // (TREE_BYTES + 2 * MIN_LEAVES * node)))
        out["max_leaf_nodes"] = min(leaves, int(out["max_leaf_nodes"])) if out.get("max_leaf_nodes") else leaves
        return out


def fitted_model_bytes(model: Any) -> int:
    """The bytes a fitted model (or pipeline) counts for: its pickled size, or, when larger, that of
    its trees as they are exported and served.

    CatBoost's symmetric trees pickle as one split per level and their leaf values, but ONNX (and so
    any endpoint serving the graph) holds a tree of ``L`` leaves as ``2L - 1`` nodes, up to
    ``2^(d+1) - 1`` for depth ``d``: a model of 664 trees of depth 10 pickles to 9.9 MB and exports
    to up to 1.36 million nodes. Such a model counts as a scikit-learn forest of as many nodes
    pickles to (:data:`NODE_BYTES` and 8 bytes per value a node), so that an ensemble's size cap
    treats the learners alike.
    """
    pickled = serialized_bytes(model)
    estimator = model.steps[-1][1] if hasattr(model, "steps") else model
    if not hasattr(estimator, "get_tree_leaf_counts"):
        return pickled
    nodes = int((2 * np.asarray(estimator.get_tree_leaf_counts(), dtype=np.int64) - 1).sum())
    values = max(1, len(getattr(estimator, "classes_", [])))
    return max(pickled, nodes * (NODE_BYTES + 8 * values))
