"""``python -m automl.cli``: the ``automl`` command."""
import sys

from automl.cli import main

sys.exit(main())
