"""model_summary: the best model in a dozen lines (members by weight, featurization by kind of column)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from automl.report import model_summary


def _trial(name: str, algorithm: str, score: float, ensemble=None) -> SimpleNamespace:
    return SimpleNamespace(name=name, display_name=algorithm, score=score, ensemble=ensemble)


FEATURIZATION = pd.DataFrame({
    "RawFeatureName": ["age", "income", "city", "town", "id", "zip", "kids"],
    "TypeDetected": ["Numeric", "Numeric", "Categorical", "Categorical", "Ignore", "Categorical", "Numeric"],
    "Dropped": ["No", "No", "No", "No", "Yes", "No", "No"],
    "EngineeredFeatureCount": [2, 2, 5, 3, 0, 4, 2],
    "Transformations": [["MeanImputer", "ImputationMarker"]] * 2 + [["StringCast", "OneHotEncoder"]] * 2
                       + [[]] + [["StringCast", "OneHotEncoder"]] + [["MeanImputer", "ImputationMarker"]],
})


def _result(best, model=object()) -> SimpleNamespace:
    return SimpleNamespace(best_trial=best, best_model=model, primary_metric="AUC_weighted", status="Completed",
                           stop_reason="", final_model="refit on all training rows",
                           featurization_summary=FEATURIZATION)


def test_a_vote_lists_its_members_by_weight_and_the_featurization_by_kind():
    members = [_trial("job_0", "LightGBM", 0.91), _trial("job_1", "XGBoostClassifier", 0.93),
               _trial("job_2", "LogisticRegression", 0.88)]
    vote = SimpleNamespace(members=members, weights=np.array([1.0, 3.0, 0.0]))
    text = model_summary(_result(_trial("job_3", "VotingEnsemble", 0.94, vote)))
    assert text.splitlines() == [
        "Best model: VotingEnsemble (job_3), validation AUC_weighted 0.9400",
        "  final model: refit on all training rows",
        "  members (weight, algorithm, trial, validation AUC_weighted):",
        "    0.75  XGBoostClassifier   job_1  0.9300",
        "    0.25  LightGBM            job_0  0.9100",
        "    0.00  LogisticRegression  job_2  0.8800",
        "  featurization of 7 columns into 18 features:",
        "    Numeric (3): age, income, kids: MeanImputer + ImputationMarker -> 6",
        "    Categorical (3): city, town, zip: StringCast + OneHotEncoder -> 12",
        "    Ignore (1): id: dropped",
    ]


def test_a_single_model_has_no_member_lines_and_no_model_says_why():
    text = model_summary(_result(_trial("job_0", "MaxAbsScaler LightGBM", float("nan"))))
    assert text.startswith("Best model: MaxAbsScaler LightGBM (job_0), validation AUC_weighted -\n")
    assert "members" not in text
    failed = SimpleNamespace(best_trial=None, best_model=None, status="Failed", stop_reason="every trial failed")
    assert model_summary(failed) == "No model: the job ended Failed (every trial failed)."
