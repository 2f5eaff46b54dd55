"""The forecasting guardrails: frequency, imputation, short series, series ids, aggregation, memory.

The caller (the forecasting data preparation) records what it found and did in a
:class:`ForecastingFacts`; each check turns one part of it into a :class:`GuardrailResult`.

Examples
--------
>>> facts = ForecastingFacts(frequency="MS", frequency_inferred=True, n_series=1)
>>> [(r.name, r.status) for r in run_forecasting(facts)][:2]
[('Frequency detection', 'Passed'), ('Missing values imputation', 'Passed')]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ._memory import format_bytes
from ._result import ALERTED, DONE, PASSED, GuardrailResult

__all__ = ["ForecastingFacts", "FORECASTING_GUARDRAILS", "run_forecasting"]


@dataclass
class ForecastingFacts:
    """What the forecasting data preparation found and did.

    Attributes
    ----------
    frequency : str
        The frequency used (pandas offset alias).
    frequency_inferred : bool
        Whether it was inferred from the data (else given by the user).
    misaligned_points : list of dict
        Points off the frequency grid that were removed: ``{"series", "time"}`` rows.
    imputed : list of dict
        ``{"column", "series", "missing values"}``: missing or inserted (gap) values imputed.
    inserted_rows : int
        Rows inserted to fill gaps in the frequency grid.
    short_series : list of dict
        ``{"series", "length", "required", "action"}`` for each short series.
    short_series_mode : str
        ``auto`` / ``pad`` / ``drop`` / ``none``.
    id_columns_detected : list of str
        Series id columns detected automatically (empty when given or not needed).
    aggregated_rows : int
        Input rows merged into another by ``target_aggregate_function`` (0: none).
    aggregate_function : str or None
    n_series : int
    memory_estimate_bytes, available_memory_bytes : int or None
        Size of the lag features' design matrix, and memory available for it.
    lags_turned_off : bool
        Lags and rolling windows were turned off to fit in memory.
    """

    frequency: str = ""
    frequency_inferred: bool = True
    misaligned_points: list[dict[str, Any]] = field(default_factory=list)
    imputed: list[dict[str, Any]] = field(default_factory=list)
    inserted_rows: int = 0
    short_series: list[dict[str, Any]] = field(default_factory=list)
    short_series_mode: str = "auto"
    id_columns_detected: list[str] = field(default_factory=list)
    aggregated_rows: int = 0
    aggregate_function: str | None = None
    n_series: int = 1
    memory_estimate_bytes: int | None = None
    available_memory_bytes: int | None = None
    lags_turned_off: bool = False


def check_frequency(facts: ForecastingFacts) -> GuardrailResult:
    """``Passed`` when every point lies on the frequency grid, ``Done`` when some were removed."""
    how = "inferred from the data" if facts.frequency_inferred else "given in frequency"
    if not facts.misaligned_points:
        return GuardrailResult("Frequency detection", PASSED,
                               f"The frequency {facts.frequency!r} ({how}) fits every time point.")
    return GuardrailResult("Frequency detection", DONE, (
        f"{len(facts.misaligned_points)} point(s) did not lie on the {facts.frequency!r} grid ({how}) "
        "and were removed; set frequency and target_aggregate_function to aggregate them instead."),
        facts.misaligned_points[:20])


def check_imputation(facts: ForecastingFacts) -> GuardrailResult:
    """``Passed`` without missing values or gaps, ``Done`` when they were imputed."""
    if not facts.imputed:
        return GuardrailResult("Missing values imputation", PASSED,
                               "No missing values or gaps in the time grid were found.")
    return GuardrailResult("Missing values imputation", DONE, (
        f"{facts.inserted_rows} missing period(s) were inserted into the time grid and missing values "
        "were imputed: the target by carrying the last value forward, numeric features with the "
        "median, categorical features with the most frequent value."), facts.imputed[:20])


def check_short_series(facts: ForecastingFacts) -> GuardrailResult:
    """``Passed`` when every series is long enough; ``Done`` when short ones were padded or
    dropped; ``Alerted`` when they were kept as they are (``short_series_handling_config=None``)."""
    if not facts.short_series:
        return GuardrailResult("Short series handling", PASSED,
                               "Every series is long enough for the horizon, lags and validation.")
    actions = sorted({row["action"] for row in facts.short_series})
    status = ALERTED if actions == ["kept"] else DONE
    return GuardrailResult("Short series handling", status, (
        f"{len(facts.short_series)} series were too short (short_series_handling_config="
        f"{facts.short_series_mode!r}) and were {' / '.join(actions)}."), facts.short_series[:20])


def check_series_ids(facts: ForecastingFacts) -> GuardrailResult:
    """``Passed`` when the ids were given or not needed; ``Done`` when they were detected."""
    if not facts.id_columns_detected:
        return GuardrailResult("Time series ID detection", PASSED,
                               f"{facts.n_series} series, each timestamp at most once per series.")
    return GuardrailResult("Time series ID detection", DONE, (
        f"Timestamps repeat, so the columns {', '.join(facts.id_columns_detected)} were detected as "
        f"time series ids ({facts.n_series} series); set time_series_id_column_names to choose them."),
        [{"column": c} for c in facts.id_columns_detected])


def check_aggregation(facts: ForecastingFacts) -> GuardrailResult:
    """``Passed`` when the data already had the frequency, ``Done`` when rows were aggregated."""
    if not facts.aggregated_rows:
        return GuardrailResult("Time series aggregation", PASSED,
                               f"The data is already at the frequency {facts.frequency!r}.")
    return GuardrailResult("Time series aggregation", DONE, (
        f"{facts.aggregated_rows} row(s) were aggregated to the frequency {facts.frequency!r}: the "
        f"target with {facts.aggregate_function!r}, numeric features with the mean, categorical "
        "features with the most frequent value."))


def check_forecast_memory(facts: ForecastingFacts) -> GuardrailResult:
    """``Passed`` when the lag features fit in memory, ``Done`` when lags were turned off."""
    details = [{"estimate": format_bytes(facts.memory_estimate_bytes),
                "available": format_bytes(facts.available_memory_bytes)}]
    if facts.lags_turned_off:
        return GuardrailResult("Memory issues detection", DONE, (
            "The horizon, lags and rolling windows would likely exhaust memory, so target lags and "
            "rolling windows were turned off."), details)
    return GuardrailResult("Memory issues detection", PASSED,
                           "The lag and rolling-window features fit in memory.", details)


#: Guardrail name -> check, in report order.
FORECASTING_GUARDRAILS: dict[str, Callable[[ForecastingFacts], GuardrailResult]] = {
    "Frequency detection": check_frequency,
    "Missing values imputation": check_imputation,
    "Short series handling": check_short_series,
    "Time series ID detection": check_series_ids,
    "Time series aggregation": check_aggregation,
    "Memory issues detection": check_forecast_memory,
}


def run_forecasting(facts: ForecastingFacts) -> list[GuardrailResult]:
    """Every forecasting guardrail of :data:`FORECASTING_GUARDRAILS`, in order."""
    return [check(facts) for check in FORECASTING_GUARDRAILS.values()]
