"""Job names in Azure ML v2's style: ``adjective_noun_suffix``."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

_ADJECTIVES = ("amber", "brave", "calm", "clever", "eager", "gentle", "happy", "keen", "lively",
               "mellow", "nimble", "quiet", "rapid", "shy", "sunny", "tidy", "witty", "zesty")
_NOUNS = ("apple", "brook", "cloud", "dune", "ember", "fern", "garden", "harbor", "island",
          "lantern", "meadow", "orchard", "pepper", "river", "spoon", "tiger", "violet", "willow")


def random_job_name() -> str:
    """A fresh, readable, unique-enough job name such as ``calm_river_x7k2p9``."""
    suffix = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))
    return f"{secrets.choice(_ADJECTIVES)}_{secrets.choice(_NOUNS)}_{suffix}"


#: The environment variable that moves the folder of every job's outputs (default ``./outputs``).
OUTPUTS_VARIABLE = "AUTOML_OUTPUTS_DIR"


def outputs_root() -> Path:
    """The folder holding one output folder per job: ``$AUTOML_OUTPUTS_DIR``, else ``./outputs``."""
    return Path(os.environ.get(OUTPUTS_VARIABLE) or "outputs")
