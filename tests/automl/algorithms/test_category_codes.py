"""CatBoost on the string columns' own categories: the featurized blocks read back as codes
(:class:`automl.algorithms.CategoryCodes`), declared categorical in CatBoost's pipeline only."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import OrdinalEncoder

from automl.algorithms import CategoryCodes, make_pipeline
from automl.algorithms._category_codes import UNKNOWN
from automl.tasks import get_task
from featurizers import MISSING_TOKEN, category_blocks, plan_featurization


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame({"amount": rng.normal(size=n),
                         "city": rng.choice(["Lyon", "Nice", "Paris", "Lille", None], size=n),
                         "plan": rng.choice(["basic", "gold"], size=n),
                         "visits": rng.integers(0, 4, size=n)})


def _fitted(frame: pd.DataFrame):
    transformer = plan_featurization(frame).build().fit(frame)
    return transformer, transformer.transform(frame)


def test_codes_are_the_categories_of_the_raw_column(frame):
    transformer, X = _fitted(frame)
    blocks = category_blocks(transformer, ["city", "plan"])
    names = transformer.get_feature_names_out()
    assert [names[b[0]].split("_")[0] for b in blocks] == ["plan", "city"]  # the label step comes first
    codes = CategoryCodes(blocks).fit(X).codes(X)
    raw = frame[["plan", "city"]].fillna(MISSING_TOKEN)
    ordinal = OrdinalEncoder().fit_transform(raw).astype(int)
    # Same partition of the rows as the raw categories, in the same order: the categories' own codes.
    np.testing.assert_array_equal(codes, ordinal)


def test_sparse_and_dense_give_the_same_frame_and_unseen_categories_a_code_of_their_own(frame):
    transformer, X = _fitted(frame)
    blocks = category_blocks(transformer, ["city", "plan"])
    coder = CategoryCodes(blocks).fit(X)
    pd.testing.assert_frame_equal(coder.transform(sp.csr_matrix(X)), coder.transform(np.asarray(X)))
    unseen = transformer.transform(frame.head(3).assign(city="Brest"))
    assert (coder.codes(unseen)[:, 1] == UNKNOWN).all()
    rest = coder.transform(X).drop(columns=["c0", "c1"]).to_numpy()
    np.testing.assert_array_equal(rest, np.delete(np.asarray(X), [p for b in blocks for p in b], axis=1))


def test_contributions_go_back_to_the_row_s_own_category(frame):
    transformer, X = _fitted(frame)
    blocks = category_blocks(transformer, ["city"])
    coder = CategoryCodes(blocks).fit(X)
    out = coder.transform(X)
    rng = np.random.default_rng(1)
    contributions = rng.normal(size=(len(out), 1, out.shape[1] + 1))
    expanded = coder.expand_contributions(contributions, X)
    assert expanded.shape == (len(out), 1, X.shape[1] + 1)
    np.testing.assert_allclose(expanded.sum(axis=2), contributions.sum(axis=2))  # nothing lost or added
    city = np.asarray(X)[:, blocks[0]]
    on_block = expanded[:, 0, blocks[0]]
    # Each row's code contribution sits on its own category's one-hot output, nowhere else in the block.
    np.testing.assert_allclose(on_block[city == 1], contributions[:, 0, 0])
    assert (on_block[city == 0] == 0).all()
    shares = coder.expand_importances(np.array([0.6] + [0.4 / (out.shape[1] - 1)] * (out.shape[1] - 1)), X)
    np.testing.assert_allclose(shares[blocks[0]], 0.6 * city.mean(axis=0))


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_only_catboost_reads_the_codes(task, frame, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    transformer, X = _fitted(frame)
    blocks = category_blocks(transformer, ["city", "plan"])
    y = np.where(frame["city"].isin(["Lyon", "Nice"]), 1.0, 0.0) + 0.1 * frame["amount"].to_numpy()
    y = (y > 0.5).astype(int) if task == "classification" else y
    registry = get_task(task).algorithms
    catboost = make_pipeline(registry["CatBoost" + ("Classifier" if task == "classification" else "Regressor")],
                             {"iterations": 30}, category_blocks=blocks).fit(X, y)
    assert list(catboost.named_steps) == ["preprocessor", "codes", "estimator"]
    assert catboost[-1].get_cat_feature_indices() == [0, 1]
    lightgbm = make_pipeline(registry["LightGBM"], {"n_estimators": 5}, category_blocks=blocks)
    assert "codes" not in lightgbm.named_steps
