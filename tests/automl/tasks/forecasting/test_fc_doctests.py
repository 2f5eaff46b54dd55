"""The examples in the forecasting modules' docstrings run."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["automl.timeseries._metrics", "automl.timeseries._intervals", "automl.jobs._task_jobs",
           "automl.timeseries._autostats",
           "featurizers._timeseries", "guardrails._forecasting"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
