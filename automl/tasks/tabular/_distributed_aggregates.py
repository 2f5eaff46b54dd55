"""What a distributed job's setup counts over every row of the training data, in one pass over its
partitions on the cluster: rows per partition, numeric means, missing and distinct values per column,
the rows of each value of a column of fewer than :data:`SKETCH_SIZE` values (the categories the
featurization codes), and the target's classes (or its range).

Distinct values are counted with a K-minimum-values sketch (Bar-Yossef et al., 2002): each partition
keeps the :data:`SKETCH_SIZE` smallest distinct 64-bit hashes of a column's non-missing values, sketches
merge by keeping the smallest of their union, and the count is exact while a column has fewer distinct
values than the sketch holds (the hashes of fewer values are all kept), else estimated from the largest
hash kept (a relative error of about ``1 / sqrt(SKETCH_SIZE)``, under 1%). The purpose rules' thresholds on
counts (1, 50, 200 and 10,000 values) fall where the counts are exact; past them only the ratio of
distinct values to rows matters (0.7 to 0.9), which the estimate gives.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import guardrails
import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import dask.dataframe as dd
    from distributed import Client

__all__ = ["SKETCH_SIZE", "ColumnSummary", "aggregates", "aggregates_digest", "distinct_count", "distinct_sketch",
           "merge_sketches"]

#: Hashes a distinct-value sketch keeps: counts below it are exact.
SKETCH_SIZE = 16_384
#: A numeric column with more than :data:`NUMERIC_MANY` distinct values among a partition's first
#: :data:`NUMERIC_PROBE` is counted no further: the purpose rules compare a numeric column's count with
#: 1, 50 and 200 only, and the guardrails report it only when it is 0 or 1, so any count past 256
#: decides as the exact one (the sample's count stands in for it).
NUMERIC_PROBE, NUMERIC_MANY = 4_096, 256
_HASH_SPACE = float(2**64)


def distinct_sketch(values: pd.Series) -> np.ndarray:
    """The smallest :data:`SKETCH_SIZE` distinct hashes of the non-missing values (missing as the guardrails
    count them: ``+/-inf`` too in float columns), sorted."""
    return _sketch(values[~guardrails.missing_mask(values)])


def _sketch(present: pd.Series) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(present.dtype):
        present = present.drop_duplicates()  # strings and categories repeat: each is hashed once
    hashes = pd.util.hash_pandas_object(present, index=False).to_numpy()
    candidates = 2 * SKETCH_SIZE
    if len(hashes) > candidates:  # the smallest hashes, which hold the sketch unless most repeat
        smallest = np.unique(np.partition(hashes, candidates - 1)[:candidates])
        if len(smallest) >= SKETCH_SIZE:
            return smallest[:SKETCH_SIZE]
    return np.sort(pd.unique(hashes))[:SKETCH_SIZE]


def merge_sketches(sketches: list[np.ndarray] | pd.Series) -> np.ndarray:
    """One sketch of the values of all ``sketches``."""
    return np.unique(np.concatenate(list(sketches)))[:SKETCH_SIZE]


def distinct_count(sketch: np.ndarray) -> int:
    """The distinct values a sketch stands for: exact below :data:`SKETCH_SIZE`, else estimated."""
    if len(sketch) < SKETCH_SIZE:
        return len(sketch)
    return int(round((SKETCH_SIZE - 1) * _HASH_SPACE / (float(sketch[-1]) + 1.0)))


@dataclass
class ColumnSummary:
    """A column's missing values (as the guardrails count them), its distinct-value sketch (None for a
    numeric column of many values, see :data:`NUMERIC_PROBE`) and, while it has fewer than
    :data:`SKETCH_SIZE` distinct values, the rows of each value (None past that)."""

    missing: int
    sketch: np.ndarray | None
    value_rows: pd.Series | None

    @classmethod
    def of(cls, values: pd.Series) -> ColumnSummary:
        """The summary of one partition's column."""
        missing = guardrails.missing_mask(values)
        if _many_numbers(values.iloc[:NUMERIC_PROBE][~missing[:NUMERIC_PROBE]]):
            return cls(int(missing.sum()), None, None)
        present = values[~missing]
        sketch = _sketch(present)
        few = len(sketch) < SKETCH_SIZE
        return cls(int(missing.sum()), sketch, present.value_counts(sort=False) if few else None)

    @classmethod
    def merged(cls, summaries: list[ColumnSummary] | pd.Series) -> ColumnSummary:
        """The summary of the rows of all ``summaries``."""
        summaries = list(summaries)
        missing = sum(s.missing for s in summaries)
        if any(s.sketch is None for s in summaries):
            return cls(missing, None, None)
        sketch = merge_sketches([s.sketch for s in summaries])
        rows = None
        if len(sketch) < SKETCH_SIZE and all(s.value_rows is not None for s in summaries):
            rows = pd.concat([s.value_rows for s in summaries]).groupby(level=0, sort=False).sum()
        return cls(missing, sketch, rows)


