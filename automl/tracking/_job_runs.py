"""Jobs as they are recorded: a job is its MLflow parent run (tag ``run_template=automl_parent``)."""
from __future__ import annotations

from typing import Any

from automl.errors import ConfigError

__all__ = ["PARENT_FILTER", "checked_name", "experiment_names", "find_job_run"]

#: MLflow filter of the parent runs, one per job.
PARENT_FILTER = "tags.run_template = 'automl_parent'"


def experiment_names(client: Any) -> dict[str, str]:
    """Experiment id -> name, for every experiment of the store."""
    return {e.experiment_id: e.name for e in client.search_experiments()}


def checked_name(name: str, what: str) -> str:
    """``name``, refused when it could not be a name (it is quoted into an MLflow filter)."""
    if not name or "'" in name or "\\" in name:
        raise ConfigError(f"{name!r} is not a {what} name.")
    return name


def find_job_run(client: Any, uri: str, name: str) -> tuple[Any, dict[str, str]]:
    """The latest parent run of job ``name`` and the store's experiment names.

    Raises
    ------
    ConfigError
        No job of that name in the store at ``uri``.
    """
    checked_name(name, "job")
    experiments = experiment_names(client)
    runs = client.search_runs(list(experiments), f"{PARENT_FILTER} and attributes.run_name = '{name}'",
                              max_results=5, order_by=["attributes.start_time DESC"]) if experiments else []
    if not runs:
        raise ConfigError(f"no job named {name!r} in the MLflow store {uri}; `automl jobs list` shows "
                          "the recorded jobs (set MLFLOW_TRACKING_URI if they were tracked elsewhere).")
    return runs[0], experiments
