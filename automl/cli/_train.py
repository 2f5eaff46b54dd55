"""``automl train``: a job from a job YAML (``--file``) and/or flags, run, recorded, reported."""
from __future__ import annotations

import argparse
import shutil
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from automl.cli._exit_codes import EXIT_CODES, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from automl.engine import EXTEND, RESUME, AutoMLResult
from automl.errors import ConfigError
from automl.jobs import AutoMLJob, extendable_job, resumable_job, run_saved
from automl.jobs._yaml import apply_overrides, job_from_mapping
from automl.jobs._yaml_loader import SourceMapping, parse_value, read_yaml
from automl.tracking import save_sklearn_model

#: Leaderboard rows printed (all are in leaderboard.csv).
LEADERBOARD_ROWS = 15


@dataclass(frozen=True)
class Flag:
    """A ``train`` flag and the job-YAML key it sets (dotted for sections)."""

    flag: str
    key: str
    help: str
    type: Callable[[str], Any] = str
    nargs: str | None = None
    switch: bool = False

    @property
    def dest(self) -> str:
        return "yaml__" + self.key.replace(".", "__")


FLAGS: tuple[Flag, ...] = (
    Flag("--task", "task", "classification, regression or forecasting"),
    Flag("--training-data", "training_data", "a data file, a folder of files or an MLTable folder"),
    Flag("--target-column-name", "target_column_name", "the column to predict"),
    Flag("--validation-data", "validation_data", "validation rows (a file or folder)"),
    Flag("--test-data", "test_data", "test rows, scored once with the best model"),
    Flag("--primary-metric", "primary_metric", "the metric to optimise, e.g. AUC_weighted, r2_score"),
    Flag("--positive-label", "positive_label", "classification: the positive class", parse_value),
    Flag("--weight-column-name", "weight_column_name", "per-row sample weights"),
    Flag("--validation-data-size", "validation_data_size", "holdout fraction, e.g. 0.2", float),
    Flag("--n-cross-validations", "n_cross_validations", "folds (2-1000) or auto", parse_value),
    Flag("--test-data-size", "test_data_size", "test fraction, e.g. 0.2", float),
    Flag("--name", "name", "job name (default: a random adjective_noun_suffix)"),
    Flag("--experiment-name", "experiment_name", "MLflow experiment"),
    Flag("--timeout-minutes", "limits.timeout_minutes", "job time limit", float),
    Flag("--trial-timeout-minutes", "limits.trial_timeout_minutes", "time limit of one trial", float),
    Flag("--max-trials", "limits.max_trials", "trials at most (ensembles included)", int),
    Flag("--max-concurrent-trials", "limits.max_concurrent_trials", "trials at once", int),
    Flag("--exit-score", "limits.exit_score", "stop once the primary metric reaches it", float),
    Flag("--allowed-algorithms", "training.allowed_training_algorithms", "only these algorithms", nargs="+"),
    Flag("--blocked-algorithms", "training.blocked_training_algorithms", "never these algorithms", nargs="+"),
    Flag("--enable-onnx-compatible-models", "training.enable_onnx_compatible_models",
         "only ONNX-convertible models (writes model.onnx)", switch=True),
    Flag("--featurization-mode", "featurization.mode", "auto, off or custom"),
    Flag("--time-column-name", "forecasting.time_column_name", "forecasting: the time column"),
    Flag("--forecast-horizon", "forecasting.forecast_horizon", "forecasting: periods ahead", parse_value),
    Flag("--time-series-id-column-names", "forecasting.time_series_id_column_names",
         "forecasting: columns naming each series", nargs="+"),
    Flag("--frequency", "forecasting.frequency", "forecasting: a pandas offset alias such as D or MS"),
)

EXAMPLES = """\
examples:
  automl train --file examples/classification/job.yml
  automl train --file job.yml --set limits.max_trials=4 --set training.enable_stack_ensemble=false
  automl train --task classification --training-data data/train --target-column-name Survived \\
               --primary-metric AUC_weighted --timeout-minutes 5 --max-trials 10
  automl train --file job.yml --register-model titanic

Flags set the same keys as the YAML (--max-trials is limits.max_trials) and win over the file;
--set key=value sets any key (dotted for sections; the value is read as YAML). Paths in the file
resolve against its folder, paths on the command line against the working directory.

"""


