"""Model explanations: what drives the best model's predictions.

Raw-feature importance is permutation importance on validation rows: shuffle one
raw column, measure how much the primary metric drops. It needs nothing from the
model but ``predict`` / ``predict_proba`` on raw rows, so ensembles are explained
like any other model. Engineered-feature importance comes from the model's own
figures: tree contributions (LightGBM, XGBoost, CatBoost), ``feature_importances_``, or
coefficients; ensembles average their members'.

Jobs compute it when ``enable_model_explainability=True`` (the default) into
``result.explanation``, log it to MLflow (``explanation/*.json``) and show it in
the report.

>>> result = job.submit()                                        # doctest: +SKIP
>>> result.explanation.get_feature_importance_dict()             # doctest: +SKIP
{'capital_gain': 0.041, 'education': 0.022, ...}
"""
from automl.explain._engineered import EXTRACTORS, engineered_importance
from automl.explain._explain_model import MAX_ROWS, explain_model, explanation_rows
from automl.explain._counterfactuals import Counterfactuals, find_counterfactuals
from automl.explain._error_analysis import ErrorAnalysis, analyse_errors, prediction_errors
from automl.explain._explanation import Explanation
from automl.explain._fairness import FairnessReport, fairness_report
from automl.explain._permutation import permutation_importance
from automl.explain._rows import ROW_METHODS, RowExplanation, explain_rows

__all__ = [
    "Counterfactuals", "EXTRACTORS", "ErrorAnalysis", "Explanation", "FairnessReport", "MAX_ROWS", "ROW_METHODS", "RowExplanation", "engineered_importance",
    "analyse_errors", "explain_model", "fairness_report", "find_counterfactuals", "explain_rows", "explanation_rows", "permutation_importance",
    "prediction_errors",
]
