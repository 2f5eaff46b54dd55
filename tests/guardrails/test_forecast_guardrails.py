"""The forecasting guardrails turn ForecastingFacts into Passed / Done / Alerted results."""
from __future__ import annotations

from guardrails import FORECASTING_GUARDRAILS, ForecastingFacts, format_results, run_forecasting


def _by_name(facts):
    return {r.name: r for r in run_forecasting(facts)}


def test_clean_facts_pass_every_guardrail():
    results = run_forecasting(ForecastingFacts(frequency="D", n_series=3))
    assert [r.name for r in results] == list(FORECASTING_GUARDRAILS)
    assert all(r.status == "Passed" for r in results)
    assert "FREQUENCY DETECTION" in format_results(results).upper()


def test_changes_are_done_and_kept_short_series_alerted():
    facts = ForecastingFacts(
        frequency="MS", misaligned_points=[{"series": "a", "time": "2020-01-15"}],
        imputed=[{"column": "y", "series": "a", "missing values": 2}], inserted_rows=2,
        short_series=[{"series": "b", "length": 3, "required": 10, "action": "padded"}], short_series_mode="pad",
        id_columns_detected=["store"], aggregated_rows=5, aggregate_function="sum", lags_turned_off=True)
    results = _by_name(facts)
    assert {name: r.status for name, r in results.items()} == {
        "Frequency detection": "Done", "Missing values imputation": "Done", "Short series handling": "Done",
        "Time series ID detection": "Done", "Time series aggregation": "Done", "Memory issues detection": "Done"}
    assert "2020-01-15" in str(results["Frequency detection"].details)
    kept = ForecastingFacts(short_series=[{"series": "b", "length": 3, "required": 10, "action": "kept"}],
                            short_series_mode="none")
    assert _by_name(kept)["Short series handling"].status == "Alerted"
