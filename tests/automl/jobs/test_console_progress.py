"""The console during a job: on a terminal a live line (trials done / running / failed, the best score,
elapsed and remaining time) under the trial lines; elsewhere (a file, a pipe, CI) plain lines only;
nothing with show_progress=False."""
from __future__ import annotations

import io
import re
import sys

import numpy as np
import pandas as pd
import pytest

import automl

#: The live status, two lines that fit an 80-column terminal (which crops longer ones).
LIVE_LINE = re.compile(r"trials: 3 done, 0 running, 0 failed \| 0:00:\d\d elapsed, 0:0\d:\d\d left\n"
                       r"best accuracy: 0\.9100 \(StandardScalerWrapper LogisticRegression\)")


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr in a shell does."""

    def isatty(self) -> bool:
        return True


def _run(monkeypatch, stream: io.StringIO, show_progress: bool = True) -> str:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=300), "z": rng.normal(size=300)})
    frame["y"] = np.where(frame["x"] + 0.3 * rng.normal(size=300) > 0, "a", "b")
    monkeypatch.setattr(sys, "stderr", stream)
    job = automl.classification(training_data=frame, target_column_name="y", primary_metric="accuracy")
    job.set_limits(max_trials=3, max_concurrent_trials=1, timeout_minutes=2)
    job.set_training(allowed_training_algorithms=["LogisticRegression", "LightGBM"])
    assert job.submit(show_progress=show_progress).status == "Completed"
    return stream.getvalue()


def test_a_terminal_gets_the_live_status_line(monkeypatch):
    shown = _run(monkeypatch, Terminal())
    assert "\x1b[1A" in shown  # drawn and redrawn in place (cursor up)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    assert LIVE_LINE.search(text), text[-2000:]


def test_a_pipe_gets_plain_lines_only(monkeypatch):
    shown = _run(monkeypatch, io.StringIO())
    assert "ITER" in shown and "DATA GUARDRAILS:" in shown
    assert len(re.findall(r"^\s+\d+  \S", shown, re.M)) == 3  # one line per trial
    assert "remaining" not in shown and "\x1b[" not in shown


@pytest.mark.parametrize("show_progress", [False])
def test_show_progress_false_prints_nothing(monkeypatch, show_progress):
    assert _run(monkeypatch, Terminal(), show_progress=show_progress) == ""
