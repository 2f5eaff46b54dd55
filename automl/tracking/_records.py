"""What is logged for a trial or a job, as plain MLflow entities (no I/O here).

Child runs follow Azure: named ``<job>_<n>``, with the params ``algorithm``,
``preprocessor`` and the trial's hyper-parameters, every metric, and the tags
``iteration``, ``run_algorithm``, ``run_preprocessor``, ``status``,
``duration`` (seconds), ``score`` and ``run_template=automl_child``.
"""
from __future__ import annotations

import json
import math
import time
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from automl.core import TrialResult
    from automl.jobs import AutoMLJob
    from automl.tasks import PreparedData

#: MLflow status of each trial status.
RUN_STATUS = {"Completed": "FINISHED", "Failed": "FAILED", "Canceled": "KILLED"}
#: Longest value sent (MLflow servers accept 500 characters or more depending on version).
MAX_VALUE_LENGTH = 500
PARENT_TAG = "mlflow.parentRunId"
RUN_NAME_TAG = "mlflow.runName"
BEST_CHILD_TAG = "automl_best_child_run_id"


def text(value: Any) -> str:
    """``value`` as a tag or param value: JSON for non-strings, cut to :data:`MAX_VALUE_LENGTH`."""
    if isinstance(value, str):
        out = value
    else:
        try:
            out = json.dumps(value, default=str)
        except (TypeError, ValueError):
            out = str(value)
    return out if len(out) <= MAX_VALUE_LENGTH else out[: MAX_VALUE_LENGTH - 3] + "..."


def key(name: Any) -> str:
    """An MLflow key: letters, digits, ``_ - . / :`` and spaces."""
    return "".join(c if c.isalnum() or c in "_-./: " else "_" for c in str(name))[:250]


def millis(seconds: float | None = None) -> int:
    """Epoch milliseconds of ``seconds`` (now when None)."""
    return int(1000 * (time.time() if seconds is None else seconds))


def trial_params(trial: TrialResult) -> dict[str, str]:
    """``algorithm``, ``preprocessor`` and the hyper-parameters of ``trial``."""
    params = {"algorithm": text(trial.algorithm), "preprocessor": text(trial.preprocessor or "")}
    for name, value in (trial.params or {}).items():
        name = key(name)
        if name not in ("algorithm", "preprocessor"):
            params[name] = text(value)
    return params


def trial_metrics(trial: TrialResult) -> dict[str, float]:
    """Every finite-or-NaN numeric metric of ``trial``."""
    out = {}
    for name, value in (trial.metrics or {}).items():
        try:
            out[key(name)] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def trial_tags(trial: TrialResult, parent_run_id: str | None) -> dict[str, str]:
    """Azure's child-run tags (and MLflow's run name and parent link)."""
    tags = {
        RUN_NAME_TAG: trial.name,
        "iteration": str(trial.iteration),
        "run_algorithm": text(trial.algorithm),
        "run_preprocessor": text(trial.preprocessor or ""),
        "status": trial.status,
        "duration": f"{float(trial.duration_seconds):.3f}",
        "score": "nan" if trial.score is None or math.isnan(trial.score) else repr(float(trial.score)),
        "run_template": "automl_child",
    }
    if trial.error:
        tags["error"] = text(trial.error)
    if parent_run_id:
        tags[PARENT_TAG] = parent_run_id
    return tags


def batch(params: Mapping[str, str], metrics: Mapping[str, float], tags: Mapping[str, str],
          timestamp: int) -> tuple[list, list, list]:
    """MLflow ``Param``, ``Metric`` and ``RunTag`` entities for one ``log_batch`` call."""
    from mlflow.entities import Metric, Param, RunTag

    return ([Metric(k, v, timestamp, 0) for k, v in metrics.items()],
            [Param(k, v) for k, v in params.items()],
            [RunTag(k, v) for k, v in tags.items()])


def job_params(job: AutoMLJob, prepared: PreparedData) -> dict[str, str]:
    """Settings of the job worth a parameter on the parent run."""
    params = {
        "task": job.task,
        "primary_metric": job.primary_metric,
        "target_column_name": text(job.data.target_column_name or ""),
        "n_rows": str(prepared.data_shape[0]),
        "n_columns": str(prepared.data_shape[1]),
        "validation": text(prepared.validation.method),
    }
    for group, settings in (("limits", job.limits), ("training", job.training)):
        for name, value in vars(settings).items():
            plain = isinstance(value, (str, int, float, bool, list))
            if value is not None and plain and not name.startswith("_"):
                params[f"{group}.{name}"] = text(value)
    return params


def job_tags(job: AutoMLJob) -> dict[str, str]:
    """The parent run's name, the job's own tags, and what it is."""
    tags = {RUN_NAME_TAG: job.name, "task": job.task, "primary_metric": job.primary_metric,
            "run_template": "automl_parent", "experiment_name": job.experiment_name}
    for name, value in job.tags.items():
        tags[key(name)] = text(value)
    if job.description:
        tags["mlflow.note.content"] = text(job.description)
    return tags
