"""Classification algorithms (Azure's ``ClassificationModels``), declared once."""
from __future__ import annotations

from lightgbm import LGBMClassifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import ExtraTreesClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import BernoulliNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier

from automl.algorithms._algorithm import Algorithm, AlgorithmRegistry
from automl.algorithms._catboost import CatBoostLabelClassifier
from automl.algorithms._model_size import ForestSize, TrainingDataSize
from automl.algorithms._space import (
    BOOSTING_VARIANT,
    CATBOOST_DEFAULTS,
    CATBOOST_SPACE,
    FOREST_SPACE,
    GRADIENT_BOOSTING_SPACE,
    LIGHTGBM_DEFAULTS,
    LIGHTGBM_SPACE,
    LIGHTGBM_VARIANT,
    SEED_VARIANT,
    XGBOOST_DEFAULTS,
    XGBOOST_SPACE,
    Choice,
    Float,
    Int,
)
from automl.algorithms._xgboost import XGBoostLabelClassifier

TASK = "classification"
CLASSIFICATION = AlgorithmRegistry(TASK)

_TREE_SPACE = {**FOREST_SPACE, "criterion": Choice(["gini", "entropy"])}


def _linear_svm(C: float = 1.0, random_state: int = 0) -> CalibratedClassifierCV:
    return CalibratedClassifierCV(LinearSVC(C=C, random_state=random_state), cv=3)


def _svm(C: float = 1.0, kernel: str = "rbf", random_state: int = 0) -> CalibratedClassifierCV:
    # SVC(probability=True) is deprecated since scikit-learn 1.9; this is its replacement.
    return CalibratedClassifierCV(SVC(C=C, kernel=kernel, random_state=random_state), cv=3,
                                  ensemble=False)


for _algorithm in (
    Algorithm(
        "LightGBM", TASK, LGBMClassifier, "MaxAbsScaler", priority=0, thread_param="n_jobs",
        default_params=LIGHTGBM_DEFAULTS, search_space=LIGHTGBM_SPACE, variant_params=LIGHTGBM_VARIANT,
        deadline_hook="lightgbm",
    ),
    Algorithm(
        "XGBoostClassifier", TASK, XGBoostLabelClassifier, "MaxAbsScaler", priority=1,
        thread_param="n_jobs",
        default_params=XGBOOST_DEFAULTS, search_space=XGBOOST_SPACE, variant_params=BOOSTING_VARIANT,
        deadline_hook="xgboost",
    ),
    Algorithm(
        "CatBoostClassifier", TASK, CatBoostLabelClassifier, "MaxAbsScaler", priority=2,
        thread_param="thread_count",
        default_params=CATBOOST_DEFAULTS, search_space=CATBOOST_SPACE, variant_params=SEED_VARIANT,
        deadline_hook="catboost",
    ),
    Algorithm(
        "RandomForest", TASK, RandomForestClassifier, "MaxAbsScaler", priority=3,
        size=ForestSize(bootstrap=True), grows="n_estimators",
        thread_param="n_jobs", default_params={"n_estimators": 100, "random_state": 0},
        search_space=_TREE_SPACE, variant_params=SEED_VARIANT,
    ),
    Algorithm(
        "ExtremeRandomTrees", TASK, ExtraTreesClassifier, "MaxAbsScaler", priority=4,
        size=ForestSize(bootstrap=False), grows="n_estimators",
        thread_param="n_jobs", default_params={"n_estimators": 100, "random_state": 0},
        search_space=_TREE_SPACE, variant_params=SEED_VARIANT,
    ),
    Algorithm(
        "LogisticRegression", TASK, LogisticRegression, "StandardScalerWrapper", priority=5,
        default_params={"C": 1.0, "max_iter": 1000},
        search_space={"C": Float(1e-3, 100.0, log=True), "class_weight": Choice([None, "balanced"])},
    ),
    Algorithm(
        "GradientBoosting", TASK, GradientBoostingClassifier, "MaxAbsScaler", priority=6, grows="n_estimators",
        default_params={"n_estimators": 100, "random_state": 0},
        search_space=GRADIENT_BOOSTING_SPACE, variant_params=BOOSTING_VARIANT,
        deadline_hook="sklearn_monitor",
    ),
    Algorithm(
        "SGD", TASK, SGDClassifier, "StandardScalerWrapper", priority=7,
        default_params={"loss": "log_loss", "alpha": 1e-4, "random_state": 0},
        search_space={"alpha": Float(1e-6, 1e-1, log=True), "loss": Choice(["log_loss", "modified_huber"]),
                      "penalty": Choice(["l2", "l1", "elasticnet"])},
    ),
    Algorithm(
        "KNN", TASK, KNeighborsClassifier, "StandardScalerWrapper", priority=8, thread_param="n_jobs",
        default_params={"n_neighbors": 5}, supports_sample_weight=False, max_rows=100_000,
        size=TrainingDataSize(),
        search_space={"n_neighbors": Int(1, 100, log=True), "weights": Choice(["uniform", "distance"])},
    ),
    Algorithm(
        "DecisionTree", TASK, DecisionTreeClassifier, "MaxAbsScaler", priority=9,
        default_params={"min_samples_leaf": 5, "random_state": 0},
        search_space={"max_depth": Int(2, 32), "min_samples_leaf": Int(1, 64, log=True),
                      "criterion": Choice(["gini", "entropy"])},
    ),
    Algorithm(
        "LinearSVM", TASK, _linear_svm, "StandardScalerWrapper", priority=10,
        default_params={"C": 1.0, "random_state": 0}, search_space={"C": Float(1e-3, 100.0, log=True)},
    ),
    Algorithm(
        "SVM", TASK, _svm, "StandardScalerWrapper", priority=11, max_rows=10_000,
        default_params={"C": 1.0, "kernel": "rbf", "random_state": 0},
        search_space={"C": Float(1e-2, 100.0, log=True), "kernel": Choice(["rbf", "poly", "sigmoid"])},
    ),
    Algorithm(
        "BernoulliNaiveBayes", TASK, BernoulliNB, "MaxAbsScaler", priority=12,
        default_params={"alpha": 1.0}, search_space={"alpha": Float(1e-3, 10.0, log=True)},
    ),
    Algorithm(
        "MultinomialNaiveBayes", TASK, MultinomialNB, "MinMaxScaler", priority=13,
        default_params={"alpha": 1.0}, search_space={"alpha": Float(1e-3, 10.0, log=True)},
        accepts_sparse=False,
    ),
):
    CLASSIFICATION.register(_algorithm)
