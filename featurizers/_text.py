"""Text columns: the text-likeness statistics of purpose detection and the TF-IDF recipe."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from ._constants import MISSING_TOKEN, TFIDF_MAX_ROWS
from ._strings import StringCast

__all__ = [
    "TFIDF_DEFAULTS", "TFIDF_LARGE_DEFAULTS", "TFIDF_PARAMETERS",
    "TfidfTermVectorizer", "average_spaces", "is_non_spaced_language", "build_tfidf",
    "tfidf_defaults",
]

_SAMPLE_ROWS = 100_000
_NON_SPACED_SHARE = 0.5
# Scripts written without spaces between words: CJK ideographs, kana, Thai, Lao, Khmer, Myanmar.
_NON_SPACED = (r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
               r"\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f]")

#: TF-IDF over word 1-3-grams (reference 5.3). Terms seen in a single training row carry no
#: pattern a model can learn and, on names or short texts, make up most of the vocabulary:
#: they are left out (``min_df=2``), unless that would leave no term at all.
TFIDF_DEFAULTS: dict[str, Any] = {"ngram_range": (1, 3), "min_df": 2}
#: Above 100,000 rows (reference 5.2: full TF-IDF only up to 1e5 rows): unigrams, top 10,000 terms.
TFIDF_LARGE_DEFAULTS: dict[str, Any] = {"ngram_range": (1, 1), "max_features": 10_000}


def _is_ngram_range(v: Any) -> bool:
    return (isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(i, int) for i in v)
            and 1 <= v[0] <= v[1])


def _is_df(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool) and v >= 1) or \
        (isinstance(v, float) and 0.0 <= v <= 1.0)


#: ``transformer_params["tf_idf"]`` parameters: name -> (check, what is expected).
TFIDF_PARAMETERS: dict[str, tuple[Any, str]] = {
    "ngram_range": (_is_ngram_range, "a pair (min_n, max_n) with 1 <= min_n <= max_n"),
    "max_features": (lambda v: v is None or (isinstance(v, int) and v >= 1), "a positive int or None"),
    "min_df": (_is_df, "an int >= 1 or a float in [0, 1]"),
    "max_df": (_is_df, "an int >= 1 or a float in [0, 1]"),
    "analyzer": (lambda v: v in ("word", "char", "char_wb"), "'word', 'char' or 'char_wb'"),
    "lowercase": (lambda v: isinstance(v, bool), "a bool"),
    "binary": (lambda v: isinstance(v, bool), "a bool"),
    "use_idf": (lambda v: isinstance(v, bool), "a bool"),
    "smooth_idf": (lambda v: isinstance(v, bool), "a bool"),
    "sublinear_tf": (lambda v: isinstance(v, bool), "a bool"),
    "norm": (lambda v: v in ("l1", "l2", None), "'l1', 'l2' or None"),
    "stop_words": (lambda v: v in ("english", None), "'english' or None"),
}


def _sample(values: pd.Series) -> pd.Series:
    present = values.dropna()
    if len(present) > _SAMPLE_ROWS:
        present = present.sample(_SAMPLE_ROWS, random_state=0)
    return present.astype(str)


def average_spaces(values: pd.Series) -> float:
    """Mean number of spaces per non-missing value (on a fixed sample of 100,000 above that)."""
    present = _sample(values)
    return float(present.str.count(" ").mean()) if len(present) else 0.0


def is_non_spaced_language(values: pd.Series) -> bool:
    """Whether most values are written in a script without word spaces (Chinese, Japanese, Thai...)."""
    present = _sample(values)
    if not len(present):
        return False
    return float(present.str.contains(_NON_SPACED, regex=True).mean()) > _NON_SPACED_SHARE


def tfidf_defaults(n_rows: int) -> dict[str, Any]:
    """Default TF-IDF parameters for a frame of ``n_rows`` rows."""
    return dict(TFIDF_LARGE_DEFAULTS if n_rows > TFIDF_MAX_ROWS else TFIDF_DEFAULTS)


class TfidfTermVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` whose ``min_df`` never empties the vocabulary.

    When no term reaches ``min_df`` (a small fold of unique texts), every term
    is kept instead of failing the fit.
    """

    def fit(self, raw_documents, y=None):  # noqa: D102 - TfidfVectorizer.fit
        self.fit_transform(raw_documents, y)
        return self

    def fit_transform(self, raw_documents, y=None):  # noqa: D102 - TfidfVectorizer.fit_transform
        documents = list(raw_documents)
        try:
            return super().fit_transform(documents, y)
        except ValueError as exc:
            if "no terms remain" not in str(exc) or self.min_df in (1, 1.0):
                raise
        min_df, self.min_df = self.min_df, 1
        try:
            return super().fit_transform(documents, y)
        finally:
            self.min_df = min_df


def build_tfidf(params: dict[str, Any]) -> Pipeline:
    """``StringCast`` then ``TfidfVectorizer`` for one column.

    Missing values become the token ``__missing__``: a feature of its own, and a vocabulary
    that is never empty when a fold holds only missing values.
    """
    params = {k: tuple(v) if k == "ngram_range" else v for k, v in params.items()}
    return Pipeline([
        ("cast", StringCast(fill_value=MISSING_TOKEN, flatten=True)),
        ("tfidf", TfidfTermVectorizer(dtype=np.float64, **params)),
    ])
