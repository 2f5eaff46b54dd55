"""Calls waited for until a deadline, and left behind after it."""
from __future__ import annotations

import threading
import time

import pytest

from automl.core import PastDeadline, run_by


def test_every_call_returns_its_own_result_in_order_whatever_the_workers():
    calls = [lambda i=i: i * i for i in range(7)]
    assert run_by(calls, None) == [i * i for i in range(7)]
    assert run_by(calls, time.monotonic() + 60, workers=3) == [i * i for i in range(7)]


def test_a_call_not_returned_by_the_deadline_is_left_behind_and_the_others_are_kept():
    release, left_behind = threading.Event(), threading.Event()

    def stuck() -> str:
        release.wait(120)
        left_behind.set()
        return "late"

    try:
        results = run_by([lambda: "a", stuck, lambda: "c"], time.monotonic() + 1.0, workers=2)
        assert results[0] == "a" and results[2] == "c"
        assert isinstance(results[1], PastDeadline)
        # The stuck call is still running, on a daemon thread: nothing waited for it.
        stuck_threads = [t for t in threading.enumerate() if t.name.startswith("automl-worker")
                         and t.is_alive()]
        assert stuck_threads and all(t.daemon for t in stuck_threads)
        assert not left_behind.is_set()
    finally:
        release.set()


def test_a_call_not_started_by_the_deadline_is_never_started():
    release, started = threading.Event(), []

    def stuck() -> None:
        release.wait(120)

    try:
        results = run_by([stuck, lambda: started.append(1)], time.monotonic() + 0.5, workers=1)
        assert all(isinstance(r, PastDeadline) for r in results)
    finally:
        release.set()
    time.sleep(0.2)  # the worker, released, finds the deadline passed and takes no more calls
    assert started == []


def test_the_first_exception_of_a_call_is_raised():
    def fails(message: str):
        def call():
            raise ValueError(message)
        return call

    with pytest.raises(ValueError, match="first"):
        run_by([lambda: 1, fails("first"), fails("second")], time.monotonic() + 60, workers=2)
    with pytest.raises(ValueError, match="first"):
        run_by([fails("first"), lambda: 1], None)

