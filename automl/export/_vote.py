"""Convert a job's soft vote member by member, so that the export's memory stays bounded.

skl2onnx holds every node of the graph it builds and copies the whole graph
twice while it makes the model: converting a vote of 36 fold models at once
peaked at about 20 times the graph's size (a 46 MB graph, 1 GB more memory, on
bank_marketing). Here the ``datatransformer`` and each member are converted on
their own, one after the other, and their nodes are appended to one graph. That
graph weighs and sums the members' outputs as scikit-learn's
``VotingClassifier`` (soft) and ``VotingRegressor`` do (``np.average`` with the
weights), and the label is the class of the largest probability.

The graph's inputs and outputs are those of a whole conversion
(:func:`automl.export.to_onnx`): one input per raw column, then ``label`` and
``probabilities`` (double) or ``variable`` (double, one column).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from onnx import ModelProto, TensorProto, compose, helper
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.pipeline import Pipeline

#: Converts a pipeline: ``(pipeline, initial_types, classifier) -> ModelProto``.
Converter = Callable[[Pipeline, list[tuple[str, Any]], bool], ModelProto]


def _class_tensor_type(classes: np.ndarray) -> int | None:
    """The ONNX type of the ``label`` output for these classes; None when not int or str."""
    kind = np.asarray(classes).dtype.kind
    if kind in "iu":
        return TensorProto.INT64
    if kind in "OU" and all(isinstance(c, str) for c in classes):
        return TensorProto.STRING
    return None


def is_member_wise(model: Pipeline) -> bool:
    """Whether ``model`` is the datatransformer then a soft vote, which converts member by member."""
    if len(model.steps) != 2:
        return False
    vote = model.steps[-1][1]
    if isinstance(vote, VotingRegressor):
        return True
    return isinstance(vote, VotingClassifier) and vote.voting == "soft" \
        and _class_tensor_type(vote.classes_) is not None


def _as_pipeline(member: Any) -> Pipeline:
    return member if isinstance(member, Pipeline) else Pipeline([("learner", member)])


def _weights(vote: VotingClassifier | VotingRegressor) -> np.ndarray:
    """Each member's share, as ``np.average`` uses them."""
    weights = np.ones(len(vote.estimators_)) if vote.weights is None else np.asarray(vote.weights, float)
    return weights / weights.sum()


def _merge_opsets(into: ModelProto, other: ModelProto) -> None:
    versions = {entry.domain: entry for entry in into.opset_import}
    for entry in other.opset_import:
        if entry.domain not in versions:
            versions[entry.domain] = into.opset_import.add()
            versions[entry.domain].domain = entry.domain
        versions[entry.domain].version = max(versions[entry.domain].version, entry.version)
    into.ir_version = max(into.ir_version, other.ir_version)


def _append_member(merged: ModelProto, member: ModelProto, features: str, prefix: str) -> str:
    """Append ``member``'s graph, fed by ``features``; the name of its scores (last output)."""
    member_input = member.graph.input[0].name
    compose.add_prefix_graph(member.graph, prefix, rename_inputs=False, inplace=True,
                             name_map={member_input: features})
    merged.graph.node.extend(member.graph.node)
    merged.graph.initializer.extend(member.graph.initializer)
    known = {(function.domain, function.name) for function in merged.functions}
    merged.functions.extend(f for f in member.functions if (f.domain, f.name) not in known)
    _merge_opsets(merged, member)
    return member.graph.output[-1].name


def _free_prefix(graph: Any) -> str:
    """``vote``, or underscores before it until no name of ``graph`` starts with it."""
    names = {i.name for i in graph.input} | {i.name for i in graph.initializer} \
        | {name for n in graph.node for name in n.output}
    prefix = "vote"
    while any(name.startswith(prefix) for name in names):
        prefix = f"_{prefix}"
    return prefix


