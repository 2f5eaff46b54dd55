"""What a task declares: the one place where classification, regression and forecasting differ.

A task is an object of a :class:`Task` subclass, declared once (:data:`automl.tasks.TASKS`).
The job engine (:mod:`automl.engine`) runs every job with one skeleton and asks the task
for everything that depends on it: the metric table, the algorithm table, the setup step,
how one trial is evaluated, the ensembles, the refit, the test scoring and the explanation.
Nothing outside :mod:`automl.tasks` compares against a task name.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Protocol, Sequence

import numpy as np
import pandas as pd

from automl.core import TrialData, TrialResult, TrialSpec, name_key
from automl.ensembles import STACK, VOTING, FinalModelTime
from automl.errors import ConfigError, did_you_mean
from automl.metrics import Metric, find_metric, primary_metric_names, sort_key
from automl.settings import TrainingSettings

if TYPE_CHECKING:
    from distributed import Client
    from guardrails import GuardrailResult

    from automl.algorithms import Algorithm, AlgorithmRegistry
    from automl.explain import Explanation
    from automl.jobs import AutoMLJob

__all__ = ["MIN_BASE_TRIALS", "PreparedData", "REFIT_MARGIN", "Task", "ValidationScheme"]

#: Ensembles need at least this many trials besides themselves (Azure: ``2 + #ensembles``).
MIN_BASE_TRIALS = 2
#: A final refit costs about this many times one fold of its trial, beyond the extra data it fits
#: (a tabular refit's rows, a forecasting refit's longer histories): each task's ``final_fit_seconds``.
REFIT_MARGIN = 1.1


class ValidationScheme(Protocol):
    """How a job's trials are validated, as the engine, the observers and the result see it."""

    method: str
    auto: bool

    @property
    def n_folds(self) -> int:
        """The number of validation folds (rolling origins for forecasting)."""

    def describe(self) -> str:
        """One sentence for people: what was chosen and why."""

    def to_dict(self) -> dict[str, Any]:
        """A plain description for guardrails, MLflow and reports."""


class PreparedData(Protocol):
    """What a task's setup step hands the engine, the observers and the result.

    ``X`` holds the raw rows the model takes (the training rows; for forecasting the series
    rows on their grid) and ``y`` the target a trial's ``valid_rows`` index.
    """

    X: pd.DataFrame
    y: np.ndarray
    validation: ValidationScheme
    guardrails: list[GuardrailResult]
    featurization_summary: list[dict[str, Any]]
    classes: np.ndarray | None
    positive_label: Any
    dropped_target_rows: int

    @property
    def n_train_rows(self) -> int:
        """Rows the final model is refit on."""

    @property
    def data_shape(self) -> tuple[int, int]:
        """Rows and columns of the training data, as the report shows them."""

    @property
    def engineered_feature_names(self) -> list[str]:
        """Names of the featurization's outputs (empty when the models see no shared featurization)."""

    @property
    def datatransformer(self) -> Any:
        """The featurization fitted on all training rows, or None."""

    def check_rows(self) -> pd.DataFrame | None:
        """A fixed sample of raw validation rows that exports are checked on."""

    def trial_data(self) -> TrialData:
        """What a trial reads, shipped once to the trial processes."""


