"""The ``automl`` command line: ``train``, ``predict``, ``report``, ``jobs``, ``models``, ``demo``.

``main`` is the console script's entry point (``automl = automl.cli:main``);
``python -m automl.cli`` runs it too. Exit codes: 0 success, 1 the job failed,
2 bad configuration or data, 3 partial batch-scoring success (``predict``).
"""
from automl.cli._app import build_parser, main
from automl.cli._exit_codes import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL

__all__ = ["EXIT_CONFIG", "EXIT_FAILED", "EXIT_OK", "EXIT_PARTIAL", "build_parser", "main"]
