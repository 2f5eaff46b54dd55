"""The ``automl`` command line."""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from automl.errors import AutoMLError


def _demo(args: argparse.Namespace) -> int:
    from automl.demo import run_demo

    result = run_demo(timeout_minutes=args.timeout_minutes, max_trials=args.max_trials)
    return 0 if result.status == "Completed" else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``automl``."""
    from automl import __version__

    parser = argparse.ArgumentParser(prog="automl", description="AutoML for tabular data, Azure-shaped.")
    parser.add_argument("--version", action="version", version=f"automl-studio {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="train on the shipped bank-marketing sample")
    demo.add_argument("--timeout-minutes", type=float, default=2.0)
    demo.add_argument("--max-trials", type=int, default=10)
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``automl`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except AutoMLError as exc:
        print(f"automl: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
