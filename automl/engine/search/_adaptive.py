"""What to train next: a portfolio of starting points, then an adaptive search.

1. The portfolio: every allowed algorithm's default configuration (most
   promising first), the learned configurations of ``portfolio.json``
   interleaved with them after the two leading defaults.
2. Then, for each trial, the algorithm with the highest expected improvement
   per unit of cost, and its hyper-parameters from that algorithm's own optuna
   study (TPE, seeded). Costs are the algorithms' typical relative trial times,
   not measured seconds, so the same seed gives the same sequence of
   configurations when trials run one at a time.
3. After the search (when early termination ended it with time left), seed
   variants of the best configurations: :meth:`AdaptiveProposer.propose_variant`.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Mapping, Sequence

import numpy as np
import optuna
from scipy.stats import norm

from automl.algorithms import Algorithm
from automl.engine.search._optuna_space import known_params, to_distributions
from automl.engine.search._portfolio import relative_costs
from automl.metrics import Metric
from automl.core import TrialResult, TrialSpec

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

#: How many defaults run before the learned configurations.
LEADING_DEFAULTS = 2
#: Smallest spread assumed for oriented scores, so a flat start still explores.
MIN_SPREAD = 1e-3
#: The first adaptive trial of a boosting learner uses this share of its default rounds.
LOW_COST_ROUNDS = 0.25
#: When early termination ends the search with time left, up to this many seed variants of the
#: best configurations are trained (the ensembles may then average them, as a bag would) ...
VARIANT_TRIALS = 9
#: ... taken in turn from this many of the best configurations whose algorithm can vary.
VARIANT_CONFIGS = 3
#: While no trial has succeeded, an algorithm is tried again with new configurations until this many of
#: its trials failed (a trial that failed for its cluster or a passing fault may not fail again; one that
#: always fails is given up).
RETRIES_WITHOUT_SUCCESS = 3


def competitive_spread(scores: np.ndarray) -> float:
    """The spread of the better half of ``scores`` (oriented: higher is better), at least 3 of them.

    The expected improvement of each algorithm is measured in this unit. The standard deviation
    of all scores would let one diverging learner (an SGD at r2 -1.0) widen it so much that every
    weak, cheap learner looks as promising as the leader, and the search drifts to them.
    """
    top = np.sort(np.asarray(scores, dtype=float))[::-1][: max(3, len(scores) // 2)]
    return float(top.std())


class _AlgorithmState:
    """One algorithm's optuna study and scores."""

    def __init__(self, algorithm: Algorithm, direction: str, seed: int):
        self.algorithm = algorithm
        self.distributions = to_distributions(algorithm.search_space)
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=4, multivariate=True)
        self.study = optuna.create_study(direction=direction, sampler=sampler)
        self.scores: list[float] = []
        self.n_failed = 0
        self._enqueue_low_cost_start()

    def _enqueue_low_cost_start(self) -> None:
        """Boosting learners start the adaptive phase with few rounds; TPE grows them if that pays."""
        rounds = self.algorithm.search_space.get("n_estimators")
        default = self.algorithm.default_params.get("n_estimators")
        if rounds is None or default is None:
            return
        self.study.enqueue_trial({"n_estimators": max(rounds.low, int(default * LOW_COST_ROUNDS))},
                                 skip_if_exists=True)

    def tell_known(self, params: dict[str, Any], value: float | None) -> None:
        point = known_params(self.algorithm.search_space, params, self.algorithm.default_params)
        if point is None or not self.distributions:
            return
        state = optuna.trial.TrialState.COMPLETE if value is not None else optuna.trial.TrialState.FAIL
        self.study.add_trial(optuna.trial.create_trial(
            params=point, distributions=self.distributions, value=value, state=state))


