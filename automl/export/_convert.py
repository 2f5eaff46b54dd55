"""Convert a fitted automl-studio pipeline (raw rows in) to one ONNX graph.

A copy of the model is adapted first (:mod:`automl.export._adapt`); the graph
gets one input per raw column (:mod:`automl.export._inputs`) and the outputs
``label`` and ``probabilities`` (classification) or ``variable`` (regression).
A soft vote is converted one member at a time (:mod:`automl.export._vote`).
"""
from __future__ import annotations

import copy
import json
from typing import Any

import pandas as pd
from onnx import ModelProto
from sklearn.base import is_classifier
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline

from automl.errors import ConfigError
from automl.export._adapt import adapt, is_densify, walk
from automl.export._converters import register_converters
from automl.export._inputs import (LABEL, MISSING_STRING, PROBABILITIES, STRING, VALUE, graph_input_names,
                                   input_kinds)
from automl.export._tree_ensemble import to_tree_ensemble
from automl.export._vote import Converter, is_member_wise, vote_to_onnx

#: Opsets the converters write (onnxruntime >= 1.12 runs them); tree ensembles are then rewritten in
#: ``ai.onnx.ml`` opset 5 (onnxruntime >= 1.21), see :func:`to_onnx`.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
_HINT = ("Train the job with set_training(enable_onnx_compatible_models=True) so that only "
         "algorithms and featurization steps that convert to ONNX are used.")


def check_convertible(model: Any) -> None:
    """Raise :class:`ConfigError` naming the first step without an ONNX converter."""
    from skl2onnx._supported_operators import sklearn_operator_name_map

    register_converters()
    for path, step in walk(model):
        if is_densify(step) or isinstance(step, SimpleImputer):
            continue
        if type(step) not in sklearn_operator_name_map:
            raise ConfigError(
                f"The model cannot be converted to ONNX: step {path!r} ({type(step).__name__}) has "
                f"no ONNX converter. {_HINT}")


def _culprit(model: Any, exc: Exception) -> str:
    """`` at step 'a/b' (Kind)`` for the first step whose class the error names, else ``""``."""
    text = str(exc)
    for path, step in walk(model):
        if type(step).__name__ in text:
            return f" at step {path!r} ({type(step).__name__})"
    return ""


def _initial_types(kinds: dict[str, str]) -> list[tuple[str, Any]]:
    from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

    return [(name, (StringTensorType if kind == STRING else DoubleTensorType)([None, 1]))
            for name, kind in kinds.items()]


def to_onnx(model: Pipeline, X: pd.DataFrame | None = None, *, name: str = "automl",
            target_opset: int | dict | None = None) -> tuple[Any, dict[str, str]]:
    """Convert a fitted pipeline whose first step is the ``datatransformer``.

    Parameters
    ----------
    model : Pipeline
        ``best_model`` of a job (a VotingEnsemble included).
    X : DataFrame, optional
        Raw rows, to type the columns the featurization drops.
    name : str
        Graph name.
    target_opset : dict, optional
        Opset per domain. By default :data:`TARGET_OPSET`, then the tree ensembles are rewritten
        in ``ai.onnx.ml`` opset 5 (:mod:`automl.export._tree_ensemble`) unless one cannot be;
        a given opset is kept as it is.

    Returns
    -------
    onnx.ModelProto
        Inputs: one per raw column; outputs ``label`` and ``probabilities``
        (classification) or ``variable`` (regression).
    dict of str to str
        The input kinds (:func:`automl.export.input_kinds`).

    Raises
    ------
    ConfigError
        When a step has no ONNX converter or the conversion fails.
    """
    if not isinstance(model, Pipeline) or not isinstance(model.steps[0][1], ColumnTransformer):
        raise ConfigError("Only a fitted Pipeline whose first step is the datatransformer "
                          f"(a ColumnTransformer) can be exported to ONNX, got {type(model).__name__}.")
    check_convertible(model)
    kinds = input_kinds(model.steps[0][1], X)
    sparse = bool(getattr(model.steps[0][1], "sparse_output_", False))
    opset = target_opset or TARGET_OPSET

    def converter(in_opset_5: bool) -> Converter:
        def convert(pipeline: Pipeline, initial_types: list[tuple[str, Any]], classifier: bool) -> Any:
            converted = _convert_adapted(pipeline, initial_types, classifier, sparse=sparse, name=name, opset=opset)
            return _trees_in_opset_5(converted) if in_opset_5 else converted
        return convert

    try:
        try:
            onx = _convert_parts(model, X, kinds, converter(in_opset_5=target_opset is None))
        except _Opset3Trees:  # a tree ensemble opset 5 cannot hold: the whole graph keeps opset 3
            onx = _convert_parts(model, X, kinds, converter(in_opset_5=False))
    except ConfigError:
        raise
    except Exception as exc:  # skl2onnx raises many kinds of errors
        raise ConfigError(f"The model cannot be converted to ONNX{_culprit(model, exc)}: "
                          f"{type(exc).__name__}: {str(exc)[:500]} {_HINT}") from exc
    _restore_input_names(onx, list(kinds))
    _set_metadata(onx, kinds, getattr(model, "classes_", None) if is_classifier(model) else None)
    return onx, kinds


