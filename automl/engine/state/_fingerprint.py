"""The fingerprint of a job's data: the rows, the target and the validation folds."""
from __future__ import annotations

import hashlib
import pickle
from typing import Any, Iterable

import numpy as np
import pandas as pd


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    """Bytes that change when a value, a column name, a dtype or the row order changes."""
    try:
        hashed = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    except TypeError:  # unhashable cells (lists): the pickled frame
        hashed = pickle.dumps(frame, protocol=5)
    header = repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode()
    return header + hashed


def data_fingerprint(X: pd.DataFrame, y: Any, folds: Iterable[Any] = (), rows_not_held: str = "") -> str:
    """A SHA-256 of the training rows ``X``, the target ``y``, which rows each fold validates on, and
    ``rows_not_held``: a digest of the rows ``X`` does not hold (data that stays on a cluster, where ``X``
    is a sample: every row's aggregates; :meth:`automl.tasks.Task.rows_not_held`).

    Two sessions of one job must see the same data: a resumed job keeps the scores and out-of-fold
    predictions of trials trained in the first, which would not mean the same on other rows.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1, 2, 3]})
    >>> data_fingerprint(frame, [0, 1, 0]) == data_fingerprint(frame.copy(), [0, 1, 0])
    True
    >>> data_fingerprint(frame, [0, 1, 0]) == data_fingerprint(frame, [0, 1, 1])
    False
    """
    digest = hashlib.sha256(_frame_bytes(X))
    target = np.asarray(y)
    digest.update(pd.util.hash_array(target.astype(str) if target.dtype == object else target).tobytes())
    for fold in folds:
        rows = getattr(fold, "valid_rows", None)
        if rows is not None:
            digest.update(np.asarray(rows, dtype=np.int64).tobytes())
    digest.update(rows_not_held.encode())
    return digest.hexdigest()
