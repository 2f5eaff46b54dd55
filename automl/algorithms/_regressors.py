"""Regression algorithms (Azure's ``RegressionModels``), declared once."""
from __future__ import annotations

from lightgbm import LGBMRegressor
from sklearn.ensemble import ExtraTreesRegressor, GradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import ElasticNet, LassoLars, SGDRegressor
from sklearn.neighbors import KNeighborsRegressor
from sklearn.tree import DecisionTreeRegressor
from xgboost import XGBRegressor

from automl.algorithms._algorithm import Algorithm, AlgorithmRegistry
from automl.algorithms._catboost import CatBoostValueRegressor
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

TASK = "regression"
REGRESSION = AlgorithmRegistry(TASK)

_TREE_SPACE = FOREST_SPACE

for _algorithm in (
    Algorithm(
        "LightGBM", TASK, LGBMRegressor, "MaxAbsScaler", priority=0, thread_param="n_jobs",
        default_params=LIGHTGBM_DEFAULTS, search_space=LIGHTGBM_SPACE, variant_params=LIGHTGBM_VARIANT,
        deadline_hook="lightgbm",
    ),
    Algorithm(
        "XGBoostRegressor", TASK, XGBRegressor, "MaxAbsScaler", priority=1, thread_param="n_jobs",
        default_params=XGBOOST_DEFAULTS, search_space=XGBOOST_SPACE, variant_params=BOOSTING_VARIANT,
        deadline_hook="xgboost",
    ),
    Algorithm(
        "CatBoostRegressor", TASK, CatBoostValueRegressor, "MaxAbsScaler", priority=2,
        thread_param="thread_count",
        default_params=CATBOOST_DEFAULTS, search_space=CATBOOST_SPACE, variant_params=SEED_VARIANT,
        deadline_hook="catboost",
    ),
    Algorithm(
        "RandomForest", TASK, RandomForestRegressor, "MaxAbsScaler", priority=3, thread_param="n_jobs",
        size=ForestSize(bootstrap=True), grows="n_estimators",
        default_params={"n_estimators": 100, "random_state": 0}, search_space=_TREE_SPACE, variant_params=SEED_VARIANT,
        onnx_convertible=False,  # Azure lists regression RandomForest as not ONNX-compatible
    ),
    Algorithm(
        "ExtremeRandomTrees", TASK, ExtraTreesRegressor, "MaxAbsScaler", priority=4,
        size=ForestSize(bootstrap=False), grows="n_estimators",
        thread_param="n_jobs", default_params={"n_estimators": 100, "random_state": 0},
        search_space=_TREE_SPACE, variant_params=SEED_VARIANT,
    ),
    Algorithm(
        "ElasticNet", TASK, ElasticNet, "StandardScalerWrapper", priority=5,
        default_params={"alpha": 1e-3, "l1_ratio": 0.5, "max_iter": 5000, "random_state": 0},
        search_space={"alpha": Float(1e-5, 10.0, log=True), "l1_ratio": Float(0.0, 1.0)},
    ),
    Algorithm(
        "GradientBoosting", TASK, GradientBoostingRegressor, "MaxAbsScaler", priority=6, grows="n_estimators",
        default_params={"n_estimators": 100, "random_state": 0},
        search_space=GRADIENT_BOOSTING_SPACE, variant_params=BOOSTING_VARIANT,
        deadline_hook="sklearn_monitor",
    ),
    Algorithm(
        "LassoLars", TASK, LassoLars, "StandardScalerWrapper", priority=7,
        default_params={"alpha": 1e-3, "random_state": 0}, accepts_sparse=False,
        search_space={"alpha": Float(1e-6, 1.0, log=True)},
    ),
    Algorithm(
        "KNN", TASK, KNeighborsRegressor, "StandardScalerWrapper", priority=8, thread_param="n_jobs",
        default_params={"n_neighbors": 5}, supports_sample_weight=False, max_rows=100_000,
        size=TrainingDataSize(),
        search_space={"n_neighbors": Int(1, 100, log=True), "weights": Choice(["uniform", "distance"])},
    ),
    Algorithm(
        "DecisionTree", TASK, DecisionTreeRegressor, "MaxAbsScaler", priority=9,
        default_params={"min_samples_leaf": 5, "random_state": 0},
        search_space={"max_depth": Int(2, 32), "min_samples_leaf": Int(1, 64, log=True)},
    ),
    Algorithm(
        "SGD", TASK, SGDRegressor, "StandardScalerWrapper", priority=10,
        default_params={"alpha": 1e-4, "random_state": 0},
        search_space={"alpha": Float(1e-6, 1e-1, log=True), "penalty": Choice(["l2", "l1", "elasticnet"])},
    ),
):
    REGRESSION.register(_algorithm)
