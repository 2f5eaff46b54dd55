"""Job settings: one dataclass per setter of Azure's SDK, documented and validated once.

Every setter is merge-style (:func:`merge`): an argument left ``None`` keeps the value
already set. Each dataclass puts its values in canonical form (``normalized``) and checks
them (``validate``, which changes nothing); the jobs' setters check again what needs the
job's task (algorithm and meta learner names), and ``submit()`` checks everything once
more before any data is read.

:data:`DATA_SETTINGS` names the data settings once, for the factories, ``set_data`` and the
job YAML; :data:`INERT_SETTINGS` names the settings Azure has that change nothing here, so
that the setters can say so.
"""
from automl.settings._data import DATA_SETTINGS, INPUT_SETTINGS, DataSettings
from automl.settings._featurization import FEATURIZATION_MODES, FeaturizationSettings
from automl.settings._forecast_settings import ForecastingSettings
from automl.settings._inert import INERT_SETTINGS, inert_warnings
from automl.settings._insight_settings import InsightSettings
from automl.settings._limits import LimitSettings
from automl.settings._merge import merge
from automl.settings._training import FINAL_MODELS, TRAINING_MODES, StackEnsembleSettings, TrainingSettings

__all__ = [
    "DATA_SETTINGS", "DataSettings", "FEATURIZATION_MODES", "FeaturizationSettings", "ForecastingSettings",
    "FINAL_MODELS", "INERT_SETTINGS", "INPUT_SETTINGS", "InsightSettings", "LimitSettings", "StackEnsembleSettings", "TRAINING_MODES",
    "TrainingSettings", "inert_warnings", "merge",
]
