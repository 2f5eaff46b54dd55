"""Classification and regression: one table, one row per example, a model per row.

:class:`TabularTask` holds what both share (the setup of :mod:`._prepare`, trials on
featurized folds, VotingEnsemble and StackEnsemble, a refit behind the fitted
featurization, permutation importance); :class:`ClassificationTask` and
:class:`RegressionTask` declare where they differ: the metric and algorithm tables, how
the target is checked and split, and how a model predicts (class probabilities or values).
"""
from __future__ import annotations

import dataclasses
from abc import abstractmethod
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from automl import metrics
from automl.algorithms import CLASSIFICATION, REGRESSION, Algorithm
from automl.core import TrialData, TrialResult, TrialSpec
from automl.data import labels_like_training
from automl.ensembles import (
    CLASSIFICATION_META_LEARNERS,
    REGRESSION_META_LEARNERS,
    STACK,
    VOTING,
    FinalModelTime,
    make_meta_learner,
    resolve_meta_learner,
)
from automl.errors import DataError
from automl.explain import Explanation
from automl.metrics import CLASSIFICATION_METRICS, REGRESSION_METRICS
from automl.settings import TrainingSettings
from automl.tasks._task import Task
from automl.tasks.tabular import _balancing
from automl.tasks.tabular._ensemble_trials import build_ensemble_trials
from automl.tasks.tabular._explain import explain_job
from automl.tasks.tabular._prepare import TabularData, prepare
from automl.tasks.tabular._bagging import BAG, REFIT, final_model_kind
from automl.tasks.tabular._distributed_data import DistributedTrialData
from automl.tasks.tabular._distributed_task import DistributedTraining, check_distributed_algorithms
from automl.tasks.tabular._distributed_trial import evaluate_distributed_trial
from automl.tasks.tabular._refit import final_fit_seconds, refit_threads, refit_trial, refit_workers
from automl.tasks.tabular._trial import align_classes, evaluate_trial, trial_memory_bytes

if TYPE_CHECKING:
    from distributed import Client

    from automl.jobs import AutoMLJob, ClassificationJob

__all__ = ["CLASSIFICATION_TASK", "ClassificationTask", "DistributedClassificationTask", "DistributedRegressionTask",
           "REGRESSION_TASK", "RegressionTask", "TabularTask"]


