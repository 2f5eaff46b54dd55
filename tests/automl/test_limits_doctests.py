"""The examples in the docstrings of the time and memory limits run: model sizes, the job's budget,
the memory limit setting, serialized sizes."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["automl.algorithms._model_size", "automl.core._sizes", "automl.engine._budget", "automl.settings._limits"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
