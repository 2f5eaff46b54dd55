"""``HashOneHotEncoder`` in ONNX: scikit-learn's ``FeatureHasher`` with onnxruntime's ``MurmurHash3``.

The encoder hashes each value's token with scikit-learn's ``FeatureHasher(n_features=width,
input_type="string", alternate_sign=False)``, one block of ``width`` columns per input column
(``sklearn/feature_extraction/_hashing_fast.pyx``):

- the token is the value as a string, a missing value the token ``MISSING_TOKEN``
  (``column_to_str(column, MISSING_TOKEN)``); the graph reads ``""`` as a missing value
  (:mod:`automl.export._inputs`), so ``""`` becomes ``MISSING_TOKEN`` here;
- ``h`` = MurmurHash3 (x86, 32 bits, seed 0) of the token's UTF-8 bytes, as a signed int32;
- its column is ``abs(h) % width``, and for ``h == -2**31`` scikit-learn's
  ``(2**31 - 1 - (width - 1)) % width``, which equals ``2**31 % width``: so
  ``abs(int64(h)) % width`` for every ``h``;
- the value there is 1.0 (``alternate_sign=False``; one token per row, so no sums).

In the graph: ``MurmurHash3`` (``seed=0, positive=0``: int32), ``Cast`` to int64, ``Abs``,
``Mod`` by the widths, then a ``OneHot`` per column and one ``Concat``: dense doubles, where
Python returns a sparse matrix of the same values.

``MurmurHash3`` is an onnxruntime contrib operator (domain ``com.microsoft``, version 1),
not a standard ONNX one: a graph with a ``HashOneHotEncoder`` runs on onnxruntime only.
That is why ``enable_onnx_compatible_models`` still plans label encoding instead of hashing
(``featurizers._plan.ONNX_CHAINS``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from automl.export._ops import TensorProto, constant, fill_empty, node, set_output, single_input
from featurizers import MISSING_TOKEN

ALIAS = "AutoMLHashOneHotEncoder"
#: Domain and version of onnxruntime's ``MurmurHash3`` (the graph's opset imports get it).
CONTRIB_DOMAIN, CONTRIB_VERSION = "com.microsoft", 1
#: scikit-learn's ``FeatureHasher`` seed.
SEED = 0


def shape_hash(operator: Any) -> None:
    """``[N, sum(n_features_per_column_)]`` doubles."""
    set_output(operator, "double", int(sum(operator.raw_operator.n_features_per_column_)))


def _columns_of(scope: Any, container: Any, tokens: str, widths: list[int]) -> str:
    """int64 ``[N, C]``: the column of each token within its block, ``abs(h) % width``."""
    hashed = node(scope, container, "MurmurHash3", [tokens], op_domain=CONTRIB_DOMAIN,
                  op_version=CONTRIB_VERSION, seed=SEED, positive=0)
    wide = node(scope, container, "Cast", [hashed], to=TensorProto.INT64)  # abs(-2**31) fits in int64
    magnitude = node(scope, container, "Abs", [wide])
    divisors = constant(scope, container, "hash_widths", TensorProto.INT64, np.asarray(widths, dtype=np.int64))
    return node(scope, container, "Mod", [magnitude, divisors])


def _block(scope: Any, container: Any, columns: str, j: int, width: int) -> str:
    """float ``[N, width]``: the one-hot block of input column ``j``."""
    position = constant(scope, container, "hash_column", TensorProto.INT64, np.asarray(j, dtype=np.int64))
    picked = node(scope, container, "Gather", [columns, position], axis=1)  # [N]
    depth = constant(scope, container, "hash_depth", TensorProto.INT64, np.asarray(width, dtype=np.int64))
    # onnxruntime's OneHot has no double values: float 0 / 1 are exact, cast once at the end
    values = constant(scope, container, "hash_values", TensorProto.FLOAT, np.asarray([0.0, 1.0]))
    return node(scope, container, "OneHot", [picked, depth, values], axis=-1)


def convert_hash(scope: Any, operator: Any, container: Any) -> None:
    """The hashed one-hot blocks of every input column, in double (see the module docstring)."""
    widths = [int(w) for w in operator.raw_operator.n_features_per_column_]
    x = single_input(scope, operator, container)
    tokens = fill_empty(scope, container, x, [MISSING_TOKEN], scope.get_unique_variable_name("tokens"))
    columns = _columns_of(scope, container, tokens, widths)
    blocks = [_block(scope, container, columns, j, width) for j, width in enumerate(widths)]
    ones = blocks[0] if len(blocks) == 1 else node(scope, container, "Concat", blocks, axis=1)
    node(scope, container, "Cast", [ones], output=operator.outputs[0].full_name, to=TensorProto.DOUBLE)