class TabularTask(Task):
    """What classification and regression share."""

    ensembles = (VOTING, STACK)
    uses_portfolio = True
    exports_onnx = True
    #: The StackEnsemble meta learners this task accepts, and Azure's default (``*CV`` under CV).
    meta_learners: ClassVar[Mapping[str, Callable[[], Any]]]
    default_meta_learner: ClassVar[str]

    # -- settings ------------------------------------------------------------------------------------
    def meta_learner(self, name: str | None, cross_validated: bool) -> str:
        """The canonical ``stack_meta_learner_type`` (None: Azure's default for this task)."""
        return resolve_meta_learner(name, self.meta_learners, self.default_meta_learner, cross_validated,
                                    what=self.name)

    def check_training(self, training: TrainingSettings) -> None:
        """The algorithms leave one to train; the meta learner is one of this task's, and its
        ``stack_meta_learner_kwargs`` are parameters of it (of both the plain and the ``*CV`` default,
        when no type is named: which one runs depends on the validation scheme)."""
        super().check_training(training)
        settings = training.stack_ensemble_settings
        names = {self.meta_learner(settings.stack_meta_learner_type, cross_validated) for cross_validated in (False, True)}
        for name in sorted(names):
            make_meta_learner(name, settings.stack_meta_learner_kwargs)

    def check_distributed(self, training: TrainingSettings) -> None:
        """Under ``training_mode="distributed"`` only the algorithms that train on a Dask cluster are allowed."""
        check_distributed_algorithms(training, self.algorithms)

    # -- what classification and regression do differently ----------------------------------------
    @abstractmethod
    def check_target(self, frame: pd.DataFrame, target: str, source: str) -> pd.DataFrame:
        """``frame`` with a target this task can learn; a :class:`~automl.errors.DataError` otherwise."""

    @abstractmethod
    def conform_target(self, frame: pd.DataFrame, train: pd.DataFrame, target: str, role: str) -> pd.DataFrame:
        """``frame`` (validation or test data) with its target in the training target's form."""

    @abstractmethod
    def strata(self, y: np.ndarray) -> np.ndarray | None:
        """What splits keep the shares of (the classes), or None when splits are not stratified."""

    @abstractmethod
    def describe_target(self, prepared: TabularData, y_train: np.ndarray, positive_label: Any) -> None:
        """Record on ``prepared`` what scoring needs of the training target (classes, or its range)."""

    @abstractmethod
    def predict_folds(self, model: Any, X: Any, classes: np.ndarray | None) -> np.ndarray:
        """What a trial's model predicts for scoring: class probabilities in ``classes`` order, or values."""

    def balance_classes(self, prepared: TabularData, primary_metric: str, seed: int) -> None:
        """Apply class weights to the training rows when they help (classification only)."""

    # -- the job -------------------------------------------------------------------------------------
    def prepare(self, job: AutoMLJob) -> TabularData:
        """:func:`~automl.tasks.tabular._prepare.prepare` with the job's settings, and how its final
        model will be trained (:func:`~automl.tasks.tabular._bagging.final_model_kind`)."""
        prepared = prepare(job.data, job.featurization, task=self, positive_label=self.positive_label(job),
                           onnx_compatible=job.training.enable_onnx_compatible_models, seed=job.seed,
                           primary_metric=job.primary_metric, memory_limit=job.limits.memory_limit_bytes)
        prepared.final_model, prepared.final_model_reason = final_model_kind(job.training, prepared)
        return prepared

    def positive_label(self, job: AutoMLJob) -> Any:
        """The job's positive class (classification only)."""
        return None

    def select_algorithms(self, training: TrainingSettings, prepared: TabularData) -> list[Algorithm]:
        """The allowed algorithms, minus those too slow for the rows or unable to take the weights."""
        return self.algorithms.select(
            training.allowed_training_algorithms, training.blocked_training_algorithms,
            onnx_only=training.enable_onnx_compatible_models, n_rows=prepared.n_train_rows,
            sample_weight=prepared.sample_weight is not None)

    def evaluate_trial(self, spec: TrialSpec, data: TrialData, primary_metric: str, n_jobs: int = 1) -> TrialResult:
        """:func:`~automl.tasks.tabular._trial.evaluate_trial`: every fold, out-of-fold predictions kept; or, for
        the data of a distributed job, :func:`~automl.tasks.tabular._distributed_trial.evaluate_distributed_trial`."""
        if isinstance(data, DistributedTrialData):  # the trial process knows the task by its name only
            return evaluate_distributed_trial(spec, data, primary_metric)
        return evaluate_trial(self, spec, data, primary_metric, n_jobs)

    def trial_memory_bytes(self, spec: TrialSpec, data: TrialData) -> int:
        """:func:`~automl.tasks.tabular._trial.trial_memory_bytes`: the largest fold, its copy, the model."""
        return trial_memory_bytes(spec, data)

    def build_ensembles(self, kinds: list[str], trials: list[TrialResult], prepared: TabularData,
                        job: AutoMLJob, start_iteration: int, name_of: Callable[[int], str], *,
                        max_seconds: float = float("inf"),
                        final_time: FinalModelTime | None = None) -> list[TrialResult]:
        """VotingEnsemble and StackEnsemble from the trials' validation predictions, of members whose final
        models fit ``final_time``, selected among the best trials it can score within ``max_seconds``; the
        StackEnsemble is skipped when its meta learner would run past ``max_seconds`` (letter_recognition,
        15,000 rows of 26 classes: 4.4 s for a ``LogisticRegressionCV`` where the ensembles had 2.9 s)."""
        return build_ensemble_trials(kinds, trials, prepared, job.training, metric=self.metric(job.primary_metric),
                                     max_trials=job.limits.max_trials, start_iteration=start_iteration,
                                     name_of=name_of, seed=job.seed, final_time=final_time, max_seconds=max_seconds)

    def final_fit_seconds(self, members: list[TrialResult], prepared: TabularData) -> float:
        """A bag: every fold of each member again; a refit: one fold of each member scaled to all rows.
        Members (and a bag's folds) fit one per core."""
        return final_fit_seconds(members, prepared, refit_workers())

    def final_model_bytes(self, members: list[TrialResult], prepared: TabularData) -> int:
        """The members' measured model sizes, once per model of a bag."""
        return prepared.models_per_member * sum(m.model_bytes for m in members)

    def lighter_final_model(self, prepared: TabularData) -> tuple[TabularData, str] | None:
        """A refit on all rows in place of a bag (one fit instead of one per fold)."""
        if prepared.final_model != BAG:
            return None
        what = "final models refit on all training rows instead of bags of the fold models"
        return dataclasses.replace(prepared, final_model=REFIT,
                                   final_model_reason="refit on all training rows: a bag of the fold models "
                                                      "would not fit the time left"), what

    def refit(self, trial: TrialResult, prepared: TabularData, *, deadline: float | None = None,
              notes: list[str] | None = None) -> Pipeline:
        """The trial's pipeline (or ensemble) behind the fitted featurization, refit on all training rows; a
        vote's members and a bag's folds not fitted by ``deadline`` left out (:func:`refit_trial`)."""
        # BLAS on one thread: it otherwise fights the boosters' OpenMP threads for the cores.
        with threadpool_limits(limits=1, user_api="blas"):
            return refit_trial(trial, prepared, refit_threads(prepared), refit_workers(), deadline, notes)

    def score_test(self, model: Pipeline, prepared: TabularData) -> dict[str, float] | None:
        """Every metric of ``model`` on the test data, or None without test data."""
        if prepared.X_test is None:
            return None
        classes = None if prepared.classes is None else np.asarray(model.classes_)
        prediction = self.predict_folds(model, prepared.X_test, classes)
        return metrics.score(prepared.y_test, prediction, classes=classes,
                             positive_label=prepared.positive_label, y_min=prepared.y_min, y_max=prepared.y_max,
                             sample_weight=prepared.w_test)

    def insight_rows(self, prepared: TabularData, best: TrialResult, model: Pipeline
                     ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, str] | str:
        """The test data scored by ``model`` when there is test data; else the rows ``best`` validated on,
        with its out-of-fold predictions (never rows the model was refit on)."""
        if prepared.X_test is not None:
            classes = None if prepared.classes is None else np.asarray(model.classes_)
            return (prepared.X_test, prepared.y_test, self.predict_folds(model, prepared.X_test, classes),
                    "the test data, scored by the best model")
        if best.valid_predictions is None or best.valid_rows is None:
            return f"the best trial {best.name} kept no validation predictions"
        rows = np.asarray(best.valid_rows)
        return (prepared.X.iloc[rows], prepared.y[rows], np.asarray(best.valid_predictions, dtype=float),
                f"the validation predictions of {best.name} (out of fold: made by models that did not train on "
                "those rows)")

    def result_extras(self, prepared: TabularData, best: TrialResult | None, model: Any) -> dict[str, Any]:
        """How the final model was trained: a bag of fold models or a refit on all rows, and why."""
        return {"final_model": prepared.final_model_reason}

    def explain(self, model: Pipeline, prepared: TabularData, primary_metric: str, *, seed: int,
                max_seconds: float) -> Explanation:
        """Permutation importance of the raw columns and the models' engineered importance."""
        return explain_job(model, prepared, self.metric(primary_metric), prepared.engineered_feature_names,
                           seed=seed, max_seconds=max_seconds)


