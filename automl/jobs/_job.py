"""The job objects behind ``automl.classification`` and ``automl.regression``."""
from __future__ import annotations

import re
import threading
import warnings
from typing import Any, ClassVar, Mapping, Sequence

from automl import metrics
from automl.algorithms import registry_for_task
from automl.errors import ConfigError
from automl.jobs._names import random_job_name
from automl.settings import (
    DataSettings,
    FeaturizationSettings,
    LimitSettings,
    StackEnsembleSettings,
    TrainingSettings,
    merge,
)

_VERBOSITIES = ("not_set", "debug", "info", "warning", "error", "critical")
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{1,200}$")


class AutoMLJob:
    """An AutoML job: its settings, and ``submit()`` to run it.

    Use the factories :func:`automl.classification` and
    :func:`automl.regression` rather than this class. Setters are merge-style:
    an argument left ``None`` keeps the current value.
    """

    task: ClassVar[str] = ""

    def __init__(self, *, primary_metric: str | None = None, name: str | None = None,
                 display_name: str | None = None, experiment_name: str | None = None,
                 description: str | None = None, tags: Mapping[str, str] | None = None,
                 properties: Mapping[str, str] | None = None, compute: Any = None,
                 log_verbosity: str = "info", seed: int = 0, tracking_uri: Any = None) -> None:
        self.primary_metric = metrics.resolve_primary_metric(primary_metric, self.task)
        if name is not None and not _NAME_PATTERN.match(str(name)):
            raise ConfigError(f"name {name!r} may only hold letters, digits, '_' and '-' (1-200 characters).")
        self.name = name or random_job_name()
        self.display_name = display_name or self.name
        self.experiment_name = experiment_name or "Default"
        self.description = description
        self.tags = dict(tags or {})
        self.properties = dict(properties or {})
        self.compute = self._check_compute(compute)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ConfigError(f"seed must be a whole number, got {seed!r}.")
        self.seed = seed
        #: MLflow tracking URI; None: MLFLOW_TRACKING_URI or ./mlflow.db; False: no tracking.
        self.tracking_uri = tracking_uri
        self._cancel_event = threading.Event()
        verbosity = str(log_verbosity).lower()
        if verbosity not in _VERBOSITIES:
            raise ConfigError(f"log_verbosity must be one of {', '.join(_VERBOSITIES)}, got {log_verbosity!r}.")
        self.log_verbosity = verbosity
        self.data = DataSettings()
        self.limits = LimitSettings()
        self.training = TrainingSettings()
        self.featurization = FeaturizationSettings()

    @staticmethod
    def _check_compute(compute: Any) -> Any:
        if compute is None or compute == "local":
            return "local"
        if isinstance(compute, str) and not compute.startswith("dask://"):
            raise ConfigError(f"compute={compute!r} is not supported: use 'local' (default), "
                              "'dask://host:port' or a dask.distributed.Client.")
        return compute

    def set_data(self, *, training_data: Any = None, target_column_name: str | None = None,
                 weight_column_name: str | None = None, validation_data: Any = None,
                 validation_data_size: float | None = None,
                 n_cross_validations: int | str | None = None,
                 cv_split_column_names: Sequence[str] | None = None, test_data: Any = None,
                 test_data_size: float | None = None) -> None:
        """Set where the data comes from and how it is split (Azure's ``set_data``)."""
        self.data = merge(self.data, **{k: v for k, v in locals().items() if k != "self"})

    def set_limits(self, *, enable_early_termination: bool | None = None, exit_score: float | None = None,
                   max_concurrent_trials: int | None = None, max_cores_per_trial: int | None = None,
                   max_nodes: int | None = None, max_trials: int | None = None,
                   timeout_minutes: float | None = None, trial_timeout_minutes: float | None = None) -> None:
        """Set time and trial limits (Azure's ``set_limits``).

        A ``trial_timeout_minutes`` above ``timeout_minutes`` only warns, as in Azure: no trial
        runs past the job's own timeout.
        """
        self.limits = merge(self.limits, **{k: v for k, v in locals().items() if k != "self"})
        if trial_timeout_minutes is not None and trial_timeout_minutes > self.limits.timeout_minutes:
            warnings.warn(
                f"trial_timeout_minutes ({trial_timeout_minutes:g}) is above timeout_minutes "
                f"({self.limits.timeout_minutes:g}); trials stop at the job's timeout.", UserWarning,
                stacklevel=2)

    def set_training(self, *, allowed_training_algorithms: Sequence[str] | None = None,
                     blocked_training_algorithms: Sequence[str] | None = None,
                     enable_onnx_compatible_models: bool | None = None,
                     enable_model_explainability: bool | None = None,
                     enable_vote_ensemble: bool | None = None, enable_stack_ensemble: bool | None = None,
                     enable_dnn_training: bool | None = None,
                     stack_ensemble_settings: StackEnsembleSettings | Mapping | None = None,
                     ensemble_model_download_timeout: float | None = None,
                     training_mode: str | None = None) -> None:
        """Choose algorithms and ensembles (Azure's ``set_training``).

        As in Azure, the allowed and blocked lists are always overwritten, even with ``None``.
        """
        registry = registry_for_task(self.task)
        allowed = self._resolve_algorithms(allowed_training_algorithms, "allowed_training_algorithms")
        blocked = self._resolve_algorithms(blocked_training_algorithms, "blocked_training_algorithms")
        changes = {k: v for k, v in locals().items()
                   if k not in ("self", "registry", "allowed", "blocked",
                                "allowed_training_algorithms", "blocked_training_algorithms")}
        updated = merge(self.training, **changes)
        updated.allowed_training_algorithms, updated.blocked_training_algorithms = allowed, blocked
        registry.select(allowed, blocked, onnx_only=updated.enable_onnx_compatible_models)
        self.training = updated

    def _resolve_algorithms(self, names: Sequence[str] | None, setting: str) -> list[str] | None:
        if names is None:
            return None
        if isinstance(names, str):
            names = [names]
        registry = registry_for_task(self.task)
        return [registry.resolve(n, setting) for n in names]

    def set_featurization(self, *, blocked_transformers: Sequence[str] | None = None,
                          column_name_and_types: Mapping[str, str] | None = None,
                          dataset_language: str | None = None,
                          transformer_params: Mapping[str, list] | None = None, mode: str | None = None,
                          enable_dnn_featurization: bool | None = None) -> None:
        """Configure featurization (Azure's ``set_featurization``)."""
        changes = {k: v for k, v in locals().items() if k != "self"}
        for key in ("column_name_and_types", "transformer_params"):
            if changes[key] is not None:
                changes[key] = dict(changes[key])
        if changes["blocked_transformers"] is not None and not isinstance(changes["blocked_transformers"], str):
            changes["blocked_transformers"] = list(changes["blocked_transformers"])
        self.featurization = merge(self.featurization, **changes)

    def submit(self, *, compute: Any = None, show_progress: bool = True, wait: bool = True):
        """Run the job.

        Parameters
        ----------
        compute : str or distributed.Client, optional
            ``"local"`` (worker processes on this machine, the default) or a
            Dask cluster: ``"dask://host:port"`` or a ``Client``. Overrides the
            job's ``compute``.
        show_progress : bool
            Print guardrails, trials and a live status line on stderr.
        wait : bool
            With False the job runs in a background thread and a
            :class:`~automl.jobs.JobRun` handle is returned at once.

        Returns
        -------
        AutoMLResult or JobRun
        """
        from automl._run import run_job

        from automl._observers import default_observers

        target = self._check_compute(compute) if compute is not None else self.compute
        self._cancel_event = threading.Event()
        kwargs = dict(compute=target, show_progress=show_progress, cancel_event=self._cancel_event)
        if wait:
            return run_job(self, **kwargs)
        run = JobRun(self)
        observers = default_observers(self, show_progress) + [run]
        run.start(lambda: run_job(self, observers, **kwargs))
        return run

    def cancel(self) -> None:
        """Stop a running ``submit()`` from another thread: running trials are stopped, finished
        ones kept, and the best model so far is returned with status ``Canceled``."""
        self._cancel_event.set()

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(name={self.name!r}, primary_metric={self.primary_metric!r}, "
                f"target_column_name={self.data.target_column_name!r})")


