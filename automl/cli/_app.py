"""The ``automl`` parser, the command table, and ``main``."""
from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence

from automl._version import __version__
from automl.cli._demo import add_demo
from automl.cli._endpoint_commands import add_deployment, add_endpoint
from automl.cli._exit_codes import EXIT_CODES, EXIT_CONFIG, EXIT_FAILED, EXIT_INTERRUPTED
from automl.cli._predict import add_predict
from automl.cli._runs import add_jobs, add_models, add_report
from automl.cli._serve import add_serve
from automl.cli._train import add_train
from automl.errors import AutoMLError

#: The sub-commands, in help order: each registers its parser.
COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    add_train, add_predict, add_serve, add_endpoint, add_deployment, add_report, add_jobs, add_models, add_demo)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``automl``: one sub-command per entry of the command table."""
    parser = argparse.ArgumentParser(
        prog="automl", description="AutoML for tabular data, shaped like Azure ML's AutoML, on this machine.",
        epilog="examples:\n  automl train --file examples/classification/job.yml --set limits.max_trials=4\n"
               "  automl predict --model models:/titanic/1 --input data/ --output predictions.csv\n"
               "  automl serve --model models:/titanic/1\n"
               "  automl jobs list\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"automl-studio {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
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


#: Warnings other libraries raise about themselves, which a user can do nothing about: not shown
#: (``--debug`` shows everything). MLflow's own modules warn about their type hints on import.
THIRD_PARTY_NOISE = ("Any type hint is inferred as AnyType",)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    if str(message).startswith(THIRD_PARTY_NOISE):
        return
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