class ClassificationTask(TabularTask):
    """Classification: class labels, scored on class probabilities."""

    name = "classification"
    predicts_classes = True
    metrics = CLASSIFICATION_METRICS
    default_primary_metric = "accuracy"
    yaml_primary_metric = "AUC_weighted"
    algorithms = CLASSIFICATION
    meta_learners = CLASSIFICATION_META_LEARNERS
    default_meta_learner = "LogisticRegression"

    def on_cluster(self, client: Client, why: str) -> DistributedClassificationTask:
        """Classification trained data-parallel on ``client``'s cluster."""
        return DistributedClassificationTask(client, why)

    def positive_label(self, job: ClassificationJob) -> Any:
        """``positive_label`` of the classification job."""
        return job.positive_label

    def check_target(self, frame: pd.DataFrame, target: str, source: str) -> pd.DataFrame:
        """Training data needs at least two classes."""
        if source == "training_data" and frame[target].nunique() < 2:
            only = frame[target].iloc[0]
            raise DataError(
                f"The target column {target!r} of {source} holds a single class ({only!r}); "
                "classification needs at least two. Check the target column or use more data."
            )
        return frame

    def conform_target(self, frame: pd.DataFrame, train: pd.DataFrame, target: str, role: str) -> pd.DataFrame:
        """Class labels of the training labels' type; a class training lacks is a DataError."""
        frame[target] = labels_like_training(target, frame[target], train[target], role)
        return frame

    def strata(self, y: np.ndarray) -> np.ndarray:
        """Splits keep the class shares."""
        return y

    def describe_target(self, prepared: TabularData, y_train: np.ndarray, positive_label: Any) -> None:
        """The classes of the training rows, and the positive class among them."""
        prepared.classes = np.unique(y_train)
        prepared.positive_label = _resolve_positive_label(prepared.classes, positive_label)

    def predict_folds(self, model: Any, X: Any, classes: np.ndarray | None) -> np.ndarray:
        """Class probabilities, columns in ``classes`` order (a fold may lack a class)."""
        proba = np.asarray(model.predict_proba(X), dtype=float)
        return align_classes(proba, np.asarray(model.classes_), classes)

    def balance_classes(self, prepared: TabularData, primary_metric: str, seed: int) -> None:
        """Balanced class weights for the training rows, when a quick check shows they help."""
        y_train = prepared.y[prepared.validation.refit_rows]
        if not _balancing.is_imbalanced(y_train):
            return
        if not _balancing.class_weights_help(prepared.folds[0], prepared.classes, self.metric(primary_metric),
                                             prepared.positive_label, seed):
            return
        prepared.class_weights = _balancing.balanced_weights(y_train)
        for fold, spec in zip(prepared.folds, prepared.validation.folds):
            fold.w_train = prepared.fit_weights(fold.y_train, spec.train)


