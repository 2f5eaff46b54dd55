"""The report's sections, as a table: each builds its template context from the result.

A section's ``build(result)`` returns a dict for its template, or None when the
result has nothing for it (e.g. no test data). Every attribute is read with a
default, so results of any task (forecasting too) render.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import numpy as np

from automl import metrics
from automl.report._charts import CHART_SOURCES, Evidence, task_charts
from automl.report._job_charts import best_score_chart, importance_chart, timeline_chart
from automl.report._safe import fmt_duration, fmt_number, plain
from automl.report._svg import Chart
from automl.report._tables import Cell, Table, frame_table, metrics_table

__all__ = ["SECTIONS", "Section"]

logger = logging.getLogger("automl")
_STATUS_ORDER = {"Alerted": 0, "Done": 1, "Passed": 2}


@dataclass(frozen=True)
class Section:
    """One section: its anchor ``id``, ``title``, template and context builder."""

    id: str
    title: str
    template: str
    build: Callable[[Any], dict[str, Any] | None]


def _greater_is_better(result: Any) -> bool:
    task = "regression" if result.task == "forecasting" else result.task
    try:
        return metrics.get_metric(result.primary_metric, task).greater_is_better
    except Exception:  # an unknown metric name: assume a score to maximise
        return True


def _counts(trials: list) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in trials:
        out[t.status] = out.get(t.status, 0) + 1
    return out


def _started(trials: list) -> str:
    starts = [t.started_at for t in trials if getattr(t, "started_at", 0) and t.started_at > 1e9]
    if not starts:
        return "\u2014"
    return datetime.fromtimestamp(min(starts), tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def overview(result: Any) -> dict[str, Any]:
    """Task, metric, status, duration, best model and score, data shape, trials, validation."""
    best = getattr(result, "best_trial", None)
    rows, cols = tuple(getattr(result, "data_shape", (0, 0)) or (0, 0))[:2] or (0, 0)
    counts = _counts(result.trials)
    validation = getattr(result, "validation", None) or {}
    scheme = validation.get("description") or validation.get("method") or "\u2014"
    facts = [
        ("Task", str(result.task).capitalize()), ("Primary metric", result.primary_metric),
        ("Duration", fmt_duration(getattr(result, "duration_seconds", None))),
        ("Best model", best.display_name if best is not None else "None"),
        (f"Best {result.primary_metric}", fmt_number(best.score) if best is not None else "\u2014"),
        ("Training data", f"{fmt_number(int(rows))} rows \u00d7 {fmt_number(int(cols))} columns"),
        ("Trials", ", ".join(f"{n} {s.lower()}" for s, n in counts.items()) or "none"),
        ("Validation", str(scheme).replace("_", " ").rstrip(".")), ("Started", _started(result.trials)),
        ("Stopped because", str(getattr(result, "stop_reason", "") or "\u2014")),
    ]
    return {"facts": facts, "status": result.status, "name": result.name,
            "errors": list(getattr(result, "tracking_errors", None) or [])}


def _guardrail(g: Any) -> dict[str, Any]:
    g = g.to_dict() if hasattr(g, "to_dict") else dict(plain(g))
    return {"name": g.get("name", ""), "status": g.get("status", ""), "description": g.get("description", ""),
            "details": frame_table(g.get("details") or None)}


def guardrails_section(result: Any) -> dict[str, Any]:
    """The data guardrails, Alerted first, with their details."""
    items = sorted((_guardrail(g) for g in getattr(result, "guardrails", None) or []),
                   key=lambda g: _STATUS_ORDER.get(g["status"], 3))
    totals = {s: sum(g["status"] == s for g in items) for s in ("Passed", "Done", "Alerted")}
    return {"items": items, "totals": totals}


def featurization(result: Any) -> dict[str, Any]:
    """The featurization summary: one row per raw column."""
    summary = getattr(result, "featurization_summary", None)
    names = list(getattr(result, "engineered_feature_names", None) or [])
    return {"table": frame_table(summary, sortable=True), "n_engineered": len(names)}


def _leaderboard_rows(result: Any) -> tuple[Table, dict[str, Any]]:
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
            "params": plain(getattr(trial, "params", {}) or {}),
            "metrics": plain(getattr(trial, "metrics", {}) or {})}
    table = Table(["Rank", "Trial", "Algorithm", "Status", metric, "Duration", "Reason"], rows,
                  sortable=True, numeric={0, 4, 5}, row_keys=keys, row_kinds=kinds)
    return table, details


def models(result: Any) -> dict[str, Any]:
    """The leaderboard (failed and canceled trials with their reason) and per-trial details."""
    table, details = _leaderboard_rows(result)
    return {"table": table, "details": details, "counts": _counts(result.trials)}


def timeline(result: Any) -> dict[str, Any] | None:
    """Trials over time per worker slot, and the best score over time."""
    charts = [timeline_chart(result.trials),
              best_score_chart(result.trials, result.primary_metric, _greater_is_better(result))]
    charts = [c for c in charts if c is not None]
    return {"charts": charts} if charts else None


def _evidence(result: Any) -> Evidence:
    evidence = Evidence(task=result.task, classes=getattr(result, "classes", None),
                        positive_label=getattr(result, "positive_label", None))
    backtest = getattr(result, "forecast_backtest", None)
    if result.task == "forecasting" and callable(backtest):
        evidence.backtest = backtest(max_series=4)
    best, target = getattr(result, "best_trial", None), getattr(result, "pool_target", None)
    if best is not None and best.valid_predictions is not None and best.valid_rows is not None \
            and target is not None:
        evidence.y_true = np.asarray(target)[np.asarray(best.valid_rows)]
        evidence.prediction = np.asarray(best.valid_predictions, dtype=float)
    return evidence


def best_model(result: Any) -> dict[str, Any] | None:
    """The best model's validation metrics and the charts of its task."""
    best = getattr(result, "best_trial", None)
    if best is None:
        return None
    charts: list[Chart] = []
    problems: list[str] = []
    try:
        charts = task_charts(_evidence(result))
    except Exception as exc:  # a chart must not cost the user the rest of the report
        logger.warning("report: charts of the best model failed: %s: %s", type(exc).__name__, exc)
        problems.append(f"The charts could not be drawn: {type(exc).__name__}: {exc}")
    values = getattr(result, "metrics", None) or dict(best.metrics)
    return {"name": best.display_name, "trial": best.name, "score": fmt_number(best.score),
            "metrics": metrics_table({"Validation": values}, result.primary_metric),
            "charts": charts, "problems": problems,
            "source": CHART_SOURCES.get(result.task, "its validation predictions")}


