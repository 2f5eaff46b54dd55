"""The learned portfolio: shipped, loaded, learned on other datasets than the benchmark's, and used."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import automl
from automl.engine.search import portfolio_configs, relative_costs
from automl.engine.search._adaptive import LEADING_DEFAULTS
from automl.engine.search._portfolio import PORTFOLIO_FILE
from automl.errors import AutoMLError
from automl.tasks import get_task

RESULTS = Path(__file__).resolve().parents[4] / "benchmarks" / "results"


def test_the_shipped_portfolio_loads_for_every_task_that_uses_one():
    for task in ("classification", "regression"):
        assert get_task(task).uses_portfolio
        configs = portfolio_configs(task)
        assert len(configs) >= 3
        algorithms = get_task(task).algorithms
        for config in configs:  # every entry names a learner of the task, with parameters of its space
            algorithm = algorithms[config["algorithm"]]
            assert set(config["params"]) <= set(algorithm.search_space) | set(algorithm.default_params)
    assert relative_costs()["LightGBM"] == pytest.approx(1.0, abs=0.2)


def test_a_missing_portfolio_is_an_error_that_says_how_to_mend_it(tmp_path):
    with pytest.raises(AutoMLError, match=r"portfolio\.json.*is missing.*learn_portfolio\.py"):
        portfolio_configs("classification", tmp_path / "portfolio.json")
    with pytest.raises(AutoMLError, match=r"portfolio\.json.*is missing"):
        relative_costs(tmp_path / "portfolio.json")


def _benchmark_datasets() -> set[str]:
    names = set()
    for path in RESULTS.glob("*.jsonl"):
        if path.stem.startswith("meta_") or path.stem == "portfolio_raw":
            continue  # the meta experiments run on the meta datasets themselves
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "dataset" in row:
                names.add(row["dataset"])
    return names


def test_the_portfolio_was_learned_on_none_of_the_benchmark_datasets():
    learned_on = set(json.loads(PORTFOLIO_FILE.read_text(encoding="utf-8"))["datasets"])
    benchmark = _benchmark_datasets()
    assert len(learned_on) >= 20 and {"adult", "titanic", "diamonds"} <= benchmark
    assert not learned_on & benchmark


def test_a_job_tries_the_learned_configurations_after_the_leading_defaults(small_classification_frame):
    first = portfolio_configs("classification")[0]
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                log_verbosity="error")
    job.set_limits(max_trials=LEADING_DEFAULTS, max_concurrent_trials=1)
    job.set_training(allowed_training_algorithms=[first["algorithm"]], enable_vote_ensemble=False,
                     enable_stack_ensemble=False, enable_model_explainability=False)
    result = job.submit(show_progress=False)
    trials = sorted(result.trials, key=lambda t: t.iteration)
    # One algorithm allowed: its default leads, then its learned configurations in the portfolio's order.
    assert [t.algorithm for t in trials] == [first["algorithm"]] * LEADING_DEFAULTS
    assert trials[0].params == {}
    assert trials[1].params == first["params"]
