"""Tree ensembles rewritten as ``ai.onnx.ml`` opset 5's ``TreeEnsemble``: the same trees, a third the memory.

The converters (skl2onnx, onnxmltools, CatBoost's own export) write opset 3's
``TreeEnsembleClassifier`` and ``TreeEnsembleRegressor``. Those keep seven numbers
and a mode string for every node, leaves included, and a row of four more for
every leaf weight; onnxruntime holds all of it while it builds its trees. Opset 5's
``TreeEnsemble`` keeps its split values and modes as tensors and its leaves apart
from its nodes. On bank_marketing's 33-model vote the graph went from 58 to 16 MB
and loading it from +507 to +194 MB (kept: +274 to +113 MB).

``TreeEnsemble`` only sums (or averages) the leaves into one score per target:
the rest of what the old operators did is written here as standard operators,
as onnxruntime computes it for the layouts the converters write:

- regression: the sum, plus ``base_values``;
- two classes with one score ``s`` (the weights of one class, or CatBoost's
  weights of two classes, one the other's negative): probabilities
  ``[1 - s, s]`` when every weight is positive and there is no post transform
  (a forest's vote), else ``[sigmoid(-s), sigmoid(s)]`` (``LOGISTIC``) or
  ``[-s, s]``; the label is the second class when ``s`` exceeds 0.5 (the vote) or 0;
- more classes, one weight per leaf (the boosters): the sums plus
  ``base_values``, then ``SOFTMAX`` or nothing; the label is the class of the
  largest sum. A forest's leaves, which hold every class's weight, are written
  once per class, as long as there are at most :data:`MAX_CLASS_COPIES` classes.

A tree that is a single leaf adds its weight to the base values. A graph with any other
layout keeps opset 3 (:func:`to_tree_ensemble` returns None).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from onnx import AttributeProto, ModelProto, NodeProto, TensorProto, helper, numpy_helper

ML_DOMAIN = "ai.onnx.ml"
#: The ``ai.onnx.ml`` opset of a graph whose tree ensembles are rewritten, and its IR version.
TREE_ENSEMBLE_OPSET, TREE_ENSEMBLE_IR_VERSION = 5, 10
#: A forest's leaves hold every class's weight; with more classes than this the graph keeps opset 3.
MAX_CLASS_COPIES = 4
_OLD = ("TreeEnsembleClassifier", "TreeEnsembleRegressor")
_MODES = {b"BRANCH_LEQ": 0, b"BRANCH_LT": 1, b"BRANCH_GTE": 2, b"BRANCH_GT": 3, b"BRANCH_EQ": 4, b"BRANCH_NEQ": 5}
_AGGREGATES = {b"AVERAGE": 0, b"SUM": 1}


@dataclass
class _Leaves:
    """Weights at the leaves: ``(tree, node)`` of each, the target (class) it adds to, and its value."""

    trees: np.ndarray
    nodes: np.ndarray
    targets: np.ndarray
    weights: np.ndarray


@dataclass
class _Plan:
    """How one opset-3 node becomes ``TreeEnsemble`` and standard operators."""

    kind: str  # "regression", "binary" or "multiclass"
    leaves: _Leaves
    n_targets: int
    dtype: type
    base: np.ndarray
    transform: bytes = b"NONE"
    threshold: float = 0.0  # binary: the score above which the label is the second class
    labels: np.ndarray | None = None


def _attributes(node: NodeProto) -> dict[str, AttributeProto]:
    return {a.name: a for a in node.attribute}


def _floats(attributes: dict[str, AttributeProto], name: str) -> np.ndarray | None:
    """A float attribute or its ``*_as_tensor`` (double) form, as an array; None when absent."""
    if name in attributes:
        return np.asarray(attributes[name].floats, dtype=np.float32)
    if f"{name}_as_tensor" in attributes:
        return numpy_helper.to_array(attributes[f"{name}_as_tensor"].t)
    return None


def _plan(node: NodeProto) -> _Plan | None:
    """The rewrite of ``node``, or None when its layout is not one this module knows."""
    attrs = _attributes(node)
    prefix = "class_" if node.op_type == "TreeEnsembleClassifier" else "target_"
    values, weights = _floats(attrs, "nodes_values"), _floats(attrs, f"{prefix}weights")
    if values is None or weights is None or values.dtype != weights.dtype:
        return None
    leaves = _Leaves(np.asarray(attrs[f"{prefix}treeids"].ints), np.asarray(attrs[f"{prefix}nodeids"].ints),
                     np.asarray(attrs[f"{prefix}ids"].ints), weights)
    base = _floats(attrs, "base_values")
    base = np.zeros(0, values.dtype) if base is None else base.astype(values.dtype)
    transform = attrs["post_transform"].s if "post_transform" in attrs else b"NONE"
    aggregate = _aggregate(attrs)
    if aggregate not in _AGGREGATES or "nodes_missing_value_tracks_true" in attrs and \
            len(attrs["nodes_missing_value_tracks_true"].ints) not in (0, len(values)):
        return None
    if prefix == "target_":
        n_targets = attrs["n_targets"].i if "n_targets" in attrs else 1
        if transform != b"NONE" or len(base) not in (0, n_targets):
            return None
        return _Plan("regression", leaves, n_targets, values.dtype.type, base)
    if aggregate != b"SUM":
        return None
    labels = np.asarray(attrs["classlabels_int64s"].ints) if "classlabels_int64s" in attrs else \
        np.asarray(list(attrs["classlabels_strings"].strings), dtype=object)
    if len(labels) == 2:
        return _binary_plan(leaves, transform, base, labels)
    present = np.unique(leaves.targets)
    if transform not in (b"NONE", b"SOFTMAX") or len(base) not in (0, len(labels)) \
            or not np.array_equal(present, np.arange(len(labels))):
        return None
    return _Plan("multiclass", leaves, len(labels), values.dtype.type, base, transform, labels=labels)


def _binary_plan(leaves: _Leaves, transform: bytes, base: np.ndarray, labels: np.ndarray) -> _Plan | None:
    """Two classes scored by one sum (see the module docstring), or None."""
    ids = np.unique(leaves.targets)
    if len(ids) == 2:  # CatBoost: class 0's weight is class 1's negated, leaf by leaf
        first, second = leaves.targets == 0, leaves.targets == 1
        same_leaves = np.array_equal(leaves.trees[first], leaves.trees[second]) and \
            np.array_equal(leaves.nodes[first], leaves.nodes[second])
        if not same_leaves or not np.array_equal(leaves.weights[first], -leaves.weights[second]) or len(base):
            return None
        leaves = _Leaves(leaves.trees[second], leaves.nodes[second], leaves.targets[second] * 0,
                         leaves.weights[second])
        positive = False
    elif len(ids) == 1 and ids[0] == 0 and len(base) <= 1:
        positive = bool(np.all(leaves.weights >= 0))
    else:
        return None
    if positive and transform != b"NONE" or transform not in (b"NONE", b"LOGISTIC"):
        return None
    transform = b"POSITIVE" if positive else transform
    return _Plan("binary", leaves, 1, leaves.weights.dtype.type, base, transform,
                 threshold=0.5 if positive else 0.0, labels=labels)


class _UnknownLayout(ValueError):
    """A tree ensemble whose layout this module does not rewrite (the graph keeps opset 3)."""


class _Layout:
    """Where each node of an opset-3 ensemble goes: inner nodes and leaves are numbered apart.

    ``index`` numbers a node among the inner nodes or among the leaves; ``true_side`` and
    ``false_side`` are the positions of each inner node's branches; ``roots`` the positions of
    the roots, in the order the trees first appear; ``leaf_of`` the leaf of each weight.
    """

    def __init__(self, attrs: dict[str, AttributeProto], leaves: _Leaves) -> None:
        trees, ids = np.asarray(attrs["nodes_treeids"].ints), np.asarray(attrs["nodes_nodeids"].ints)
        self._stride = int(ids.max()) + 1
        self._keys = trees * self._stride + ids
        self._order = np.argsort(self._keys, kind="stable")
        self.modes = np.asarray(list(attrs["nodes_modes"].strings), dtype="S12")
        if not set(np.unique(self.modes).tolist()) <= {*_MODES, b"LEAF"}:
            raise _UnknownLayout("a node mode opset 5 does not have")
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
            raise _UnknownLayout("only trees that are a single leaf, or a weight on a branch")

    def _position(self, tree: np.ndarray, node_id: np.ndarray) -> np.ndarray:
        wanted = tree * self._stride + node_id
        found = self._order[np.searchsorted(self._keys[self._order], wanted).clip(0, len(self._keys) - 1)]
        if not np.array_equal(self._keys[found], wanted):
            raise _UnknownLayout("a branch or a weight names a node its tree does not have")
        return found

    def branch(self, side: np.ndarray, copies: int) -> tuple[np.ndarray, np.ndarray]:
        """The numbers of the inner nodes' ``side`` branches in ``copies`` copies of the trees, and
        whether each is a leaf."""
        to_leaf = self.is_leaf[side].astype(np.int64)
        sizes = np.where(to_leaf == 1, self.n_leaves, len(self.inner))
        return np.concatenate([self.index[side] + c * sizes for c in range(copies)]), np.tile(to_leaf, copies)


def _leaf_columns(plan: _Plan, layout: _Layout, copies: np.ndarray) -> tuple[list, list]:
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


def _constants(plan: _Plan, layout: _Layout, aggregate: bytes) -> np.ndarray:
    """What the trees that are a single leaf add to each target: they go to the base values, since
    ``TreeEnsemble`` has no tree without a branch."""
    constants = np.zeros(plan.n_targets, dtype=plan.dtype)
    if len(layout.constant_leaves):
        if aggregate != b"SUM":
            raise _UnknownLayout("a single-leaf tree in an average")
        single = np.isin(layout.leaf_of, layout.constant_leaves)
        np.add.at(constants, plan.leaves.targets[single], plan.leaves.weights[single])
    return constants


def _tree_ensemble_attributes(node: NodeProto, plan: _Plan) -> tuple[dict, np.ndarray]:
    """``TreeEnsemble``'s attributes for the trees of ``node``, and what its single-leaf trees add
    to each target (raises :class:`_UnknownLayout`)."""
    attrs = _attributes(node)
    layout = _Layout(attrs, plan.leaves)
    constants = _constants(plan, layout, _aggregate(attrs))
    targets = np.unique(plan.leaves.targets)
    several = np.bincount(layout.leaf_of, minlength=layout.n_leaves).max(initial=0) > 1
    copies = targets if several else targets[:1]
    if len(copies) > MAX_CLASS_COPIES or len(copies) > 1 and _aggregate(attrs) != b"SUM":
        raise _UnknownLayout("too many classes to copy the trees for, or an average over copies")
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
        n_targets=plan.n_targets, aggregate_function=_AGGREGATES[_aggregate(attrs)], post_transform=0,
        tree_roots=tree_roots.tolist(),
        nodes_featureids=np.tile(np.asarray(attrs["nodes_featureids"].ints)[inner], k).tolist(),
        nodes_modes=numpy_helper.from_array(np.tile(modes, k), "nodes_modes"),
        nodes_splits=numpy_helper.from_array(np.tile(_floats(attrs, "nodes_values")[inner].astype(plan.dtype), k),
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


def _aggregate(attributes: dict[str, AttributeProto]) -> bytes:
    return attributes["aggregate_function"].s if "aggregate_function" in attributes else b"SUM"


class _Nodes:
    """The nodes and constants that replace one opset-3 node, named after it."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.nodes, self.constants = prefix, [], []

    def add(self, op_type: str, inputs: list[str], output: str = "", domain: str = "", **attributes) -> str:
        output = output or f"{self.prefix}_{len(self.nodes)}_{op_type.lower()}"
        self.nodes.append(helper.make_node(op_type, inputs, [output], name=f"{self.prefix}_{len(self.nodes)}",
                                           domain=domain, **attributes))
        return output

    def constant(self, name: str, values: np.ndarray) -> str:
        name = f"{self.prefix}_{name}"
        if values.dtype == object:  # string labels
            self.constants.append(helper.make_tensor(name, TensorProto.STRING, [len(values)], list(values)))
        else:
            self.constants.append(numpy_helper.from_array(values, name))
        return name


