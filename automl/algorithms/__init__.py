"""The learners: Azure's classification and regression algorithms, each declared once in a table.

:data:`CLASSIFICATION` and :data:`REGRESSION` are :class:`AlgorithmRegistry` tables (the
forecasting table, :data:`automl.timeseries.FORECASTING`, adds the classical forecasters);
a task names its table (:mod:`automl.tasks`). :func:`make_pipeline` builds a learner's
per-model pipeline (scaler and estimator), the steps a fitted model holds.

>>> from automl.algorithms import CLASSIFICATION
>>> CLASSIFICATION["light_gbm"].display_name
'MaxAbsScaler LightGBM'
"""
from automl.algorithms._algorithm import PREPROCESSORS, Algorithm, AlgorithmRegistry
from automl.algorithms._classifiers import CLASSIFICATION
from automl.algorithms._deadline_hooks import STOPPED_ATTRIBUTE
from automl.algorithms._growing import MIN_MEMBERS, TooFewMembers
from automl.algorithms._model_size import (MAX_MODEL_BYTES, ForestSize, ModelSize, TrainingDataSize,
                                          fitted_model_bytes)
from automl.algorithms._pipeline import ScoringPipeline, fit_pipeline, make_pipeline, to_dense
from automl.algorithms._regressors import REGRESSION
from automl.algorithms._space import Choice, Domain, Float, Int, sample_config

__all__ = [
    "Algorithm", "AlgorithmRegistry", "CLASSIFICATION", "Choice", "Domain", "Float", "ForestSize", "Int",
    "MAX_MODEL_BYTES", "MIN_MEMBERS", "ModelSize", "PREPROCESSORS", "TrainingDataSize",
    "REGRESSION", "STOPPED_ATTRIBUTE", "ScoringPipeline", "fit_pipeline", "fitted_model_bytes", "make_pipeline", "sample_config", "to_dense",
    "TooFewMembers",
]
