"""Prediction intervals from back-test errors: a scale per series and a growth per horizon step.

The validation errors of the chosen model (every fold, series and step) give each series
its error scale (root mean square); how errors grow with the step is shared by all series:
the mean normalised squared error is fitted as ``a + b * step`` with ``b >= 0`` (a
random-walk-like growth), which stays stable with few folds.

The errors in units of those scales give the quantiles (:func:`out_of_fold_standardised`):
each fold's errors are divided by the scales the other folds give, as a cross-conformal
interval does, because an error divided by a scale it helped to estimate is pulled towards 1
and its quantiles make the intervals too narrow.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> steps = np.tile(np.arange(1, 5), 50)
>>> errors = rng.normal(0, 1, steps.size) * np.sqrt(steps)
>>> sigma = residual_scales(errors, np.zeros(steps.size, dtype=int), steps, 1, 4)
>>> bool(sigma[0, 3] > sigma[0, 0])
True
"""
from __future__ import annotations

import numpy as np

__all__ = ["out_of_fold_standardised", "residual_scales"]

_FLOOR = 1e-9


def _growth(normalised: np.ndarray, steps: np.ndarray, horizon: int) -> np.ndarray:
    """Relative error variance per step (mean 1), from ``a + b * step`` fitted by least squares."""
    h = np.arange(1, horizon + 1, dtype=float)
    per_step = np.array([np.mean(normalised[steps == k] ** 2) if (steps == k).any() else np.nan for k in h])
    known = np.isfinite(per_step)
    if known.sum() >= 2:
        b, a = np.polyfit(h[known], per_step[known], 1)
        if b < 0:  # errors do not shrink further out: a flat profile
            a, b = float(np.nanmean(per_step)), 0.0
        variance = np.clip(a + b * h, 0.25 * np.nanmean(per_step), None)
    else:
        variance = np.ones(horizon)
    return variance / max(float(np.mean(variance)), _FLOOR)


def residual_scales(errors: np.ndarray, series: np.ndarray, steps: np.ndarray, n_series: int,
                    horizon: int) -> np.ndarray:
    """Error standard deviation per series and horizon step, shape ``(n_series, horizon)``.

    A series without back-test errors gets the median scale of the others.
    """
    errors = np.asarray(errors, dtype=float)
    ok = np.isfinite(errors)
    errors, series, steps = errors[ok], np.asarray(series)[ok], np.asarray(steps)[ok]
    scale = np.full(n_series, np.nan)
    for i in np.unique(series):
        scale[i] = np.sqrt(np.mean(errors[series == i] ** 2))
    fallback = float(np.nanmedian(scale)) if np.isfinite(scale).any() else 1.0
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, max(fallback, _FLOOR))
    growth = _growth(errors / scale[series], steps, horizon) if len(errors) else np.ones(horizon)
    return scale[:, None] * np.sqrt(growth)[None, :]


def out_of_fold_standardised(errors: np.ndarray, series: np.ndarray, steps: np.ndarray, folds: np.ndarray,
                             n_series: int, horizon: int) -> np.ndarray:
    """Back-test errors in units of the scales estimated without their own fold.

    With one fold there is nothing to leave out: the errors are divided by their own scales.

    Parameters
    ----------
    errors, series, steps, folds : ndarray of shape (n_errors,)
        Each error with its series index, horizon step (from 1) and back-test fold.
    n_series, horizon : int

    Returns
    -------
    ndarray of shape (n_errors,)
        ``NaN`` where the error is not finite.

    Examples
    --------
    >>> errors = np.array([1.0, 1.0, 1.0, 4.0])
    >>> series, steps, folds = np.zeros(4, dtype=int), np.ones(4, dtype=int), np.array([0, 1, 2, 3])
    >>> out_of_fold_standardised(errors, series, steps, folds, 1, 1).round(2).tolist()
    [0.41, 0.41, 0.41, 4.0]
    """
    errors, series, steps, folds = (np.asarray(a) for a in (errors, series, steps, folds))
    errors = errors.astype(float)
    labels = np.unique(folds)
    if len(labels) < 2:
        sigma = residual_scales(errors, series, steps, n_series, horizon)
        return errors / sigma[series, steps - 1]
    standard = np.full(len(errors), np.nan)
    for fold in labels:
        held = folds == fold
        sigma = residual_scales(np.where(held, np.nan, errors), series, steps, n_series, horizon)
        standard[held] = errors[held] / sigma[series[held], steps[held] - 1]
    return standard