def _many_numbers(values: pd.Series) -> bool:
    """Whether ``values`` (a partition's first present values) are numbers (not booleans) of more than
    :data:`NUMERIC_MANY` distinct values."""
    dtype = values.dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return False
    return len(pd.unique(values)) > NUMERIC_MANY


def _summaries(partition: pd.DataFrame) -> pd.Series:
    """A partition's summary of each column (a reduction's chunk)."""
    return pd.Series({c: ColumnSummary.of(partition[c]) for c in partition.columns}, dtype=object)


def _merged(chunks: pd.DataFrame) -> pd.Series:
    """The summaries of several partitions (a row each) merged per column (a reduction's combine)."""
    return pd.Series({c: ColumnSummary.merged(chunks[c]) for c in chunks.columns}, dtype=object)


def aggregates(client: Client, frame: dd.DataFrame, target: str, classify: bool) -> dict[str, Any]:
    """Rows per partition (``rows``), numeric means (``means``), missing values per feature column
    (``missing``) and the target's (``missing_target``), distinct values per feature column (``distinct``;
    not a numeric column of many values, see :data:`NUMERIC_PROBE`),
    the rows of each value of the feature columns of fewer than :data:`SKETCH_SIZE` values (``value_rows``:
    a Series per column), and the target's classes with their rows (``classes``) or its range (``low``,
    ``high``): computed together, so each partition is read once."""
    numeric = [c for c, t in frame.dtypes.items() if c != target and pd.api.types.is_numeric_dtype(t)
               and not pd.api.types.is_bool_dtype(t)]
    features = frame.drop(columns=[target])
    summaries = features.reduction(chunk=_summaries, combine=_merged, aggregate=_merged, meta=pd.Series(dtype=object))
    wanted = {"rows": frame.map_partitions(len), "means": frame[numeric].mean() if numeric else None,
              "missing_target": frame[target].isna().sum(), "summaries": summaries}
    if classify:
        wanted["classes"] = frame[target].dropna().value_counts(split_out=1)  # a few classes: no shuffle
    else:
        wanted["low"], wanted["high"] = frame[target].min(), frame[target].max()
    keys = [k for k, v in wanted.items() if v is not None]
    found = dict(zip(keys, client.compute([wanted[k] for k in keys], sync=True)))
    found["rows"] = [int(r) for r in found["rows"]]
    summaries = found.pop("summaries")
    found["missing"] = {c: s.missing for c, s in summaries.items()}
    found["distinct"] = {c: distinct_count(s.sketch) for c, s in summaries.items() if s.sketch is not None}
    found["value_rows"] = {c: s.value_rows for c, s in summaries.items() if s.value_rows is not None}
    found.setdefault("means", pd.Series(dtype=float))
    return found


def _value_bytes(value: Any) -> bytes:
    if isinstance(value, pd.Series):  # rows per value, in any order: an order-free sum of the pairs' hashes
        pairs = pd.util.hash_pandas_object(value.reset_index(), index=False).to_numpy()
        return repr((len(value), int(pairs.sum(dtype=np.uint64)))).encode()
    if isinstance(value, dict):
        return b"".join(repr(k).encode() + _value_bytes(v) for k, v in value.items())
    return repr(value).encode()


def aggregates_digest(found: dict[str, Any]) -> str:
    """A SHA-256 of :func:`aggregates`: it changes when the data does (a value of a row moves a mean, a
    count or a value's rows; a row more or less moves the counts), so a continued job can tell that its
    data are no longer those of its first session."""
    digest = hashlib.sha256()
    for key in sorted(found):
        digest.update(key.encode() + _value_bytes(found[key]))
    return digest.hexdigest()
