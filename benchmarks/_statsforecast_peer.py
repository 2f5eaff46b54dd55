"""statsforecast's AutoETS and AutoARIMA on a set of series, run in ``.venv-statsforecast``.

statsforecast pins pandas < 3, so it cannot share automl-studio's environment; the forecasting
benchmark (``bench_forecasting.py``) writes the training series to a JSON file, runs this
script with that environment's interpreter, and reads the forecasts back.

Input: ``{"series": [[key, [y, ...]], ...], "horizon": h, "season": m, "models": ["AutoETS", ...]}``.
Output: one entry per model, ``{"AutoETS": [[key, [forecast, ...]], ...], "seconds": {"AutoETS": s}}``.
Each series is indexed 0, 1, 2 ... (``freq=1``): the models only see the order of the points.

Usage: ``python _statsforecast_peer.py input.json output.json``.
"""
from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import AutoARIMA, AutoETS, SeasonalNaive


def _frame(series: list) -> pd.DataFrame:
    parts = [pd.DataFrame({"unique_id": str(i), "ds": np.arange(len(y)), "y": np.asarray(y, dtype=float)})
             for i, (_, y) in enumerate(series)]
    return pd.concat(parts, ignore_index=True)


MODELS = {"AutoETS": AutoETS, "AutoARIMA": AutoARIMA}


def forecast(series: list, horizon: int, season: int, models: list[str]) -> dict:
    """Each model's forecasts, keyed like the input; a series a model cannot fit gets its
    seasonal naive forecast (statsforecast's ``fallback_model``)."""
    frame, out = _frame(series), {"seconds": {}}
    for name in models:
        model, started = MODELS[name](season_length=season), time.time()
        fitted = StatsForecast(models=[model], freq=1, n_jobs=1, fallback_model=SeasonalNaive(season_length=season))
        predicted = fitted.forecast(df=frame, h=horizon)
        column = [c for c in predicted.columns if c not in ("unique_id", "ds")][0]
        by_id = {uid: group[column].to_numpy(dtype=float).tolist() for uid, group in predicted.groupby("unique_id")}
        out[name] = [[key, by_id[str(i)]] for i, (key, _) in enumerate(series)]
        out["seconds"][name] = round(time.time() - started, 2)
    return out


if __name__ == "__main__":
    request = json.loads(open(sys.argv[1], encoding="utf-8").read())
    result = forecast(request["series"], int(request["horizon"]), int(request["season"]), request["models"])
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(result, handle)
