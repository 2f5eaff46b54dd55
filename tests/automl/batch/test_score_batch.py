"""``automl.batch.score_batch``: mini batches, bad files, row provenance, ONNX vs Python, the logs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.batch import ERROR_FILE, PROGRESS_FILE, OnnxScorer, load_scorer, score_batch
from automl.errors import ConfigError, DataError


@pytest.fixture
def folder_of_ten(titanic_model, parts, tmp_path):
    _, _, test = titanic_model
    paths = parts(test, tmp_path / "in", 10)
    return tmp_path / "in", paths, test


def test_rows_keep_their_file_and_row_number(titanic_model, folder_of_ten, tmp_path):
    _, models, _ = titanic_model
    folder, paths, test = folder_of_ten
    done = score_batch(models / "model.onnx", folder, tmp_path / "out" / "p.csv", mini_batch_size=3,
                       max_concurrency=2)
    assert done.status == "Completed" and done.rows == len(test) and done.files_scored == 10
    out = pd.read_csv(tmp_path / "out" / "p.csv")
    assert list(out.columns) == ["file", "row", "prediction"]
    assert out["file"].tolist() == sorted(out["file"].tolist())  # written in file order
    for path in paths:
        rows = out[out["file"] == path.name]
        assert rows["row"].tolist() == list(range(len(pd.read_csv(path))))
    assert not (tmp_path / "out" / ERROR_FILE).exists()
    assert "status: Completed" in (tmp_path / "out" / PROGRESS_FILE).read_text()


def test_onnx_and_python_models_agree(titanic_model, tmp_path):
    result, models, test = titanic_model
    path = tmp_path / "one.csv"
    test.to_csv(path, index=False)
    onnx = score_batch(models / "model.onnx", path, tmp_path / "onnx.csv", proba=True)
    python = score_batch(models / "mlflow-model", path, tmp_path / "python.csv", proba=True)
    assert onnx.status == python.status == "Completed"
    a, b = pd.read_csv(tmp_path / "onnx.csv"), pd.read_csv(tmp_path / "python.csv")
    assert list(a.columns) == ["file", "row", "prediction", "probability_0", "probability_1"] == list(b.columns)
    assert (a["prediction"] == b["prediction"]).mean() >= 0.99
    np.testing.assert_allclose(a["probability_1"], b["probability_1"], atol=1e-4)
    np.testing.assert_array_equal(b["prediction"], result.best_model.predict(test))


def test_a_corrupt_file_is_skipped_and_named(titanic_model, folder_of_ten, tmp_path):
    _, models, _ = titanic_model
    folder, paths, test = folder_of_ten
    paths[4].write_bytes(b"\x00\x01garbage,\n\"unterminated\n")
    done = score_batch(models / "model.onnx", folder, tmp_path / "p.csv", mini_batch_size=4)
    assert done.status == "CompletedWithErrors" and done.files_scored == 9
    assert [e.file for e in done.errors] == ["part_04.csv"]
    out = pd.read_csv(tmp_path / "p.csv")
    assert sorted(out["file"].unique()) == [p.name for p in paths if p.name != "part_04.csv"]
    assert len(out) == len(test) - len(np.array_split(np.arange(len(test)), 10)[4])
    assert (tmp_path / ERROR_FILE).read_text().startswith("part_04.csv: ")


def test_a_file_missing_a_column_fails_alone_with_the_column_named(titanic_model, folder_of_ten, tmp_path):
    _, models, _ = titanic_model
    folder, paths, _ = folder_of_ten
    pd.read_csv(paths[0]).drop(columns=["Age", "Fare"]).to_csv(paths[0], index=False)
    done = score_batch(models / "mlflow-model", folder, tmp_path / "p.csv", mini_batch_size=10)
    assert done.files_scored == 9 and done.errors[0].file == "part_00.csv"
    assert "'Age'" in done.errors[0].error and "'Fare'" in done.errors[0].error


def test_error_threshold_stops_the_job(titanic_model, folder_of_ten, tmp_path):
    _, models, _ = titanic_model
    folder, paths, _ = folder_of_ten
    paths[0].write_text("")
    done = score_batch(models / "model.onnx", folder, tmp_path / "p.csv", mini_batch_size=1,
                       max_concurrency=1, error_threshold=0)
    assert done.status == "Failed" and done.files_scored == 0
    assert "status: Failed" in (tmp_path / PROGRESS_FILE).read_text()


def test_summary_only_writes_no_predictions(titanic_model, folder_of_ten, tmp_path):
    _, models, _ = titanic_model
    folder, _, test = folder_of_ten
    done = score_batch(models / "model.onnx", folder, tmp_path / "p.csv", output_action="summary_only")
    assert done.status == "Completed" and done.rows == len(test) and done.output is None
    assert not (tmp_path / "p.csv").exists() and (tmp_path / PROGRESS_FILE).exists()


def test_mltable_input_and_regression_onnx(regression_model, tmp_path):
    result, models, rows = regression_model
    table = tmp_path / "table"
    table.mkdir()
    rows.to_csv(table / "rows.csv", index=False)
    (table / "MLTable").write_text("paths:\n  - file: ./rows.csv\ntransformations:\n  - read_delimited: {}\n")
    done = score_batch(models / "model.onnx", table, tmp_path / "p.csv", proba=True)
    out = pd.read_csv(tmp_path / "p.csv")
    assert done.status == "Completed" and list(out.columns) == ["file", "row", "prediction"]
    assert out["file"].unique().tolist() == ["table"] and out["row"].tolist() == list(range(len(rows)))
    np.testing.assert_allclose(out["prediction"], result.best_model.predict(rows), rtol=1e-4, atol=1e-4)


def test_bad_references_are_config_errors(titanic_model, tmp_path):
    _, models, _ = titanic_model
    with pytest.raises(ConfigError, match="does not exist"):
        load_scorer(tmp_path / "nothing.onnx")
    with pytest.raises(ConfigError, match="--input .* does not exist"):
        score_batch(models / "model.onnx", tmp_path / "nothing", tmp_path / "p.csv")
    with pytest.raises(ConfigError, match="--mini-batch-size"):
        score_batch(models / "model.onnx", tmp_path, tmp_path / "p.csv", mini_batch_size=0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="holds no data file"):
        score_batch(models / "model.onnx", tmp_path / "empty", tmp_path / "p.csv")


def test_onnx_scorer_needs_no_pickle_and_knows_the_classes(titanic_model, monkeypatch):
    _, models, test = titanic_model
    import pickle

    def refuse(*args, **kwargs):
        raise AssertionError("an ONNX model must not be unpickled")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    scorer = load_scorer(models / "model.onnx")
    assert isinstance(scorer, OnnxScorer) and scorer.classes == [0, 1]
    labels, proba = scorer.predict_both(test.head(5))
    assert proba.shape == (5, 2) and set(labels) <= {0, 1}


def test_onnx_scorer_takes_a_path_bytes_or_a_graph_and_scores_them_alike(titanic_model):
    import onnx

    _, models, test = titanic_model
    path = models / "model.onnx"
    scorers = [OnnxScorer(path), OnnxScorer(path.read_bytes(), threads=1), OnnxScorer(onnx.load(path))]
    probabilities = [scorer.predict_both(test)[1] for scorer in scorers]
    assert probabilities[0].shape == (len(test), 2) and np.ptp(probabilities[0][:, 1]) > 0.5
    for other in probabilities[1:]:
        np.testing.assert_array_equal(other, probabilities[0])


def test_a_graph_not_exported_by_automl_is_a_config_error_naming_the_export(titanic_model):
    import onnx

    _, models, _ = titanic_model
    graph = onnx.load(models / "model.onnx")
    del graph.metadata_props[:]
    with pytest.raises(ConfigError, match=r"no 'automl.inputs' metadata.*result.export_onnx"):
        OnnxScorer(graph.SerializeToString())
