"""Automatic ETS and ARIMA on statsmodels: small, fast model searches per series.

:func:`auto_ets` is an AutoETS: additive or (strictly positive series) multiplicative
errors; no, additive or damped additive trend; no, additive or (positive series)
multiplicative seasonality, the latter with multiplicative errors only; the lowest AICc
wins. :func:`auto_arima` is a compact Hyndman-Khandakar stepwise search with SARIMAX:
``d`` from repeated KPSS tests, seasonal ``D`` from the STL seasonal strength, a few
starting orders and then the +-1 neighbours of the best, by AICc, with a cap on the
number of fits. Both return a :class:`FittedModel` that forecasts after the fitted
history or, with the fitted parameters, after any other history (``moved on``).

SARIMAX is fitted and filtered with statsmodels' ``low_memory``: no smoothing and no state
covariance kept per time step, which only forecasting from the end of the history needs. A
seasonal ARIMA of 24-hour data holds 25 states or more: their covariances kept for each of
8,700 hours took 785 MB per fitted model and 2.8 GB while fitting; now 2 MB and 0.3 GB, with
the same forecasts.

Examples
--------
>>> t = np.arange(60)
>>> y = 10 + 0.5 * t + 3 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 0.3, 60)
>>> model = auto_ets(y, 12)
>>> forecast = model.forecast(12)
>>> forecast.shape, bool(np.abs(forecast - (10 + 0.5 * np.arange(60, 72))).max() < 5)
((12,), True)
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["MAX_ARIMA_FITS", "FittedModel", "auto_arima", "auto_ets"]

#: At most this many SARIMAX fits per series in the stepwise search.
MAX_ARIMA_FITS = 8
_MAX_ORDER = {"p": 3, "q": 3, "P": 1, "Q": 1}
_STARTS = ((2, 2, 1, 1), (0, 0, 0, 0), (1, 0, 1, 0), (0, 1, 0, 1))


def _difference_polynomial(d: int, D: int, season: int) -> np.ndarray:
    """Coefficients of ``(1 - B)^d (1 - B^season)^D``, lag 0 first."""
    poly = np.ones(1)
    for _ in range(d):
        poly = np.convolve(poly, [1.0, -1.0])
    for _ in range(D):
        poly = np.convolve(poly, np.r_[1.0, np.zeros(season - 1), -1.0])
    return poly


def _difference(values: np.ndarray | None, poly: np.ndarray) -> np.ndarray | None:
    """``values`` (1-d, or 2-d by column) differenced by ``poly``; ``len(poly) - 1`` rows shorter."""
    if values is None or len(poly) == 1:
        return values
    if values.ndim == 1:
        return np.convolve(values, poly, mode="valid")
    return np.column_stack([np.convolve(column, poly, mode="valid") for column in values.T])


def _integrate(y: np.ndarray, w: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """The levels after ``y`` whose differences by ``poly`` are ``w``."""
    if len(poly) == 1:
        return np.asarray(w, dtype=float)
    levels = list(y[-(len(poly) - 1):])
    for value in w:
        levels.append(value - float(np.dot(poly[1:], levels[::-1][:len(poly) - 1])))
    return np.asarray(levels[len(poly) - 1:], dtype=float)


@dataclass
class FittedModel:
    """A fitted statsmodels model and what is needed to run it over another history.

    Parameters
    ----------
    kind : {"ets", "arima"}
    results : object
        statsmodels ``ETSResults``, or ``SARIMAXResults`` of the ARMA on the differenced series
        (fitted with ``low_memory``: it forecasts, and holds no in-sample states).
    options : dict
        The model's constructor options (orders, trend, seasonality).
    poly : ndarray
        The differencing polynomial (ARIMA; ``[1.0]`` for none).
    y, exog : ndarray
        The fitted history and its regressors (ARIMA), to integrate the forecasts.
    columns : ndarray of bool, optional
        Which of the given regressors the model uses (those differencing does not cancel).
    """

    kind: str
    results: Any
    options: dict
    poly: np.ndarray = field(default_factory=lambda: np.ones(1))
    y: np.ndarray | None = None
    exog: np.ndarray | None = None
    columns: np.ndarray | None = None

    def _select(self, exog: np.ndarray | None) -> np.ndarray | None:
        if exog is None or self.columns is None:
            return exog
        return exog[:, self.columns] if self.columns.any() else None

    def forecast(self, h: int, exog_future: np.ndarray | None = None) -> np.ndarray:
        """The mean forecast ``h`` steps after the fitted history."""
        if self.kind == "ets":
            return _forecast(self.results, h, None)
        return self._levels(self.results, self.y, self.exog, h, self._select(exog_future))

    def forecast_from(self, y: np.ndarray, h: int, exog: np.ndarray | None = None,
                      exog_future: np.ndarray | None = None) -> np.ndarray:
        """The mean forecast after the history ``y``, filtered with the fitted parameters."""
        y = np.asarray(y, dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.kind == "ets":
                from statsmodels.tsa.exponential_smoothing.ets import ETSModel

                if "mul" in (self.options["error"], self.options["seasonal"]) and not np.all(y > 0):
                    return auto_ets(y, self.options["seasonal_periods"] or 1).forecast(h)  # additive ones only
                return _forecast(ETSModel(y, **self.options).smooth(self.results.params), h, None)
            exog, exog_future = self._select(exog), self._select(exog_future)
            model = self.results.model.clone(_difference(y, self.poly), exog=_difference(exog, self.poly))
            moved = model.filter(self.results.params, low_memory=True)
        return self._levels(moved, y, exog, h, exog_future)

    def _levels(self, results: Any, y: np.ndarray, exog: np.ndarray | None, h: int,
                exog_future: np.ndarray | None) -> np.ndarray:
        future = None
        if exog is not None:
            future = _difference(np.vstack([exog, exog_future]), self.poly)[-h:]
        return _integrate(y, _forecast(results, h, future), self.poly)


def _aicc(results: Any) -> float:
    """The AICc of SARIMAX ``results``, from the log-likelihood after the diffuse burn-in periods.

    A ``low_memory`` fit keeps no log-likelihood per period, and its ``llf`` (so its ``aicc``) counts
    the burn-in periods too, more of them for a seasonal order: orders would be compared unfairly.
    """
    from statsmodels.tools.eval_measures import aicc

    return float(aicc(results.model.loglike(results.params), results.nobs_effective, results.df_model))


def _forecast(results: Any, h: int, exog: np.ndarray | None) -> np.ndarray:
    """The mean forecast of statsmodels ``results``, ``h`` steps ahead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = results.forecast(h, exog=exog) if exog is not None else results.forecast(h)
    return np.asarray(out, dtype=float)