def _input_types(graph: Any) -> dict[str, int]:
    """The element type of every edge whose type the graph states: its inputs and its casts' outputs."""
    types = {i.name: i.type.tensor_type.elem_type for i in graph.input}
    for node in graph.node:
        if node.op_type == "Cast" and node.domain == "":
            types[node.output[0]] = next(a.i for a in node.attribute if a.name == "to")
    return types


def _rewrite(node: NodeProto, plan: _Plan, trees: tuple[dict, np.ndarray], known: dict[str, int]) -> _Nodes:
    """``TreeEnsemble`` and the standard operators that compute ``node``'s outputs (module docstring).

    ``TreeEnsemble`` takes features of its split values' type: a cast comes first unless ``known``
    says they are already (a copy of a vote's features per member adds up on a large batch)."""
    out = _Nodes(node.name or node.output[-1])
    attributes, constants = trees
    tree_type = helper.np_dtype_to_tensor_dtype(np.dtype(plan.dtype))
    features = node.input[0] if known.get(node.input[0]) == tree_type else \
        out.add("Cast", [node.input[0]], to=tree_type)
    sums = out.add("TreeEnsemble", [features], domain=ML_DOMAIN, **attributes)
    if len(plan.base) or constants.any():
        base = (plan.base if len(plan.base) else np.zeros(plan.n_targets, plan.dtype)) + constants
        sums = out.add("Add", [sums, out.constant("base", base.astype(plan.dtype))])
    scores = out.add("Cast", [sums], to=TensorProto.FLOAT)
    if plan.kind == "regression":
        out.nodes[-1].output[0] = node.output[0]
        return out
    label, probabilities = node.output
    labels = out.constant("labels", plan.labels)
    if plan.kind == "multiclass":
        if probabilities:
            out.add("Softmax" if plan.transform == b"SOFTMAX" else "Identity", [scores], probabilities,
                    **({"axis": 1} if plan.transform == b"SOFTMAX" else {}))
        if label:
            out.add("Gather", [labels, out.add("ArgMax", [sums], axis=1, keepdims=0)], label)
        return out
    if probabilities:
        if plan.transform == b"POSITIVE":
            other = out.add("Sub", [out.constant("one", np.ones(1, np.float32)), scores])
            out.add("Concat", [other, scores], probabilities, axis=1)
        elif plan.transform == b"LOGISTIC":
            negated = out.add("Neg", [scores])
            out.add("Concat", [out.add("Sigmoid", [negated]), out.add("Sigmoid", [scores])], probabilities, axis=1)
        else:
            out.add("Concat", [out.add("Neg", [scores]), scores], probabilities, axis=1)
    if label:
        above = out.add("Greater", [sums, out.constant("threshold", np.full(1, plan.threshold, plan.dtype))])
        second = out.add("Cast", [out.add("Squeeze", [above, out.constant("axis", np.ones(1, np.int64))])],
                         to=TensorProto.INT64)
        out.add("Gather", [labels, second], label)
    return out


