"""The VotingEnsemble model: scikit-learn's voting estimators, assembled from fitted members.

The members are refit once, on all training rows, before they are put
together; the voting estimator is never fit itself. Its fitted attributes are
set the way ``VotingClassifier.fit`` / ``VotingRegressor.fit`` set them, so
the result predicts, pickles, and converts to ONNX with skl2onnx like any
fitted voting estimator.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import Bunch


def weighted_average(predictions: Sequence[np.ndarray], weights: np.ndarray) -> np.ndarray:
    """Soft vote: the weighted average of probabilities (or of regression values).

    Examples
    --------
    >>> weighted_average([np.array([0.0, 1.0]), np.array([1.0, 1.0])], np.array([0.75, 0.25])).tolist()
    [0.25, 1.0]
    """
    return np.average(np.stack([np.asarray(p, dtype=float) for p in predictions]), axis=0,
                      weights=np.asarray(weights, dtype=float))


def check_member_classes(name: str, member: Any, classes: np.ndarray) -> None:
    """Raise ``ValueError`` unless ``member.classes_`` equals ``classes`` (same order)."""
    fitted = np.asarray(getattr(member, "classes_", []))
    if len(fitted) != len(classes) or not np.array_equal(fitted, np.asarray(classes)):
        raise ValueError(
            f"ensemble member {name!r} knows the classes {fitted.tolist()}, the job "
            f"{np.asarray(classes).tolist()}: members must be fit on the same training rows.")


def make_voting_ensemble(members: Sequence[tuple[str, Any]], weights: Sequence[float], *,
                         classes: np.ndarray | None = None) -> VotingClassifier | VotingRegressor:
    """A fitted soft-voting estimator over already fitted ``members``.

    Parameters
    ----------
    members : sequence of (name, fitted estimator)
        The members, e.g. ``("LightGBM_0", Pipeline([...]))``, fit on the same rows.
    weights : sequence of float
        One weight per member (they need not sum to one).
    classes : ndarray, optional
        The classes (sorted, as ``np.unique`` gives them): with them a
        ``VotingClassifier(voting="soft", flatten_transform=False)`` is built, and every
        member's ``classes_`` must equal them; without, a ``VotingRegressor``.

    Returns
    -------
    VotingClassifier or VotingRegressor
        Fitted: ``estimators_``, ``named_estimators_`` (and ``le_``,
        ``classes_`` for classification) are set.
    """
    members = list(members)
    weights = np.asarray(weights, dtype=float)
    if len(members) != len(weights) or not members:
        raise ValueError(f"need one weight per member, got {len(weights)} for {len(members)}.")
    if classes is not None:
        classes = np.asarray(classes)
        for name, member in members:
            check_member_classes(name, member, classes)
        ensemble = VotingClassifier(members, voting="soft", weights=weights, flatten_transform=False)
        ensemble.le_ = LabelEncoder().fit(classes)
        if not np.array_equal(ensemble.le_.classes_, classes):
            raise ValueError(f"classes must be sorted and unique, got {classes.tolist()}.")
        ensemble.classes_ = ensemble.le_.classes_
    else:
        ensemble = VotingRegressor(members, weights=weights)
    ensemble.estimators_ = [member for _, member in members]
    ensemble.named_estimators_ = Bunch(**dict(members))
    for member in ensemble.estimators_:
        if hasattr(member, "feature_names_in_"):
            ensemble.feature_names_in_ = member.feature_names_in_
    return ensemble
