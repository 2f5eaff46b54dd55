"""UCI Bank Marketing, shipped with the package for the demo and the examples."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent
BANK_MARKETING = DATA_DIR / "bank_marketing.csv.gz"


def load_bank_marketing() -> pd.DataFrame:
    """UCI Bank Marketing (bank-additional, 8,237 rows x 21 columns; CC BY 4.0).

    Binary target ``y`` (``"yes"``: 11%): did the client subscribe a term deposit.
    Ten categoricals with an explicit ``unknown`` level; ``pdays`` uses 999 for "never".
    """
    return pd.read_csv(BANK_MARKETING)