def explanations(result: Any) -> dict[str, Any]:
    """Raw- and engineered-feature importance (or why there is none)."""
    explanation = getattr(result, "explanation", None)
    if explanation is None:
        return {"explanation": None}
    raw = importance_chart(explanation.raw_importance, "raw_importance", "Raw feature importance",
                           f"Drop in {explanation.metric} when the column is shuffled",
                           caption="Permutation importance on validation rows; bars show the spread.")
    engineered = importance_chart(explanation.engineered_importance, "engineered_importance",
                                  "Engineered feature importance", "Share of the model's importance",
                                  caption=f"From the model's {explanation.engineered_method or 'own figures'}.")
    return {"explanation": explanation, "charts": [c for c in (raw, engineered) if c is not None],
            "raw": frame_table(explanation.raw_importance, sortable=True),
            "baseline": fmt_number(explanation.baseline_score)}


def test_metrics(result: Any) -> dict[str, Any] | None:
    """The best model's metrics on the test data, beside its validation metrics."""
    test = getattr(result, "test_metrics", None)
    if not test:
        return None
    table = metrics_table({"Validation": getattr(result, "metrics", None) or {}, "Test": test},
                          result.primary_metric)
    return {"table": table}


#: The report's sections, in page order.
SECTIONS: tuple[Section, ...] = (
    Section("overview", "Overview", "overview.html.j2", overview),
    Section("guardrails", "Data guardrails", "guardrails.html.j2", guardrails_section),
    Section("featurization", "Featurization", "featurization.html.j2", featurization),
    Section("models", "Models", "models.html.j2", models),
    Section("timeline", "Timeline", "charts.html.j2", timeline),
    Section("best-model", "Best model", "best_model.html.j2", best_model),
    Section("explanations", "Explanations", "explanations.html.j2", explanations),
    Section("test-metrics", "Test metrics", "test_metrics.html.j2", test_metrics),
)
