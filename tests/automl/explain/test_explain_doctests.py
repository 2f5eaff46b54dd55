"""The examples in the explain and report docstrings run."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["automl.explain._explain_model", "automl.explain._explanation", "automl.report._safe",
           "automl.report._job_charts"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
