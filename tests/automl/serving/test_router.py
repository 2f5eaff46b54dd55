"""The router's choice of deployment: the traffic split is exact over every 100 requests, spread
evenly; mirror copies take their share evenly too."""
from __future__ import annotations

from collections import Counter

import pytest

from automl.serving._router import SharePicker, _MirrorPicker


@pytest.mark.parametrize("shares", [{"blue": 90, "green": 10}, {"a": 33, "b": 33, "c": 34}, {"blue": 100, "green": 0}])
def test_every_100_picks_hold_each_share_exactly(shares):
    picker = SharePicker(shares)
    picks = [picker.pick() for _ in range(300)]
    for start in (0, 100, 200):
        counts = Counter(picks[start:start + 100])
        assert {name: counts.get(name, 0) for name in shares} == shares


def test_picks_are_spread_not_in_runs():
    picker = SharePicker({"blue": 50, "green": 50})
    picks = [picker.pick() for _ in range(10)]
    assert all(a != b for a, b in zip(picks, picks[1:]))


def test_no_share_no_pick():
    assert SharePicker({"blue": 0}).pick() is None


def test_mirror_copies_its_share_of_requests():
    mirror = _MirrorPicker({"green": 20})
    copies = [mirror.picks() for _ in range(50)]
    assert sum(c == ["green"] for c in copies) == 10
    assert max(len(c) for c in copies) == 1
