import subprocess
import sys

import automl

from automl.cli import main


def test_demo_command_trains_and_prints_the_leaderboard(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOML_TRACKING", raising=False)  # tracked, as make demo is
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert main(["demo", "--max-trials", "3", "--timeout-minutes", "2"]) == 0
    out, err = capsys.readouterr()
    assert "LEADERBOARD" in out and "MaxAbsScaler LightGBM" in out
    assert "Test AUC_weighted" in out
    assert err.count("DATA GUARDRAILS:") == 1 and "Class balancing detection" in err
    # a summary of the best model, not scikit-learn's repr
    assert "Pipeline(steps" not in out and "\nBest model: " in out  # a summary, not scikit-learn's repr
    assert "  featurization of 20 columns into" in out and "Numeric (7): age, duration" in out
    # the report, and what to do next
    report = tmp_path / "outputs" / "demo" / "report.html"
    assert f"Report: {report.as_uri()}" in out and report.stat().st_size > 10_000
    html = report.read_text(encoding="utf-8")
    for insight in ("Error analysis", "Fairness by marital", "Per-row explanations", "Counterfactuals"):
        assert insight in html, f"the demo's report lacks {insight}"
    assert f"mlflow ui --backend-store-uri sqlite:///{tmp_path / 'mlflow.db'}" in out
    predict = next(line for line in out.splitlines() if "automl predict --model models:/bank-marketing-demo/1" in line)
    assert "bank_marketing.csv.gz --output predictions.csv" in predict
    assert "automl jobs show " in out


def test_console_script_reports_its_version():
    completed = subprocess.run([sys.executable, "-m", "automl.cli", "--version"], capture_output=True,
                               text=True, check=True)
    assert f"automl-studio {automl.__version__}" in completed.stdout and automl.__version__ == "0.2.0"


def test_the_cli_shows_our_warnings_but_not_a_library_s_notes_about_itself(capsys):
    from automl.cli._app import _show_warning

    _show_warning(UserWarning("dataset_language='deu' has no effect"), UserWarning, "x.py", 1)
    _show_warning(UserWarning("Any type hint is inferred as AnyType, and MLflow doesn't validate"), UserWarning,
                  "mlflow/types/type_hints.py", 185)
    assert capsys.readouterr().err == "automl: warning: dataset_language='deu' has no effect\n"
