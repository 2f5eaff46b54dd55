"""``make demo`` / ``automl demo``: a short classification job on bank marketing data."""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from automl.cli._exit_codes import EXIT_CODES, EXIT_FAILED, EXIT_OK
from automl.datasets import load_bank_marketing
from automl.engine import AutoMLResult
from automl.jobs import classification

__all__ = ["add_demo", "run_demo"]


def run_demo(timeout_minutes: float = 2.0, max_trials: int = 10) -> AutoMLResult:
    """Train on the shipped bank-marketing data, print the leaderboard and the best model."""
    job = classification(
        training_data=load_bank_marketing(), target_column_name="y",
        primary_metric="AUC_weighted", test_data_size=0.2, positive_label="yes",
        experiment_name="demo-bank-marketing", name=None)
    job.set_limits(timeout_minutes=timeout_minutes, max_trials=max_trials)
    result = job.submit()
    columns = ["name", "algorithm", "status", result.primary_metric, "accuracy", "duration_seconds"]
    board = result.leaderboard[[c for c in columns if c in result.leaderboard.columns]]
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print("\nLEADERBOARD", file=sys.stdout)
        print(board.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if result.best_trial is not None:
        print(f"\nBest model: {result.best_trial.display_name} ({result.best_trial.name})")
        print(result.best_model)
        print(f"Validation {result.primary_metric}: {result.best_trial.score:.4f}")
        if result.test_metrics:
            print(f"Test {result.primary_metric}: {result.test_metrics[result.primary_metric]:.4f} "
                  f"(accuracy {result.test_metrics['accuracy']:.4f})")
    return result


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
