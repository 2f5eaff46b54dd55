"""Names shared across the featurizers: purposes, Azure transformer names, thresholds.

The thresholds are the v1 ``ColumnPurposeDetector`` constants (reference section 5.2).
"""
from __future__ import annotations

import re

__all__ = [
    "PURPOSES",
    "DROPPED_PURPOSES",
    "OVERRIDABLE_PURPOSES",
    "BLOCKED_TRANSFORMERS",
    "SWEEPING_TRANSFORMERS",
    "MISSING_TOKEN",
    "normalize_name",
]

#: Every column purpose (feature type) the detector can return.
PURPOSES: tuple[str, ...] = (
    "Numeric", "Categorical", "CategoricalHash", "DateTime", "Text", "Hashes", "Ignore", "AllNan",
)
#: Purposes whose columns are dropped.
DROPPED_PURPOSES: frozenset[str] = frozenset({"Hashes", "Ignore", "AllNan"})
#: Purposes a user may force with ``column_name_and_types`` (Hashes / Ignore force a drop).
OVERRIDABLE_PURPOSES: tuple[str, ...] = (
    "Numeric", "Categorical", "DateTime", "CategoricalHash", "Text", "Hashes", "Ignore",
)
#: Azure ``BlockedTransformers`` enumeration (reference section 2).
BLOCKED_TRANSFORMERS: tuple[str, ...] = (
    "TextTargetEncoder", "OneHotEncoder", "CatTargetEncoder", "TfIdf", "WoETargetEncoder",
    "LabelEncoder", "WordEmbedding", "NaiveBayes", "CountVectorizer", "HashOneHotEncoder",
)
#: Blocked transformers of Azure's feature sweeping, which this package does not run: blocking
#: them is accepted (they are Azure's names) and changes nothing.
SWEEPING_TRANSFORMERS: tuple[str, ...] = (
    "TextTargetEncoder", "CatTargetEncoder", "WoETargetEncoder", "WordEmbedding", "NaiveBayes",
)
#: The category that stands for a missing value in one-hot and hashed encodings.
MISSING_TOKEN = "__missing__"

# Column purpose detection (reference 5.2).
HIGH_CARDINALITY_MAX_UNIQUE = 200       # u >= min(200, 0.05 n) is "non-categorical"
HIGH_CARDINALITY_RATIO = 0.05
TEXT_RATIO = 0.85                       # cr > 0.85 and spaced text -> Text
CATEGORICAL_HASH_RATIO = 0.7            # cr < 0.7 and u < 10,000 -> CategoricalHash
CATEGORICAL_HASH_MAX_UNIQUE = 10_000
HASHES_RATIO = 0.9                      # cr > 0.9 -> Hashes (ID-like)
HASHES_MIN_ROWS = 200                   # hash detection needs >= 200 rows
HASHES_MAX_LENGTHS = 3                  # ... and <= 3 distinct value lengths
TEXT_MIN_AVG_SPACES = 1.0               # avg spaces per value > 1 -> text-like
INTEGER_CATEGORICAL_MAX_UNIQUE = 50     # integers with u <= min(50, 0.05 n) -> Categorical
LABEL_ENCODER_MAX_CATEGORIES = 2        # <= 2 categories -> label encoding, else one-hot
TFIDF_MAX_ROWS = 100_000                # full 1-3-gram TF-IDF only up to this many rows

_SPLIT_CAMEL = re.compile(r"[\s_\-]+")


def normalize_name(name: object) -> str:
    """Fold a setting name so that ``OneHotEncoder``, ``one_hot_encoder`` and ``onehotencoder`` match."""
    return _SPLIT_CAMEL.sub("", str(name)).lower()
