"""The adaptive search spends its trials on the learners that can still win."""
import numpy as np

from automl.algorithms import REGRESSION
from automl.core import COMPLETED, FAILED, TrialResult
from automl.engine.search import AdaptiveProposer
from automl.engine.search._adaptive import RETRIES_WITHOUT_SUCCESS, competitive_spread
from automl.metrics import REGRESSION_METRICS

#: The validation r2 each learner reaches, shaped on a regression job where an SGD diverged:
#: two boosters lead, the cheap linear and neighbour learners trail, the SGD is at -1.
LEVELS = {"LightGBM": 0.42, "XGBoostRegressor": 0.41, "LassoLars": 0.36, "KNN": -0.12,
          "DecisionTree": -0.01, "SGD": -1.0}
WEAK = {"LassoLars", "KNN", "DecisionTree", "SGD"}


def _run(n_adaptive: int) -> list[str]:
    """Algorithms of the first ``n_adaptive`` trials after the defaults, each scored at its level
    (plus a small, seeded noise)."""
    rng = np.random.default_rng(0)
    proposer = AdaptiveProposer([REGRESSION[name] for name in LEVELS], REGRESSION_METRICS["r2_score"])
    chosen = []
    for iteration in range(len(LEVELS) + n_adaptive):
        spec = proposer.propose(iteration, f"job_{iteration}")
        score = LEVELS[spec.algorithm.name] + (0.0 if spec.algorithm.name == "SGD" else rng.normal(0, 0.003))
        proposer.observe(TrialResult(iteration, spec.name, spec.algorithm.name, "MaxAbsScaler",
                                     dict(spec.params), COMPLETED, score=score))
        if iteration >= len(LEVELS):
            chosen.append(spec.algorithm.name)
    return chosen


def test_a_diverging_learner_does_not_send_the_search_to_weak_cheap_learners():
    chosen = _run(12)
    weak = [name for name in chosen if name in WEAK]
    assert len(weak) <= 1, chosen
    assert chosen.count("LightGBM") >= 6, chosen


def test_spread_is_that_of_the_better_half():
    leaders = np.array([0.42, 0.41, 0.40, 0.41])
    assert competitive_spread(np.concatenate([leaders, [-1.0, -0.5, -0.2]])) < 0.02
    assert np.isclose(competitive_spread(np.array([0.5, 0.4, 0.3])), np.std([0.5, 0.4, 0.3]))


def _observed(proposer, results):
    for iteration, (name, params, score) in enumerate(results):
        proposer.observe(TrialResult(iteration, f"job_{iteration}", name, "MaxAbsScaler", params, COMPLETED,
                                     score=score))


def test_variants_take_the_best_variable_configurations_in_turn_with_new_seeds():
    algorithms = [REGRESSION[n] for n in ("LightGBM", "RandomForest", "KNN", "ExtremeRandomTrees")]
    proposer = AdaptiveProposer(algorithms, REGRESSION_METRICS["r2_score"], seed=0)
    _observed(proposer, [("KNN", {}, 0.95),                                   # best, but deterministic
                         ("LightGBM", {"subsample": 0.6, "num_leaves": 15}, 0.90),
                         ("RandomForest", {}, 0.88), ("LightGBM", {}, 0.87),
                         ("ExtremeRandomTrees", {}, 0.80)])
    variants = [proposer.propose_variant(10 + i, f"job_{10 + i}") for i in range(6)]
    assert [v.algorithm.name for v in variants] == ["LightGBM", "RandomForest", "LightGBM"] * 2
    assert variants[0].params == {"subsample": 0.6, "num_leaves": 15, "subsample_freq": 1, "random_state": 1}
    assert variants[2].params == {"subsample": 0.8, "subsample_freq": 1, "random_state": 1}
    assert variants[1].params == {"random_state": 1} and variants[4].params == {"random_state": 2}
    # a variant's own result never becomes a configuration to vary
    proposer.observe(TrialResult(10, "job_10", "LightGBM", "MaxAbsScaler", variants[0].params, COMPLETED,
                                 score=0.99))
    assert proposer.propose_variant(16, "job_16").params["random_state"] == 3
    assert proposer.propose_variant(17, "job_17").algorithm.name == "RandomForest"


def test_no_variant_when_no_finished_configuration_can_vary():
    proposer = AdaptiveProposer([REGRESSION["KNN"]], REGRESSION_METRICS["r2_score"])
    _observed(proposer, [("KNN", {}, 0.9)])
    assert proposer.propose_variant(1, "job_1") is None


def test_an_algorithm_whose_trials_all_failed_is_tried_again_until_it_is_given_up():
    """A single allowed algorithm whose default failed (a worker lost under it) is tried with new configurations,
    up to RETRIES_WITHOUT_SUCCESS failures; then the search has nothing left."""
    proposer = AdaptiveProposer([REGRESSION["XGBoostRegressor"]], REGRESSION_METRICS["r2_score"], seed=0)
    names, iteration = [], 0
    while (spec := proposer.propose(iteration, f"job_{iteration}")) is not None and iteration < 10:
        names.append(spec.algorithm.name)
        proposer.observe(TrialResult(iteration, spec.name, spec.algorithm.name, "", dict(spec.params), FAILED))
        iteration += 1
    assert names == ["XGBoostRegressor"] * RETRIES_WITHOUT_SUCCESS
    # once one succeeds, it is searched as usual
    proposer = AdaptiveProposer([REGRESSION["XGBoostRegressor"]], REGRESSION_METRICS["r2_score"], seed=0)
    first = proposer.propose(0, "job_0")
    proposer.observe(TrialResult(0, first.name, first.algorithm.name, "", dict(first.params), FAILED))
    second = proposer.propose(1, "job_1")
    proposer.observe(TrialResult(1, second.name, second.algorithm.name, "", dict(second.params), COMPLETED,
                                 score=0.5))
    assert all(proposer.propose(i, f"job_{i}") is not None for i in range(2, 12))
