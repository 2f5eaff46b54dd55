"""The examples in the ensembles' docstrings run."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["automl.ensembles", "automl.ensembles._selection", "automl.ensembles._meta", "automl.ensembles._stack",
           "automl.ensembles._voting"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
