"""The report and the explanation are logged to the job's MLflow parent run."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd


def test_parent_run_holds_report_and_explanation(tmp_path, monkeypatch):
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.delenv("AUTOML_TRACKING", raising=False)  # the suite turns tracking off
    import automl

    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"signal": rng.normal(size=150), "noise": rng.normal(size=150)})
    frame["label"] = np.where(frame["signal"] > 0, "a", "b")
    job = automl.classification(training_data=frame, target_column_name="label", name="report_tracked",
                                validation_data_size=0.3, log_verbosity="warning", experiment_name="report")
    job.set_limits(max_trials=2)
    job.set_training(allowed_training_algorithms=["LogisticRegression"])
    result = job.submit(show_progress=False)
    assert result.tracking_errors == []

    client = MlflowClient(uri)
    names = {a.path for a in client.list_artifacts(result.mlflow_run_id)}
    assert {"report.html", "explanation"} <= names
    client.download_artifacts(result.mlflow_run_id, "", str(tmp_path / "artifacts"))
    html = (tmp_path / "artifacts" / "report.html").read_text(encoding="utf-8")
    assert "report_tracked" in html and 'id="explanations"' in html
    # The timeline and the best model's charts were drawn on the logging thread while the explanation
    # ran: the page is the one the finished result gives (up to the minute it was generated at).
    from automl.report import build_report

    def undated(page: str) -> str:
        return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "", page)
    assert 'id="timeline"' in html and 'id="best-model"' in html
    assert undated(html) == undated(build_report(result))
    # How the final model was trained: a refit after this holdout, said in the report and on the run.
    assert result.final_model.startswith("refit on all training rows: a bag needs cross-validation folds")
    assert "Final model" in html and "Refit on all training rows: a bag needs cross-validation folds" in html
    assert client.get_run(result.mlflow_run_id).data.tags["final_model"] == result.final_model
    explanation = json.loads((tmp_path / "artifacts" / "explanation" / "explanation.json").read_text())
    assert explanation["raw_importance"][0]["feature"] == "signal"
