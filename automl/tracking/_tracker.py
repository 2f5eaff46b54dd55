"""The job observer that records a job in MLflow: one parent run, one child run per trial.

Every call to MLflow runs on a background thread (:class:`LoggingWorker`), so
opening the store (a new SQLite store takes seconds to create) overlaps the
first trials, and a trial costs the job only the time to queue its record.
At the end of the job the observer waits for the queue until the job's time limit (given by
``finish_by``; at most ``flush_timeout`` seconds). What is not logged by then goes on in the
background: the result lists it in ``tracking_pending`` and says so in ``budget_notes``, and
the process waits for it (at most ``flush_timeout`` seconds) before it exits. The last queued
call writes to the result what was logged and what was not.
"""
from __future__ import annotations

import contextlib
import logging
import tempfile
import threading
import time
from typing import TYPE_CHECKING, Callable

from automl.core import TrialResult
from automl.tracking import _records as rec
from automl.tracking._job_runs import PARENT_FILTER, checked_name
from automl.tracking._artifacts import REPORT, write_parent_artifacts
from automl.tracking._models import log_onnx_model, log_sklearn_model, warm_requirement_checks
from automl.tracking._store import get_or_create_experiment, make_client, redact, resolve_tracking_uri
from automl.tracking._worker import LoggingWorker

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from automl.engine import AutoMLResult
    from automl.jobs import AutoMLJob
    from automl.tasks import PreparedData

logger = logging.getLogger("automl")

#: The parent run's tags: the job's output folder (its ``state`` folder resumes it), and its sessions.
OUTPUT_FOLDER_TAG, SESSIONS_TAG = "automl.output_folder", "automl.sessions"
#: Seconds the queued logging may take at most, at the end of a job or at the exit of the process.
DEFAULT_FLUSH_TIMEOUT = 300.0


def _warm_charts() -> None:
    """matplotlib imported and its fonts cached on the logging thread while the trials train, so the
    report's charts at the end of the job do not wait for them. It touches no tracking store, so it
    runs when the store is unreachable too, and a failure here is the report's to tell."""
    from automl.report import warm_charts  # the report package stays out of jobs that never track

    with contextlib.suppress(Exception):
        warm_charts()


