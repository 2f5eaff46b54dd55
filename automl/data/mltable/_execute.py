"""Running an MLTable: resolve the files, read them, apply the transformations."""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence

import pandas as pd

from automl.data.mltable._combine import SOURCE_COLUMN
from automl.data.mltable._formats import format_of, formats_of
from automl.data.mltable._origin import Origin, format_names
from automl.data.mltable._paths import DataFile, PathEntry, resolve_paths
from automl.data.mltable._readers import READERS
from automl.data.mltable._spec import Spec, Step
from automl.data.mltable._transforms import TRANSFORMS

__all__ = ["WHOLE_TABLE_STEPS", "execute", "file_readers", "read_files"]

_PARTITION = "extract_columns_from_partition_format"
#: Transformations that need the rows of every file in order: they cannot run file by file.
WHOLE_TABLE_STEPS = frozenset({"take", "skip"})


def _inferred_reader(files: list[DataFile], spec: Spec) -> Step:
    """The read transformation implied by the files' extensions (when none is written)."""
    origin = Origin(spec.file, ("transformations",))
    found = formats_of(f.name for f in files)
    fmt = format_of(files[0].name) if len(found) == 1 and "" not in found else None
    if fmt is None:
        kinds = ", ".join(f"{name or 'unknown'} ({len(v)})" for name, v in found.items())
        raise origin.error(
            f"there is no read transformation and the files' formats cannot be told "
            f"apart by extension ({kinds}; files: {format_names([f.name for f in files], 5)}).",
            f"Add one of {', '.join(READERS)} as the first transformation.",
        )
    options = READERS[fmt.reader].parse(dict(fmt.options), origin)
    return Step(fmt.reader, options, dict(fmt.options), origin)


def execute(spec: Spec) -> pd.DataFrame:
    """The DataFrame an MLTable describes.

    Raises
    ------
    DataError
        From any step; the message names the MLTable file, the key and its line.
    """
    files = resolve_paths(spec.paths, spec.base)
    steps = list(spec.steps)
    reader = steps.pop(0) if steps and steps[0].is_reader else _inferred_reader(files, spec)
    keep_source = any(step.name == _PARTITION for step in steps)
    frame = READERS[reader.name].read(files, reader.args, reader.origin, keep_source)
    for step in steps:
        frame = TRANSFORMS[step.name].apply(frame, step.args, step.origin)
    if SOURCE_COLUMN in frame.columns:
        frame = frame.drop(columns=SOURCE_COLUMN)
    return frame.reset_index(drop=True)


def _read_partition(file: DataFile, reader: Step, steps: tuple[Step, ...], keep_source: bool) -> pd.DataFrame:
    frame = READERS[reader.name].read([file], reader.args, reader.origin, keep_source)
    for step in steps:
        frame = TRANSFORMS[step.name].apply(frame, step.args, step.origin)
    if SOURCE_COLUMN in frame.columns:
        frame = frame.drop(columns=SOURCE_COLUMN)
    return frame.reset_index(drop=True)


def file_readers(spec: Spec) -> list[tuple[str, Callable[[], pd.DataFrame]]]:
    """Each file of the MLTable with the reader of its rows: the reader reads that file and applies the
    transformations to it, so that a table of many files is read a file at a time (a partition each),
    wherever the reader runs.

    Raises
    ------
    DataError
        For a transformation that needs the whole table (``take``, ``skip``), or as :func:`execute`.
    """
    files = resolve_paths(spec.paths, spec.base)
    steps = list(spec.steps)
    reader = steps.pop(0) if steps and steps[0].is_reader else _inferred_reader(files, spec)
    for step in steps:
        if step.name in WHOLE_TABLE_STEPS:
            raise step.origin.error(
                f"{step.name} counts rows across every file, so the table cannot be read a file at a time.",
                "Drop it for training_mode='distributed' and for scoring on a cluster (use take_random_sample "
                "or filter instead).")
    keep_source = any(step.name == _PARTITION for step in steps)
    return [(file.path, functools.partial(_read_partition, file, reader, tuple(steps), keep_source)) for file in files]


def read_files(locations: Sequence[str], reader: str, options: dict) -> pd.DataFrame:
    """Read plain data files (no MLTable file); errors name the files only.

    Parameters
    ----------
    locations : sequence of str
        Absolute local paths or URLs.
    reader : str
        A read transformation (``read_delimited``, ``read_parquet``, ``read_json_lines``).
    options : dict
        Its options.
    """
    origin = Origin()
    entries = tuple(PathEntry("file", location, origin) for location in locations)
    step = Step(reader, READERS[reader].parse(dict(options), origin), dict(options), origin)
    return execute(Spec(entries, (step,), base=os.getcwd()))
