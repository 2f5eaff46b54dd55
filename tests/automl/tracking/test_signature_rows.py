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


def test_mlflow_integer_hint_stays_silent_while_another_thread_leaves_catch_warnings(monkeypatch):
    """Deferred tracking infers the signature in a background thread, while the main thread
    goes on (metrics and ONNX export use ``catch_warnings``). Leaving such a block restores
    the filters it saved, so a filter set only for the duration of the inference is lost."""
    import threading
    import warnings

    import mlflow.models
    from sklearn.linear_model import LogisticRegression

    from automl.tracking._models import model_signature

    frame = pd.DataFrame({"count": np.arange(60), "share": np.linspace(0, 1, 60)})
    model = LogisticRegression().fit(frame, np.arange(60) % 2)
    inside, main_left = threading.Event(), threading.Event()
    real_infer = mlflow.models.infer_signature

    def infer_after_main_left(*args, **kwargs):
        inside.set()
        main_left.wait(10)
        return real_infer(*args, **kwargs)

    shown: list[str] = []
    monkeypatch.setattr(mlflow.models, "infer_signature", infer_after_main_left)
    monkeypatch.setattr(warnings, "showwarning", lambda message, *a, **k: shown.append(str(message)))
    block = warnings.catch_warnings()
    block.__enter__()
    worker = threading.Thread(target=model_signature, args=(model, frame))
    worker.start()
    assert inside.wait(10)
    block.__exit__(None, None, None)
    main_left.set()
    worker.join(30)
    assert not [m for m in shown if "Inferred schema contains integer" in m]
