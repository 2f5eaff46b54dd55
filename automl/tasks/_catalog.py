"""The task registry: every task, declared once."""
from __future__ import annotations

from automl.errors import ConfigError, did_you_mean
from automl.tasks._task import Task
from automl.tasks.forecasting import FORECASTING_TASK
from automl.tasks.tabular import CLASSIFICATION_TASK, REGRESSION_TASK

__all__ = ["TASKS", "get_task"]

#: Every task by its Azure name, in the order of the docs.
TASKS: dict[str, Task] = {task.name: task for task in (CLASSIFICATION_TASK, REGRESSION_TASK, FORECASTING_TASK)}


def get_task(name: str) -> Task:
    """The task called ``name`` (any case).

    Raises
    ------
    ConfigError
        When no task has that name; the message lists the tasks.

    Examples
    --------
    >>> get_task("Regression").default_primary_metric
    'normalized_root_mean_squared_error'
    """
    key = str(name).lower()
    if key not in TASKS:
        raise ConfigError(f"unknown task {name!r}.{did_you_mean(key, TASKS)} Valid tasks: {', '.join(TASKS)}.")
    return TASKS[key]
