"""A resumed or extended job reopens its MLflow parent run; child runs continue the numbering."""
from __future__ import annotations

from mlflow import MlflowClient

import automl


def test_extend_reopens_the_parent_run_and_numbers_on(titanic_frame, tracking_uri, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path))
    job = automl.classification(training_data=titanic_frame.head(400), target_column_name="Survived",
                                experiment_name="sessions", name="titanic_sessions", log_verbosity="warning",
                                enable_model_explainability=False, validation_data_size=0.25)
    job.set_limits(max_trials=2, max_concurrent_trials=1)
    job.set_training(enable_vote_ensemble=False, enable_stack_ensemble=False,
                     allowed_training_algorithms=["LightGBM", "LogisticRegression"])
    first = job.submit(show_progress=False)

    extended = automl.extend("titanic_sessions", max_trials=1, show_progress=False)

    assert extended.mlflow_run_id == first.mlflow_run_id and not extended.tracking_errors
    client = MlflowClient(tracking_uri)
    parent = client.get_run(first.mlflow_run_id)
    assert parent.info.status == "FINISHED"
    assert parent.data.tags["automl.sessions"] == "2"
    assert parent.data.tags["automl.output_folder"] == str(tmp_path / "titanic_sessions")
    children = client.search_runs([parent.info.experiment_id],
                                  f"tags.`mlflow.parentRunId` = '{first.mlflow_run_id}'")
    assert sorted(c.data.tags["mlflow.runName"] for c in children) == [
        "titanic_sessions_0", "titanic_sessions_1", "titanic_sessions_2"]
    parents = client.search_runs([parent.info.experiment_id], "tags.run_template = 'automl_parent'")
    assert len(parents) == 1, "extend created a second parent run"
