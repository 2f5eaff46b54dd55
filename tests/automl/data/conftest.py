"""Fixtures that build MLTable folders and data files in ``tmp_path``."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture
def write_mltable(tmp_path: Path) -> Callable[..., Path]:
    """``write_mltable(yaml_text, folder="table")`` writes ``folder/MLTable`` and returns it."""

    def write(text: str, folder: str = "table") -> Path:
        target = tmp_path / folder
        target.mkdir(parents=True, exist_ok=True)
        (target / "MLTable").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    return write


@pytest.fixture
def write_text(tmp_path: Path) -> Callable[..., Path]:
    """``write_text("table/a.csv", "a,b\\n1,2\\n")`` writes a file under ``tmp_path``."""

    def write(relative: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode(encoding)
        target.write_bytes(data)
        return target

    return write


@pytest.fixture
def people() -> pd.DataFrame:
    """A small mixed-type frame."""
    return pd.DataFrame(
        {
            "name": ["ann", "bob", "cid", "dee", "eve", "fay"],
            "age": [25, 41, 33, 58, 19, 37],
            "country": ["UK", "FR", "UK", "DE", "UK", "FR"],
            "score": [0.5, 1.25, 2.0, 3.5, 0.0, 1.0],
        }
    )
