"""Small synthetic series for the forecasting tests, and the repo's copy of airline_passengers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[3] / "data"


def monthly_panel(n_series: int = 2, length: int = 48, seed: int = 0, start: str = "2018-01-01") -> pd.DataFrame:
    """Seasonal monthly series with a trend, ids in ``store``, a known numeric feature ``price``."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_series):
        t = np.arange(length)
        y = 100 * (i + 1) + 2 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, length)
        frames.append(pd.DataFrame({"date": pd.date_range(start, periods=length, freq="MS"),
                                    "store": f"s{i}", "price": rng.normal(10, 1, length), "sales": y}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def panel() -> pd.DataFrame:
    return monthly_panel()


@pytest.fixture(scope="session")
def airline() -> pd.DataFrame:
    return pd.read_csv(DATA / "airline_passengers.csv")
