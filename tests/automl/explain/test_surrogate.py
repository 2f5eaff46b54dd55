"""The surrogate a slow model is explained through: raw columns encoded on their own, predictions
reproduced in the model's form (probabilities summing to 1, or values), its fidelity measured on
rows it did not see."""
import numpy as np
import pandas as pd
import pytest

from automl.explain._surrogate import RawEncoder, Surrogate


@pytest.fixture
def raw() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame({
        "amount": rng.normal(size=n),
        "colour": pd.Series(rng.choice(["red", "blue", None], size=n), dtype="object"),
        "flag": rng.random(n) > 0.5,
        "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
        "size": pd.Categorical(rng.choice(["S", "M", "L"], size=n)),
    })


def test_columns_are_encoded_one_by_one_unseen_and_missing_values_as_nan(raw):
    encoder = RawEncoder().fit(raw)
    assert encoder.categorical_columns() == ["colour", "size"]
    encoded = encoder.transform(raw)
    assert list(encoded.columns) == list(raw.columns) and (encoded.dtypes == float).all()
    assert encoded["colour"].isna().sum() == raw["colour"].isna().sum()
    assert (encoded.loc[raw["colour"] == "red", "colour"] == 1.0).all()  # sorted categories: blue, red
    assert encoded["day"].iloc[0] == (raw["day"].iloc[0] - pd.Timestamp(0)).total_seconds()
    new = pd.DataFrame({c: raw[c].head(2) for c in raw.columns}).assign(colour=["green", "blue"])
    unseen, blue = encoder.transform(new)["colour"]
    assert np.isnan(unseen) and blue == 0.0
    # Shuffling an encoded column is shuffling the raw one: rows encode alone.
    order = np.random.default_rng(1).permutation(len(raw))
    shuffled = raw.assign(colour=raw["colour"].to_numpy()[order])
    assert np.allclose(encoder.transform(shuffled)["colour"], encoded["colour"].to_numpy()[order], equal_nan=True)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_probabilities_are_reproduced_and_sum_to_one(raw, n_classes):
    encoder = RawEncoder().fit(raw)
    encoded = encoder.transform(raw)
    logits = np.column_stack([raw["amount"] * k + (raw["colour"] == "red") * (k - 1) for k in range(n_classes)])
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    surrogate = Surrogate("probabilities", seed=0).fit(encoded, proba, categorical=encoder.categorical_columns())
    out = surrogate.predict_proba(encoded)
    assert out.shape == (len(raw), n_classes) and np.allclose(out.sum(axis=1), 1.0)
    assert surrogate.fidelity_ > 0.9
    assert np.abs(out - proba).mean() < 0.05


def test_fidelity_is_measured_on_rows_held_out_of_the_fit(raw):
    encoded = RawEncoder().fit(raw).transform(raw)
    noise = np.random.default_rng(2).normal(size=len(raw))  # no column explains it
    surrogate = Surrogate("values", seed=0).fit(encoded, noise)
    assert surrogate.fidelity_ < 0.2  # in-sample, boosted trees would fit much of it