def add_train(commands: argparse._SubParsersAction) -> None:
    """Register ``automl train``."""
    parser = commands.add_parser(
        "train", help="run an AutoML job from a job YAML or flags",
        description="Run an AutoML job described by an Azure ML CLI v2 job YAML (type: automl) and/or "
                    "flags: print the data guardrails, the trials as they finish and the leaderboard; "
                    "write the report, the leaderboard, the model (MLflow folder, and model.onnx in "
                    "ONNX mode) to --output-dir; record the job in MLflow.",
        epilog=EXAMPLES + EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", "-f", help="the job YAML")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a key of the job, e.g. limits.max_trials=4 (repeatable)")
    parser.add_argument("--output-dir", help="where to write the outputs (default: outputs/<job name>)")
    parser.add_argument("--register-model", metavar="NAME",
                        help="register the best model in the MLflow model registry under NAME (after --extend: "
                             "only when the best model improved)")
    continued = parser.add_mutually_exclusive_group()
    continued.add_argument("--resume", metavar="JOB_NAME",
                           help="continue an interrupted job from its state folder (outputs/JOB_NAME/state): its "
                                "finished trials are kept, its limits count both sessions")
    continued.add_argument("--extend", metavar="JOB_NAME",
                           help="give a finished job more budget: --timeout-minutes more minutes, --max-trials "
                                "more trials (default: the job's own limits)")
    for flag in FLAGS:
        options: dict[str, Any] = {"dest": flag.dest, "default": None, "help": flag.help}
        if flag.switch:
            options["action"] = "store_const"
            options["const"] = True
        else:
            options.update(type=flag.type, nargs=flag.nargs, metavar=flag.flag.rsplit("-", 1)[-1].upper())
        parser.add_argument(flag.flag, **options)
    parser.set_defaults(handler=run_train)


def build_job(args: argparse.Namespace) -> AutoMLJob:
    """The job of ``automl train``'s arguments: the YAML, then ``--set``, then the flags."""
    if args.file:
        spec = read_yaml(args.file)
        base = Path(args.file).resolve().parent
    else:
        spec, base = SourceMapping(type="automl", source="command line"), Path.cwd()
    apply_overrides(spec, args.set)
    flags = {f.key: getattr(args, f.dest) for f in FLAGS if getattr(args, f.dest) is not None}
    apply_overrides(spec, flags, labels={f.key: f.flag for f in FLAGS})
    if not args.file:
        missing = [f.flag for f in FLAGS[:3] if f.key not in spec]
        if missing:
            raise ConfigError(f"give a job YAML with --file, or at least {', '.join(missing)} "
                              "(see automl train --help).")
    return job_from_mapping(spec, base)


