"""AutoML jobs: the Azure-shaped factories, the job objects they return, and job YAML.

:func:`classification`, :func:`regression` and :func:`forecasting` create a job;
its setters (``set_limits``, ``set_training``, ``set_featurization``, and
``set_forecast_settings`` for forecasting) configure it; ``submit()`` checks every
setting and runs it on the engine (:mod:`automl.engine`). :func:`load_job` reads an
Azure ML CLI v2 job YAML into the same objects.
"""
from automl.jobs._factories import FACTORIES, JOB_ARGUMENTS, classification, forecasting, regression
from automl.jobs._job import AutoMLJob, JobRun
from automl.jobs._default_observers import LoggingObserver, default_observers
from automl.jobs._task_jobs import JOB_CLASSES, ClassificationJob, ForecastingJob, RegressionJob
from automl.jobs._yaml import load_job
from automl.jobs._continue import extend, extendable_job, load_saved_job, resumable_job, resume, run_saved
from automl.jobs._finished import job_insights, load_result

__all__ = ["AutoMLJob", "ClassificationJob", "FACTORIES", "ForecastingJob", "JOB_ARGUMENTS", "JOB_CLASSES", "JobRun",
           "LoggingObserver", "RegressionJob", "classification", "default_observers", "extend", "forecasting",
           "extendable_job", "job_insights", "load_job", "load_result", "load_saved_job", "regression", "resumable_job", "resume", "run_saved"]