class MlflowTracker:
    """Logs a job to MLflow (a :class:`~automl.engine.JobObserver`).

    Parameters
    ----------
    tracking_uri : str, optional
        Where to log; default: the job's ``tracking_uri`` attribute, else
        ``MLFLOW_TRACKING_URI``, else ``sqlite:///mlflow.db`` in the working directory.
    log_model : bool, default=True
        Log the best model (sklearn + pyfunc flavours) when the job ends, and in
        ONNX mode its ONNX graph, checked against the Python model.
    flush_timeout : float
        Seconds logging still queued at the end of the job may take at most; past the job's
        time limit it goes on in the background (``result.tracking_pending``).
    client_factory : callable, optional
        ``client_factory(uri)`` returns the ``MlflowClient`` to use (tests).

    Attributes
    ----------
    run_id : str or None
        The parent run, once created.
    child_run_ids : dict of str to str
        Child run id of each trial name.
    """

    def __init__(self, tracking_uri: str | None = None, *, log_model: bool = True,
                 flush_timeout: float = DEFAULT_FLUSH_TIMEOUT,
                 client_factory: Callable[[str], MlflowClient] | None = None) -> None:
        self.tracking_uri = tracking_uri
        self.log_model = log_model
        self.flush_timeout = flush_timeout
        self.client_factory = client_factory or make_client
        self.run_id: str | None = None
        self.child_run_ids: dict[str, str] = {}
        self._uri: str | None = None
        self._client: MlflowClient | None = None
        self._experiment_id: str | None = None
        self._prepared: PreparedData | None = None
        self._worker: LoggingWorker | None = None
        self._model_uris: dict[str, str] = {}
        self._onnx_check: dict | None = None
        self._models_queued = False
        self._deadline: float | None = None
        self._record_lock = threading.Lock()
        self._recorded = False
        self._continuing = False

    # -- observer hooks: queue only, never block -------------------------------------------
    def session_started(self, job: AutoMLJob, kind: str) -> None:
        """Before ``job_started``: a resumed or extended job reopens its parent run (``kind`` is
        "resume" or "extend"; "submit" creates a new one)."""
        self._continuing = kind != "submit"

    def job_started(self, job: AutoMLJob, prepared: PreparedData) -> None:
        """Queue the creation of the parent run."""
        self._prepared = prepared
        self._models_queued = False
        self._early_sections: dict | None = None
        self._uri = resolve_tracking_uri(self.tracking_uri or job.tracking_uri or None)
        self._worker = LoggingWorker()
        self._worker.submit(f"parent run of job {job.name}", lambda: self._start_parent(job, prepared))
        if self.log_model:
            self._worker.submit("package index for the model's requirements", warm_requirement_checks)
        self._worker.submit("matplotlib for the report's charts", _warm_charts, always=True)

    def trial_finished(self, result: TrialResult) -> None:
        """Queue the child run of a trial."""
        if self._worker is not None:
            self._worker.submit(f"child run {result.name}", lambda: self._log_trial(result))

    def model_ready(self, job: AutoMLJob, result: AutoMLResult) -> None:
        """Queue the logging of the best model, which overlaps the explanations."""
        if self._worker is None or self._models_queued:
            return
        self._models_queued = True
        if self.log_model and result.best_model is not None:
            self._worker.submit(f"best model of job {job.name}", lambda: self._log_best_model(result))
            if job.training.enable_onnx_compatible_models:
                self._worker.submit(f"ONNX model of job {job.name}", lambda: self._log_onnx(result))
        self._worker.submit(f"charts of the report of job {job.name}", lambda: self._draw_early_sections(result))

    def finish_by(self, deadline: float) -> None:
        """The job's time limit (``time.monotonic()``): ``job_finished`` waits for logging until then."""
        self._deadline = deadline

    def _wait_seconds(self) -> float:
        if self._deadline is None:
            return self.flush_timeout
        return min(self.flush_timeout, max(0.0, self._deadline - time.monotonic()))

    def job_finished(self, job: AutoMLJob, result: AutoMLResult) -> None:
        """Queue the end of the job and wait for the queue until the job's limit; what is left goes
        on in the background, and the last call records the outcome on ``result``."""
        if self._worker is None:
            return
        self._recorded = False
        self.model_ready(job, result)  # a runner without the hook: the model is queued now
        self._worker.submit(f"artifacts of job {job.name}", lambda: self._log_parent_artifacts(result))
        self._worker.submit(f"report of job {job.name}", lambda: self._log_report(result))
        self._worker.submit(f"end of parent run of job {job.name}", lambda: self._end_parent(result))
        self._worker.submit(f"record of job {job.name}", lambda: self._record(result), always=True)
        waited = self._wait_seconds()
        if not self._worker.drain(waited):
            with self._record_lock:
                if not self._recorded:
                    result.tracking_pending = self._worker.pending()
                    result.budget_notes.append(
                        f"MLflow logging goes on in the background after {waited:.1f} s (the job's time limit): "
                        + "; ".join(result.tracking_pending))
        self._worker.close(self.flush_timeout)

    # -- work done on the logging thread ----------------------------------------------------
    def _start_parent(self, job: AutoMLJob, prepared: PreparedData) -> None:
        self._client = self.client_factory(self._uri)
        self._experiment_id = get_or_create_experiment(self._client, job.experiment_name, self._uri)
        if self._continuing and self._reopen_parent(job):
            return
        tags = {**rec.job_tags(job), OUTPUT_FOLDER_TAG: str(getattr(job, "output_folder", "")), SESSIONS_TAG: "1"}
        run = self._client.create_run(self._experiment_id, run_name=job.name, tags=tags)
        self.run_id = run.info.run_id
        _, params, _ = rec.batch(rec.job_params(job, prepared), {}, {}, rec.millis())
        self._client.log_batch(self.run_id, params=params)

    def _reopen_parent(self, job: AutoMLJob) -> bool:
        """Reopen the parent run of the job's earlier sessions (the latest with its name and output
        folder), and learn its child runs; False when there is none in this store."""
        runs = self._client.search_runs(
            [self._experiment_id], f"{PARENT_FILTER} and attributes.run_name = '{checked_name(job.name, 'job')}'",
            max_results=20, order_by=["attributes.start_time DESC"])
        runs = [r for r in runs if r.data.tags.get(OUTPUT_FOLDER_TAG) == str(getattr(job, "output_folder", ""))]
        if not runs:
            return False
        parent = runs[0]
        self.run_id = parent.info.run_id
        sessions = int(parent.data.tags.get(SESSIONS_TAG, "1")) + 1
        self._client.update_run(self.run_id, status="RUNNING")
        self._client.set_tag(self.run_id, SESSIONS_TAG, str(sessions))
        children = self._client.search_runs([self._experiment_id], f"tags.`{rec.PARENT_TAG}` = '{self.run_id}'",
                                            max_results=5000)
        self.child_run_ids.update({c.data.tags.get(rec.RUN_NAME_TAG): c.info.run_id for c in children})
        return True

    def _log_trial(self, trial: TrialResult) -> None:
        if self.run_id is None:
            raise RuntimeError("the parent run was not created")
        tags = rec.trial_tags(trial, self.run_id)
        start = trial.started_at or None
        run = self._client.create_run(self._experiment_id, run_name=trial.name, tags=tags,
                                      start_time=rec.millis(start) if start else None)
        end = rec.millis((trial.started_at + trial.duration_seconds) if start else None)
        metrics, params, _ = rec.batch(rec.trial_params(trial), rec.trial_metrics(trial), {}, end)
        self._client.log_batch(run.info.run_id, metrics=metrics, params=params)
        self._client.set_terminated(run.info.run_id, status=rec.RUN_STATUS.get(trial.status, "FINISHED"),
                                    end_time=end)
        self.child_run_ids[trial.name] = run.info.run_id

    def _log_parent_artifacts(self, result: AutoMLResult) -> None:
        if self.run_id is None:
            raise RuntimeError("the parent run was not created")
        with tempfile.TemporaryDirectory(prefix="automl-artifacts-") as folder:
            write_parent_artifacts(folder, result)
            self._client.log_artifacts(self.run_id, folder)

    def _draw_early_sections(self, result: AutoMLResult) -> None:
        """The report's sections that need nothing computed after the refit (their charts), drawn while
        the explanations run; the report takes them as they are."""
        from automl.report import build_early_sections

        if self.run_id is None:
            raise RuntimeError("the parent run was not created")
        self._early_sections = build_early_sections(result)

    def _log_report(self, result: AutoMLResult) -> None:
        """The studio-style report as the parent run's ``report.html``."""
        from automl.report import save_report

        if self.run_id is None:
            raise RuntimeError("the parent run was not created")
        with tempfile.TemporaryDirectory(prefix="automl-report-") as folder:
            path = save_report(result, f"{folder}/{REPORT}", early=self._early_sections)
            self._client.log_artifact(self.run_id, str(path))

    def _model_run(self, result: AutoMLResult) -> str:
        """The run the best model belongs to: the best trial's child run, else the parent."""
        best = result.best_trial
        run_id = self.child_run_ids.get(best.name) if best is not None else None
        if run_id is None and self.run_id is None:
            raise RuntimeError("the parent run was not created")
        return run_id or self.run_id

    def _log_best_model(self, result: AutoMLResult) -> None:
        rows = self._prepared.X if self._prepared is not None else result.check_rows
        uri = log_sklearn_model(result.best_model, self._model_run(result), self._uri, rows)
        self._model_uris["mlflow"] = uri

    def _log_onnx(self, result: AutoMLResult) -> None:
        from automl.export import convert_result  # skl2onnx loads only in ONNX mode

        exported = convert_result(result)
        self._onnx_check = exported.check.to_dict()
        run_id = self._model_run(result)
        metrics, _, _ = rec.batch({}, exported.check.metrics(), {}, rec.millis())
        self._client.log_batch(self.run_id, metrics=metrics)
        if not exported.check.passed:
            raise RuntimeError(f"the ONNX graph does not match the Python model: {exported.check}")
        self._model_uris["onnx"] = log_onnx_model(exported.model, run_id, self._uri,
                                                  {"automl.inputs": exported.input_kinds})

    def _end_parent(self, result: AutoMLResult) -> None:
        if self.run_id is None:
            raise RuntimeError("the parent run was not created")
        tags = {"status": result.status, "stop_reason": rec.text(result.stop_reason)}
        if result.final_model:
            tags["final_model"] = rec.text(result.final_model)
        if result.selection:
            tags["model_choice"] = rec.text(result.selection)
        best = result.best_trial
        if best is not None and best.name in self.child_run_ids:
            tags[rec.BEST_CHILD_TAG] = self.child_run_ids[best.name]
            tags["best_trial"] = best.name
        metrics = rec.trial_metrics(best) if best is not None else {}
        for name, value in (result.test_metrics or {}).items():
            metrics[f"test_{rec.key(name)}"] = float(value)
        m, _, t = rec.batch({}, metrics, tags, rec.millis())
        self._client.log_batch(self.run_id, metrics=m, tags=t)
        status = "FINISHED" if result.status == "Completed" else "FAILED"
        self._client.set_terminated(self.run_id, status=status)

    # -- results ----------------------------------------------------------------------------
    def _record(self, result: AutoMLResult) -> None:
        """What was logged where, and what was not: the result's tracking fields (the last call)."""
        with self._record_lock:
            result.mlflow_run_id = self.run_id
            result.tracking_uri = redact(self._uri) if self._uri else None
            if result.tracking_uri != self._uri:  # kept in memory only, for register_model
                result._tracking_store = self._uri
            result.tracking_errors = list(result.tracking_errors) + list(self._worker.errors)
            result.logged_models = {**result.logged_models, **self._model_uris}
            if self._onnx_check is not None:
                result.onnx_check = self._onnx_check
            result.tracking_pending = []
            self._recorded = True
