"""``automl predict``: batch scoring of a file, a folder or an MLTable (:mod:`automl.batch`)."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from automl.cli._exit_codes import EXIT_CODES, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL

EXAMPLES = """\
examples:
  automl predict --model models:/titanic/1 --input data/to_score --output out/predictions.csv
  automl predict --model outputs/calm_river_x7k2p9/model.onnx --input new.csv --output p.csv --proba
  automl predict --model outputs/calm_river_x7k2p9/mlflow-model --input data/ --mini-batch-size 5 \\
                 --output-action summary_only --output out/predictions.csv
  automl predict --model model.onnx --input /shared/to_score --compute dask://scheduler:8786

A folder is scored in mini batches of --mini-batch-size files, --max-concurrency at once. The output
CSV has the columns file (relative to the input folder), row (0-based row of that file), prediction
and, with --proba, probability_<class>. A file that cannot be read or scored is skipped and named in
job_error.txt; job_progress_overview.txt follows the job (both beside the output, or in --logs-dir).
An ONNX model (model.onnx, or a registered model of the onnx flavour) is scored with onnxruntime and
is never unpickled. With --compute dask://host:port the cluster's workers read and score the mini
batches (the input must be reachable from them; an MLTable is scored a file at a time).

"""


def add_predict(commands: argparse._SubParsersAction) -> None:
    """Register ``automl predict``."""
    parser = commands.add_parser(
        "predict", help="score files with a model, like an Azure batch endpoint",
        description="Batch scoring: score a data file, a folder of data files or an MLTable with a "
                    "registered model, a saved MLflow model folder or a model.onnx file.",
        epilog=EXAMPLES + EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", "-m", required=True,
                        help="models:/NAME/VERSION, a saved model folder, or model.onnx")
    parser.add_argument("--input", "-i", required=True, help="a file, a folder of files or an MLTable folder")
    parser.add_argument("--output", "-o", default="predictions.csv", help="predictions CSV (default predictions.csv)")
    parser.add_argument("--mini-batch-size", type=int, default=10, help="files per mini batch (default 10)")
    parser.add_argument("--max-concurrency", type=int, default=None,
                        help="mini batches scored at once (default: the machine's cores)")
    parser.add_argument("--proba", action="store_true", help="add the class probabilities")
    parser.add_argument("--output-action", choices=["append_row", "summary_only"], default="append_row",
                        help="append_row: write every prediction (default); summary_only: only the logs")
    parser.add_argument("--error-threshold", type=int, default=-1,
                        help="failed files tolerated before the job stops (-1, the default: all)")
    parser.add_argument("--compute", default="local",
                        help="local (default) or dask://host:port: score the mini batches on that cluster's workers")
    parser.add_argument("--logs-dir", help="folder of job_error.txt and job_progress_overview.txt "
                                           "(default: the output's folder)")
    parser.set_defaults(handler=run_predict)


def _progress_printer(stream: Any):
    """One line per mini batch on stderr, at most about 20 lines in all."""
    seen = {"last": -1}

    def show(progress: Any) -> None:
        step = max(1, progress.mini_batches // 20)
        done = progress.mini_batches_done
        if progress.status == "Running" and (done - seen["last"] >= step or done == progress.mini_batches):
            seen["last"] = done
            print(f"mini batch {done}/{progress.mini_batches}: {progress.rows_scored:,} rows scored, "
                  f"{len(progress.errors)} files failed", file=stream)

    return show


def run_predict(args: argparse.Namespace) -> int:
    """Score, then print the summary; the exit code tells complete, partial or failed."""
    from automl.batch import COMPLETED, WITH_ERRORS, score_batch

    done = score_batch(args.model, args.input, args.output, mini_batch_size=args.mini_batch_size,
                       proba=args.proba, output_action=args.output_action,
                       max_concurrency=args.max_concurrency, error_threshold=args.error_threshold,
                       logs_dir=args.logs_dir, on_progress=_progress_printer(sys.stderr), compute=args.compute)
    print(f"{done.status}: {done.rows:,} rows from {done.files_scored} files scored in {done.seconds:.2f} s "
          f"({done.rows_per_second:,.0f} rows/s); {len(done.errors)} files failed.")
    if done.output is not None:
        print(f"Predictions: {done.output}")
    print(f"Progress: {done.logs_dir / 'job_progress_overview.txt'}")
    if done.errors:
        print(f"Errors: {done.logs_dir / 'job_error.txt'}", file=sys.stderr)
        for error in done.errors[:5]:
            print(f"  {error.file}: {error.error}", file=sys.stderr)
    if done.status == COMPLETED:
        return EXIT_OK
    return EXIT_PARTIAL if done.status == WITH_ERRORS else EXIT_FAILED
