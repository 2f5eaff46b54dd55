"""automl-studio: AutoML for tabular data, shaped like Azure ML's AutoML, running locally.

>>> import automl
>>> job = automl.classification(training_data="train.csv", target_column_name="y")
>>> job.set_limits(timeout_minutes=10, max_trials=20)
>>> # result = job.submit()
"""
from automl import errors
from automl.data import Input
from automl.jobs import ClassificationJob, RegressionJob, classification, regression
from automl.jobs import load_job
from automl.jobs import ForecastingJob
from automl import forecasting  # the package is callable: automl.forecasting(...) creates a job
from automl.result import AutoMLResult

__version__ = "0.1.0"

__all__ = [
    "AutoMLResult", "ClassificationJob", "ForecastingJob", "Input", "RegressionJob", "classification",
    "errors", "forecasting", "load_job", "regression", "__version__",
]