class _Opset3Trees(Exception):
    """A tree ensemble that :func:`to_tree_ensemble` leaves in opset 3."""


def _trees_in_opset_5(converted: ModelProto) -> ModelProto:
    """``converted`` with its tree ensembles in opset 5, one part of the model at a time, so that
    a vote's opset-3 graph is never whole (raises :class:`_Opset3Trees`)."""
    rewritten = to_tree_ensemble(converted)
    if rewritten is None:
        raise _Opset3Trees
    return rewritten


def _convert_parts(model: Pipeline, X: pd.DataFrame | None, kinds: dict[str, str], convert: Converter) -> ModelProto:
    """The graph of ``model``: a soft vote member by member (:mod:`automl.export._vote`), else whole."""
    if X is not None and len(X) and is_member_wise(model) and not {LABEL, PROBABILITIES, VALUE} & set(kinds):
        width = model.steps[0][1].transform(X.iloc[:1]).shape[1]
        outputs = (LABEL, PROBABILITIES) if is_classifier(model) else (VALUE,)
        return vote_to_onnx(model, width, _initial_types(kinds), convert, outputs)
    return convert(model, _initial_types(kinds), is_classifier(model))


def _convert_adapted(pipeline: Pipeline, initial_types: list[tuple[str, Any]], classifier: bool, *,
                     sparse: bool, name: str, opset: int | dict) -> Any:
    """skl2onnx's graph of an adapted copy of ``pipeline`` (see :mod:`automl.export._adapt`).

    skl2onnx's optimisation of the finished graph (removing its Identity nodes,
    which onnxruntime removes anyway) is off: it copies the whole graph once more.
    """
    from skl2onnx import convert_sklearn

    adapted = Pipeline(copy.deepcopy(pipeline).steps)  # skl2onnx parses by exact type: no ScoringPipeline
    options: dict[int, dict] = {id(adapted): {"zipmap": False}} if classifier else {}
    adapt(adapted, options, sparse)
    return convert_sklearn(adapted, name=name, initial_types=initial_types, options=options,
                           target_opset=opset, model_optim=False)


def _restore_input_names(onx: Any, columns: list[str]) -> None:
    """Name the graph's inputs after the raw columns again (:func:`graph_input_names`).

    skl2onnx makes names like ``emp.var.rate`` into ``emp_var_rate``; the feed
    (:func:`automl.export.onnx_feed`) and users key inputs by the column names.
    """
    graph, inputs = onx.graph, graph_input_names(columns)
    renamed = {i.name: inputs[column] for i, column in zip(graph.input, columns) if i.name != inputs[column]}
    if not renamed:
        return
    for graph_input in graph.input:
        graph_input.name = renamed.get(graph_input.name, graph_input.name)
    for node in graph.node:
        for position, name in enumerate(node.input):
            if name in renamed:
                node.input[position] = renamed[name]


def _set_metadata(onx: Any, kinds: dict[str, str], classes: Any = None) -> None:
    items = [("automl.inputs", json.dumps(kinds)), ("automl.missing_string", MISSING_STRING),
             ("automl.producer", "automl-studio")]
    if classes is not None:  # the order of the probabilities, for scoring without the Python model
        items.append(("automl.classes", json.dumps([c.item() if hasattr(c, "item") else c for c in classes],
                                                   default=str)))
    for key, value in items:
        entry = onx.metadata_props.add()
        entry.key, entry.value = key, value
