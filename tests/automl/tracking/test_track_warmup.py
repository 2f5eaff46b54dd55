"""The tracker loads matplotlib while the trials train, not when the report's charts are drawn."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import automl

REPOSITORY = str(Path(automl.__file__).resolve().parents[1])


def test_matplotlib_is_loaded_once_the_job_starts_even_with_the_store_down(tmp_path):
    # A fresh interpreter: this one may have matplotlib from other tests.
    code = textwrap.dedent("""
        import sys, types
        from automl.tracking import MlflowTracker

        def down(uri):
            raise ConnectionError("no store")

        tracker = MlflowTracker(tracking_uri="sqlite:///unused.db", log_model=False, client_factory=down)
        assert "matplotlib" not in sys.modules
        tracker.job_started(types.SimpleNamespace(name="warm", tracking_uri=None), None)
        assert tracker._worker.drain(120)
        print("matplotlib.figure" in sys.modules, len(tracker._worker.errors))
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([REPOSITORY, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    loaded, errors = done.stdout.split()
    assert loaded == "True"
    assert errors == "1"  # the parent run's; the warm-up adds none
