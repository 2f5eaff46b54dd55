"""Tree ensembles rewritten as ``ai.onnx.ml`` opset 5's ``TreeEnsemble``: the same trees, a third the memory.

The converters (skl2onnx, onnxmltools, CatBoost's own export) write opset 3's
``TreeEnsembleClassifier`` and ``TreeEnsembleRegressor``. Those keep seven numbers
and a mode string for every node, leaves included, and a row of four more for
every leaf weight; onnxruntime holds all of it while it builds its trees. Opset 5's
``TreeEnsemble`` keeps its split values and modes as tensors and its leaves apart
from its nodes. On bank_marketing's 33-model vote the graph went from 58 to 16 MB
and loading it from +508 to +197 MB (kept: +275 to +115 MB).

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
  once per class, as long as there are at most
  :data:`automl.export._tree_attributes.MAX_CLASS_COPIES` classes.

A tree that is a single leaf adds its weight to the base values. A graph with any other
layout keeps opset 3 (:func:`to_tree_ensemble` returns None).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from onnx import ModelProto, NodeProto, TensorProto, helper, numpy_helper

from automl.export._tree_attributes import (AGGREGATE_FUNCTIONS, Leaves, TreePlan, UnknownLayout, aggregate_of,
                                            attributes_of, floats, tree_ensemble_attributes)

ML_DOMAIN = "ai.onnx.ml"
#: The ``ai.onnx.ml`` opset of a graph whose tree ensembles are rewritten, and its IR version.
TREE_ENSEMBLE_OPSET, TREE_ENSEMBLE_IR_VERSION = 5, 10
_OLD = ("TreeEnsembleClassifier", "TreeEnsembleRegressor")


def _plan(node: NodeProto) -> TreePlan | None:
    """The rewrite of ``node``, or None when its layout is not one this module knows."""
    attrs = attributes_of(node)
    prefix = "class_" if node.op_type == "TreeEnsembleClassifier" else "target_"
    values, weights = floats(attrs, "nodes_values"), floats(attrs, f"{prefix}weights")
    if values is None or weights is None or values.dtype != weights.dtype:
        return None
    leaves = Leaves(np.asarray(attrs[f"{prefix}treeids"].ints), np.asarray(attrs[f"{prefix}nodeids"].ints),
                     np.asarray(attrs[f"{prefix}ids"].ints), weights)
    base = floats(attrs, "base_values")
    base = np.zeros(0, values.dtype) if base is None else base.astype(values.dtype)
    transform = attrs["post_transform"].s if "post_transform" in attrs else b"NONE"
    aggregate = aggregate_of(attrs)
    if aggregate not in AGGREGATE_FUNCTIONS or "nodes_missing_value_tracks_true" in attrs and \
            len(attrs["nodes_missing_value_tracks_true"].ints) not in (0, len(values)):
        return None
    if prefix == "target_":
        n_targets = attrs["n_targets"].i if "n_targets" in attrs else 1
        if transform != b"NONE" or len(base) not in (0, n_targets):
            return None
        return TreePlan("regressor", leaves, n_targets, values.dtype.type, base)
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
    return TreePlan("multiclass", leaves, len(labels), values.dtype.type, base, transform, labels=labels)


def _binary_plan(leaves: Leaves, transform: bytes, base: np.ndarray, labels: np.ndarray) -> TreePlan | None:
    """Two classes scored by one sum (see the module docstring), or None."""
    ids = np.unique(leaves.targets)
    if len(ids) == 2:  # CatBoost: class 0's weight is class 1's negated, leaf by leaf
        first, second = leaves.targets == 0, leaves.targets == 1
        same_leaves = np.array_equal(leaves.trees[first], leaves.trees[second]) and \
            np.array_equal(leaves.nodes[first], leaves.nodes[second])
        if not same_leaves or not np.array_equal(leaves.weights[first], -leaves.weights[second]) or len(base):
            return None
        leaves = Leaves(leaves.trees[second], leaves.nodes[second], leaves.targets[second] * 0,
                         leaves.weights[second])
        positive = False
    elif len(ids) == 1 and ids[0] == 0 and len(base) <= 1:
        positive = bool(np.all(leaves.weights >= 0))
    else:
        return None
    if positive and transform != b"NONE" or transform not in (b"NONE", b"LOGISTIC"):
        return None
    transform = b"POSITIVE" if positive else transform
    return TreePlan("binary", leaves, 1, leaves.weights.dtype.type, base, transform,
                 threshold=0.5 if positive else 0.0, labels=labels)


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


def _rewrite(node: NodeProto, plan: TreePlan, trees: tuple[dict, np.ndarray], known: dict[str, int]) -> _Nodes:
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
    if plan.kind == "regressor":
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
            replacements[position] = _rewrite(node, plan, tree_ensemble_attributes(node, plan), known)
        except UnknownLayout:
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
