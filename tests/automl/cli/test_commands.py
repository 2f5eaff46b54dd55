import subprocess
import sys

import automl

from automl.cli import main


def test_demo_command_trains_and_prints_the_leaderboard(capsys):
    assert main(["demo", "--max-trials", "2", "--timeout-minutes", "2"]) == 0
    out, err = capsys.readouterr()
    assert "LEADERBOARD" in out and "MaxAbsScaler LightGBM" in out
    assert "Test AUC_weighted" in out
    assert "DATA GUARDRAILS" in err and "Class balancing detection" in err


def test_console_script_reports_its_version():
    completed = subprocess.run([sys.executable, "-m", "automl.cli", "--version"], capture_output=True,
                               text=True, check=True)
    assert f"automl-studio {automl.__version__}" in completed.stdout and automl.__version__ == "0.2.0"
