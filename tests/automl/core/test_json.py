"""automl.core._json.plain: the one JSON-ready conversion of artifacts and the report."""
import dataclasses
import doctest
import json

import numpy as np

import automl.core._json
from automl.core._json import plain


def test_doctests():
    assert doctest.testmod(automl.core._json).failed == 0


def test_dataclasses_numpy_and_non_finite_values_become_json():
    @dataclasses.dataclass
    class Row:
        name: str
        values: np.ndarray

    out = plain([Row("a", np.array([1.0, np.inf])), {1: np.int64(3)}, object.__name__])
    assert out == [{"name": "a", "values": [1.0, None]}, {"1": 3}, "object"]
    json.dumps(out, allow_nan=False)