class RegressionTask(TabularTask):
    """Regression: a numeric target, scored on values normalised by the training range."""

    name = "regression"
    metrics = REGRESSION_METRICS
    default_primary_metric = "normalized_root_mean_squared_error"
    yaml_primary_metric = "normalized_root_mean_squared_error"
    algorithms = REGRESSION
    meta_learners = REGRESSION_META_LEARNERS
    default_meta_learner = "ElasticNet"

    def on_cluster(self, client: Client, why: str) -> DistributedRegressionTask:
        """Regression trained data-parallel on ``client``'s cluster."""
        return DistributedRegressionTask(client, why)

    def check_target(self, frame: pd.DataFrame, target: str, source: str) -> pd.DataFrame:
        """A numeric, finite target; training data needs more than one value."""
        values = pd.to_numeric(frame[target], errors="coerce")
        bad = values.isna() & frame[target].notna()
        if bad.any():
            raise DataError(
                f"Regression needs a numeric target, but column {target!r} of {source} holds "
                f"{frame[target][bad].iloc[0]!r}. Convert the column to numbers or use "
                "automl.classification for categories."
            )
        frame[target] = values.astype(float)
        infinite = np.isinf(frame[target].to_numpy())
        if infinite.any():
            raise DataError(
                f"The target column {target!r} of {source} holds {int(infinite.sum())} infinite "
                "value(s). Replace them with finite numbers or drop those rows.")
        if source == "training_data" and frame[target].nunique() < 2:
            raise DataError(
                f"The target column {target!r} of {source} holds the same value "
                f"({float(frame[target].iloc[0])!r}) in every row; there is nothing to learn. "
                "Check the target column or use more data.")
        return frame

    def conform_target(self, frame: pd.DataFrame, train: pd.DataFrame, target: str, role: str) -> pd.DataFrame:
        """The target was made numeric by :meth:`check_target`."""
        return frame

    def strata(self, y: np.ndarray) -> None:
        """Regression splits are not stratified."""
        return None

    def describe_target(self, prepared: TabularData, y_train: np.ndarray, positive_label: Any) -> None:
        """The range of the training target, which the normalised metrics divide by."""
        prepared.y_min, prepared.y_max = float(np.min(y_train)), float(np.max(y_train))

    def predict_folds(self, model: Any, X: Any, classes: np.ndarray | None) -> np.ndarray:
        """Predicted values."""
        return np.asarray(model.predict(X), dtype=float)


def _resolve_positive_label(classes: np.ndarray, positive_label: Any) -> Any:
    if positive_label is None:
        return None
    for c in classes:
        if c == positive_label or str(c) == str(positive_label):
            return c
    raise DataError(f"positive_label {positive_label!r} is not a class of the target; "
                    f"classes: {', '.join(map(repr, classes.tolist()))}.")


class DistributedClassificationTask(DistributedTraining, ClassificationTask):
    """Classification under ``training_mode="distributed"`` (:class:`DistributedTraining`)."""


class DistributedRegressionTask(DistributedTraining, RegressionTask):
    """Regression under ``training_mode="distributed"`` (:class:`DistributedTraining`)."""


CLASSIFICATION_TASK = ClassificationTask()
REGRESSION_TASK = RegressionTask()
