"""``make demo`` / ``automl demo``: a short classification job on bank marketing data."""
from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path

import pandas as pd

from automl.cli._exit_codes import EXIT_CODES, EXIT_FAILED, EXIT_OK
from automl.datasets import load_bank_marketing
from automl.engine import AutoMLResult
from automl.jobs import classification
from automl.report import model_summary

__all__ = ["add_demo", "run_demo"]


#: Where the demo writes its report (``/outputs/`` is not tracked by git).
OUTPUT = Path("outputs") / "demo"
#: The example job the next steps point to, from the repository's root.
EXAMPLE_JOB = Path("examples/classification/job.yml")
#: The registered model the demo adds a version to.
REGISTERED_NAME = "bank-marketing-demo"


def run_demo(timeout_minutes: float = 2.0, max_trials: int = 10) -> AutoMLResult:
    """Train on the shipped bank-marketing data; print the leaderboard, a summary of the best model,
    the report's path and the next commands."""
    job = classification(
        training_data=load_bank_marketing(), target_column_name="y",
        primary_metric="AUC_weighted", test_data_size=0.2, positive_label="yes",
        experiment_name="demo-bank-marketing", name=None)
    job.set_limits(timeout_minutes=timeout_minutes, max_trials=max_trials)
    # The responsible-AI insights: error analysis, fairness across marital status, per-row explanations and
    # counterfactuals that leave a client's age and marital status as they are.
    job.set_insights(sensitive_features=["marital"], immutable_features=["age", "marital"])
    result = job.submit()
    columns = ["name", "algorithm", "status", result.primary_metric, "accuracy", "duration_seconds"]
    board = result.leaderboard[[c for c in columns if c in result.leaderboard.columns]]
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print("\nLEADERBOARD", file=sys.stdout)
        print(board.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if result.best_trial is None:
        return result
    print()
    print(model_summary(result))
    if result.test_metrics:
        print(f"Test {result.primary_metric}: {result.test_metrics[result.primary_metric]:.4f} "
              f"(accuracy {result.test_metrics['accuracy']:.4f})")
    report = result.save_report(OUTPUT / "report.html").resolve()
    print(f"\nReport: {report.as_uri()}")
    print(_next_steps(result))
    return result


def _next_steps(result: AutoMLResult) -> str:
    """The MLflow UI command for the store the job used, and what to run next."""
    data = Path(str(resources.files("automl.datasets") / "bank_marketing.csv.gz"))
    data = data if os.path.relpath(data).startswith("..") else Path(os.path.relpath(data))
    lines = ["", "Next:"]
    if result.tracking_uri:
        version = result.register_model(REGISTERED_NAME).version
        model = f"models:/{REGISTERED_NAME}/{version}"
        lines += [f"  mlflow ui --backend-store-uri {result.tracking_uri}     # runs, metrics, the model",
                  f"  automl jobs show {result.name}     # the trials",
                  f"  automl predict --model {model} --input {data} --output predictions.csv"]
    else:
        lines.append("  (tracking is off: set MLFLOW_TRACKING_URI or leave AUTOML_TRACKING unset to record the job)")
    if result.state_folder:  # the job saved its result: its insights can be computed again, with more time
        lines.append(f"  automl report {result.name} --insights --sensitive-features marital job --max-seconds 300 "
                     "-o insights.html")
    if EXAMPLE_JOB.is_file():  # in a clone of the repository
        lines.append(f"  automl train --file {EXAMPLE_JOB}     # a job from YAML: report, model.onnx, MLflow model")
    return "\n".join(lines)


def _demo(args: argparse.Namespace) -> int:
    result = run_demo(timeout_minutes=args.timeout_minutes, max_trials=args.max_trials)
    return EXIT_OK if result.status == "Completed" else EXIT_FAILED


def add_demo(commands: argparse._SubParsersAction) -> None:
    """Register ``automl demo``."""
    demo = commands.add_parser(
        "demo", help="train on the shipped bank-marketing sample (what `make demo` runs)",
        description="Train a short classification job on the bank-marketing data shipped with the "
                    "package and print the leaderboard and the best model.",
        epilog="example:\n  automl demo --max-trials 4 --timeout-minutes 1\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("--timeout-minutes", type=float, default=2.0, help="job time limit (default 2)")
    demo.add_argument("--max-trials", type=int, default=10, help="trials at most (default 10)")
    demo.set_defaults(handler=_demo)
