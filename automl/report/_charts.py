"""The best model's charts, from its stored validation predictions (or backtest).

:data:`CHARTS` lists every chart function, in the order shown. A chart function takes
the :class:`Evidence` and returns a :class:`~automl.report._svg.Chart`, or None when the
evidence cannot support it: class probabilities get the ROC, precision-recall, confusion,
calibration and lift charts; values the predicted-vs-true and residuals charts; a
forecasting back-test the forecast chart first, and its values charts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from automl.report._svg import PALETTE, Chart, figure, to_chart

__all__ = ["CHARTS", "Evidence", "best_model_charts", "chart_source", "short"]

#: Classes drawn one-vs-rest at most; points per curve at most; scatter points at most.
MAX_CLASSES, MAX_CURVE_POINTS, MAX_SCATTER = 8, 300, 2000


@dataclass
class Evidence:
    """What the best model's charts are drawn from.

    ``prediction`` holds class probabilities (rows x ``classes``) when there are
    ``classes``, predicted values otherwise; ``backtest`` is a forecasting backtest
    frame (``series, time, actual, forecast, lower, upper``).
    """

    y_true: np.ndarray | None = None
    prediction: np.ndarray | None = None
    classes: Sequence[Any] | None = None
    positive_label: Any = None
    backtest: pd.DataFrame | None = None


def short(text: Any, limit: int = 28) -> str:
    """``text`` as a string of at most ``limit`` characters (an ellipsis marks the cut)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _thin(x: np.ndarray, y: np.ndarray, limit: int = MAX_CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    if len(x) <= limit:
        return x, y
    keep = np.unique(np.linspace(0, len(x) - 1, limit).round().astype(int))
    return x[keep], y[keep]


def _has_probabilities(e: Evidence) -> bool:
    """Whether the evidence holds class probabilities to draw the classification charts from."""
    return e.classes is not None and e.y_true is not None and e.prediction is not None


def _one_vs_rest(e: Evidence) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(class label, is that class, its score)`` for the positive class, or each class."""
    classes = list(e.classes)
    proba = np.asarray(e.prediction, dtype=float).reshape(len(e.y_true), len(classes))
    truth = np.asarray(e.y_true)
    if len(classes) == 2:
        positive = e.positive_label if e.positive_label in classes else classes[1]
        picks = [classes.index(positive)]
    else:
        counts = [(int((truth == c).sum()), j) for j, c in enumerate(classes)]
        picks = sorted(j for _, j in sorted(counts, reverse=True)[:MAX_CLASSES])
    return [(short(classes[j], 20), (truth == classes[j]).astype(int), proba[:, j]) for j in picks
            if 0 < (truth == classes[j]).sum() < len(truth)]


def _curves(e: Evidence, key: str, title: str, draw: Callable[[Any, str, np.ndarray, np.ndarray, str], None],
            xlabel: str, ylabel: str, caption: str, diagonal: bool = False) -> Chart | None:
    if not _has_probabilities(e):
        return None
    pairs = _one_vs_rest(e)
    if not pairs:
        return None
    with figure() as (fig, ax):
        for (label, hit, score), colour in zip(pairs, PALETTE * 2):
            draw(ax, label, hit, score, colour)
        if diagonal:
            ax.plot([0, 1], [0, 1], linestyle="--", color="#a19f9d", linewidth=1, label="Random")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(loc="best")
        return to_chart(fig, key, title, caption)


def roc_chart(e: Evidence) -> Chart | None:
    """ROC curve (one-vs-rest per class; the positive class for binary tasks)."""
    from sklearn.metrics import roc_auc_score, roc_curve

    def draw(ax: Any, label: str, hit: np.ndarray, score: np.ndarray, colour: str) -> None:
        fpr, tpr, _ = roc_curve(hit, score)
        ax.plot(*_thin(fpr, tpr), color=colour, linewidth=1.6,
                label=f"{label} (AUC {roc_auc_score(hit, score):.3f})")

    return _curves(e, "roc", "ROC curve", draw, "False positive rate", "True positive rate",
                   "True against false positive rate as the threshold moves.", diagonal=True)


def precision_recall_chart(e: Evidence) -> Chart | None:
    """Precision-recall curve with average precision per class."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    def draw(ax: Any, label: str, hit: np.ndarray, score: np.ndarray, colour: str) -> None:
        precision, recall, _ = precision_recall_curve(hit, score)
        ax.plot(*_thin(recall, precision), color=colour, linewidth=1.6,
                label=f"{label} (AP {average_precision_score(hit, score):.3f})")
        ax.axhline(hit.mean(), color=colour, linestyle=":", linewidth=0.9)

    return _curves(e, "precision_recall", "Precision-recall", draw, "Recall", "Precision",
                   "Dotted lines: the share of each class (a random model's precision).")


def calibration_chart(e: Evidence) -> Chart | None:
    """Mean predicted probability against the observed share, in ten bins."""
    from sklearn.calibration import calibration_curve

    def draw(ax: Any, label: str, hit: np.ndarray, score: np.ndarray, colour: str) -> None:
        observed, predicted = calibration_curve(hit, np.clip(score, 0, 1), n_bins=10)
        ax.plot(predicted, observed, marker="o", markersize=3.5, color=colour, linewidth=1.4, label=label)

    return _curves(e, "calibration", "Calibration", draw, "Mean predicted probability",
                   "Observed share", "On the dashed line, a predicted 0.7 comes true 70% of the time.",
                   diagonal=True)


def lift_chart(e: Evidence) -> Chart | None:
    """Lift over random when acting on the top-scored share of rows."""
    def draw(ax: Any, label: str, hit: np.ndarray, score: np.ndarray, colour: str) -> None:
        order = np.argsort(-score, kind="stable")
        share = np.arange(1, len(order) + 1) / len(order)
        lift = np.cumsum(hit[order]) / np.arange(1, len(order) + 1) / hit.mean()
        ax.plot(*_thin(share * 100, lift), color=colour, linewidth=1.6, label=label)

    chart = _curves(e, "lift", "Lift", draw, "Rows targeted, highest scores first (%)", "Lift over random",
                    "How many times more of a class the top-scored rows hold than a random pick.")
    return chart


def confusion_chart(e: Evidence) -> Chart | None:
    """Confusion matrix: counts, coloured by the share of each true class."""
    if not _has_probabilities(e):
        return None
    classes = list(e.classes)
    proba = np.asarray(e.prediction, dtype=float).reshape(len(e.y_true), len(classes))
    index = {c: i for i, c in enumerate(classes)}
    truth = np.array([index.get(v, -1) for v in np.asarray(e.y_true).tolist()])
    keep = truth >= 0
    k = len(classes)
    matrix = np.bincount(truth[keep] * k + proba[keep].argmax(axis=1), minlength=k * k).reshape(k, k)
    shown = np.argsort(-matrix.sum(axis=1), kind="stable")[:20]
    matrix = matrix[np.ix_(shown, shown)]
    labels = [short(classes[i], 18) for i in shown]
    share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    size = min(6.0, 2.6 + 0.35 * len(shown))
    with figure(size + 0.8, size) as (fig, ax):
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        ax.grid(False)
        ticks = np.arange(len(shown))
        ax.set_xticks(ticks, labels, rotation=30 if len(shown) > 3 else 0, ha="right" if len(shown) > 3 else "center")
        ax.set_yticks(ticks, labels)
        if len(shown) <= 12:
            for (i, j), count in np.ndenumerate(matrix):
                ax.text(j, i, f"{count}\n{share[i, j]:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if share[i, j] > 0.6 else "#201f1e")
        ax.set_xlabel("Predicted class")
        ax.set_ylabel("True class")
        caption = "Rows: true class; columns: predicted class (most probable)."
        if len(shown) < k:
            caption += f" The {len(shown)} most frequent of {k} classes."
        return to_chart(fig, "confusion_matrix", "Confusion matrix", caption)


def _predicted_true(y: np.ndarray, p: np.ndarray, key: str) -> Chart | None:
    ok = np.isfinite(y) & np.isfinite(p)
    y, p = y[ok], p[ok]
    if not y.size:
        return None
    pick = np.random.default_rng(0).choice(y.size, size=min(MAX_SCATTER, y.size), replace=False)
    low, high = float(min(y.min(), p.min())), float(max(y.max(), p.max()))
    with figure() as (fig, ax):
        ax.scatter(y[pick], p[pick], s=7, alpha=0.35, color=PALETTE[0], linewidths=0, label="Rows")
        edges = np.histogram_bin_edges(y, bins=10)
        which = np.clip(np.searchsorted(edges, y, side="right") - 1, 0, 9)
        centers = [(edges[b] + edges[b + 1]) / 2 for b in range(10) if (which == b).any()]
        means = [p[which == b].mean() for b in range(10) if (which == b).any()]
        ax.plot(centers, means, color=PALETTE[1], marker="o", markersize=3.5, linewidth=1.6,
                label="Mean prediction per bin")
        ax.plot([low, high], [low, high], linestyle="--", color="#a19f9d", linewidth=1, label="Ideal")
        ax.set_xlabel("True value")
        ax.set_ylabel("Predicted value")
        ax.legend(loc="upper left")
        shown = f"{len(pick):,} of {y.size:,} rows shown." if len(pick) < y.size else f"{y.size:,} rows."
        return to_chart(fig, key, "Predicted vs true", shown)


def _residuals(y: np.ndarray, p: np.ndarray, key: str) -> Chart | None:
    r = y - p
    r = r[np.isfinite(r)]
    if not r.size:
        return None
    with figure() as (fig, ax):
        ax.hist(r, bins=int(np.clip(np.sqrt(r.size), 5, 30)), color=PALETTE[0], alpha=0.85,
                edgecolor="white", linewidth=0.5)
        ax.axvline(0, color="#605e5c", linestyle="--", linewidth=1)
        ax.set_xlabel("Residual (true \u2212 predicted)")
        ax.set_ylabel("Rows")
        return to_chart(fig, key, "Residuals",
                        f"Mean {r.mean():.4g}, standard deviation {r.std():.4g}, {r.size:,} rows.")


def _values(e: Evidence) -> tuple[np.ndarray, np.ndarray] | None:
    if e.backtest is not None and not e.backtest.empty:
        frame = e.backtest
        return frame["actual"].to_numpy(dtype=float), frame["forecast"].to_numpy(dtype=float)
    if e.y_true is None or e.prediction is None or e.classes is not None:
        return None
    return np.asarray(e.y_true, dtype=float), np.asarray(e.prediction, dtype=float).ravel()


def predicted_true_chart(e: Evidence) -> Chart | None:
    """Scatter of predicted against true values, with the mean prediction per bin."""
    values = _values(e)
    return None if values is None else _predicted_true(*values, "predicted_true")


def residuals_chart(e: Evidence) -> Chart | None:
    """Histogram of the residuals."""
    values = _values(e)
    return None if values is None else _residuals(*values, "residuals")


def forecast_chart(e: Evidence) -> Chart | None:
    """Forecast against actual values, with the prediction interval, for a few series."""
    frame = e.backtest
    if frame is None or frame.empty:
        return None
    series = list(dict.fromkeys(frame["series"].tolist()))
    rows = len(series)
    with figure(7.4, 2.3 * rows + 0.4, nrows=rows, squeeze=False) as (fig, axes):
        for ax, name in zip(axes[:, 0], series):
            part = frame[frame["series"] == name].sort_values("time")
            time = pd.to_datetime(part["time"], errors="coerce")
            time = time if time.notna().all() else part["time"]
            if {"lower", "upper"} <= set(part.columns) and part[["lower", "upper"]].notna().any().any():
                ax.fill_between(time, part["lower"].astype(float), part["upper"].astype(float),
                                color=PALETTE[0], alpha=0.15, linewidth=0, label="Prediction interval")
            ax.plot(time, part["actual"].astype(float), color="#323130", linewidth=1.3, label="Actual")
            ax.plot(time, part["forecast"].astype(float), color=PALETTE[0], linewidth=1.6, label="Forecast")
            ax.set_title(short(name, 60), fontsize=9.5)
            ax.set_ylabel("Value")
        axes[0, 0].legend(loc="upper left", ncols=3)
        fig.autofmt_xdate()
        return to_chart(fig, "forecast", "Forecast vs actual",
                        f"Backtest of {rows} series; the band is the prediction interval.")


#: The best model's charts, in the order shown; each draws only from evidence it supports.
CHARTS: tuple[Callable[[Evidence], Chart | None], ...] = (
    forecast_chart, roc_chart, precision_recall_chart, confusion_chart, calibration_chart, lift_chart,
    predicted_true_chart, residuals_chart,
)


def chart_source(evidence: Evidence) -> str:
    """Where the charts come from, as the report says it."""
    if evidence.backtest is not None:
        return "its backtest: forecasts of the validation windows against what happened"
    return "its validation predictions (out-of-fold under cross-validation)"


def best_model_charts(evidence: Evidence) -> list[Chart]:
    """Every chart of :data:`CHARTS` that the evidence supports."""
    charts = (draw(evidence) for draw in CHARTS)
    return [chart for chart in charts if chart is not None]
