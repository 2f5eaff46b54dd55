"""automl.data.Input: the Azure-shaped data reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from automl.data import Input
from automl.errors import ConfigError


def test_defaults_and_fields():
    data = Input(path="data/train")
    assert (data.type, data.path, data.mode, data.description) == (
        "uri_folder",
        "data/train",
        None,
        None,
    )


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("mltable", "mltable"),
        ("MLTable", "mltable"),
        ("uri_file", "uri_file"),
        ("UriFolder", "uri_folder"),
    ],
)
def test_type_spellings(spelling, canonical):
    assert Input(type=spelling, path="x").type == canonical


def test_path_like_is_stored_as_text(tmp_path):
    assert Input(type="uri_file", path=tmp_path / "a.csv").path == str(Path(tmp_path / "a.csv"))


def test_invalid_type_lists_the_valid_ones():
    with pytest.raises(ConfigError) as err:
        Input(type="mltabel", path="x")
    message = str(err.value)
    assert "Input.type" in message and "'mltable'" in message
    for valid in ("mltable", "uri_file", "uri_folder"):
        assert valid in message


@pytest.mark.parametrize("path", [None, 3, ""])
def test_invalid_path(path):
    with pytest.raises(ConfigError, match="Input.path"):
        Input(type="uri_file", path=path)


def test_mode_is_checked_and_kept():
    assert Input(type="mltable", path="x", mode="ro_mount").mode == "ro_mount"
    with pytest.raises(ConfigError, match="Input.mode.*download"):
        Input(type="mltable", path="x", mode="downlaod")


def test_dict_round_trip_equality_and_repr():
    data = Input(type="mltable", path="data/train", mode="direct", description="adult")
    assert Input.from_dict(data.to_dict()) == data
    assert data != Input(type="mltable", path="data/other")
    assert repr(Input(type="mltable", path="p")) == "Input(type='mltable', path='p')"
    with pytest.raises(ConfigError, match="unknown key 'pth'"):
        Input.from_dict({"type": "mltable", "pth": "x"})
    with pytest.raises(ConfigError, match="missing `path`"):
        Input.from_dict({"type": "mltable"})
