"""The tasks: classification, regression and forecasting, each declared once.

:data:`TASKS` is the registry the job engine reads; a :class:`Task` declares a task's
metric and algorithm tables, its setup step, how one trial is evaluated, its ensembles,
its refit, its test scoring and its explanation. :mod:`automl.tasks.tabular` holds
classification and regression, :mod:`automl.tasks.forecasting` forecasting; the two
never import each other.
"""
from automl.tasks._catalog import TASKS, get_task
from automl.tasks._task import MIN_BASE_TRIALS, PreparedData, Task, ValidationScheme

__all__ = ["MIN_BASE_TRIALS", "PreparedData", "TASKS", "Task", "ValidationScheme", "get_task"]
