"""``AutoMLJob``: a job's settings, Azure's setters, and ``submit()``.

Setters are merge-style, as in Azure's SDK (an argument left ``None`` keeps the current
value), and check what they are given at once: the dataclass of the setter checks its
values (:mod:`automl.settings`), the job's task checks what depends on it (algorithm and
meta learner names). ``submit()`` checks everything again (:meth:`AutoMLJob.validate`)
before any data is read. A setting Azure has that changes nothing here is accepted with a
warning that says so (:data:`automl.settings.INERT_SETTINGS`).
"""
from __future__ import annotations

import os
import re
import threading
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Sequence

from automl.core import TrialResult
from automl.engine import AutoMLResult, JobObserver, run_job
from automl.ensembles import STACK, VOTING
from automl.errors import ConfigError
from automl.jobs._names import outputs_root, random_job_name
from automl.jobs._default_observers import default_observers
from automl.settings import (
    DataSettings,
    FeaturizationSettings,
    InsightSettings,
    LimitSettings,
    StackEnsembleSettings,
    TrainingSettings,
    inert_warnings,
    merge,
)
from automl.tasks import TASKS, Task, get_task
from automl.tracking import without_password

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["AutoMLJob", "JobRun"]

_VERBOSITIES = ("not_set", "debug", "info", "warning", "error", "critical")
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{1,200}$")


def _warn(messages: list[str]) -> None:
    for message in messages:
        warnings.warn(message, UserWarning, stacklevel=3)


def _check_compute(compute: Any) -> Any:
    if compute is None or compute == "local":
        return "local"
    if isinstance(compute, str) and not compute.startswith("dask://"):
        raise ConfigError(f"compute={compute!r} is not supported: use 'local' (default), "
                          "'dask://host:port' or a dask.distributed.Client.")
    return compute


