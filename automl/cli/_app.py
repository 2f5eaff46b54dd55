"""The ``automl`` parser, the command table and the exit codes."""
from __future__ import annotations

import argparse
import sys
import textwrap
import warnings
from collections.abc import Callable, Sequence

from automl.errors import AutoMLError

#: Exit codes of every command.
EXIT_OK = 0
EXIT_FAILED = 1          # the job ran and failed (no model, batch error threshold passed)
EXIT_CONFIG = 2          # bad configuration or data: one message on stderr
EXIT_PARTIAL = 3         # batch scoring: some files failed (see job_error.txt), the others were scored
EXIT_INTERRUPTED = 130

EXIT_CODES = textwrap.dedent(f"""\
    exit codes:
      {EXIT_OK}    success
      {EXIT_FAILED}    the job failed (no model was trained; batch scoring passed --error-threshold
           or scored no file)
      {EXIT_CONFIG}    bad configuration or data (one message on stderr; --debug for the traceback)
      {EXIT_PARTIAL}    predict only: partial success, some files failed (named in job_error.txt)
           and every other file was scored
    """)


def _demo(args: argparse.Namespace) -> int:
    from automl.demo import run_demo

    result = run_demo(timeout_minutes=args.timeout_minutes, max_trials=args.max_trials)
    return EXIT_OK if result.status == "Completed" else EXIT_FAILED


def _add_demo(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo", help="train on the shipped bank-marketing sample (what `make demo` runs)",
        description="Train a short classification job on the bank-marketing data shipped with the "
                    "package and print the leaderboard and the best model.",
        epilog="example:\n  automl demo --max-trials 4 --timeout-minutes 1\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("--timeout-minutes", type=float, default=2.0, help="job time limit (default 2)")
    demo.add_argument("--max-trials", type=int, default=10, help="trials at most (default 10)")
    demo.set_defaults(handler=_demo)


def _registrars() -> list[Callable[[argparse._SubParsersAction], None]]:
    from automl.cli._predict import add_predict
    from automl.cli._runs import add_jobs, add_models, add_report
    from automl.cli._train import add_train

    return [add_train, add_predict, add_report, add_jobs, add_models, _add_demo]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``automl``: one sub-command per entry of the command table."""
    from automl import __version__

    parser = argparse.ArgumentParser(
        prog="automl", description="AutoML for tabular data, shaped like Azure ML's AutoML, on this machine.",
        epilog="examples:\n  automl train --file examples/classification/job.yml --set limits.max_trials=4\n"
               "  automl predict --model models:/titanic/1 --input data/ --output predictions.csv\n"
               "  automl jobs list\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"automl-studio {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in _registrars():
        register(commands)
    _add_debug(commands)
    return parser


def _add_debug(commands: argparse._SubParsersAction) -> None:
    """``--debug`` after any command too (``automl train --debug``), recursively."""
    for sub in commands.choices.values():
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help="show tracebacks of errors")
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                _add_debug(action)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"automl: warning: {message}", file=file or sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``automl`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    shown = warnings.showwarning
    if not args.debug:
        warnings.showwarning = _show_warning
    try:
        return args.handler(args)
    except AutoMLError as exc:
        if args.debug:
            raise
        print(f"automl: error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        print("automl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the job failed: one line, the traceback with --debug
        if args.debug:
            raise
        print(f"automl: error: {args.command} failed: {type(exc).__name__}: {exc} "
              "(run again with --debug for the traceback)", file=sys.stderr)
        return EXIT_FAILED
    finally:
        warnings.showwarning = shown
