"""The algorithm registry: each algorithm is declared once, in a table per task."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from sklearn.base import BaseEstimator
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler

from automl.core import name_key, resolve_name
from automl.algorithms._deadline_hooks import DEADLINE_HOOKS
from automl.algorithms._model_size import MAX_MODEL_BYTES, ModelSize
from automl.algorithms._space import Domain
from automl.errors import ConfigError

#: Per-model preprocessors, by the name Azure shows in front of the algorithm.
PREPROCESSORS: dict[str, Callable[[], BaseEstimator]] = {
    "MaxAbsScaler": MaxAbsScaler,
    "StandardScalerWrapper": lambda: StandardScaler(with_mean=False),
    "MinMaxScaler": lambda: MinMaxScaler(clip=True),
}


@dataclass(frozen=True)
class Algorithm:
    """One learner of one task, as the rest of the code sees it.

    Attributes
    ----------
    name : str
        Azure's name (``LightGBM``, ``XGBoostClassifier``, ...).
    task : str
        ``"classification"`` or ``"regression"``.
    factory : callable
        ``factory(**params)`` returns an unfitted scikit-learn estimator.
    preprocessor : str
        Key of :data:`PREPROCESSORS` put in front of the estimator.
    default_params : mapping
        The configuration of the algorithm's first trial.
    search_space : mapping of str to Domain
        Tunable parameters for the search.
    priority : int
        Lower runs earlier: the order in which default configurations are tried.
    onnx_convertible : bool
        Whether the fitted pipeline can be converted to ONNX.
    supports_sample_weight : bool
        Whether ``fit`` takes ``sample_weight``.
    thread_param : str or None
        The constructor parameter that sets the number of threads.
    max_rows : int or None
        Above this many training rows the algorithm is not scheduled unless the
        user allows it explicitly (its cost grows faster than linearly).
    accepts_sparse : bool
        Whether the estimator accepts scipy sparse input.
    size : ModelSize or None
        How the fitted model grows with the data (:mod:`automl.algorithms._model_size`): forests
        are capped from it, and a trial's memory is estimated from it; None when it stays small.
    grows : str or None
        The parameter that counts the estimator's members (``n_estimators``) when it can add
        members to a fitted model (``warm_start``): a trial with a time allowance fits as many
        as the allowance holds (:mod:`automl.algorithms._growing`), and a final model's fit held to a
        deadline without a ``deadline_hook`` grows a chunk of members at a time until it.
    variant_params : mapping or None
        What a seed variant of a configuration sets besides ``random_state`` (row subsampling for
        boosters, under the configuration's own values), when the search has ended early and time
        is left (:meth:`automl.engine.search.AdaptiveProposer.propose_variant`). None when the
        algorithm is not varied: it is deterministic given its data, or a variant would not differ.
    deadline_hook : str or None
        Key of :data:`~automl.algorithms._deadline_hooks.DEADLINE_HOOKS`: how a fit is stopped at a deadline
        between iterations (a final model's fit past the job's limit). None: it runs to its end, or grows
        until it when it ``grows``.
    """

    name: str
    task: str
    factory: Callable[..., BaseEstimator]
    preprocessor: str
    default_params: Mapping[str, Any] = field(default_factory=dict)
    search_space: Mapping[str, Domain] = field(default_factory=dict)
    priority: int = 100
    onnx_convertible: bool = True
    supports_sample_weight: bool = True
    thread_param: str | None = None
    max_rows: int | None = None
    accepts_sparse: bool = True
    size: ModelSize | None = None
    grows: str | None = None
    variant_params: Mapping[str, Any] | None = None
    deadline_hook: str | None = None

    @property
    def display_name(self) -> str:
        """How Azure shows the pipeline: ``"MaxAbsScaler LightGBM"``."""
        return f"{self.preprocessor} {self.name}"

    def make_estimator(self, params: Mapping[str, Any] | None = None, *, n_jobs: int = 1) -> BaseEstimator:
        """Build the unfitted estimator with ``params`` over the defaults."""
        merged = {**self.default_params, **(params or {})}
        if self.thread_param is not None:
            merged[self.thread_param] = n_jobs
        return self.factory(**merged)

    def sized_params(self, params: Mapping[str, Any] | None, n_rows: int | None, n_values: int = 1,
                     max_bytes: int = MAX_MODEL_BYTES) -> dict[str, Any]:
        """``params`` over the defaults, capped so that the model fitted on ``n_rows`` rows (with
        ``n_values`` values per node: the classes, or 1) stays within ``max_bytes``."""
        merged = {**self.default_params, **(params or {})}
        if self.size is None or not n_rows:
            return merged
        return self.size.cap(merged, n_rows, n_values, max_bytes)

    def model_bytes(self, params: Mapping[str, Any] | None, n_rows: int, n_values: int = 1,
                    n_features: int = 1) -> int:
        """Bytes a model fitted on ``n_rows`` rows should take (capped as :meth:`sized_params` caps
        it); 0 for the algorithms whose models stay small."""
        if self.size is None:
            return 0
        return self.size.estimate(self.sized_params(params, n_rows, n_values), n_rows, n_values, n_features)

    def make_preprocessor(self) -> BaseEstimator:
        """Build the unfitted per-model scaler."""
        return PREPROCESSORS[self.preprocessor]()


class AlgorithmRegistry:
    """Algorithms of one task by name; refuses duplicates."""

    def __init__(self, task: str) -> None:
        self.task = task
        self._algorithms: dict[str, Algorithm] = {}

    def register(self, algorithm: Algorithm) -> Algorithm:
        """Add ``algorithm``; a second one with the same name is an error."""
        if algorithm.task != self.task:
            raise ValueError(f"{algorithm.name} is a {algorithm.task} algorithm, not {self.task}.")
        if name_key(algorithm.name) in {name_key(n) for n in self._algorithms}:
            raise ValueError(f"Algorithm {algorithm.name!r} is already registered for {self.task}.")
        if algorithm.preprocessor not in PREPROCESSORS:
            raise ValueError(f"Unknown preprocessor {algorithm.preprocessor!r} for {algorithm.name}.")
        if algorithm.deadline_hook is not None and algorithm.deadline_hook not in DEADLINE_HOOKS:
            raise ValueError(f"Unknown deadline hook {algorithm.deadline_hook!r} for {algorithm.name}: one of "
                             f"{', '.join(map(repr, DEADLINE_HOOKS))}.")
        self._algorithms[algorithm.name] = algorithm
        return algorithm

    def unregister(self, name: str) -> Algorithm:
        """Remove and return the algorithm ``name`` (for test-only entries)."""
        return self._algorithms.pop(self.resolve(name))

    def __getitem__(self, name: str) -> Algorithm:
        return self._algorithms[self.resolve(name)]

    def __iter__(self):
        return iter(self.by_priority())

    def __len__(self) -> int:
        return len(self._algorithms)

    def names(self) -> list[str]:
        """Every registered name, most promising first."""
        return [a.name for a in self.by_priority()]

    def by_priority(self) -> list[Algorithm]:
        """Every algorithm, most promising first."""
        return sorted(self._algorithms.values(), key=lambda a: (a.priority, a.name))

    def resolve(self, name: str, setting: str = "algorithm") -> str:
        """The canonical name ``name`` spells (camel or snake case, any case)."""
        return resolve_name(name, self._algorithms, what=f"{self.task} algorithm", setting=setting)

    def select(
        self,
        allowed: Iterable[str] | None,
        blocked: Iterable[str] | None,
        *,
        onnx_only: bool = False,
        n_rows: int | None = None,
        sample_weight: bool = False,
    ) -> list[Algorithm]:
        """The algorithms a job may train, most promising first.

        Raises
        ------
        ConfigError
            When the allowed and blocked lists (and ONNX mode) leave nothing.
        """
        explicit = {self.resolve(n, "allowed_training_algorithms") for n in allowed} if allowed else None
        blocked_names = {self.resolve(n, "blocked_training_algorithms") for n in blocked or ()}
        chosen = [
            a for a in self.by_priority()
            if (explicit is None or a.name in explicit) and a.name not in blocked_names
            and (not onnx_only or a.onnx_convertible)
        ]
        if not chosen:
            raise ConfigError(
                "allowed_training_algorithms / blocked_training_algorithms leave no "
                f"{self.task} algorithm to train"
                + (" that converts to ONNX (enable_onnx_compatible_models=True)" if onnx_only else "")
                + f". Allow at least one of: {', '.join(self.names())}."
            )
        if explicit is None:  # size and weight heuristics apply to the default choice only
            fitting = [a for a in chosen if (a.max_rows is None or n_rows is None or n_rows <= a.max_rows)
                       and (a.supports_sample_weight or not sample_weight)]
            chosen = fitting or chosen
        return chosen
