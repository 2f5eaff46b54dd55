"""How much memory the featurized folds will take, before they are built."""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone

#: Rows featurized to estimate the size of a featurized row.
SAMPLE_ROWS = 2_000
#: Above this share of the available memory the job mitigates (holdout instead of CV).
MAX_SHARE = 0.5


def array_bytes(matrix) -> int:
    """Bytes of a dense or sparse (CSR) array."""
    if sp.issparse(matrix):
        matrix = matrix.tocsr()
        return matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes
    return np.asarray(matrix).nbytes


def featurized_bytes(template, X: pd.DataFrame, y: np.ndarray, n_copies: int) -> int:
    """Estimated bytes of ``n_copies`` featurized copies of ``X`` (from a sample of rows)."""
    sample = X.iloc[: min(len(X), SAMPLE_ROWS)]
    if sample.empty:
        return 0
    out = clone(template).fit(sample, y[: len(sample)]).transform(sample)
    per_row = array_bytes(out) / len(sample)
    return int(per_row * len(X) * n_copies)
