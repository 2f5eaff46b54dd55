"""The attributes of ``ai.onnx.ml`` opset 5's ``TreeEnsemble`` for the trees of an opset-3 tree ensemble.

Opset 3 numbers every node, leaves included, within its tree; opset 5 numbers the inner nodes and
the leaves apart, across all trees, and each leaf adds one weight to one target. A forest's leaf
holds every class's weight: its trees are written once per class. A tree that is a single leaf has
no opset-5 form: its weight goes to the base values. :mod:`automl.export._tree_ensemble` uses these.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from onnx import AttributeProto, NodeProto, numpy_helper

#: A forest's leaves hold every class's weight; with more classes than this the graph keeps opset 3.
MAX_CLASS_COPIES = 4
_MODES = {b"BRANCH_LEQ": 0, b"BRANCH_LT": 1, b"BRANCH_GTE": 2, b"BRANCH_GT": 3, b"BRANCH_EQ": 4, b"BRANCH_NEQ": 5}
#: Opset 3's ``aggregate_function`` values this module rewrites, and their opset-5 numbers.
AGGREGATE_FUNCTIONS = {b"AVERAGE": 0, b"SUM": 1}


@dataclass
class Leaves:
    """Weights at the leaves: ``(tree, node)`` of each, the target (class) it adds to, and its value."""

    trees: np.ndarray
    nodes: np.ndarray
    targets: np.ndarray
    weights: np.ndarray


@dataclass
class TreePlan:
    """How one opset-3 node becomes ``TreeEnsemble`` and standard operators."""

    kind: str  # "regressor", "binary" or "multiclass"
    leaves: Leaves
    n_targets: int
    dtype: type
    base: np.ndarray
    transform: bytes = b"NONE"
    threshold: float = 0.0  # binary: the score above which the label is the second class
    labels: np.ndarray | None = None


def attributes_of(node: NodeProto) -> dict[str, AttributeProto]:
    return {a.name: a for a in node.attribute}


def floats(attributes: dict[str, AttributeProto], name: str) -> np.ndarray | None:
    """A float attribute or its ``*_as_tensor`` (double) form, as an array; None when absent."""
    if name in attributes:
        return np.asarray(attributes[name].floats, dtype=np.float32)
    if f"{name}_as_tensor" in attributes:
        return numpy_helper.to_array(attributes[f"{name}_as_tensor"].t)
    return None


class UnknownLayout(ValueError):
    """A tree ensemble whose layout this module does not rewrite (the graph keeps opset 3)."""


class _Layout:
    """Where each node of an opset-3 ensemble goes: inner nodes and leaves are numbered apart.

    ``index`` numbers a node among the inner nodes or among the leaves; ``true_side`` and
    ``false_side`` are the positions of each inner node's branches; ``roots`` the positions of
    the roots, in the order the trees first appear; ``leaf_of`` the leaf of each weight.
    """

    def __init__(self, attrs: dict[str, AttributeProto], leaves: Leaves) -> None:
        trees, ids = np.asarray(attrs["nodes_treeids"].ints), np.asarray(attrs["nodes_nodeids"].ints)
        self._stride = int(ids.max()) + 1
        self._keys = trees * self._stride + ids
        self._order = np.argsort(self._keys, kind="stable")
        self.modes = np.asarray(list(attrs["nodes_modes"].strings), dtype="S12")
        if not set(np.unique(self.modes).tolist()) <= {*_MODES, b"LEAF"}:
            raise UnknownLayout("a node mode opset 5 does not have")
        self.is_leaf = self.modes == b"LEAF"
        self.inner, leaves_at = np.flatnonzero(~self.is_leaf), np.flatnonzero(self.is_leaf)
        self.index = np.full(len(ids), -1)
        self.index[self.inner], self.index[leaves_at] = np.arange(len(self.inner)), np.arange(len(leaves_at))
        self.n_leaves = len(leaves_at)
        self.true_side = self._position(trees[self.inner], np.asarray(attrs["nodes_truenodeids"].ints)[self.inner])
        self.false_side = self._position(trees[self.inner],
                                         np.asarray(attrs["nodes_falsenodeids"].ints)[self.inner])
        tree_ids, first = np.unique(trees, return_index=True)
        roots = self._position(tree_ids[np.argsort(first)], np.zeros(len(tree_ids), dtype=np.int64))
        self.roots, self.constant_leaves = roots[~self.is_leaf[roots]], self.index[roots[self.is_leaf[roots]]]
        weighted = self._position(leaves.trees, leaves.nodes)
        self.leaf_of = self.index[weighted]
        if not len(self.roots) or not np.all(self.is_leaf[weighted]):
            raise UnknownLayout("only trees that are a single leaf, or a weight on a branch")

    def _position(self, tree: np.ndarray, node_id: np.ndarray) -> np.ndarray:
        wanted = tree * self._stride + node_id
        found = self._order[np.searchsorted(self._keys[self._order], wanted).clip(0, len(self._keys) - 1)]
        if not np.array_equal(self._keys[found], wanted):
            raise UnknownLayout("a branch or a weight names a node its tree does not have")
        return found

    def branch(self, side: np.ndarray, copies: int) -> tuple[np.ndarray, np.ndarray]:
        """The numbers of the inner nodes' ``side`` branches in ``copies`` copies of the trees, and
        whether each is a leaf."""
        to_leaf = self.is_leaf[side].astype(np.int64)
        sizes = np.where(to_leaf == 1, self.n_leaves, len(self.inner))
        return np.concatenate([self.index[side] + c * sizes for c in range(copies)]), np.tile(to_leaf, copies)


def _leaf_columns(plan: TreePlan, layout: _Layout, copies: np.ndarray) -> tuple[list, list]:
    """Target and weight of every leaf, per copy of the trees (one copy per target when a leaf
    holds several targets' weights); a leaf without a weight adds 0."""
    targets, weights = [], []
    for target in copies:
        chosen = plan.leaves.targets == target if len(copies) > 1 else slice(None)
        weight, target_of = np.zeros(layout.n_leaves, dtype=plan.dtype), np.full(layout.n_leaves, target)
        weight[layout.leaf_of[chosen]] = plan.leaves.weights[chosen]
        if len(copies) == 1:  # one weight per leaf: each leaf adds to its own target
            target_of[layout.leaf_of] = plan.leaves.targets
        targets.append(target_of)
        weights.append(weight)
    return targets, weights


def _constants(plan: TreePlan, layout: _Layout, aggregate: bytes) -> np.ndarray:
    """What the trees that are a single leaf add to each target: they go to the base values, since
    ``TreeEnsemble`` has no tree without a branch."""
    constants = np.zeros(plan.n_targets, dtype=plan.dtype)
    if len(layout.constant_leaves):
        if aggregate != b"SUM":
            raise UnknownLayout("a single-leaf tree in an average")
        single = np.isin(layout.leaf_of, layout.constant_leaves)
        np.add.at(constants, plan.leaves.targets[single], plan.leaves.weights[single])
    return constants


def tree_ensemble_attributes(node: NodeProto, plan: TreePlan) -> tuple[dict, np.ndarray]:
    """``TreeEnsemble``'s attributes for the trees of ``node``, and what its single-leaf trees add
    to each target (raises :class:`UnknownLayout`)."""
    attrs = attributes_of(node)
    layout = _Layout(attrs, plan.leaves)
    constants = _constants(plan, layout, aggregate_of(attrs))
    targets = np.unique(plan.leaves.targets)
    several = np.bincount(layout.leaf_of, minlength=layout.n_leaves).max(initial=0) > 1
    copies = targets if several else targets[:1]
    if len(copies) > MAX_CLASS_COPIES or len(copies) > 1 and aggregate_of(attrs) != b"SUM":
        raise UnknownLayout("too many classes to copy the trees for, or an average over copies")
    k, inner = len(copies), layout.inner
    leaf_targets, leaf_weights = _leaf_columns(plan, layout, copies)
    true_ids, true_leafs = layout.branch(layout.true_side, k)
    false_ids, false_leafs = layout.branch(layout.false_side, k)
    tree_roots = np.concatenate([layout.index[layout.roots] + c * len(inner) for c in range(k)])
    padding = _leaf_padding(tree_roots, true_ids, true_leafs, false_ids, false_leafs)
    true_ids[true_leafs == 1] += padding
    false_ids[false_leafs == 1] += padding
    modes = np.asarray([_MODES[m] for m in layout.modes[inner].tolist()], dtype=np.uint8)
    result = dict(
        n_targets=plan.n_targets, aggregate_function=AGGREGATE_FUNCTIONS[aggregate_of(attrs)], post_transform=0,
        tree_roots=tree_roots.tolist(),
        nodes_featureids=np.tile(np.asarray(attrs["nodes_featureids"].ints)[inner], k).tolist(),
        nodes_modes=numpy_helper.from_array(np.tile(modes, k), "nodes_modes"),
        nodes_splits=numpy_helper.from_array(np.tile(floats(attrs, "nodes_values")[inner].astype(plan.dtype), k),
                                             "nodes_splits"),
        nodes_truenodeids=true_ids.tolist(), nodes_trueleafs=true_leafs.tolist(),
        nodes_falsenodeids=false_ids.tolist(), nodes_falseleafs=false_leafs.tolist(),
        leaf_targetids=np.concatenate([np.zeros(padding, dtype=np.int64), *leaf_targets]).tolist(),
        leaf_weights=numpy_helper.from_array(np.concatenate([np.zeros(padding, plan.dtype), *leaf_weights]),
                                             "leaf_weights"))
    tracks = np.asarray(attrs["nodes_missing_value_tracks_true"].ints) \
        if "nodes_missing_value_tracks_true" in attrs else np.zeros(0, dtype=np.int64)
    if len(tracks) and tracks[inner].any():
        result["nodes_missing_value_tracks_true"] = np.tile(tracks[inner], k).tolist()
    return result, constants


def _leaf_padding(roots: np.ndarray, true_ids: np.ndarray, true_leafs: np.ndarray, false_ids: np.ndarray,
                  false_leafs: np.ndarray) -> int:
    """How many unused leaves to put first so that no root's two branches carry the same number.

    onnxruntime 1.21 to 1.23 take a root whose true and false branch numbers are equal for a tree
    that is a single leaf, even when one number is a leaf's and the other a node's: such a tree
    would score as its first leaf. Numbering the leaves from an offset no root pairs gives the same
    trees to every onnxruntime.
    """
    mixed = true_leafs[roots] != false_leafs[roots]
    node_side = np.where(true_leafs[roots] == 0, true_ids[roots], false_ids[roots])[mixed]
    leaf_side = np.where(true_leafs[roots] == 1, true_ids[roots], false_ids[roots])[mixed]
    taken = set((node_side - leaf_side).tolist())
    return next(offset for offset in range(len(taken) + 1) if offset not in taken)


def aggregate_of(attributes: dict[str, AttributeProto]) -> bytes:
    return attributes["aggregate_function"].s if "aggregate_function" in attributes else b"SUM"


