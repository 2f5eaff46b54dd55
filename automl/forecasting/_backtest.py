"""``AutoMLResult.forecast_backtest``: the last validation window with 95% intervals."""
from __future__ import annotations

from typing import Any

import pandas as pd

from automl.errors import ConfigError

__all__ = ["forecast_backtest", "COLUMNS"]

COLUMNS = ["series", "time", "actual", "forecast", "lower", "upper"]


def forecast_backtest(result: Any, max_series: int = 4) -> pd.DataFrame:
    """Series, time, actual, forecast and the 95% interval of up to ``max_series`` series.

    The frame is computed at the end of the job (``result.forecasting``): the best trial's
    forecasts over the last rolling-origin fold, with the best model's interval scales.
    """
    if result.task != "forecasting":
        raise ConfigError(f"forecast_backtest applies to forecasting results, not {result.task}.")
    if isinstance(max_series, bool) or not isinstance(max_series, int) or max_series < 1:
        raise ConfigError(f"max_series must be a whole number of at least 1, got {max_series!r}.")
    frame = result.forecasting
    if frame is None or len(frame) == 0:
        return pd.DataFrame(columns=COLUMNS)
    chosen = list(dict.fromkeys(frame["series"]))[:max_series]
    return frame[frame["series"].isin(chosen)].reset_index(drop=True)[COLUMNS]
