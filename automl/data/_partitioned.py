"""``load_partitioned``: a data source as a Dask DataFrame, one partition per file, never read whole.

For ``training_mode="distributed"``: a folder of Parquet (or CSV, JSON lines) files, a glob pattern
(``data/part-*.parquet``), an MLTable of many files, or an ``Input`` of either becomes a Dask
DataFrame whose partitions are read where they are computed (on the cluster's workers). The
MLTable's transformations run on each file as it is read (:func:`file_readers`);
``take`` and ``skip``, which count rows across files, are refused. A pandas or Dask DataFrame is
used as given.
"""
from __future__ import annotations

import glob
import math
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from automl.core import release_freed_memory
from automl.data._input import Input
from automl.data.mltable._execute import file_readers as _mltable_file_readers
from automl.data.mltable._formats import format_of
from automl.data.mltable._locate import load_spec
from automl.data.mltable._origin import Origin
from automl.data.mltable._paths import MLTABLE_FILE_NAME, PathEntry
from automl.data.mltable._spec import Spec
from automl.data.mltable._table import MLTable
from automl.errors import AutoMLError, ConfigError, DataError

if TYPE_CHECKING:
    import dask.dataframe as dd
    from distributed import Client

__all__ = ["PARTITION_ROWS", "estimated_memory_bytes", "file_readers", "load_partitioned", "smallest_worker_memory"]

#: Rows per partition when a pandas DataFrame is split for the cluster.
PARTITION_ROWS = 100_000
#: About how many bytes in memory (pandas, then featurized) a byte of a file of each format becomes;
#: a gzipped file, :data:`GZIP_FACTOR` times more.
MEMORY_PER_FILE_BYTE = {"parquet": 5.0, "csv": 3.0, "tsv": 3.0, "json lines": 2.0}
GZIP_FACTOR = 4.0
_GLOB_CHARACTERS = frozenset("*?[")


def _spec_of_path(path: str) -> Spec:
    """The MLTable a path stands for: its own MLTable file, or its files (a folder, a pattern, one file)."""
    if any(c in _GLOB_CHARACTERS for c in path):
        if not glob.glob(path):
            raise DataError(f"the pattern '{path}' matches no file. Check the folder and the extension.")
        kind = "pattern"
    elif os.path.isdir(path):
        if os.path.isfile(os.path.join(path, MLTABLE_FILE_NAME)):
            return load_spec(path)
        kind = "folder"
    elif os.path.isfile(path):
        kind = "file"
    else:
        raise DataError(f"'{path}' does not exist. Give a Parquet or CSV folder, a glob pattern or an MLTable folder.")
    return Spec((PathEntry(kind, os.path.abspath(path), Origin()),), (), base=os.getcwd())


def _readers(source: Any, setting: str) -> list[Callable[[], pd.DataFrame]]:
    if not isinstance(source, (str, os.PathLike, Input, MLTable)):
        raise ConfigError(f"{setting}: training_mode='distributed' reads a Parquet or CSV folder, a glob pattern, "
                          f"an MLTable or a DataFrame; got {type(source).__name__}.")
    return [read for _, read in file_readers(source, setting=setting)]


def file_readers(source: str | os.PathLike | Input | MLTable, *, setting: str = "input"
                 ) -> list[tuple[str, Callable[[], pd.DataFrame]]]:
    """Each file of a folder, a glob pattern or an MLTable, with a reader of its rows (the MLTable's
    transformations applied to that file alone); a reader can run anywhere the file can be read.

    Raises
    ------
    DataError
        A path that does not exist, a pattern that matches nothing, files of mixed formats, or a
        transformation that needs the whole table (``take``, ``skip``).
    ConfigError
        A source of another type.
    """
    if isinstance(source, MLTable):
        return _mltable_file_readers(source._spec)
    if isinstance(source, Input):
        source = source.path
    if isinstance(source, (str, os.PathLike)):
        return _mltable_file_readers(_spec_of_path(os.fspath(source)))
    raise ConfigError(f"{setting}: give a Parquet or CSV folder, a glob pattern or an MLTable; got "
                      f"{type(source).__name__}.")


