"""MLTable data assets: a folder holding a YAML file named ``MLTable``.

The file lists ``paths`` (files, folders, glob patterns) and ``transformations``
(a read transformation, then take, filter, convert_column_types...). See
:class:`MLTable` and :func:`load_mltable`.
"""
from automl.data.mltable._filter import FilterExpression
from automl.data.mltable._formats import FILE_FORMATS, SUPPORTED_SUFFIXES
from automl.data.mltable._readers import READERS
from automl.data.mltable._table import (
    MLTable,
    from_delimited_files,
    from_json_lines_files,
    from_parquet_files,
    load_mltable,
)
from automl.data.mltable._transforms import TRANSFORMS

__all__ = [
    "FILE_FORMATS",
    "FilterExpression",
    "MLTable",
    "READERS",
    "SUPPORTED_SUFFIXES",
    "TRANSFORMS",
    "from_delimited_files",
    "from_json_lines_files",
    "from_parquet_files",
    "load_mltable",
]