def _copy_fields(into: Any, message: Any, skip: str) -> None:
    """Copy every field of ``message`` but ``skip`` into ``into``."""
    for field, value in message.ListFields():
        if field.name == skip:
            continue
        if hasattr(value, "extend"):  # a repeated field
            getattr(into, field.name).extend(value)
        elif hasattr(value, "CopyFrom"):
            getattr(into, field.name).CopyFrom(value)
        else:
            setattr(into, field.name, value)


def to_tree_ensemble(model: ModelProto) -> ModelProto | None:
    """``model`` with every opset-3 tree ensemble rewritten as ``TreeEnsemble`` (``ai.onnx.ml`` opset 5).

    The result is a new ``ModelProto``: protobuf frees a message's memory only with the whole
    message, so dropping ``model`` is what gives back the memory of its opset-3 trees.

    Parameters
    ----------
    model : onnx.ModelProto
        A converted graph; its other ``ai.onnx.ml`` operators keep their meaning in opset 5.

    Returns
    -------
    onnx.ModelProto or None
        The rewritten graph; ``model`` itself when it has no tree ensemble; None when one
        ensemble's layout is not one this module knows (see the module docstring).
    """
    graph = model.graph
    olds = [(i, n) for i, n in enumerate(graph.node) if n.domain == ML_DOMAIN and n.op_type in _OLD]
    if not olds:
        return model
    plans = [_plan(n) for _, n in olds]
    if any(p is None for p in plans):
        return None
    replacements, known = {}, _input_types(graph)
    for (position, node), plan in zip(olds, plans):  # one node's attributes at a time: they are big
        try:
            replacements[position] = _rewrite(node, plan, _tree_ensemble_attributes(node, plan), known)
        except _UnknownLayout:
            return None
    rewritten = ModelProto()
    _copy_fields(rewritten, model, skip="graph")
    _copy_fields(rewritten.graph, graph, skip="node")
    for position, node in enumerate(graph.node):
        new = replacements.pop(position, None)
        rewritten.graph.node.extend(new.nodes if new else [node])
        if new:
            rewritten.graph.initializer.extend(new.constants)
    for opset in rewritten.opset_import:
        if opset.domain == ML_DOMAIN:
            opset.version = TREE_ENSEMBLE_OPSET
    rewritten.ir_version = max(rewritten.ir_version, TREE_ENSEMBLE_IR_VERSION)
    return rewritten
