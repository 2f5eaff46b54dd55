"""The exit codes of every ``automl`` command, and how the help pages list them."""
from __future__ import annotations

import textwrap

__all__ = ["EXIT_CODES", "EXIT_CONFIG", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_PARTIAL"]

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
      {EXIT_INTERRUPTED}  interrupted (Ctrl-C); train cancels the job and still writes what it finished
    """)