def _read(read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    release_freed_memory()  # the previous partition's frame, freed since (its columns may be Arrow's memory)
    frame = read()
    release_freed_memory()  # what converting this one freed
    return frame


def _empty_like(read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    return read().iloc[:0]


def load_partitioned(source: Any, *, setting: str = "training_data", client: Client | None = None) -> dd.DataFrame:
    """``source`` as a Dask DataFrame with a partition per file, read lazily.

    Parameters
    ----------
    source : str, os.PathLike, Input, MLTable, pandas.DataFrame or dask.dataframe.DataFrame
        A folder of data files of one format, a glob pattern, one file, an MLTable folder, or a frame.
    setting : str
        The setting the data is for; error messages start with it.
    client : distributed.Client, optional
        Where the first file is read to learn the columns and their types (default: here).

    Raises
    ------
    DataError
        A path that does not exist, a pattern that matches nothing, files of mixed formats, a
        transformation that needs the whole table, or a first file that cannot be read.
    ConfigError
        A source of another type.
    """
    import dask.dataframe as dd

    if isinstance(source, dd.DataFrame):
        return source
    if isinstance(source, pd.DataFrame):
        return dd.from_pandas(source, npartitions=max(1, math.ceil(len(source) / PARTITION_ROWS)))
    try:
        readers = _readers(source, setting)
        meta = client.submit(_empty_like, readers[0], pure=False).result() if client is not None \
            else _empty_like(readers[0])
    except AutoMLError as err:
        raise type(err)(f"{setting}: {err}") from None
    except (OSError, ValueError) as err:
        raise DataError(f"{setting}: cannot read the first file of {source}: {type(err).__name__}: {err}.") from None
    if meta.shape[1] == 0:
        raise DataError(f"{setting}: the first file of {source} has no columns.")
    return dd.from_map(_read, readers, meta=meta, enforce_metadata=False)


def _files(path: str) -> list[str]:
    if any(c in _GLOB_CHARACTERS for c in path):
        return glob.glob(path)
    if os.path.isdir(path):
        return [os.path.join(root, name) for root, _, names in os.walk(path) for name in names]
    return [path] if os.path.isfile(path) else []


def _factor(name: str) -> float:
    fmt = format_of(name)
    if fmt is None:
        return 0.0
    return MEMORY_PER_FILE_BYTE.get(fmt.name, 3.0) * (GZIP_FACTOR if name.lower().endswith(".gz") else 1.0)


def estimated_memory_bytes(source: Any) -> int | None:
    """About how much memory ``source`` takes once read and featurized, from its files' sizes and formats
    (:data:`MEMORY_PER_FILE_BYTE`), without reading it; a DataFrame's own size; None when it cannot be told
    (a URL, an MLTable or Input of another kind)."""
    if isinstance(source, pd.DataFrame):
        return int(source.memory_usage(deep=True).sum())
    if isinstance(source, Input):
        source = source.path
    if not isinstance(source, (str, os.PathLike)) or "://" in os.fspath(source):
        return None
    files = _files(os.fspath(source))
    total = sum(os.path.getsize(f) * _factor(f) for f in files if os.path.isfile(f))
    return int(total) if total else None


def smallest_worker_memory(client: Client, workers: list[str] | None = None) -> int | None:
    """The smallest memory limit among the cluster's ``workers`` (addresses; default: every worker), in
    bytes: what one worker can hold. None when a worker has no limit or the cluster has no worker."""
    known = client.scheduler_info().get("workers", {})
    limits = [known[w].get("memory_limit") or 0 for w in (known if workers is None else workers) if w in known]
    return min(limits) if limits and all(limits) else None
