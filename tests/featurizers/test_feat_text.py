"""Text recipe: TF-IDF over word 1-3-grams, tf_idf parameters, the 100,000-row rule."""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from featurizers import plan_featurization
from featurizers._text import (TFIDF_DEFAULTS, TFIDF_LARGE_DEFAULTS, TfidfTermVectorizer, average_spaces,
                               is_non_spaced_language, tfidf_defaults)


def sentences(n: int) -> list[str]:
    words = ["red", "green", "blue", "cat", "dog", "runs", "fast", "slowly", "home"]
    return [f"{words[i % 9]} {words[(i // 9) % 9]} {words[(i // 81) % 9]} no {i}" for i in range(n)]


def test_text_statistics():
    assert average_spaces(pd.Series(["a b c", "d", None])) == 1.0
    assert is_non_spaced_language(pd.Series(["東京は大きい", "こんにちは", "abc"]))
    assert not is_non_spaced_language(pd.Series(["hello world", "abc"]))


def test_text_becomes_tfidf_of_1_to_3_grams_with_prefixed_names():
    X = pd.DataFrame({"note": sentences(300)})
    X.loc[[5, 6], "note"] = None
    plan = plan_featurization(X)
    assert plan.purposes["note"] == "Text" and plan.sparse_output
    fitted = plan.build().fit(X)
    names = fitted.get_feature_names_out().tolist()
    assert "note_tfidf_red" in names and "note_tfidf_red green" in names
    assert "note_tfidf_blue blue no" in names  # a trigram seen in several rows
    assert "note_tfidf___missing__" in names
    out = fitted.transform(pd.DataFrame({"note": ["red green", None, "unknown words"]}))
    assert sp.issparse(out) and out.shape == (3, len(names))
    assert out[1].nnz == 1 and out[2].nnz == 0
    record = plan.summary(fitted)[0]
    assert record["Transformations"] == ["StringCast", "TfIdf"]
    assert record["EngineeredFeatureCount"] == len(names)


def test_tf_idf_parameters():
    X = pd.DataFrame({"note": sentences(300)})
    params = {"TfIdf": [{"fields": ["note"],
                         "parameters": {"ngram_range": [1, 1], "max_features": 5}}]}
    plan = plan_featurization(X, mode="custom", transformer_params=params)
    fitted = plan.build().fit(X)
    assert len(fitted.get_feature_names_out()) == 5


def test_large_frames_use_unigrams_and_a_vocabulary_cap():
    assert tfidf_defaults(100_000) == TFIDF_DEFAULTS == {"ngram_range": (1, 3), "min_df": 2}
    assert tfidf_defaults(100_001) == TFIDF_LARGE_DEFAULTS
    assert TFIDF_LARGE_DEFAULTS == {"ngram_range": (1, 1), "max_features": 10_000}


def test_two_text_columns_have_distinct_names():
    X = pd.DataFrame({"a": sentences(300), "b": sentences(300)[::-1],
                      "x__y": sentences(300), "x_y": sentences(300)})
    plan = plan_featurization(X)
    assert [s.name for s in plan.steps] == ["tfidf:a", "tfidf:b", "tfidf:x_y", "tfidf:x_y_2"]
    names = plan.build().fit(X).get_feature_names_out()
    assert len(names) == len(set(names)) and names[0].startswith("a_tfidf_")


def test_text_override_on_a_short_column():
    X = pd.DataFrame({"t": ["good movie", "bad film", "good film"] * 20})
    plan = plan_featurization(X, column_name_and_types={"t": "Text"})
    out = plan.build().fit_transform(X)
    assert out.shape[0] == 60 and np.isfinite(out.toarray()).all()


def test_a_fold_with_only_missing_text_still_fits():
    X = pd.DataFrame({"note": sentences(300)})
    plan = plan_featurization(X)
    fold = pd.DataFrame({"note": [None] * 10})
    out = plan.build().fit(fold).transform(X)
    out = out.toarray() if sp.issparse(out) else out
    assert out.shape == (300, 1) and not out.any()


def test_terms_of_a_single_row_are_left_out_unless_nothing_would_remain():
    X = pd.DataFrame({"note": ["red cat runs", "red dog runs", "blue bird flies"]})
    fitted = TfidfTermVectorizer(min_df=2).fit(X["note"])
    assert sorted(fitted.vocabulary_) == ["red", "runs"]
    unique = pd.Series(["alpha beta gamma", "delta epsilon zeta"])
    vectorizer = TfidfTermVectorizer(min_df=2)
    out = vectorizer.fit_transform(unique)
    assert out.shape == (2, 6) and vectorizer.get_params()["min_df"] == 2
