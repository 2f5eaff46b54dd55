"""featurizers: Azure-AutoML-style featurization as a plain scikit-learn library.

Detect a purpose per column (:func:`detect_column_purposes`), plan a recipe per column
(:func:`plan_featurization`), build the unfitted ``ColumnTransformer`` of the plan
(:meth:`FeaturizationPlan.build`), fit it, and summarise what happened
(:meth:`FeaturizationPlan.summary`). The transformers are ordinary scikit-learn
estimators usable on their own.

Examples
--------
>>> import pandas as pd
>>> from featurizers import plan_featurization
>>> X = pd.DataFrame({"age": [22.5, None, 35.0, 41.0] * 20, "port": ["S", "C", None, "Q"] * 20})
>>> plan = plan_featurization(X)
>>> plan.purposes
{'age': 'Numeric', 'port': 'Categorical'}
>>> fitted = plan.build().fit(X)
>>> [r["EngineeredFeatureCount"] for r in plan.summary(fitted)]
[2, 4]
"""
from ._constants import BLOCKED_TRANSFORMERS, MISSING_TOKEN, PURPOSES, SWEEPING_TRANSFORMERS
from ._datetime import DATE_PARTS, DateTimeFeatures
from ._errors import FeaturizationConfigError
from ._hashing import HashOneHotEncoder
from ._numeric import ImputationMarker, NumericCast
from ._origins import raw_feature_origins
from ._plan import FeaturizationPlan, PlanStep, engineered_feature_name, plan_featurization
from ._purpose import ColumnCounts, detect_column_purposes
from ._settings import check_settings
from ._strings import StringCast
from ._summary import SUMMARY_KEYS
from ._timeseries import CalendarFeatures, auto_lag_order, origin_lag_features

__all__ = [
    "PURPOSES",
    "BLOCKED_TRANSFORMERS",
    "SWEEPING_TRANSFORMERS",
    "MISSING_TOKEN",
    "DATE_PARTS",
    "SUMMARY_KEYS",
    "FeaturizationConfigError",
    "FeaturizationPlan",
    "ColumnCounts",
    "check_settings",
    "PlanStep",
    "detect_column_purposes",
    "plan_featurization",
    "engineered_feature_name",
    "NumericCast",
    "ImputationMarker",
    "StringCast",
    "DateTimeFeatures",
    "HashOneHotEncoder",
    "CalendarFeatures",
    "auto_lag_order",
    "origin_lag_features",
    "raw_feature_origins",
]