class Task(ABC):
    """One kind of AutoML job, declared once.

    Class attributes declare the tables a job of the task reads; methods are the steps
    of a job that depend on the task. The engine calls them in this order: ``prepare``,
    ``select_algorithms`` and ``evaluate_trial`` (in the trial processes) during the
    search, ``build_ensembles``, ``refit`` (ordered by ``final_fit_seconds``), ``score_test``,
    ``explain`` and ``result_extras``.

    Attributes
    ----------
    name : str
        Azure's task name (``job.task``, the YAML's ``task:``).
    metrics : mapping of str to Metric
        The metrics every trial is scored with; the primary metric is one of them.
    default_primary_metric : str
        Azure SDK v2's default ``primary_metric``.
    yaml_primary_metric : str
        The default of Azure's job YAML, where it differs from the SDK's.
    algorithms : AlgorithmRegistry
        The algorithms a job of the task may train.
    ensembles : tuple of str
        The ensemble trials the task builds, in order (``VotingEnsemble``, ``StackEnsemble``).
    uses_portfolio : bool
        Whether the search starts with the learned configurations of ``portfolio.json``.
    exports_onnx : bool
        Whether the best model converts to ONNX (and ``enable_onnx_compatible_models`` applies).
    predicts_classes : bool
        Whether the target holds classes, which models predict with probabilities.
    max_post_search_share : float
        The largest share of the budget the search keeps for what follows it (the refit of the
        best model, its logging, the explanations), however much the trials say that will take.
    """

    name: ClassVar[str]
    metrics: ClassVar[Mapping[str, Metric]]
    default_primary_metric: ClassVar[str]
    yaml_primary_metric: ClassVar[str]
    algorithms: ClassVar[AlgorithmRegistry]
    ensembles: ClassVar[tuple[str, ...]] = (VOTING,)
    uses_portfolio: ClassVar[bool] = False
    exports_onnx: ClassVar[bool] = False
    predicts_classes: ClassVar[bool] = False
    max_post_search_share: ClassVar[float] = 0.25
    #: Whether the rows of :meth:`insight_rows` are the model's raw inputs, so that per-row explanations and
    #: counterfactuals apply (forecasting's are series windows: error analysis only).
    model_insights: ClassVar[bool] = True
    #: Whether the trials train across a Dask cluster's workers from a trial process here
    #: (``training_mode="distributed"``), so that the engine runs them locally, one at a time.
    trains_on_cluster: ClassVar[bool] = False
    #: Whether :meth:`explain` can read the validation rows here; if not, ``no_explanation`` says why.
    explains_rows: ClassVar[bool] = True
    no_explanation: ClassVar[str] = ""

    def __repr__(self) -> str:
        return f"<task {self.name}>"

    # -- settings: checked before any data is read ------------------------------------------------
    def metric(self, name: str) -> Metric:
        """The metric ``name`` (any spelling) of this task."""
        return find_metric(name, self.metrics, what=f"{self.name} metric", setting="metric")

    def sort_key(self, primary_metric: str) -> Callable[[float], float]:
        """Key for ``sorted`` that puts the best score of ``primary_metric`` first and NaN last."""
        return sort_key(self.metric(primary_metric))

    def rank(self, trials: list[TrialResult], primary_metric: str) -> list[TrialResult]:
        """The trials that succeeded, best first."""
        key = self.sort_key(primary_metric)
        return sorted((t for t in trials if t.succeeded), key=lambda t: key(t.score))

    def choose_final(self, ranked: list[TrialResult], prepared: PreparedData,
                     primary_metric: str) -> tuple[list[TrialResult], str]:
        """``ranked`` (:meth:`rank`) in the order the final model is taken from, and why its first trial
        is not the best validation score, in one sentence ("" when it is: the default)."""
        return ranked, ""

    def resolve_primary_metric(self, name: str | None, other_tasks: Mapping[str, Task] | None = None) -> str:
        """The canonical name of ``primary_metric`` (None: Azure's default for this task).

        Raises
        ------
        ConfigError
            An unknown name, or a metric Azure does not accept as primary; the message says
            whether it is a metric of ``other_tasks``, suggests close names and lists the valid ones.
        """
        if name is None:
            return self.default_primary_metric
        allowed = primary_metric_names(self.metrics)
        valid = f"Valid primary metrics for {self.name}: {', '.join(allowed)}."
        if not isinstance(name, str):
            raise ConfigError(f"primary_metric: expected a metric name, got {name!r}. {valid}")
        for candidate in allowed:
            if name_key(candidate) == name_key(name):
                return candidate
        raise ConfigError(f"primary_metric: {self._why_not_primary(name, other_tasks or {})}"
                          f"{did_you_mean(name, allowed)} {valid}")

    def _why_not_primary(self, name: str, other_tasks: Mapping[str, Task]) -> str:
        """Whether ``name`` is a non-primary metric of this task, another task's, or unknown."""
        if any(name_key(m) == name_key(name) for m in self.metrics):
            return f"{name!r} is a {self.name} metric but Azure does not accept it as primary_metric."
        for other in other_tasks.values():
            if other.metrics is not self.metrics and any(name_key(m) == name_key(name) for m in other.metrics):
                return f"{name!r} is a {other.name} metric, not a {self.name} one."
        return f"unknown metric {name!r}."

    def resolve_algorithms(self, names: str | Sequence[str] | None, setting: str) -> list[str] | None:
        """Canonical names of ``allowed_training_algorithms`` / ``blocked_training_algorithms``."""
        if names is None:
            return None
        if isinstance(names, str):
            names = [names]
        return [self.algorithms.resolve(n, setting) for n in names]

    def check_training(self, training: TrainingSettings) -> None:
        """Raise :class:`~automl.errors.ConfigError` for training settings this task refuses.

        Every task checks that the allowed and blocked algorithms leave one to train.
        """
        self.algorithms.select(training.allowed_training_algorithms, training.blocked_training_algorithms,
                               onnx_only=training.enable_onnx_compatible_models)
        if training.distributed:
            self.check_distributed(training)

    def check_distributed(self, training: TrainingSettings) -> None:
        """Raise :class:`~automl.errors.ConfigError` when this task cannot train with ``training``'s settings
        under ``training_mode="distributed"`` (by default: it never can)."""
        raise self._not_distributed()

    def _not_distributed(self) -> ConfigError:
        return ConfigError(f"training_mode='distributed' is not available for {self.name} jobs; use "
                           "training_mode='non_distributed', and compute='dask://host:port' to spread the trials "
                           "over a cluster.")

    def on_cluster(self, client: Client, why: str) -> Task:
        """This task for one job trained data-parallel on ``client``'s cluster (``why``: what chose that,
        for the memory guardrail).

        Raises
        ------
        ConfigError
            The task does not train distributed (the default).
        """
        raise self._not_distributed()

    def release(self) -> None:
        """Free what this task's setup keeps outside this process for the job (nothing, by default; a
        distributed job's featurized partitions on the cluster). The engine calls it when the job ends."""

    def rows_not_held(self, prepared: PreparedData) -> str:
        """A digest of the training rows ``prepared.X`` does not hold, for the data fingerprint a continued
        job checks (empty by default: ``X`` holds every row; a distributed job's ``X`` is a sample, and its
        digest is of every row's aggregates)."""
        return ""

    def check_job(self, job: AutoMLJob) -> None:
        """Raise :class:`~automl.errors.ConfigError` for anything of ``job`` this task refuses
        (called by ``submit()`` before any data is read)."""
        job.data.require_data()
        self.check_training(job.training)

    def planned_ensembles(self, training: TrainingSettings, max_trials: int) -> list[str]:
        """The ensemble trials a job will run, in order, by Azure's rules.

        Those of :attr:`ensembles` the training settings enable (``StackEnsemble`` never in
        ONNX mode), none when ``max_trials < 2 + <number of ensembles>`` or in
        ``training_mode="distributed"`` (the trials' held-out predictions stay on the cluster; a
        job that ``"auto"`` sends there plans none either). As in Azure, the ensembles are part
        of ``max_trials``.

        Examples
        --------
        >>> from automl.settings import TrainingSettings
        >>> from automl.tasks import get_task
        >>> get_task("classification").planned_ensembles(TrainingSettings(), max_trials=10)
        ['VotingEnsemble', 'StackEnsemble']
        >>> get_task("regression").planned_ensembles(TrainingSettings(enable_onnx_compatible_models=True), 3)
        ['VotingEnsemble']
        >>> get_task("classification").planned_ensembles(TrainingSettings(), max_trials=3)
        []
        >>> get_task("classification").planned_ensembles(TrainingSettings(training_mode="distributed"), 10)
        []
        >>> get_task("forecasting").planned_ensembles(TrainingSettings(), max_trials=10)
        ['VotingEnsemble']
        """
        enabled = {VOTING: training.enable_vote_ensemble,
                   STACK: training.enable_stack_ensemble and not training.enable_onnx_compatible_models}
        kinds = [kind for kind in self.ensembles if enabled[kind]]
        return kinds if max_trials >= MIN_BASE_TRIALS + len(kinds) and not training.distributed else []

    # -- the job -------------------------------------------------------------------------------------
    @abstractmethod
    def prepare(self, job: AutoMLJob) -> PreparedData:
        """The setup step: load and check the data, split it, featurize, run the guardrails."""

    @abstractmethod
    def select_algorithms(self, training: TrainingSettings, prepared: PreparedData) -> list[Algorithm]:
        """The algorithms the search may try on this data, most promising first."""

    @abstractmethod
    def evaluate_trial(self, spec: TrialSpec, data: TrialData, primary_metric: str, n_jobs: int = 1) -> TrialResult:
        """Fit and score one trial on every validation fold (in a trial process); never raises."""

    @abstractmethod
    def trial_memory_bytes(self, spec: TrialSpec, data: TrialData) -> int:
        """Bytes a trial of ``spec`` should hold beyond its process's libraries (the data it reads, the
        learner's working copy, the fitted model): what the job's ``memory_limit`` admits it by."""

    @abstractmethod
    def build_ensembles(self, kinds: list[str], trials: list[TrialResult], prepared: PreparedData,
                        job: AutoMLJob, start_iteration: int, name_of: Callable[[int], str], *,
                        max_seconds: float = float("inf"),
                        final_time: FinalModelTime | None = None) -> list[TrialResult]:
        """The ensemble trials ``kinds`` of ``trials``, from their validation predictions, built within
        about ``max_seconds``. An ensemble leaves out members until its final model fits ``final_time``
        (``automl.ensembles.within_final_time``)."""

    @abstractmethod
    def final_fit_seconds(self, members: list[TrialResult], prepared: PreparedData) -> float:
        """Seconds the final model of ``members`` (one trial, or an ensemble's members) should take to
        train on all training data."""

    def final_model_bytes(self, members: list[TrialResult], prepared: PreparedData) -> int:
        """Bytes of the final model of ``members``, from their trials' measured model sizes."""
        return sum(m.model_bytes for m in members)

    def lighter_final_model(self, prepared: PreparedData) -> tuple[PreparedData, str] | None:
        """``prepared`` set to train a quicker final model, and what that is in a few words; None when
        there is no quicker way (the engine takes it when the planned final model would not fit)."""
        return None

    @abstractmethod
    def refit(self, trial: TrialResult, prepared: PreparedData, *, deadline: float | None = None,
              notes: list[str] | None = None) -> Any:
        """The model of ``trial`` (an ensemble's members too) fitted on all training data.

        A task whose final model can go without some of its fits (a vote's member, a bag's fold) leaves out
        those not returned by ``deadline`` (a ``time.monotonic()``; None: no deadline) and says so in
        ``notes``; without them it raises :class:`~automl.core.PastDeadline`. The engine stops waiting for
        the whole refit a little later (:func:`~automl.engine._final_model.refit_best`), whatever the task.
        """

    @abstractmethod
    def score_test(self, model: Any, prepared: PreparedData) -> dict[str, float] | None:
        """Every metric of ``model`` on the test data, or None without test data."""

    @abstractmethod
    def explain(self, model: Any, prepared: PreparedData, primary_metric: str, *, seed: int,
                max_seconds: float) -> Explanation | None:
        """Explanations of the best model within ``max_seconds``, or None when there is nothing to explain."""

    def insight_rows(self, prepared: PreparedData, best: TrialResult, model: Any
                     ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, str] | str:
        """Rows the responsible-AI insights are computed on: raw rows, their target, the model's prediction
        (class probabilities or values) and where they come from; or why the insights do not apply."""
        return f"the responsible-AI insights are not computed for {self.name} jobs"

    def explain_insight_rows(self, model: Any, prepared: PreparedData, n_rows: int, n_background: int,
                             seed: int) -> Any:
        """A task whose insight rows are not the model's inputs (:attr:`model_insights` False): per-row
        explanations of its own kind (a ``RowExplanation``), or why there are none."""
        return f"per-row explanations are not computed for {self.name} jobs"

    def result_extras(self, prepared: PreparedData, best: TrialResult | None, model: Any) -> dict[str, Any]:
        """Fields of the result only this task fills (forecasting: the back-test forecasts)."""
        return {}

