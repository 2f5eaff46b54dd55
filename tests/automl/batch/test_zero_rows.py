"""A table of no rows (the right columns, a filter that kept nothing) scores to no predictions at every
public entry point: ``best_model.predict`` / ``predict_proba``, ``result.predict``, the ONNX graph and
the MLflow folder through ``load_scorer``, and ``automl predict`` on a file that has only its header."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.batch import load_scorer, score_batch


@pytest.fixture(params=["titanic_model", "regression_model"])
def trained(request):
    result, folder, rows = request.getfixturevalue(request.param)
    return result, folder, rows


def _width(result) -> int | None:
    classes = getattr(result.best_model, "classes_", None)
    return None if classes is None else len(classes)


def test_the_model_and_the_result_predict_no_rows(trained):
    result, _, rows = trained
    none, width = rows.iloc[:0], _width(result)
    assert result.best_model.predict(none).shape == (0,)
    assert result.predict(none).shape == (0,)
    assert result.predict(none).dtype == result.predict(rows.iloc[:3]).dtype
    if width is not None:
        assert result.best_model.predict_proba(none).shape == (0, width)


@pytest.mark.parametrize("source", ["model.onnx", "mlflow-model"])
def test_scorers_predict_no_rows(trained, source):
    result, folder, rows = trained
    scorer = load_scorer(folder / source)
    none = rows.iloc[:0]
    labels, proba = scorer.predict_both(none)
    assert scorer.predict(none).shape == labels.shape == (0,)
    if _width(result) is None:
        assert proba is None
    else:
        assert proba.shape == scorer.predict_proba(none).shape == (0, _width(result))
        assert labels.dtype == scorer.predict_both(rows.iloc[:3])[0].dtype


def test_a_header_only_file_is_a_scored_file_of_no_rows(titanic_model, tmp_path):
    _, folder, rows = titanic_model
    (tmp_path / "in").mkdir()
    rows.iloc[:0].to_csv(tmp_path / "in" / "a_empty.csv", index=False)
    rows.iloc[:20].to_csv(tmp_path / "in" / "b_rows.csv", index=False)
    both = score_batch(folder / "model.onnx", tmp_path / "in", tmp_path / "both.csv", proba=True)
    assert (both.status, both.files_scored, both.rows) == ("Completed", 2, 20)
    out = pd.read_csv(tmp_path / "both.csv")
    assert out["file"].tolist() == ["b_rows.csv"] * 20
    alone = score_batch(folder / "model.onnx", tmp_path / "in" / "a_empty.csv", tmp_path / "alone.csv", proba=True)
    assert (alone.status, alone.files_scored, alone.rows) == ("Completed", 1, 0)
    empty = pd.read_csv(tmp_path / "alone.csv")
    assert empty.empty and list(empty.columns) == list(out.columns)
    assert np.allclose(out.filter(like="probability_").sum(axis=1), 1.0)