def _rename_edge(graph: Any, old: str, new: str) -> None:
    """Call the edge ``old`` of ``graph`` ``new`` in every node that makes or reads it."""
    for graph_node in graph.node:
        for names in (graph_node.output, graph_node.input):
            for position, name in enumerate(names):
                if name == old:
                    names[position] = new


def _weighted_sum(graph: Any, scores: list[str], weights: np.ndarray, output: str, prefix: str) -> None:
    """``output = sum_i weights[i] * double(scores[i])``."""
    weighted = []
    for position, (score, weight) in enumerate(zip(scores, weights)):
        cast, factor, product = (f"{prefix}_{what}_{position}" for what in ("double", "weight", "weighted"))
        graph.initializer.append(helper.make_tensor(factor, TensorProto.DOUBLE, [1], [float(weight)]))
        graph.node.extend([helper.make_node("Cast", [score], [cast], to=TensorProto.DOUBLE, name=cast),
                           helper.make_node("Mul", [cast, factor], [product], name=product)])
        weighted.append(product)
    graph.node.append(helper.make_node("Sum", weighted, [output], name=f"{prefix}_sum"))


def _label_from_probabilities(graph: Any, classes: np.ndarray, probabilities: str, label: str,
                              prefix: str) -> None:
    """``label = classes[argmax(probabilities, axis=1)]``."""
    label_type = _class_tensor_type(classes)
    values = [str(c).encode() for c in classes] if label_type == TensorProto.STRING else [int(c) for c in classes]
    table, argmax = f"{prefix}_classes", f"{prefix}_argmax"
    graph.initializer.append(helper.make_tensor(table, label_type, [len(classes)], values))
    graph.node.extend([
        helper.make_node("ArgMax", [probabilities], [argmax], axis=1, keepdims=0, name=argmax),
        helper.make_node("Gather", [table, argmax], [label], axis=0, name=f"{prefix}_label"),
    ])
    graph.output.append(helper.make_tensor_value_info(label, label_type, [None]))


def vote_to_onnx(model: Pipeline, features_width: int, initial_types: list[tuple[str, Any]],
                 convert: Converter, outputs: tuple[str, ...]) -> ModelProto:
    """Convert ``model`` (see :func:`is_member_wise`) one part at a time.

    Parameters
    ----------
    model : Pipeline
        The datatransformer and a soft ``VotingClassifier`` or a ``VotingRegressor``.
    features_width : int
        Number of columns the datatransformer outputs.
    initial_types : list
        The graph's raw inputs, as skl2onnx takes them.
    convert : callable
        Converts one (unadapted) pipeline; see :data:`Converter`.
    outputs : tuple of str
        ``(label, probabilities)`` for a classifier, ``(value,)`` for a regressor.

    Returns
    -------
    onnx.ModelProto
    """
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    vote = model.steps[-1][1]
    merged = convert(Pipeline(model.steps[:1]), initial_types, False)
    graph = merged.graph
    tensor = DoubleTensorType if graph.output[0].type.tensor_type.elem_type == TensorProto.DOUBLE \
        else FloatTensorType
    prefix = _free_prefix(graph)
    features = f"{prefix}_features"
    _rename_edge(graph, graph.output[0].name, features)
    del graph.output[:]
    for name in outputs:  # skl2onnx's inner names ("variable") may be the names of the outputs
        _rename_edge(graph, name, f"{prefix}_inner_{name}")
    classifier = isinstance(vote, VotingClassifier)
    scores = []
    for position, member in enumerate(vote.estimators_):
        converted = convert(_as_pipeline(member), [("features", tensor([None, features_width]))], classifier)
        scores.append(_append_member(merged, converted, features, f"{prefix}{position}_"))
        del converted  # one member's graph alive at a time
    _weighted_sum(graph, scores, _weights(vote), outputs[-1], prefix)
    if classifier:
        _label_from_probabilities(graph, vote.classes_, outputs[-1], outputs[0], prefix)
    width = len(vote.classes_) if classifier else 1
    graph.output.append(helper.make_tensor_value_info(outputs[-1], TensorProto.DOUBLE, [None, width]))
    return merged
