"""The examples in the featurizers' docstrings run."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["featurizers", "featurizers._datetime", "featurizers._hashing", "featurizers._numeric",
           "featurizers._plan", "featurizers._purpose", "featurizers._strings"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and (result.attempted > 0 or name == "featurizers._hashing")