def _ets_options(y: np.ndarray, season: int) -> list[dict]:
    """The ETS variants tried, Hyndman's ``ets`` set: errors additive or (strictly positive series)
    multiplicative; trend none, additive or damped; seasonality none, additive or (positive series)
    multiplicative, but not multiplicative with additive errors, which is numerically unstable."""
    positive = bool(np.all(y > 0))
    errors = ["add", "mul"] if positive else ["add"]
    trends = [(None, False), ("add", False), ("add", True)]
    seasonals: list[str | None] = [None]
    if season > 1:
        seasonals += ["add", "mul"] if positive else ["add"]
    return [{"error": error, "trend": trend, "damped_trend": damped, "seasonal": seasonal,
             "seasonal_periods": season if seasonal else None,
             "initialization_method": "heuristic" if seasonal else "estimated"}
            for error in errors for seasonal in seasonals for trend, damped in trends
            if not (error == "add" and seasonal == "mul")]


def _lowest_aicc(y: np.ndarray, candidates: list[dict], best: FittedModel | None = None,
                 best_aicc: float = np.inf) -> tuple[FittedModel | None, float]:
    """The ETS model of lowest AICc among ``candidates`` and ``best`` (whose AICc is ``best_aicc``)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    for options in candidates:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = ETSModel(y, **options).fit(disp=False, maxiter=200)
            aicc = float(results.aicc)
        except Exception:  # a variant the data cannot support (too short, degenerate)
            continue
        if np.isfinite(aicc) and aicc < best_aicc and np.isfinite(results.forecast(1)).all():
            best, best_aicc = FittedModel("ets", results, options), aicc
    return best, best_aicc


@threadpool_limits.wrap(limits=1)  # BLAS threads only slow these small fits down
def auto_ets(y: np.ndarray, season: int = 1) -> FittedModel:
    """The ETS model with the lowest AICc on ``y`` (``season`` 1: non-seasonal), in two steps.

    The additive-error variants first; then, for a positive series, the multiplicative-error ones
    with the trend that won (seasonality none, additive or multiplicative). Six to nine fits
    instead of all fifteen, the time of the additive-error search alone (11.6 s against 19.4 s on
    304 quarterly series); the held-out NRMSE was within 0.0002 of all fifteen's on 9 of 10 public
    series sets, the tenth (five stock prices) 0.119 against 0.090.

    Raises
    ------
    ValueError
        When no variant could be fitted.
    """
    y = np.asarray(y, dtype=float)
    options = _ets_options(y, season)
    best, best_aicc = _lowest_aicc(y, [o for o in options if o["error"] == "add"])
    if best is not None:
        trend = (best.options["trend"], best.options["damped_trend"])
        best, best_aicc = _lowest_aicc(y, [o for o in options if o["error"] == "mul"
                                           and (o["trend"], o["damped_trend"]) == trend], best, best_aicc)
    if best is None:
        raise ValueError("no ETS model could be fitted")
    return best


def _kpss_differences(y: np.ndarray, max_d: int = 2) -> int:
    """How often ``y`` is differenced before KPSS (level, 5%) no longer rejects stationarity."""
    from statsmodels.tsa.stattools import kpss

    d = 0
    while d < max_d and len(y) > 10 and np.ptp(y) > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p_value = kpss(y, regression="c", nlags="auto")[1]
        if p_value >= 0.05:
            break
        y, d = np.diff(y), d + 1
    return d


def _seasonal_differences(y: np.ndarray, season: int) -> int:
    """1 when the STL seasonal strength exceeds 0.64 (Wang, Smith & Hyndman), else 0."""
    if season < 2 or len(y) < 2 * season + 2:
        return 0
    from statsmodels.tsa.seasonal import STL

    fit = STL(y, period=season, robust=False).fit()
    remainder, seasonal = fit.resid, fit.seasonal
    spread = np.var(remainder + seasonal)
    strength = max(0.0, 1.0 - np.var(remainder) / spread) if spread > 0 else 0.0
    return int(strength > 0.64)


class _Search:
    """The stepwise search on one series: ARMA fits of the differenced series, cached by order.

    The series is differenced once up front (``simple differencing``) and the parameters are
    estimated unconstrained, which keeps each fit short; orders whose AR or MA roots fall on
    or inside the unit circle are rejected instead.
    """

    def __init__(self, y: np.ndarray, exog: np.ndarray | None, season: int, d: int, D: int):
        self.y, self.exog, self.season, self.d, self.D = y, exog, season, d, D
        self.poly = _difference_polynomial(d, D, season)
        self.w, self.dexog = _difference(y, self.poly), _difference(exog, self.poly)
        self.tried: dict[tuple, float] = {}
        self.best: FittedModel | None = None
        self.best_aicc = np.inf

    def options(self, p: int, q: int, P: int, Q: int) -> dict:
        """SARIMAX options of the ARMA on the differenced series (a constant when ``d + D < 2``)."""
        seasonal = (P, 0, Q, self.season) if self.season > 1 and P + Q else (0, 0, 0, 0)
        return {"order": (p, 0, q), "seasonal_order": seasonal, "trend": "c" if self.d + self.D < 2 else "n",
                "concentrate_scale": True, "enforce_stationarity": False, "enforce_invertibility": False}

    def fit(self, orders: tuple[int, int, int, int]) -> None:
        """Fit one order (once) and keep it when its AICc is the lowest so far."""
        if self.season < 2:
            orders = (orders[0], orders[1], 0, 0)
        if orders in self.tried or len(self.tried) >= MAX_ARIMA_FITS:
            return
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        self.tried[orders] = np.inf
        options = self.options(*orders)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = SARIMAX(self.w, exog=self.dexog, **options).fit(disp=False, method="lbfgs", maxiter=50,
                                                                          low_memory=True)
                aicc = _aicc(results)
                roots = np.r_[results.arroots, results.maroots]
        except Exception:  # singular design, too few points: the order is skipped
            return
        if roots.size and np.abs(roots).min() <= 1.0 + 1e-3:  # non-stationary or non-invertible
            return
        self.tried[orders] = aicc
        if np.isfinite(aicc) and aicc < self.best_aicc:
            self.best = FittedModel("arima", results, options, self.poly, self.y, self.exog)
            self.best_aicc = aicc

    def neighbours(self) -> list[tuple[int, int, int, int]]:
        """The orders one step (+-1 in one of p, q, P, Q) from the best one."""
        best = next(k for k, v in self.tried.items() if v == self.best_aicc)
        out = []
        for i, name in enumerate(("p", "q", "P", "Q")):
            for step in (-1, 1):
                value = best[i] + step
                if 0 <= value <= _MAX_ORDER[name]:
                    out.append(best[:i] + (value,) + best[i + 1:])
        return out


@threadpool_limits.wrap(limits=1)
def auto_arima(y: np.ndarray, season: int = 1, exog: np.ndarray | None = None) -> FittedModel:
    """The (seasonal) ARIMA, with regressors ``exog`` if given, of lowest AICc in a stepwise search.

    Raises
    ------
    ValueError
        When no order could be fitted.
    """
    y = np.asarray(y, dtype=float)
    D = _seasonal_differences(y, season)
    d = _kpss_differences(y[season:] - y[:-season] if D else y, 2 if not D else 1)
    columns = None
    if exog is not None:  # seasonal differencing cancels Fourier terms of the season: leave them out
        differenced = _difference(exog, _difference_polynomial(d, D, season))
        columns = np.abs(differenced).max(axis=0) > 1e-8 * (1.0 + np.abs(exog).max(axis=0))
        exog = exog[:, columns] if columns.any() else None
    search = _Search(y, exog, season, d, D)
    for orders in _STARTS:
        search.fit(orders)
    while search.best is not None and len(search.tried) < MAX_ARIMA_FITS:
        before = search.best_aicc
        for orders in search.neighbours():
            search.fit(orders)
        if search.best_aicc >= before:  # no neighbour improves: a local optimum
            break
    if search.best is None:
        raise ValueError("no ARIMA order could be fitted")
    search.best.columns = columns
    return search.best