class AdaptiveProposer:
    """Portfolio first, then expected improvement per cost with optuna TPE.

    Parameters
    ----------
    algorithms : sequence of Algorithm
        Allowed algorithms, most promising first.
    metric : Metric
        The score to improve (the job's primary metric).
    seed : int
        Seeds every study: same seed, same configurations (trials one at a time).
    portfolio : sequence of dict
        Learned starting configurations, best first: ``{"algorithm", "params"}``
        (:func:`portfolio_configs` of the job's task; empty for none).
    """

    def __init__(self, algorithms: Sequence[Algorithm], metric: Metric, *, seed: int = 0,
                 portfolio: Sequence[Mapping[str, Any]] = ()):
        self.algorithms = list(algorithms)
        self.metric = metric
        self.seed = seed
        self._sign = 1.0 if metric.greater_is_better else -1.0
        direction = "maximize" if self._sign > 0 else "minimize"
        self._states = {a.name: _AlgorithmState(a, direction, seed + i)
                        for i, a in enumerate(self.algorithms)}
        self._queue = self._initial_queue(portfolio)
        self._queued = len(self._queue)
        self._asked: dict[int, tuple[str, optuna.trial.Trial | None]] = {}
        self._variable: list[tuple[float, int, Algorithm, dict[str, Any]]] = []  # configurations to vary
        self._variants: set[int] = set()  # iterations of the variants proposed
        costs = relative_costs()
        self._costs = {a.name: float(costs.get(a.name, 1.0)) for a in self.algorithms}

    def _initial_queue(self, portfolio: Sequence[Mapping[str, Any]]) -> list[tuple[Algorithm, dict]]:
        defaults = [(a, {}) for a in self.algorithms]
        if not portfolio:
            return defaults
        allowed = {a.name: a for a in self.algorithms}
        learned = [(allowed[c["algorithm"]], dict(c["params"])) for c in portfolio if c["algorithm"] in allowed]
        # The leading defaults, then learned configurations and the other defaults in turn, so a
        # small budget still sees several algorithms (and the ensembles diverse members).
        queue, rest = defaults[:LEADING_DEFAULTS], defaults[LEADING_DEFAULTS:]
        for i in range(max(len(learned), len(rest))):
            queue += learned[i:i + 1] + rest[i:i + 1]
        return queue

    def propose(self, iteration: int, name: str) -> TrialSpec | None:
        """The next trial: the portfolio, then the adaptive choice."""
        if self._queue:
            algorithm, params = self._queue.pop(0)
            self._asked[iteration] = (algorithm.name, None)
            return TrialSpec(iteration, name, algorithm, params)
        state = self._choose()
        if state is None:
            return None
        trial = state.study.ask(state.distributions)
        self._asked[iteration] = (state.algorithm.name, trial)
        return TrialSpec(iteration, name, state.algorithm, dict(trial.params))

    def propose_variant(self, iteration: int, name: str) -> TrialSpec | None:
        """A seed variant of one of the best finished configurations, once the search has ended.

        The :data:`VARIANT_CONFIGS` best configurations whose algorithm declares
        ``variant_params`` are taken in turn; each variant has another ``random_state`` and the
        algorithm's ``variant_params`` under the configuration's own values. None when no
        finished configuration can be varied.
        """
        pool = sorted(self._variable, key=lambda item: (-item[0], item[1]))[:VARIANT_CONFIGS]
        if not pool:
            return None
        _, _, algorithm, params = pool[len(self._variants) % len(pool)]
        round_ = len(self._variants) // len(pool) + 1
        self._variants.add(iteration)
        self._asked[iteration] = (algorithm.name, None)
        varied = {**algorithm.variant_params, **params, "random_state": self.seed * 100 + round_}
        return TrialSpec(iteration, name, algorithm, varied)

    @property
    def consumed(self) -> int:
        """How many portfolio entries were proposed."""
        return self._queued - len(self._queue)

    @property
    def variant_iterations(self) -> list[int]:
        """Iterations of the seed variants proposed."""
        return sorted(self._variants)

    def restore(self, trials: Sequence[TrialResult], consumed: int, variants: Sequence[int]) -> None:
        """Continue a search another process began: skip the ``consumed`` portfolio entries it proposed,
        remember which iterations were ``variants``, and tell each study its algorithm's finished
        ``trials`` (with the configurations they ran)."""
        del self._queue[:consumed]
        self._variants.update(variants)
        for result in sorted(trials, key=lambda t: t.iteration):
            self.observe(result)

    def observe(self, result: TrialResult) -> None:
        """Tell the algorithm's study how the trial scored."""
        algorithm, trial = self._asked.pop(result.iteration, (result.algorithm, None))
        state = self._states.get(algorithm)
        if state is None:
            return
        value = result.score if result.succeeded else None
        if (value is not None and state.algorithm.variant_params is not None
                and result.iteration not in self._variants and not math.isnan(value)):
            self._variable.append((self._sign * value, result.iteration, state.algorithm, dict(result.params)))
        if value is None:
            state.n_failed += 1
        else:
            state.scores.append(self._sign * value)
        if trial is None:
            state.tell_known(result.params, value)
        elif value is None:
            state.study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            state.study.tell(trial, value)

    def _choose(self) -> _AlgorithmState | None:
        """The tunable algorithm with the highest expected improvement per unit of cost; while no trial has
        succeeded, the first one whose trials failed fewer than :data:`RETRIES_WITHOUT_SUCCESS` times."""
        scored = [s for s in self._states.values() if s.scores and s.distributions]
        if not scored:  # nothing succeeded yet: the first algorithm not given up, else none
            return next((s for s in self._states.values()
                         if s.distributions and s.n_failed < RETRIES_WITHOUT_SUCCESS), None)
        all_scores = np.concatenate([s.scores for s in scored])
        best = float(all_scores.max())
        spread = max(competitive_spread(all_scores), MIN_SPREAD * max(1.0, abs(best)))
        ranked = []
        for order, state in enumerate(scored):
            width = spread / math.sqrt(len(state.scores) + state.n_failed)
            z = (max(state.scores) - best) / width
            improvement = width * (z * norm.cdf(z) + norm.pdf(z))
            ranked.append((-improvement / self._costs[state.algorithm.name], order, state))
        return min(ranked, key=lambda item: item[:2])[2]
