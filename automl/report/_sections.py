"""The report's sections, as a table: each builds its template context from the result.

A section's ``build(result)`` returns a dict for its template, or None when the
result has nothing for it (e.g. no test data). Sections read the result's declared
fields, which results of every task fill.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from automl.core import TrialResult
from automl.report._charts import Evidence, best_model_charts, chart_source
from automl.report._insight_section import insights_section
from automl.report._job_charts import best_score_chart, importance_chart, timeline_chart
from automl.report._safe import fmt_duration, fmt_number, plain
from automl.report._svg import Chart
from automl.report._tables import Cell, Table, frame_table, metrics_table
from automl.tasks import get_task

if TYPE_CHECKING:
    from guardrails import GuardrailResult

    from automl.engine import AutoMLResult
    from automl.explain import Explanation

__all__ = ["SECTIONS", "Section"]

logger = logging.getLogger("automl")
_STATUS_ORDER = {"Alerted": 0, "Done": 1, "Passed": 2}


@dataclass(frozen=True)
class Section:
    """One section: its anchor ``id``, ``title``, template and context builder.

    An ``early`` section reads only what a result holds once its best model is refit (trials,
    sessions, the best trial's validation predictions), not the explanations and insights computed
    after: a tracker builds it while those run (:func:`automl.report.build_early_sections`).
    """

    id: str
    title: str
    template: str
    build: Callable[[AutoMLResult], dict[str, Any] | None]
    early: bool = False


def _greater_is_better(result: AutoMLResult) -> bool:
    try:
        return get_task(result.task).metric(result.primary_metric).greater_is_better
    except Exception:  # an unknown task or metric name: assume a score to maximise
        return True


def _counts(trials: list[TrialResult]) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in trials:
        out[t.status] = out.get(t.status, 0) + 1
    return out


def _started(trials: list[TrialResult]) -> str:
    starts = [t.started_at for t in trials if t.started_at and t.started_at > 1e9]
    if not starts:
        return "\u2014"
    return datetime.fromtimestamp(min(starts), tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def overview(result: AutoMLResult) -> dict[str, Any]:
    """Task, metric, status, duration, best model and score, data shape, trials, validation."""
    best = result.best_trial
    rows, cols = tuple(result.data_shape or (0, 0))[:2] or (0, 0)
    counts = _counts(result.trials)
    validation = result.validation or {}
    scheme = validation.get("description") or validation.get("method") or "\u2014"
    facts = [
        ("Task", str(result.task).capitalize()), ("Primary metric", result.primary_metric),
        ("Duration", fmt_duration(result.duration_seconds)),
        ("Best model", best.display_name if best is not None else "None"),
        (f"Best {result.primary_metric}", fmt_number(best.score) if best is not None else "\u2014"),
        ("Training data", f"{fmt_number(int(rows))} rows \u00d7 {fmt_number(int(cols))} columns"),
        ("Trials", ", ".join(f"{n} {s.lower()}" for s, n in counts.items()) or "none"),
        ("Validation", str(scheme).replace("_", " ").rstrip(".")), ("Started", _started(result.trials)),
        ("Stopped because", str(result.stop_reason or "\u2014")),
        *([("Final model", result.final_model[:1].upper() + result.final_model[1:])] if result.final_model else []),
        *([("Model choice", result.selection)] if result.selection else []),
    ]
    return {"facts": facts, "status": result.status, "name": result.name, "errors": list(result.tracking_errors)}


def _guardrail(g: GuardrailResult) -> dict[str, Any]:
    g = g.to_dict() if hasattr(g, "to_dict") else dict(plain(g))
    return {"name": g.get("name", ""), "status": g.get("status", ""), "description": g.get("description", ""),
            "details": frame_table(g.get("details") or None)}


def guardrails_section(result: AutoMLResult) -> dict[str, Any]:
    """The data guardrails, Alerted first, with their details."""
    items = sorted((_guardrail(g) for g in result.guardrails or []),
                   key=lambda g: _STATUS_ORDER.get(g["status"], 3))
    totals = {s: sum(g["status"] == s for g in items) for s in ("Passed", "Done", "Alerted")}
    return {"items": items, "totals": totals}


def featurization(result: AutoMLResult) -> dict[str, Any]:
    """The featurization summary: one row per raw column."""
    return {"table": frame_table(result.featurization_summary, sortable=True),
            "n_engineered": len(result.engineered_feature_names)}


def _leaderboard_rows(result: AutoMLResult) -> tuple[Table, dict[str, Any]]:
    metric, by_name = result.primary_metric, {t.name: t for t in result.trials}
    board = result.leaderboard
    rows, keys, kinds, details, rank = [], [], [], {}, 0
    for record in board.to_dict(orient="records"):
        trial = by_name.get(record["name"])
        score = record.get(metric)
        ok = record["status"] == "Completed" and isinstance(score, float) and math.isfinite(score)
        rank += ok
        error = record.get("error") or ""
        error = "" if isinstance(error, float) else str(error)
        rows.append([Cell(str(rank) if ok else "\u2014", rank if ok else None, "num"),
                     Cell(str(record["name"]), int(record.get("iteration", 0) or 0)),
                     Cell(str(record["algorithm"]), str(record["algorithm"])),
                     Cell(str(record["status"]), str(record["status"]), "status"),
                     Cell(fmt_number(score), score if ok else None, "num"),
                     Cell(fmt_duration(record.get("duration_seconds")), record.get("duration_seconds"), "num"),
                     Cell(error, error, "error")])
        keys.append(str(record["name"]))
        kinds.append(str(record["status"]))
        details[str(record["name"])] = {
            "algorithm": record["algorithm"], "status": record["status"], "error": error or None,
            "params": plain(trial.params if trial is not None else {}),
            "metrics": plain(trial.metrics if trial is not None else {})}
    table = Table(["Rank", "Trial", "Algorithm", "Status", metric, "Duration", "Reason"], rows,
                  sortable=True, numeric={0, 4, 5}, row_keys=keys, row_kinds=kinds)
    return table, details


def models(result: AutoMLResult) -> dict[str, Any]:
    """The leaderboard (failed and canceled trials with their reason) and per-trial details."""
    table, details = _leaderboard_rows(result)
    return {"table": table, "details": details, "counts": _counts(result.trials)}


def timeline(result: AutoMLResult) -> dict[str, Any] | None:
    """Trials over time per worker slot, and the best score over time."""
    sessions = getattr(result, "sessions", None) or []
    charts = [timeline_chart(result.trials, sessions),
              best_score_chart(result.trials, result.primary_metric, _greater_is_better(result), sessions)]
    charts = [c for c in charts if c is not None]
    return {"charts": charts} if charts else None


def _evidence(result: AutoMLResult) -> Evidence:
    evidence = Evidence(classes=result.classes, positive_label=result.positive_label)
    if result.backtest_forecasts is not None:
        evidence.backtest = result.forecast_backtest(max_series=4)
    best, target = result.best_trial, result.pool_target
    if best is not None and best.valid_predictions is not None and best.valid_rows is not None \
            and target is not None:
        evidence.y_true = np.asarray(target)[np.asarray(best.valid_rows)]
        evidence.prediction = np.asarray(best.valid_predictions, dtype=float)
    return evidence


def best_model(result: AutoMLResult) -> dict[str, Any] | None:
    """The best model's validation metrics and the charts its predictions support."""
    best = result.best_trial
    if best is None:
        return None
    charts: list[Chart] = []
    problems: list[str] = []
    evidence = _evidence(result)
    try:
        charts = best_model_charts(evidence)
    except Exception as exc:  # a chart must not cost the user the rest of the report
        logger.warning("report: charts of the best model failed: %s: %s", type(exc).__name__, exc)
        problems.append(f"The charts could not be drawn: {type(exc).__name__}: {exc}")
    values = result.metrics or dict(best.metrics)
    return {"name": best.display_name, "trial": best.name, "score": fmt_number(best.score),
            "metrics": metrics_table({"Validation": values}, result.primary_metric),
            "charts": charts, "problems": problems, "source": chart_source(evidence)}


def _raw_caption(explanation: Explanation) -> str:
    if explanation.raw_method == "surrogate permutation":
        fidelity = explanation.details.get("surrogate_fidelity")
        return ("Permutation importance of a LightGBM surrogate trained on the model's predictions (the model was "
                f"too slow to predict every shuffle in time; surrogate R² {fmt_number(fidelity)} on held-out rows); "
                "bars show the spread.")
    return "Permutation importance on validation rows; bars show the spread."


def explanations(result: AutoMLResult) -> dict[str, Any]:
    """Raw- and engineered-feature importance (or why there is none)."""
    explanation = result.explanation
    if explanation is None:
        return {"explanation": None}
    raw = importance_chart(explanation.raw_importance, "raw_importance", "Raw feature importance",
                           f"Drop in {explanation.metric} when the column is shuffled",
                           caption=_raw_caption(explanation))
    engineered = importance_chart(explanation.engineered_importance, "engineered_importance",
                                  "Engineered feature importance", "Share of the model's importance",
                                  caption=f"From the model's {explanation.engineered_method or 'own figures'}.")
    return {"explanation": explanation, "charts": [c for c in (raw, engineered) if c is not None],
            "raw": frame_table(explanation.raw_importance, sortable=True),
            "baseline": fmt_number(explanation.baseline_score)}


def test_metrics(result: AutoMLResult) -> dict[str, Any] | None:
    """The best model's metrics on the test data, beside its validation metrics."""
    test = result.test_metrics
    if not test:
        return None
    table = metrics_table({"Validation": result.metrics or {}, "Test": test},
                          result.primary_metric)
    return {"table": table}


#: The report's sections, in page order.
SECTIONS: tuple[Section, ...] = (
    Section("overview", "Overview", "overview.html.j2", overview),
    Section("guardrails", "Data guardrails", "guardrails.html.j2", guardrails_section),
    Section("featurization", "Featurization", "featurization.html.j2", featurization),
    Section("models", "Models", "models.html.j2", models),
    Section("timeline", "Timeline", "charts.html.j2", timeline, early=True),
    Section("best-model", "Best model", "best_model.html.j2", best_model, early=True),
    Section("explanations", "Explanations", "explanations.html.j2", explanations),
    Section("test-metrics", "Test metrics", "test_metrics.html.j2", test_metrics),
    Section("insights", "Responsible AI", "insights.html.j2", insights_section),
)
