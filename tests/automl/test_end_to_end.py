"""End-to-end runs on real data (the foundation issue's acceptance figures)."""
import pandas as pd
import pytest
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

import automl

pytestmark = pytest.mark.slow


def test_titanic_auc(data_dir):
    frame = pd.read_csv(data_dir / "titanic.csv")
    train, test = train_test_split(frame, test_size=0.25, random_state=0, stratify=frame["Survived"])
    job = automl.classification(training_data=train, target_column_name="Survived",
                                primary_metric="AUC_weighted", name="titanic", log_verbosity="warning",
                                n_cross_validations=5,  # half of the default 10 folds: the same search, faster
                                enable_model_explainability=False)  # explanations: tests/automl/explain
    job.set_limits(max_trials=8)
    result = job.submit()

    board = result.leaderboard
    assert len(board) == 8 and board["algorithm"].nunique() >= 5
    proba = result.best_model.predict_proba(test.drop(columns="Survived"))
    classes = list(result.best_model.classes_)
    auc = roc_auc_score(test["Survived"], proba[:, classes.index(1)])
    print(f"titanic held-out AUC_weighted {auc:.4f} with {result.best_trial.display_name}")
    assert auc >= 0.83
    predictions = result.best_model.predict(test.drop(columns="Survived"))
    assert set(predictions) <= {0, 1}


def test_diamonds_r2(data_dir):
    frame = pd.read_csv(data_dir / "diamonds.csv.gz")
    train, test = train_test_split(frame, test_size=0.25, random_state=0)
    job = automl.regression(training_data=train, target_column_name="price", primary_metric="r2_score",
                            name="diamonds", log_verbosity="warning")
    job.set_limits(max_trials=6)
    result = job.submit()
    assert result.validation["method"] == "holdout" and result.validation["auto"]
    r2 = r2_score(test["price"], result.best_model.predict(test.drop(columns="price")))
    print(f"diamonds held-out r2 {r2:.4f} with {result.best_trial.display_name}")
    assert r2 >= 0.97


ADULT_MLTABLE = """\
type: mltable
paths:
  - file: ./adult.csv.gz
transformations:
  - read_delimited:
      delimiter: ','
      encoding: ascii
  - keep_columns: [age, workclass, education, hours_per_week, sex, capital_gain, class]
  - convert_column_types:
      - columns: [age, hours_per_week]
        column_type: float
  - filter: 'col("age") >= 18 and col("education") != "Preschool"'
"""


def test_adult_mltable_trains(tmp_path, data_dir):
    import shutil

    folder = tmp_path / "adult"
    folder.mkdir()
    shutil.copy(data_dir / "adult.csv.gz", folder / "adult.csv.gz")
    (folder / "MLTable").write_text(ADULT_MLTABLE)
    job = automl.classification(training_data=automl.Input(type="mltable", path=str(folder)),
                                target_column_name="class", primary_metric="AUC_weighted",
                                log_verbosity="warning")
    job.set_limits(max_trials=1)
    result = job.submit()
    assert result.status == "Completed"
    raw = pd.read_csv(data_dir / "adult.csv.gz")
    kept = ((raw["age"] >= 18) & (raw["education"] != "Preschool")).sum()
    assert kept < len(raw) and result.data_shape == (kept, 6)
    assert set(result.featurization_summary["RawFeatureName"]) == {
        "age", "workclass", "education", "hours_per_week", "sex", "capital_gain"}
    assert result.metrics["AUC_weighted"] > 0.85