class AutoMLJob:
    """An AutoML job: its settings, and ``submit()`` to run it.

    Use the factories :func:`automl.classification`, :func:`automl.regression` and
    :func:`automl.forecasting` rather than this class. Setters are merge-style:
    an argument left ``None`` keeps the current value.
    """

    #: The name of the job's task in :data:`automl.tasks.TASKS`.
    task: ClassVar[str] = ""

    def __init__(self, *, primary_metric: str | None = None, name: str | None = None,
                 display_name: str | None = None, experiment_name: str | None = None,
                 description: str | None = None, tags: Mapping[str, str] | None = None,
                 properties: Mapping[str, str] | None = None, compute: str | Client | None = None,
                 log_verbosity: str = "info", seed: int = 0, tracking_uri: str | bool | None = None,
                 output_dir: str | os.PathLike | None = None) -> None:
        self.primary_metric = self._task().resolve_primary_metric(primary_metric, TASKS)
        if name is not None and not _NAME_PATTERN.match(str(name)):
            raise ConfigError(f"name {name!r} may only hold letters, digits, '_' and '-' (1-200 characters).")
        self.name = name or random_job_name()
        self.display_name = display_name or self.name
        self.experiment_name = experiment_name or "Default"
        self.description = description
        self.tags = dict(tags or {})
        self.properties = dict(properties or {})
        self.compute = _check_compute(compute)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ConfigError(f"seed must be a whole number, got {seed!r}.")
        self.seed = seed
        #: MLflow tracking URI; None: MLFLOW_TRACKING_URI or ./mlflow.db; False: no tracking.
        self.tracking_uri = tracking_uri
        #: Where the job's outputs and its state folder go; None: ``outputs/<name>`` (:func:`outputs_root`).
        self.output_dir = Path(output_dir) if output_dir is not None else None
        self._cancel_event = threading.Event()
        verbosity = str(log_verbosity).lower()
        if verbosity not in _VERBOSITIES:
            raise ConfigError(f"log_verbosity must be one of {', '.join(_VERBOSITIES)}, got {log_verbosity!r}.")
        self.log_verbosity = verbosity
        self.data = DataSettings()
        self.limits = LimitSettings()
        # Each ensemble is on by default where the task builds it (forecasting: no StackEnsemble).
        self.training = TrainingSettings(enable_vote_ensemble=VOTING in self._task().ensembles,
                                         enable_stack_ensemble=STACK in self._task().ensembles)
        self.featurization = FeaturizationSettings()
        self.insights = InsightSettings()

    @property
    def output_folder(self) -> Path:
        """The job's output folder: ``output_dir``, else ``<outputs root>/<name>``. Its ``state``
        folder lets :func:`automl.resume` and :func:`automl.extend` continue the job."""
        return (self.output_dir or outputs_root() / self.name).absolute()

    def __getstate__(self) -> dict[str, Any]:
        """Picklable settings (the job's state folder holds them): no cancel event, a Dask client
        kept as its scheduler's address, and the tracking URI without its password."""
        state = dict(self.__dict__)
        state.pop("_cancel_event", None)
        if isinstance(self.tracking_uri, str):
            state["tracking_uri"] = without_password(self.tracking_uri)
        if not isinstance(self.compute, str):
            state["compute"] = "local"
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cancel_event = threading.Event()

    @classmethod
    def _task(cls) -> Task:
        return get_task(cls.task)

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
                   memory_limit: float | str | None = None, timeout_minutes: float | None = None,
                   trial_timeout_minutes: float | None = None) -> None:
        """Set time, trial and memory limits (Azure's ``set_limits``; ``memory_limit`` is AutoGluon's:
        gigabytes, or ``"auto"``, see :class:`~automl.settings.LimitSettings`).

        A ``trial_timeout_minutes`` above ``timeout_minutes`` only warns, as in Azure: no trial
        runs past the job's own timeout. ``max_nodes`` caps the cluster workers a
        ``training_mode="distributed"`` job trains on (default: all).
        """
        changes = {k: v for k, v in locals().items() if k != "self"}
        self.limits = merge(self.limits, **changes)
        if trial_timeout_minutes is not None and trial_timeout_minutes > self.limits.timeout_minutes:
            warnings.warn(
                f"trial_timeout_minutes ({trial_timeout_minutes:g}) is above timeout_minutes "
                f"({self.limits.timeout_minutes:g}); trials stop at the job's timeout.", UserWarning,
                stacklevel=2)
        _warn(inert_warnings(changes))

    def set_training(self, *, allowed_training_algorithms: Sequence[str] | None = None,
                     blocked_training_algorithms: Sequence[str] | None = None,
                     enable_onnx_compatible_models: bool | None = None,
                     enable_model_explainability: bool | None = None,
                     enable_vote_ensemble: bool | None = None, enable_stack_ensemble: bool | None = None,
                     enable_dnn_training: bool | None = None,
                     stack_ensemble_settings: StackEnsembleSettings | Mapping | None = None,
                     ensemble_model_download_timeout: float | None = None,
                     training_mode: str | None = None, final_model: str | None = None) -> None:
        """Choose algorithms and ensembles (Azure's ``set_training``).

        ``final_model`` is automl-studio's: ``"bag"`` returns the average of the models trained on
        the cross-validation folds, ``"refit"`` one model refit on all training rows (Azure's),
        ``"auto"`` (default) bags under cross-validation and refits after a single holdout.

        As in Azure, the allowed and blocked lists are always overwritten, even with ``None``.
        Names are resolved against the task's algorithm table, ``stack_ensemble_settings``
        against its meta learners. ``training_mode="distributed"`` trains LightGBM and XGBoost data-parallel
        on the Dask cluster given to ``submit(compute=...)`` (README, "Data larger than memory"); ``"auto"``
        (default) does so when that cluster's workers could not hold the data; ``"non_distributed"`` never.
        """
        task = self._task()
        changes = {k: v for k, v in locals().items() if k not in ("self", "task")}
        notes = inert_warnings(changes)
        for kind, setting in ((VOTING, "enable_vote_ensemble"), (STACK, "enable_stack_ensemble")):
            if changes[setting] and kind not in task.ensembles:
                notes.append(f"{kind} is not built for {task.name} jobs; only {', '.join(task.ensembles)} is.")
                changes[setting] = False
        allowed = task.resolve_algorithms(allowed_training_algorithms, "allowed_training_algorithms")
        blocked = task.resolve_algorithms(blocked_training_algorithms, "blocked_training_algorithms")
        updated = merge(self.training, **{k: v for k, v in changes.items()
                                          if k not in ("allowed_training_algorithms", "blocked_training_algorithms")})
        updated.allowed_training_algorithms, updated.blocked_training_algorithms = allowed, blocked
        task.check_training(updated)
        self.training = updated
        _warn(notes)

    def set_featurization(self, *, blocked_transformers: Sequence[str] | None = None,
                          column_name_and_types: Mapping[str, str] | None = None,
                          dataset_language: str | None = None,
                          transformer_params: Mapping[str, list] | None = None, mode: str | None = None,
                          enable_dnn_featurization: bool | None = None) -> None:
        """Configure featurization (Azure's ``set_featurization``).

        Transformer names, purposes and parameters are checked here; whether the columns
        they name exist, once the data is read. Blocking one of Azure's feature-sweeping
        transformers, or setting ``dataset_language``, changes nothing and warns.
        """
        changes = {k: v for k, v in locals().items() if k != "self"}
        self.featurization = merge(self.featurization, **changes)
        _warn(inert_warnings(changes))

    def set_insights(self, *, enable_insights: bool | None = None, sensitive_features: Sequence[str] | None = None,
                     immutable_features: Sequence[str] | None = None) -> None:
        """Configure the responsible-AI insights of the best model (automl-studio's; Azure shows them in
        its Responsible AI dashboard): per-row explanations, error analysis, counterfactuals, and
        fairness across the groups of ``sensitive_features`` (raw columns, model inputs or not).
        ``immutable_features`` are never changed by a counterfactual. The columns are checked once
        the data is read, before any trial. Calling it turns the insights on unless ``enable_insights=False``.
        """
        enable_insights = True if enable_insights is None else enable_insights
        self.insights = merge(self.insights, enable_insights=enable_insights, sensitive_features=sensitive_features,
                              immutable_features=immutable_features)

    def validate(self) -> None:
        """Check every setting again, and what the task needs of the job, before any data is read.

        Raises
        ------
        ConfigError
            Naming the setting and how to fix it.
        """
        for settings in (self.data, self.limits, self.training, self.featurization, self.insights):
            settings.validate()
        self._task().check_job(self)

    def submit(self, *, compute: str | Client | None = None, show_progress: bool = True,
               wait: bool = True) -> AutoMLResult | JobRun:
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

        Raises
        ------
        ConfigError
            A setting is invalid (checked before any data is read).
        """
        started = time.monotonic()  # the time limit counts from the call
        self.validate()
        target = _check_compute(compute) if compute is not None else self.compute
        self._cancel_event = threading.Event()
        observers = default_observers(self, show_progress)
        if wait:
            return run_job(self, observers, compute=target, cancel_event=self._cancel_event, started=started)
        run = JobRun(self)
        observers.append(run)
        run.start(lambda: run_job(self, observers, compute=target, cancel_event=self._cancel_event, started=started))
        return run

    def cancel(self) -> None:
        """Stop a running ``submit()`` from another thread: running trials are stopped, finished
        ones kept, and the best model so far is returned with status ``Canceled``."""
        self._cancel_event.set()

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(name={self.name!r}, primary_metric={self.primary_metric!r}, "
                f"target_column_name={self.data.target_column_name!r})")


class JobRun(JobObserver):
    """A job running in a background thread (``job.submit(wait=False)``).

    ``finished_trials`` fills up as trials end.
    """

    def __init__(self, job: AutoMLJob) -> None:
        self.job = job
        self.finished_trials: list[TrialResult] = []
        self._result: AutoMLResult | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, target: Callable[[], AutoMLResult]) -> None:
        """Run ``target`` in a background thread."""
        self._thread = threading.Thread(target=self._run, args=(target,), name=f"automl-{self.job.name}",
                                        daemon=True)
        self._thread.start()

    def trial_finished(self, result: TrialResult) -> None:  # the observer hook it needs
        self.finished_trials.append(result)

    def _run(self, target: Callable[[], AutoMLResult]) -> None:
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

    def result(self, timeout: float | None = None) -> AutoMLResult:
        """Wait for the job and return its :class:`~automl.engine.AutoMLResult`."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"job {self.job.name} is still running after {timeout} s")
        if self._error is not None:
            raise self._error
        return self._result
