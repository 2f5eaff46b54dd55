"""automl-studio: AutoML for tabular data and time series, shaped like Azure ML's AutoML, running locally.

>>> import automl
>>> job = automl.classification(training_data="train.csv", target_column_name="y")
>>> job.set_limits(timeout_minutes=10, max_trials=20)
>>> # result = job.submit()
"""
from automl import errors
from automl._version import __version__
from automl.data import Input
from automl.engine import AutoMLResult
from automl.jobs import (
    ClassificationJob,
    ForecastingJob,
    RegressionJob,
    classification,
    extend,
    forecasting,
    job_insights,
    load_job,
    load_result,
    regression,
    resume,
)

__all__ = [
    "AutoMLResult", "ClassificationJob", "ForecastingJob", "Input", "RegressionJob", "classification",
    "errors", "extend", "forecasting", "job_insights", "load_job", "load_result", "regression", "resume", "__version__",
]
