import pytest

from automl.core._naming import name_key, resolve_name
from automl.errors import ConfigError


@pytest.mark.parametrize("spelling", ["AUC_weighted", "auc_weighted", "AUCWeighted", "aucweighted"])
def test_metric_spellings_share_a_key(spelling):
    assert name_key(spelling) == name_key("AUC_weighted")


def test_resolve_lists_valid_names_and_suggests():
    table = {"LightGBM": 1, "RandomForest": 2}
    assert resolve_name("light_gbm", table, what="algorithm", setting="s") == "LightGBM"
    with pytest.raises(ConfigError) as info:
        resolve_name("RandomForrest", table, what="algorithm", setting="allowed_training_algorithms")
    message = str(info.value)
    assert "allowed_training_algorithms" in message
    assert "Did you mean 'RandomForest'" in message
    assert "LightGBM, RandomForest" in message
