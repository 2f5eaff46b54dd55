import pickle

import numpy as np
import pytest
from sklearn.base import clone

from automl.tasks import get_task
from automl.algorithms._algorithm import Algorithm, AlgorithmRegistry
from automl.errors import ConfigError


def algorithms_of(task):
    return get_task(task).algorithms

AZURE_CLASSIFICATION = {"LogisticRegression", "SGD", "MultinomialNaiveBayes", "BernoulliNaiveBayes",
                        "SVM", "LinearSVM", "KNN", "DecisionTree", "RandomForest",
                        "ExtremeRandomTrees", "LightGBM", "GradientBoosting", "XGBoostClassifier"}
AZURE_REGRESSION = {"ElasticNet", "GradientBoosting", "DecisionTree", "KNN", "LassoLars", "SGD",
                    "RandomForest", "ExtremeRandomTrees", "LightGBM", "XGBoostRegressor"}


#: Beyond Azure's lists (issue 19): CatBoost.
EXTRA_CLASSIFICATION, EXTRA_REGRESSION = {"CatBoostClassifier"}, {"CatBoostRegressor"}


def test_tables_hold_azure_algorithms():
    assert set(algorithms_of("classification").names()) == AZURE_CLASSIFICATION | EXTRA_CLASSIFICATION
    assert set(algorithms_of("regression").names()) == AZURE_REGRESSION | EXTRA_REGRESSION


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_algorithm_fits_and_predicts_with_defaults(task):
    rng = np.random.default_rng(0)
    X = rng.random((80, 4))
    y = np.where(X[:, 0] > 0.5, "yes", "no") if task == "classification" else X @ [1.0, 2.0, 0, 0]
    for algorithm in algorithms_of(task):
        model = clone(algorithm.make_estimator(n_jobs=1))
        scaled = algorithm.make_preprocessor().fit_transform(X)
        model.fit(scaled, y)
        prediction = model.predict(scaled)
        assert len(prediction) == 80, algorithm.name
        if task == "classification":
            assert set(prediction) <= {"yes", "no"}, algorithm.name
            assert model.predict_proba(scaled).shape == (80, 2), algorithm.name
        pickle.loads(pickle.dumps(model))


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_varied_algorithm_fits_seed_variants_that_differ(task):
    # A seed variant is the configuration with the algorithm's variant_params below it and another
    # random_state (AdaptiveProposer.propose_variant); CatBoost's defaults once named its seed
    # random_seed, so every CatBoost variant failed at construction and left the ensembles nothing.
    rng = np.random.default_rng(0)
    X = rng.random((120, 4))
    y = np.where(X[:, 0] + 0.3 * rng.random(120) > 0.6, "yes", "no") if task == "classification" \
        else X @ [1.0, 2.0, 0, 0] + 0.3 * rng.random(120)
    varied = [a for a in algorithms_of(task) if a.variant_params is not None]
    assert {"LightGBM", "RandomForest"} <= {a.name for a in varied} and any("CatBoost" in a.name for a in varied)
    for algorithm in varied:
        preprocessor = algorithm.make_preprocessor().fit(X)
        scaled, new = preprocessor.transform(X), preprocessor.transform(rng.random((40, 4)))
        predictions = []
        for seed in (1, 2):  # compared on new rows: a forest without bootstrap fits its training rows exactly
            params = {**algorithm.variant_params, "random_state": seed}
            model = algorithm.make_estimator(params, n_jobs=1).fit(scaled, y)
            output = model.predict_proba(new) if task == "classification" else model.predict(new)
            predictions.append(np.asarray(output, dtype=float))
        assert not np.allclose(*predictions), algorithm.name


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_default_params_lie_in_search_space(task):
    for algorithm in algorithms_of(task):
        for name, value in algorithm.default_params.items():
            if name in algorithm.search_space:
                assert algorithm.search_space[name].contains(value), (algorithm.name, name)


def test_display_names_read_like_azure():
    reg = algorithms_of("classification")
    assert reg["LightGBM"].display_name == "MaxAbsScaler LightGBM"
    assert reg["logistic_regression"].display_name == "StandardScalerWrapper LogisticRegression"


def test_select_orders_by_priority_and_filters():
    reg = algorithms_of("classification")
    chosen = [a.name for a in reg.select(["random_forest", "LightGBM"], None)]
    assert chosen == ["LightGBM", "RandomForest"]
    blocked = [a.name for a in reg.select(None, ["KNN", "svm"])]
    assert "KNN" not in blocked and "SVM" not in blocked and blocked[0] == "LightGBM"


def test_select_skips_quadratic_algorithms_on_large_data_unless_allowed():
    reg = algorithms_of("classification")
    assert "SVM" not in [a.name for a in reg.select(None, None, n_rows=50_000)]
    assert [a.name for a in reg.select(["SVM"], None, n_rows=50_000)] == ["SVM"]


def test_select_that_leaves_nothing_is_a_config_error():
    reg = algorithms_of("regression")
    with pytest.raises(ConfigError, match="leave no regression algorithm.*Allow at least one of: LightGBM"):
        reg.select(["LightGBM"], ["light_gbm"])


def test_registry_refuses_duplicates():
    registry = AlgorithmRegistry("regression")
    algorithm = Algorithm("LightGBM", "regression", dict, "MaxAbsScaler")
    registry.register(algorithm)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(Algorithm("light_gbm", "regression", dict, "MaxAbsScaler"))
