"""Plan the featurization of a frame: a recipe per column, grouped into ColumnTransformer steps.

Blocked transformers (reference 1.5 / 5.3) remove the recipe they belong to; the column
then falls back along ``RECIPE_CHAINS`` and is dropped when every recipe is blocked:

- ``Categorical`` with <= 2 categories: LabelEncoder -> OneHotEncoder -> HashOneHotEncoder;
- ``Categorical`` with > 2 categories: OneHotEncoder (also blocked by CountVectorizer, Azure's
  one-hot) -> LabelEncoder -> HashOneHotEncoder;
- ``CategoricalHash``: HashOneHotEncoder, else dropped (one-hot would explode);
- ``Text``: TfIdf, else dropped.

Numeric and DateTime recipes cannot be blocked. ``TextTargetEncoder``, ``CatTargetEncoder``,
``WoETargetEncoder``, ``WordEmbedding`` and ``NaiveBayes`` belong to Azure's optional feature
sweeping, which this package does not run: blocking them is accepted and changes nothing.
The summary's ``Notes`` records every fallback and drop.
"""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping

import pandas as pd
from pandas.api import types as ptypes
from sklearn.compose import ColumnTransformer

from . import _constants as C
from ._errors import FeaturizationConfigError
from ._hashing import default_number_of_bits
from ._purpose import ColumnCounts, check_frame, detect_with_stats
from ._recipes import NUMERIC_PARTS, RECIPES
from ._settings import parse_blocked_transformers, parse_mode, parse_transformer_params
from ._text import tfidf_defaults

__all__ = ["FeaturizationPlan", "PlanStep", "plan_featurization", "engineered_feature_name",
           "RECIPE_CHAINS"]

#: Recipes tried in order for each purpose; ``Categorical`` depends on the number of categories.
RECIPE_CHAINS: dict[str, tuple[str, ...]] = {
    "Numeric": ("numeric",),
    "DateTime": ("datetime",),
    "Categorical": ("onehot", "label", "hash"),
    "BinaryCategorical": ("label", "onehot", "hash"),
    "CategoricalHash": ("hash",),
    "Text": ("tfidf",),
}
#: With ``onnx_compatible``: hashing has no standard ONNX converter, so use label encoding.
ONNX_CHAINS: dict[str, tuple[str, ...]] = {"CategoricalHash": ("label",)}
_DISPLAY = {"numeric": "Imputer", "datetime": "DateTimeTransformer", "label": "LabelEncoder",
            "onehot": "OneHotEncoder", "hash": "HashOneHotEncoder", "tfidf": "TfIdf"}
_DROP_REASONS = {"AllNan": "all values are missing", "Hashes": "ID-like (hash) values",
                 "Ignore": "high cardinality and not text"}
_TEXT_STEP = "tfidf:"
_SPARSE_RECIPES = frozenset({"hash", "tfidf"})
DENSE_BUDGET_BYTES = 1 << 30  # above this estimated dense size, one-hot output stays sparse


def engineered_feature_name(transformer_name: str, feature_name: str) -> str:
    """Name an output feature; TF-IDF terms get their column as prefix (``Name_tfidf_mr``).

    Used as the ColumnTransformer's ``verbose_feature_names_out``; every other step already
    names its features after their raw column (``Age``, ``Age_WASNULL``, ``Sex_male``, ...), the
    numeric steps behind the prefix of their union's part (``imputer__Age``), which is taken off.
    Names may repeat (a raw column named ``Age_WASNULL``); the job makes them unique.
    """
    if transformer_name.startswith(_TEXT_STEP):
        return f"{transformer_name[len(_TEXT_STEP):]}_tfidf_{feature_name}"
    if transformer_name.startswith("numeric"):
        part, _, name = feature_name.partition("__")
        return name if part in NUMERIC_PARTS and name else feature_name
    return feature_name


