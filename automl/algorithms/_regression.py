"""Regression algorithms (Azure's ``RegressionModels``), declared once."""
from __future__ import annotations

from lightgbm import LGBMRegressor
from sklearn.ensemble import ExtraTreesRegressor, GradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import ElasticNet, LassoLars, SGDRegressor
from sklearn.neighbors import KNeighborsRegressor
from sklearn.tree import DecisionTreeRegressor
from xgboost import XGBRegressor

from automl.algorithms._registry import Algorithm, AlgorithmRegistry
from automl.algorithms._space import Choice, Float, Int

TASK = "regression"
REGRESSION = AlgorithmRegistry(TASK)

_TREE_SPACE = {
    "n_estimators": Int(10, 500, log=True),
    "max_features": Float(0.1, 1.0),
    "min_samples_leaf": Int(1, 32, log=True),
}

for _algorithm in (
    Algorithm(
        "LightGBM", TASK, LGBMRegressor, "MaxAbsScaler", priority=0, thread_param="n_jobs",
        default_params={"n_estimators": 100, "learning_rate": 0.1, "num_leaves": 31,
                        "min_child_samples": 20, "random_state": 0, "verbose": -1},
        search_space={"n_estimators": Int(20, 2000, log=True), "num_leaves": Int(4, 512, log=True),
                      "learning_rate": Float(0.01, 0.3, log=True),
                      "min_child_samples": Int(2, 128, log=True),
                      "colsample_bytree": Float(0.3, 1.0), "subsample": Float(0.5, 1.0),
                      "reg_lambda": Float(1e-3, 10.0, log=True)},
    ),
    Algorithm(
        "XGBoostRegressor", TASK, XGBRegressor, "MaxAbsScaler", priority=1, thread_param="n_jobs",
        default_params={"n_estimators": 100, "max_depth": 6, "learning_rate": 0.1,
                        "tree_method": "hist", "random_state": 0, "verbosity": 0},
        search_space={"n_estimators": Int(20, 2000, log=True), "max_depth": Int(2, 12),
                      "learning_rate": Float(0.01, 0.3, log=True),
                      "min_child_weight": Float(0.01, 20.0, log=True),
                      "colsample_bytree": Float(0.3, 1.0), "subsample": Float(0.5, 1.0),
                      "reg_lambda": Float(1e-3, 10.0, log=True)},
    ),
    Algorithm(
        "RandomForest", TASK, RandomForestRegressor, "MaxAbsScaler", priority=2, thread_param="n_jobs",
        default_params={"n_estimators": 100, "random_state": 0}, search_space=_TREE_SPACE,
        onnx_convertible=False,  # Azure lists regression RandomForest as not ONNX-compatible
    ),
    Algorithm(
        "ExtremeRandomTrees", TASK, ExtraTreesRegressor, "MaxAbsScaler", priority=3,
        thread_param="n_jobs", default_params={"n_estimators": 100, "random_state": 0},
        search_space=_TREE_SPACE,
    ),
    Algorithm(
        "ElasticNet", TASK, ElasticNet, "StandardScalerWrapper", priority=4,
        default_params={"alpha": 1e-3, "l1_ratio": 0.5, "max_iter": 5000, "random_state": 0},
        search_space={"alpha": Float(1e-5, 10.0, log=True), "l1_ratio": Float(0.0, 1.0)},
    ),
    Algorithm(
        "GradientBoosting", TASK, GradientBoostingRegressor, "MaxAbsScaler", priority=5,
        default_params={"n_estimators": 100, "random_state": 0},
        search_space={"n_estimators": Int(20, 500, log=True), "max_depth": Int(2, 8),
                      "learning_rate": Float(0.01, 0.3, log=True), "subsample": Float(0.5, 1.0)},
    ),
    Algorithm(
        "LassoLars", TASK, LassoLars, "StandardScalerWrapper", priority=6,
        default_params={"alpha": 1e-3, "random_state": 0}, accepts_sparse=False,
        search_space={"alpha": Float(1e-6, 1.0, log=True)},
    ),
    Algorithm(
        "KNN", TASK, KNeighborsRegressor, "StandardScalerWrapper", priority=7, thread_param="n_jobs",
        default_params={"n_neighbors": 5}, supports_sample_weight=False, max_rows=100_000,
        search_space={"n_neighbors": Int(1, 100, log=True), "weights": Choice(["uniform", "distance"])},
    ),
    Algorithm(
        "DecisionTree", TASK, DecisionTreeRegressor, "MaxAbsScaler", priority=8,
        default_params={"min_samples_leaf": 5, "random_state": 0},
        search_space={"max_depth": Int(2, 32), "min_samples_leaf": Int(1, 64, log=True)},
    ),
    Algorithm(
        "SGD", TASK, SGDRegressor, "StandardScalerWrapper", priority=9,
        default_params={"alpha": 1e-4, "random_state": 0},
        search_space={"alpha": Float(1e-6, 1e-1, log=True), "penalty": Choice(["l2", "l1", "elasticnet"])},
    ),
):
    REGRESSION.register(_algorithm)
