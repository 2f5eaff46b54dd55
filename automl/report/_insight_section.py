"""The report's responsible-AI section: error analysis, fairness, per-row explanations, counterfactuals."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from automl.report._charts import short
from automl.report._safe import fmt_duration
from automl.report._svg import PALETTE, Chart, figure, to_chart
from automl.report._tables import frame_table

if TYPE_CHECKING:
    from automl.engine import AutoMLResult

__all__ = ["insights_section"]

#: Metrics of the fairness table: the primary metric first, then at most this many others.
FAIRNESS_METRICS = 5
#: Contributions shown per explained row.
TOP_CONTRIBUTIONS = 3


def _error_tree(analysis: Any) -> pd.DataFrame:
    nodes = analysis.nodes
    return pd.DataFrame({
        "Node": ["\u2003" * int(d) + c for d, c in zip(nodes["depth"], nodes["condition"])],
        "Rows": nodes["rows"], "Errors": nodes["errors"],
        "Error rate": (100 * nodes["error_rate"]).round(1).astype(str) + "%",
        "Error coverage": (100 * nodes["error_coverage"]).round(1).astype(str) + "%"})


def heatmap_chart(analysis: Any) -> Chart | None:
    """The error rate of each cell of the binned columns, darker where the model errs more."""
    rates = analysis.heatmap
    if rates is None or rates.empty:
        return None
    values = rates.to_numpy(dtype=float)
    with figure(7.6, 1.4 + 0.45 * values.shape[0]) as (fig, ax):
        ax.imshow(np.nan_to_num(values, nan=0.0), cmap="Reds", vmin=0, vmax=max(0.01, float(np.nanmax(values))),
                  aspect="auto")
        for (i, j), value in np.ndenumerate(values):
            if np.isfinite(value):
                ax.text(j, i, f"{100 * value:.0f}%", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(values.shape[1]), [short(str(c), 18) for c in rates.columns], rotation=20, ha="right")
        ax.set_yticks(range(values.shape[0]), [short(str(i), 22) for i in rates.index])
        ax.grid(False)
        columns = analysis.heatmap_columns
        ax.set_xlabel(columns[1] if len(columns) > 1 else "")
        ax.set_ylabel(columns[0] if len(columns) > 1 else "")
        return to_chart(fig, "error_heatmap", "Error rate by " + " and ".join(columns),
                        f"Share of rows with {analysis.definition} in each cell; numbers are binned by quantile.")


def row_chart(rows: Any, position: int = 0) -> Chart:
    """One row's contributions, largest first."""
    values = rows.contributions.iloc[position]
    order = values.abs().sort_values(ascending=True).index[-10:]
    with figure(7.6, 1.2 + 0.32 * len(order)) as (fig, ax):
        colours = [PALETTE[0] if values[c] >= 0 else PALETTE[1] for c in order]
        ax.barh([short(str(c), 28) for c in order], values[order], color=colours)
        ax.axvline(0, color="#605e5c", linewidth=0.8)
        ax.set_xlabel("Contribution")
        label = rows.contributions.index[position]
        return to_chart(fig, "row_contributions", f"Why row {label} got its prediction",
                        f"Contributions to the {rows.explained}: base value {rows.base_value[position]:.4g}, "
                        f"output {rows.output[position]:.4g} ({rows.method}).")


def _rows_table(rows: Any) -> pd.DataFrame:
    records = []
    for position, label in enumerate(rows.contributions.index):
        top = rows.top(label, TOP_CONTRIBUTIONS)
        records.append({"Row": str(label),
                        **({"Class": rows.classes[position]} if rows.classes is not None else {}),
                        "Output": rows.output[position],
                        "Top contributions": "; ".join(f"{c} {v:+.3g}" for c, v in zip(top["column"],
                                                                                      top["contribution"]))})
    return pd.DataFrame(records)


def _fairness(report: Any, primary: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    metrics = [primary] if primary in report.by_group.columns else []
    metrics += [m for m in report.by_group.columns if m not in (primary, "rows")][:FAIRNESS_METRICS]
    groups = report.by_group[["rows", *metrics]].reset_index()
    groups.columns = [str(c) for c in groups.columns]
    gaps = pd.DataFrame({"Metric": metrics, "Largest difference": [report.difference[m] for m in metrics],
                         "Smallest ratio": [report.ratio[m] for m in metrics]})
    return groups, gaps


def insights_section(result: AutoMLResult) -> dict[str, Any] | None:
    """The section's context; None when the job computed no insights."""
    found = getattr(result, "insights", None)
    if found is None:
        return None
    context: dict[str, Any] = {"source": found.source, "notes": list(found.notes), "charts": [],
                               "seconds": {k: fmt_duration(v) for k, v in found.seconds.items()},
                               "errors": None, "fairness": None, "rows": None, "counterfactuals": None}
    if found.error_analysis is not None:
        analysis = found.error_analysis
        context["errors"] = {"definition": analysis.definition, "rate": f"{100 * analysis.error_rate:.1f}%",
                             "tree": frame_table(_error_tree(analysis))}
        chart = heatmap_chart(analysis)
        if chart is not None:
            context["charts"].append(chart)
    if found.fairness is not None:
        groups, gaps = _fairness(found.fairness, result.primary_metric)
        context["fairness"] = {"features": ", ".join(found.fairness.sensitive_features),
                               "groups": frame_table(groups, sortable=True), "gaps": frame_table(gaps)}
    if found.rows is not None:
        context["rows"] = {"method": found.rows.method, "explained": found.rows.explained,
                           "table": frame_table(_rows_table(found.rows))}
        context["charts"].append(row_chart(found.rows))
    if found.counterfactuals is not None:
        changes = found.counterfactuals.changes.rename(columns={
            "row": "Row", "changed": "Changes", "n_changed": "Columns changed", "distance": "Distance",
            "original": "Prediction before", "prediction": "Prediction after"})
        context["counterfactuals"] = {"goal": found.counterfactuals.goal, "table": frame_table(changes)}
    return context