@dataclass
class PlanStep:
    """One ColumnTransformer step: a recipe applied to some columns with some parameters."""

    name: str
    recipe: str
    columns: list[str]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class FeaturizationPlan:
    """The result of :func:`plan_featurization`: plain data plus a builder.

    Attributes
    ----------
    purposes : dict of str to str
        Purpose of every column (after overrides), in column order.
    recipes : dict of str to str or None
        Recipe of every column; ``None`` when the column is dropped.
    notes : dict of str to str
        Why a column was dropped, overridden, or fell back from a blocked transformer.
    steps : list of PlanStep
        The ColumnTransformer steps :meth:`build` creates.
    mode : str
        ``auto``, ``custom`` or ``off``.
    sparse_output : bool
        Whether the built ColumnTransformer returns a sparse matrix.
    n_rows : int
        Rows of the frame the plan was made on (of the whole data, when planned on a sample with
        ``counts``).
    unique_counts : dict of str to int
        Distinct non-missing values per column.
    blocked_transformers : list of str
        Canonical names of the blocked transformers.
    onnx_compatible : bool
        Whether recipes without a standard ONNX converter were avoided.
    """

    purposes: dict[str, str]
    recipes: dict[str, str | None]
    notes: dict[str, str]
    steps: list[PlanStep]
    mode: str
    sparse_output: bool
    n_rows: int
    unique_counts: dict[str, int] = field(default_factory=dict)
    blocked_transformers: list[str] = field(default_factory=list)
    onnx_compatible: bool = False

    @property
    def dropped_columns(self) -> list[str]:
        """Columns no step uses."""
        return [c for c, r in self.recipes.items() if r is None]

    def build(self) -> ColumnTransformer:
        """Return a new, unfitted ColumnTransformer (the pipeline's ``datatransformer`` step).

        Returns
        -------
        ColumnTransformer
            Columns not in any step are dropped; output is sparse when ``sparse_output``.
        """
        transformers = [(s.name, RECIPES[s.recipe].build(s.params, self.sparse_output), s.columns)
                        for s in self.steps]
        return ColumnTransformer(transformers, remainder="drop",
                                 sparse_threshold=1.0 if self.sparse_output else 0.0,
                                 verbose_feature_names_out=engineered_feature_name)

    def summary(self, fitted: ColumnTransformer) -> list[dict[str, Any]]:
        """Featurization summary records (reference 5.4), one per raw column.

        Parameters
        ----------
        fitted : ColumnTransformer
            The result of :meth:`build`, fitted (a Pipeline whose ``datatransformer`` step it
            is also works).

        Returns
        -------
        list of dict
            Keys ``RawFeatureName``, ``TypeDetected``, ``Dropped`` (``"Yes"``/``"No"``),
            ``EngineeredFeatureCount``, ``Transformations`` and ``Notes``.
        """
        from ._summary import summarize
        return summarize(self, fitted)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready plain data."""
        return asdict(self)


def _column_recipe(purpose: str, n_unique: int, blocked: frozenset[str],
                   onnx_compatible: bool) -> tuple[str | None, str]:
    """First unblocked recipe for a purpose, and a note when blocked transformers mattered."""
    if purpose in C.DROPPED_PURPOSES:
        return None, ""
    chain_key = purpose
    if purpose == "Categorical" and n_unique <= C.LABEL_ENCODER_MAX_CATEGORIES:
        chain_key = "BinaryCategorical"
    chain = (ONNX_CHAINS if onnx_compatible else {}).get(chain_key, RECIPE_CHAINS[chain_key])
    skipped = []
    for recipe in chain:
        hit = sorted(RECIPES[recipe].blocked_by & blocked)
        if not hit:
            note = f"{', '.join(skipped)} blocked: {_DISPLAY[recipe]} used instead" if skipped else ""
            return recipe, note
        skipped.extend(h for h in hit if h not in skipped)
    return None, f"{', '.join(skipped)} blocked: column dropped"


def _keeps_order(values: pd.Series, purpose: str, recipe: str | None, fixed: bool) -> bool:
    """Whether an integer column detected as categorical also passes through as a number.

    Azure's rule makes integers with few values categorical (one-hot encoded), which loses their
    order: counts, hours and months split no longer as ``x <= t`` in a tree. So such a column gets
    both: its one-hot columns and its value. On the 12 meta datasets the rule touches, LightGBM with
    default parameters gained with the value on 5, lost on 1, tied on 6 (beyond the spread over 3
    splits; median +0.0016; ``benchmarks/meta_integer_order.py``). The value alone, without the
    one-hot columns, was no clear gain over both (``benchmarks/meta_integer_value_only.py``, same
    datasets and splits): LightGBM 5 better, 6 same, 1 worse (median +0.0004), CatBoost 2, 9 and 1
    (median -0.0002), employee_attrition worse by 0.01 with either. Not for a purpose the user set,
    nor for a label-encoded (two-value) column, whose code already keeps the order.

    Whole numbers stored as floats count as integers: pandas reads an integer column with a missing
    value as floats, and a numeric column is categorical only when its values are whole numbers. So a
    column is featurized alike whether or not a value is missing. On the 3 meta datasets where that
    differs, the floats' value was no clear gain nor loss (``benchmarks/meta_integer_floats.py``:
    LightGBM 1 better, 2 same; CatBoost 1 better, 1 same, 1 worse).
    """
    return (purpose == "Categorical" and recipe == "onehot" and not fixed
            and ptypes.is_numeric_dtype(values.dtype) and not ptypes.is_bool_dtype(values.dtype))


def _drop_note(purpose: str, n_unique: int, overridden: bool) -> str:
    if overridden:
        return f"dropped: column_name_and_types set {purpose}"
    if purpose == "Ignore" and n_unique <= 1:
        return "dropped: a single value (no variance)"
    return f"dropped: {_DROP_REASONS[purpose]}"


def _step_params(recipe: str, column: str, n_unique: int, n_rows: int, params: dict,
                 is_timeseries: bool) -> dict[str, Any]:
    if recipe == "numeric":
        default = {"strategy": "median" if is_timeseries else "mean"}
        return {**default, **params.get("imputer", {}).get(column, {})}
    if recipe == "hash":
        bits = params.get("hash_one_hot_encoder", {}).get(column, {}).get("number_of_bits")
        return {"number_of_bits": int(bits) if bits else default_number_of_bits(n_unique)}
    if recipe == "tfidf":
        return {**tfidf_defaults(n_rows), **params.get("tf_idf", {}).get(column, {})}
    return {}


def _group_steps(columns: Iterable[tuple[str, str, dict]]) -> list[PlanStep]:
    """Group ``(column, recipe, params)`` into steps, in recipe-table order."""
    steps: dict[tuple, PlanStep] = {}
    for column, recipe, params in columns:
        if RECIPES[recipe].per_column:
            key, name = (recipe, column), _TEXT_STEP + column.replace("__", "_")
        elif recipe == "hash":
            key, name = (recipe,), recipe
        else:
            key = (recipe, tuple(sorted(params.items())))
            name = recipe if not params or params == {"strategy": "mean"} else \
                "_".join([recipe] + [str(v) for v in params.values()])
        step = steps.setdefault(key, PlanStep(name, recipe, [], {} if recipe == "hash" else params))
        step.columns.append(column)
        if recipe == "hash":
            step.params.setdefault("number_of_bits", []).append(params["number_of_bits"])
    ordered = sorted(steps.values(), key=lambda s: list(RECIPES).index(s.recipe))
    seen: set[str] = set()
    for step in ordered:  # ColumnTransformer names: unique and without "__"
        base = step.name = step.name.replace("__", "_")
        k = 2
        while step.name in seen:
            step.name, k = f"{base}_{k}", k + 1
        seen.add(step.name)
    return ordered


def _needs_sparse(steps: list[PlanStep], unique_counts: Mapping[str, int], n_rows: int) -> bool:
    recipes = {s.recipe for s in steps}
    if recipes & _SPARSE_RECIPES:
        return True
    if "onehot" not in recipes:
        return False
    widths = {"cast": lambda c: 1, "numeric": lambda c: 2, "label": lambda c: 1,
              "datetime": lambda c: 10, "onehot": lambda c: unique_counts[c] + 1}
    width = sum(widths[s.recipe](c) for s in steps for c in s.columns)
    return n_rows * width * 8 > DENSE_BUDGET_BYTES


def _plan_off(X: pd.DataFrame, settings: Mapping[str, Any]) -> FeaturizationPlan:
    given = [name for name, value in settings.items() if value]
    if given:
        raise FeaturizationConfigError(
            f"featurization mode 'off' ignores {', '.join(given)}; remove them or use mode='custom'.")
    bad = [c for c in X.columns if not (ptypes.is_numeric_dtype(X[c].dtype)
                                         and not ptypes.is_complex_dtype(X[c].dtype))]
    if bad:
        raise FeaturizationConfigError(
            f"featurization mode 'off' needs numeric columns, but {bad!r} are not numeric; "
            "use mode='auto' (or 'custom') to featurize them, or drop them.")
    columns = list(X.columns)
    steps = [PlanStep("passthrough", "cast", columns)] if columns else []
    return FeaturizationPlan(purposes={c: "Numeric" for c in columns},
                             recipes={c: "cast" for c in columns}, notes={}, steps=steps,
                             mode="off", sparse_output=False, n_rows=len(X))


def plan_featurization(X: pd.DataFrame, *, mode: str = "auto",
                       column_name_and_types: Mapping[str, str] | None = None,
                       blocked_transformers: Iterable[str] | None = None,
                       transformer_params: Mapping[str, Any] | None = None,
                       onnx_compatible: bool = False,
                       is_timeseries: bool = False,
                       counts: ColumnCounts | None = None) -> FeaturizationPlan:
    """Decide the purpose and recipe of every column (reference 1.5, 5.2, 5.3).

    Parameters
    ----------
    X : DataFrame
        Training features (no target), string column names.
    mode : {"auto", "custom", "off"}, default="auto"
        ``off`` passes numeric columns through as float (missing values kept) and refuses
        other columns; ``custom`` is ``auto`` plus the overrides and parameters below
        (which ``auto`` also accepts).
    column_name_and_types : dict of str to str, optional
        Purpose overrides, e.g. ``{"zip": "Categorical"}``.
    blocked_transformers : list of str, optional
        Azure ``BlockedTransformers`` names (camel or snake case); see the module docstring.
    transformer_params : dict, optional
        ``{"imputer" | "tf_idf" | "hash_one_hot_encoder": [{"fields": [...], "parameters": {...}}]}``.
    onnx_compatible : bool, default=False
        Prefer recipes with standard ONNX converters (label encoding instead of hashing).
    is_timeseries : bool, default=False
        Forecasting: time-series cardinality rules, median imputation by default, and
        ``blocked_transformers`` ignored with a warning.
    counts : ColumnCounts, optional
        The whole data's rows and distinct values when ``X`` is a sample of it (data that stays
        on a cluster): purposes, hashing bits and TF-IDF defaults follow the whole data.

    Returns
    -------
    FeaturizationPlan

    Raises
    ------
    FeaturizationConfigError
        Unknown mode, purpose, transformer name or parameter; a column that is not in
        ``X`` or listed twice; non-numeric columns with ``mode="off"``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"age": [20.5, None, 31.0, 47.0] * 15, "sex": ["m", "f", "f", "m"] * 15})
    >>> plan = plan_featurization(X)
    >>> plan.build().fit(X).get_feature_names_out().tolist()
    ['age', 'age_WASNULL', 'sex']
    """
    X = check_frame(X)
    mode = parse_mode(mode, is_timeseries=is_timeseries)
    if mode == "off":
        return _plan_off(X, {"column_name_and_types": column_name_and_types,
                             "blocked_transformers": blocked_transformers,
                             "transformer_params": transformer_params})
    blocked = parse_blocked_transformers(blocked_transformers)
    if blocked and is_timeseries:
        warnings.warn("blocked_transformers is ignored for forecasting (as in Azure AutoML).",
                      UserWarning, stacklevel=2)
        blocked = frozenset()
    purposes, stats = detect_with_stats(X, column_name_and_types, is_timeseries, counts)
    n_rows = len(X) if counts is None else counts.n_rows
    params = parse_transformer_params(transformer_params, X, purposes)
    overridden = set(column_name_and_types or {})
    unique_counts = {c: s.u for c, s in stats.items()}
    recipes, notes, chosen = {}, {}, []
    for column, purpose in purposes.items():
        u = unique_counts[column]
        recipe, note = _column_recipe(purpose, u, blocked, onnx_compatible)
        if purpose in C.DROPPED_PURPOSES:
            note = _drop_note(purpose, u, column in overridden)
        elif column in overridden:
            note = "; ".join(filter(None, [f"{purpose} set by column_name_and_types", note]))
        recipes[column] = recipe
        if note:
            notes[column] = note
        if recipe is not None:
            chosen.append((column, recipe,
                           _step_params(recipe, column, u, n_rows, params, is_timeseries)))
        if _keeps_order(X[column], purpose, recipe, column in overridden or is_timeseries):
            chosen.append((column, "numeric", _step_params("numeric", column, u, n_rows, params, False)))
    steps = _group_steps(chosen)
    return FeaturizationPlan(purposes=purposes, recipes=recipes, notes=notes, steps=steps,
                             mode=mode, sparse_output=_needs_sparse(steps, unique_counts, n_rows),
                             n_rows=n_rows, unique_counts=unique_counts,
                             blocked_transformers=sorted(blocked), onnx_compatible=onnx_compatible)
