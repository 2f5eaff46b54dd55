"""AutoML jobs: the Azure-shaped factories and the job objects they return."""
from automl.jobs._factories import classification, regression
from automl.jobs._job import AutoMLJob, ClassificationJob, JobRun, RegressionJob
from automl.jobs._yaml import load_job
from automl.forecasting._job import ForecastingJob, forecasting  # noqa: E402 - needs automl.jobs._job

__all__ = ["AutoMLJob", "ClassificationJob", "ForecastingJob", "JobRun", "RegressionJob", "classification",
           "forecasting", "load_job", "regression"]
