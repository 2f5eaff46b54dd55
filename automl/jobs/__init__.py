"""AutoML jobs: the Azure-shaped factories and the job objects they return."""
from automl.jobs._factories import classification, regression
from automl.jobs._job import AutoMLJob, ClassificationJob, JobRun, RegressionJob

__all__ = ["AutoMLJob", "ClassificationJob", "JobRun", "RegressionJob", "classification", "regression"]
