"""Work that must end by a deadline, in the job's own process: calls on daemon threads, waited for until the
deadline and left behind after it.

A Python thread cannot be stopped from outside, so a call past the deadline goes on in the background: on a
daemon thread it neither holds the job's return nor the interpreter's exit, and whatever it returns is dropped.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Sequence, TypeVar

__all__ = ["RETURN_SECONDS", "PastDeadline", "run_by"]

T = TypeVar("T")

#: A fit stopped at its deadline (a booster's hook) returns within this many seconds: the end of its
#: iteration and the assembly of what it fitted.
RETURN_SECONDS = 1.0


class PastDeadline(RuntimeError):
    """A call that had not returned by its deadline (it was left running on a daemon thread)."""


def run_by(calls: Sequence[Callable[[], T]], deadline: float | None, workers: int = 1,
           name: str = "automl-worker") -> list[T | PastDeadline]:
    """The result of each of ``calls``, run ``workers`` at a time, or :class:`PastDeadline` for those that
    had not returned by ``deadline``.

    Parameters
    ----------
    calls : sequence of callables
        Taking no arguments.
    deadline : float or None
        A ``time.monotonic()`` by which the calls must have returned; None waits for them all, and runs
        them in the calling thread when ``workers`` is 1.
    workers : int, default=1
        Calls run at the same time, each on a daemon thread. A call not started by the deadline is not
        started.
    name : str, default="automl-worker"
        The threads' name prefix (it shows in a stack dump).

    Returns
    -------
    list
        In the order of ``calls``.

    Raises
    ------
    Exception
        The first (in the order of ``calls``) that a call raised before the deadline.
    """
    if deadline is None and workers <= 1:
        return [call() for call in calls]
    pending = iter(range(len(calls)))
    outcomes: dict[int, tuple[bool, object, float]] = {}
    lock, finished = threading.Lock(), threading.Condition()
    late = threading.Event()

    def work() -> None:
        while not late.is_set():
            with lock:
                index = next(pending, None)
            if index is None:
                return
            try:
                outcome = (True, calls[index]())
            except BaseException as exc:  # handed to the caller, which raises it
                outcome = (False, exc)
            with finished:
                outcomes[index] = (*outcome, time.monotonic())
                finished.notify_all()

    for i in range(max(1, min(workers, len(calls)))):
        threading.Thread(target=work, name=f"{name}_{i}", daemon=True).start()
    with finished:
        while len(outcomes) < len(calls):
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                break
            finished.wait(wait)
        late.set()
        # A call that ended at the deadline (a fit stopped by it) is late too.
        done = {i: (ok, value) for i, (ok, value, at) in outcomes.items() if deadline is None or at < deadline}
    for index in sorted(done):
        ok, value = done[index]
        if not ok:
            raise value  # type: ignore[misc]
    return [done[i][1] if i in done  # type: ignore[misc]
            else PastDeadline(f"call {i} had not returned by its deadline") for i in range(len(calls))]
