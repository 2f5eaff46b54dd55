"""automl-studio: AutoML for tabular data, shaped like Azure ML's AutoML, running locally.

>>> import automl
>>> job = automl.classification(training_data="train.csv", target_column_name="y")
>>> job.set_limits(timeout_minutes=10, max_trials=20)
>>> # result = job.submit()
"""
from automl import errors
from automl.data import Input
from automl.jobs import ClassificationJob, RegressionJob, classification, regression
from automl.result import AutoMLResult

__version__ = "0.1.0"

__all__ = [
    "AutoMLResult", "ClassificationJob", "Input", "RegressionJob", "classification", "errors",
    "regression", "__version__",
]
