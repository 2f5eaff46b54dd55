"""Data input: files, folders, MLTable data assets and DataFrames -> pandas.

Public API
----------
Input
    An Azure-shaped data reference: ``Input(type="mltable", path="data/train")``.
load_data
    Any supported source (Input, path, URL, MLTable, DataFrame) -> DataFrame.
load_partitioned
    A folder, glob pattern or MLTable of many files -> a Dask DataFrame, a partition per file.
file_readers
    Each file of a folder, glob pattern or MLTable with a reader of its rows (scoring on a cluster).
MLTable, load_mltable, from_delimited_files, from_parquet_files, from_json_lines_files
    MLTable data assets: load, inspect, author and save.
"""
from automl.data._consistency import conform_to_training, labels_like_training
from automl.data._input import INPUT_TYPES, Input
from automl.data._loader import load_data
from automl.data._partitioned import (
    PARTITION_ROWS,
    estimated_memory_bytes,
    file_readers,
    load_partitioned,
    smallest_worker_memory,
)
from automl.data.mltable import (
    SUPPORTED_SUFFIXES,
    MLTable,
    from_delimited_files,
    from_json_lines_files,
    from_parquet_files,
    load_mltable,
)

__all__ = [
    "INPUT_TYPES",
    "Input",
    "MLTable",
    "conform_to_training",
    "SUPPORTED_SUFFIXES",
    "from_delimited_files",
    "from_json_lines_files",
    "from_parquet_files",
    "load_data",
    "load_partitioned",
    "file_readers",
    "estimated_memory_bytes",
    "smallest_worker_memory",
    "PARTITION_ROWS",
    "labels_like_training",
    "load_mltable",
]
