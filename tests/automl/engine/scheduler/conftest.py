import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def separable_frame() -> pd.DataFrame:
    """200 rows that any tree separates perfectly: every trial scores the same."""
    rng = np.random.default_rng(0)
    x = rng.random(200)
    return pd.DataFrame({"x": x, "noise": rng.random(200), "label": np.where(x > 0.5, "a", "b")})