def canceled_by_interrupt(job: AutoMLJob, run: Callable[[], AutoMLResult]) -> AutoMLResult:
    """``run()`` (a session of ``job``), where a first Ctrl-C (SIGINT) cancels the job: running trials stop,
    finished ones are kept and the result comes back ``Canceled``. A second Ctrl-C interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        return run()
    previous = signal.getsignal(signal.SIGINT)

    def cancel(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, previous)
        print("automl: interrupted: canceling the job; its finished trials are kept (Ctrl-C again to stop "
              "at once)", file=sys.stderr)
        job.cancel()

    signal.signal(signal.SIGINT, cancel)
    try:
        return run()
    finally:
        signal.signal(signal.SIGINT, previous)


def continued_job(args: argparse.Namespace) -> tuple[AutoMLJob, Callable[[], AutoMLResult]]:
    """``--resume`` or ``--extend``: the saved job, and how to run its next session. Only
    ``--output-dir`` and ``--register-model`` (and for --extend the two limits) go with them."""
    limits = {"limits.timeout_minutes", "limits.max_trials"} if args.extend else set()
    given = [f.flag for f in FLAGS if getattr(args, f.dest) is not None and f.key not in limits]
    if args.file or args.set or given:
        extra = ", ".join(given + (["--file"] if args.file else []) + (["--set"] if args.set else []))
        raise ConfigError(f"{'--extend' if args.extend else '--resume'} continues a job with its own settings; "
                          f"remove {extra} (--extend takes --timeout-minutes and --max-trials).")
    if args.resume:
        saved, kind = resumable_job(args.resume, args.output_dir), RESUME
    else:
        saved = extendable_job(args.extend, args.yaml__limits__timeout_minutes, args.yaml__limits__max_trials,
                               args.output_dir)
        kind = EXTEND
    return saved.job, lambda: run_saved(saved, kind, output_dir=args.output_dir)


def run_train(args: argparse.Namespace) -> int:
    """Run the job (or continue one: ``--resume``, ``--extend``), print the leaderboard and where
    everything is recorded (also when Ctrl-C canceled it: exit code 130)."""
    if args.resume or args.extend:
        job, run = continued_job(args)
    else:
        job = build_job(args)
        if args.output_dir:
            job.output_dir = Path(args.output_dir)
        run = job.submit
    result = canceled_by_interrupt(job, run)
    print_leaderboard(result)
    files = write_outputs(result, job, job.output_folder) if result.best_model is not None else {}
    registered = None
    if args.register_model and result.best_model is not None and result.status != "Canceled":
        if result.improved:
            version = result.register_model(args.register_model)
            registered = f"models:/{version.name}/{version.version}"
        else:
            print(f"Not registered: the best model did not improve on {result.previous_best['name']} "
                  f"({result.primary_metric} {result.previous_best['score']:.4f}).")
    print_records(result, job, files, registered)
    if result.status == "Canceled":
        return EXIT_INTERRUPTED
    return EXIT_OK if result.status == "Completed" else EXIT_FAILED


def print_leaderboard(result: AutoMLResult) -> None:
    """The best trials, on stdout."""
    board = result.leaderboard
    columns = ["name", "algorithm", "status", result.primary_metric, "duration_seconds"]
    board = board[[c for c in columns if c in board.columns]].head(LEADERBOARD_ROWS)
    print(f"\nLEADERBOARD (job {result.name}, {len(result.trials)} trials, {result.status})")
    with pd.option_context("display.width", 140, "display.max_columns", 10):
        print(board.to_string(index=False, float_format=lambda v: f"{v:.4f}"))


def _outputs_table(result: AutoMLResult, job: AutoMLJob) -> dict[str, Callable[[Path], object]]:
    """Output file name -> how to write it."""
    writers: dict[str, Callable[[Path], object]] = {
        "report.html": result.save_report,
        "leaderboard.csv": lambda p: result.leaderboard.to_csv(p, index=False),
        "mlflow-model": lambda p: save_sklearn_model(result.best_model, p, result.check_rows),
    }
    if job.training.enable_onnx_compatible_models:
        writers["model.onnx"] = lambda p: result.export_onnx(p)
    return writers


def write_outputs(result: AutoMLResult, job: AutoMLJob, out_dir: Path) -> dict[str, Path]:
    """Write the job's outputs to ``out_dir``; a failing output is a warning, not a failed job."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, write in _outputs_table(result, job).items():
        path = out_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        try:
            write(path)
            written[name] = path
        except Exception as exc:  # the job has its model; a missing output is reported
            warnings.warn(f"could not write {path}: {type(exc).__name__}: {exc}", UserWarning, stacklevel=2)
    return written


def print_records(result: AutoMLResult, job: AutoMLJob, files: dict[str, Path], registered: str | None) -> None:
    """Where the run, the model and the outputs are, and how to score new data."""
    best = result.best_trial
    if best is not None:
        print(f"\nBest model: {best.display_name} ({best.name}), {result.primary_metric} {best.score:.4f}")
    if result.mlflow_run_id:
        print(f"Recorded in MLflow: {result.tracking_uri}\n  experiment {job.experiment_name}, "
              f"run {result.mlflow_run_id} (automl jobs show {job.name})")
        for fmt, uri in sorted((result.logged_models or {}).items()):
            print(f"  {fmt} model: {uri}")
    else:
        print("Not recorded in MLflow (tracking is off: AUTOML_TRACKING).")
    for problem in result.tracking_errors or []:
        print(f"  tracking problem: {problem}")
    if files:
        print(f"Outputs in {files[next(iter(files))].parent}: {', '.join(files)}")
    if registered:
        print(f"Registered: {registered}")
    model = registered or files.get("model.onnx") or files.get("mlflow-model")
    if model is not None:
        print(f"Score new data:\n  automl predict --model {model} --input DATA --output predictions.csv")