class JobRun:
    """A job running in a background thread (``job.submit(wait=False)``).

    ``finished_trials`` fills up as trials end.
    """

    def __init__(self, job: AutoMLJob) -> None:
        self.job = job
        self.finished_trials: list = []
        self._result = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, target) -> None:
        """Run ``target`` in a background thread."""
        self._thread = threading.Thread(target=self._run, args=(target,), name=f"automl-{self.job.name}",
                                        daemon=True)
        self._thread.start()

    def job_started(self, job: Any, prepared: Any) -> None:  # observer hooks
        pass

    def trial_finished(self, result: Any) -> None:
        self.finished_trials.append(result)

    def job_finished(self, job: Any, result: Any) -> None:
        pass

    def _run(self, target) -> None:
        try:
            self._result = target()
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def done(self) -> bool:
        """Whether the job has ended."""
        return not self._thread.is_alive()

    def cancel(self) -> None:
        """Stop the job; ``result()`` then returns what was finished, status ``Canceled``."""
        self.job.cancel()

    def result(self, timeout: float | None = None):
        """Wait for the job and return its :class:`~automl.result.AutoMLResult`."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"job {self.job.name} is still running after {timeout} s")
        if self._error is not None:
            raise self._error
        return self._result


class ClassificationJob(AutoMLJob):
    """A classification job; ``positive_label`` names the positive class for ``*_binary`` metrics."""

    task = "classification"

    def __init__(self, *, positive_label: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.positive_label = positive_label


class RegressionJob(AutoMLJob):
    """A regression job."""

    task = "regression"
