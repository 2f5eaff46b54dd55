"""The signature is inferred from a bounded sample that still shows every column's missing values."""
import numpy as np
import pandas as pd

from automl.tracking._models import signature_rows


def test_sample_keeps_a_missing_and_a_present_value_of_every_column():
    n = 5000
    frame = pd.DataFrame({
        "late_missing": np.arange(n, dtype=float),
        "early_missing": ["a"] * n,
        "complete": np.arange(n),
    })
    frame.loc[4321, "late_missing"] = np.nan
    frame.loc[: 300, "early_missing"] = None
    sample = signature_rows(frame, head=200)
    assert len(sample) <= 200 + 2 * frame.shape[1]
    assert sample["late_missing"].isna().any() and sample["late_missing"].notna().any()
    assert sample["early_missing"].notna().any()
    assert list(sample.dtypes) == list(frame.dtypes)


def test_inferred_signature_marks_a_column_missing_late_as_optional():
    from mlflow.models import infer_signature

    frame = pd.DataFrame({"x": np.arange(1000, dtype=float), "c": ["u", "v"] * 500})
    frame.loc[900, "x"] = np.nan
    frame.loc[950, "c"] = None
    signature = infer_signature(signature_rows(frame), np.zeros(3))
    optional = {spec.name: not spec.required for spec in signature.inputs.inputs}
    assert optional == {"x": True, "c": True}
