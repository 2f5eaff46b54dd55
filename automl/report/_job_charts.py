"""Charts of the job itself: the trial timeline, the best score over time, feature importance."""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from automl.report._charts import short
from automl.report._svg import PALETTE, STATUS_COLOURS, Chart, figure, to_chart

__all__ = ["best_score_chart", "importance_chart", "timeline_chart", "worker_lanes"]


def worker_lanes(starts: Sequence[float], ends: Sequence[float]) -> list[int]:
    """The worker slot of each trial: the first slot free when it started (greedy, by start).

    Examples
    --------
    >>> worker_lanes([0, 1, 3, 6], [5, 3, 7, 8])
    [0, 1, 1, 0]
    """
    lanes: list[float] = []
    out = [0] * len(starts)
    for i in sorted(range(len(starts)), key=lambda i: (starts[i], i)):
        free = next((k for k, end in enumerate(lanes) if end <= starts[i] + 1e-6), None)
        if free is None:
            lanes.append(ends[i])
            free = len(lanes) - 1
        lanes[free] = ends[i]
        out[i] = free
    return out


def _timed(trials: Sequence[Any], sessions: Sequence[Mapping[str, Any]] = ()) -> tuple[pd.DataFrame, list]:
    """Trials' start and end in seconds since the first started, the time between the job's sessions
    left out; and where each later session began on that axis, with its kind."""
    rows = [{"name": t.name, "algorithm": t.display_name, "status": t.status, "score": t.score,
             "start": float(t.started_at), "end": float(t.started_at) + max(float(t.duration_seconds), 0.0)}
            for t in trials if getattr(t, "started_at", 0) and t.started_at > 0]
    frame = pd.DataFrame(rows, columns=["name", "algorithm", "status", "score", "start", "end"])
    marks: list[tuple[float, str]] = []
    if frame.empty:
        return frame, marks
    original = frame["start"].copy()
    for session in sorted(sessions[1:], key=lambda s: s.get("started_at") or 0.0):
        began = session.get("started_at")
        earlier, later = original < began, original >= began
        if not began or not earlier.any():
            continue
        last_end = float(frame.loc[earlier, "end"].max())
        if later.any():
            gap = max(0.0, float(frame.loc[later, "start"].min()) - last_end)
            frame.loc[later, ["start", "end"]] -= gap
        marks.append((last_end, str(session.get("kind", ""))))
    origin = frame["start"].min()
    frame[["start", "end"]] -= origin
    return frame, [(at - origin, kind) for at, kind in marks]


#: How the line where a later session began is labelled.
_SESSION_LABELS = {"resume": "resumed", "extend": "extended"}


def _mark_sessions(ax: Any, marks: list[tuple[float, str]]) -> None:
    for at, kind in marks:
        ax.axvline(at, color=PALETTE[3], linestyle="--", linewidth=1.2)
        ax.annotate(_SESSION_LABELS.get(kind, kind), (at, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -10), textcoords="offset points", fontsize=8, color=PALETTE[3])


def timeline_chart(trials: Sequence[Any], sessions: Sequence[Mapping[str, Any]] = ()) -> Chart | None:
    """Each trial as a bar on its worker slot, from its start to its end, coloured by status; a dashed
    line where a later session of the job (resumed, extended) began, the time between left out."""
    frame, marks = _timed(trials, sessions)
    if frame.empty:
        return None
    frame["lane"] = worker_lanes(frame["start"].tolist(), frame["end"].tolist())
    n_lanes = int(frame["lane"].max()) + 1
    with figure(8.6, 1.3 + 0.42 * n_lanes) as (fig, ax):
        for status, part in frame.groupby("status", sort=False):
            ax.barh(part["lane"], (part["end"] - part["start"]).clip(lower=0.05), left=part["start"],
                    height=0.62, color=STATUS_COLOURS.get(status, PALETTE[4]), edgecolor="white",
                    linewidth=0.6, label=str(status))
        ax.set_yticks(range(n_lanes), [f"Worker {k + 1}" for k in range(n_lanes)])
        ax.invert_yaxis()
        _mark_sessions(ax, marks)
        ax.set_xlabel("Seconds since the first trial started" + (" (sessions joined)" if marks else ""))
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3)
        sessions_note = (f" The job ran in {len(marks) + 1} sessions: the dashed lines mark where each later one "
                         "began, the time between them left out." if marks else "")
        return to_chart(fig, "timeline", "Trials over time",
                        f"{len(frame)} trials on {n_lanes} worker slot(s); a slot runs one trial at a time."
                        + sessions_note)


def best_score_chart(trials: Sequence[Any], metric: str, greater_is_better: bool,
                     sessions: Sequence[Mapping[str, Any]] = ()) -> Chart | None:
    """Every completed trial's score at its end time, and the best score so far."""
    frame, marks = _timed(trials, sessions)
    frame = frame[[isinstance(s, float) and math.isfinite(s) for s in frame["score"]]] if not frame.empty else frame
    if frame.empty:
        return None
    frame = frame.sort_values("end", kind="stable")
    best = frame["score"].cummax() if greater_is_better else frame["score"].cummin()
    with figure(8.6, 3.0) as (fig, ax):
        ax.scatter(frame["end"], frame["score"], s=14, color="#a19f9d", zorder=2, label="Trial")
        ax.step(np.r_[0.0, frame["end"]], np.r_[best.iloc[0], best], where="post", color=PALETTE[0],
                linewidth=1.8, zorder=3, label="Best so far")
        _mark_sessions(ax, marks)
        ax.set_xlabel("Seconds since the first trial started" + (" (sessions joined)" if marks else ""))
        ax.set_ylabel(metric)
        ax.legend(loc="lower right" if greater_is_better else "upper right")
        reached = frame["end"][best == best.iloc[-1]].iloc[0]
        return to_chart(fig, "best_score", "Best score over time",
                        f"Best {metric}: {best.iloc[-1]:.4f}, reached at {reached:.0f} s.")


def importance_chart(frame: pd.DataFrame | None, key: str, title: str, xlabel: str,
                     top: int = 15, caption: str = "") -> Chart | None:
    """Horizontal bars of the ``top`` most important features (error bars from ``std``)."""
    if frame is None or frame.empty:
        return None
    head = frame.head(top).iloc[::-1]
    labels = [short(f, 34) for f in head["feature"]]
    error = head["std"].fillna(0).to_numpy() if "std" in head.columns else None
    with figure(6.4, 0.9 + 0.27 * len(head)) as (fig, ax):
        ax.barh(range(len(head)), head["importance"].fillna(0), xerr=error, color=PALETTE[0],
                height=0.68, error_kw={"ecolor": "#605e5c", "elinewidth": 0.8, "capsize": 1.5})
        ax.set_yticks(range(len(head)), labels)
        ax.axvline(0, color="#8a8886", linewidth=0.8)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        shown = f"Top {len(head)} of {len(frame)}." if len(frame) > len(head) else f"All {len(frame)}."
        return to_chart(fig, key, title, f"{caption} {shown}".strip())
