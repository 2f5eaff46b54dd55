"""The records every layer shares: trial specs and results, name matching, JSON-ready values.

Nothing here imports another part of automl but :mod:`automl.errors`.
"""
from automl.core._deadline import RETURN_SECONDS, PastDeadline, run_by
from automl.core._json import plain
from automl.core._heap import release_freed_memory, return_large_blocks_on_free
from automl.core._naming import name_key, resolve_name
from automl.core._sizes import serialized_bytes
from automl.core._trial_records import CANCELED, COMPLETED, FAILED, TrialData, TrialResult, TrialSpec
from automl.core._workers import remove_from_workers

__all__ = ["CANCELED", "COMPLETED", "FAILED", "RETURN_SECONDS", "PastDeadline", "TrialData", "TrialResult", "TrialSpec", "name_key",
           "plain", "release_freed_memory", "remove_from_workers", "resolve_name", "return_large_blocks_on_free",
           "run_by", "serialized_bytes"]
