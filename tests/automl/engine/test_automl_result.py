"""What a job's result keeps when it is pickled: the state folder's ``result.pkl``, read back by
``automl.load_result`` in another process."""
from __future__ import annotations

import pickle

import pandas as pd

from automl.engine import AutoMLResult

STORE = "http://user:S3CRET-pw@127.0.0.1:5000"


def _result(**fields) -> AutoMLResult:
    return AutoMLResult(name="job", task="classification", primary_metric="accuracy", status="Completed",
                        stop_reason="max_trials (1) reached", best_model=None, best_trial=None, trials=[],
                        metrics={}, test_metrics=None, guardrails=[], featurization_summary=pd.DataFrame(),
                        validation={}, duration_seconds=1.0, **fields)


def test_a_pickled_result_holds_no_tracking_credentials_and_nothing_pending():
    result = _result(tracking_uri="http://user:***@127.0.0.1:5000", tracking_pending=["report of job job"])
    result._tracking_store = STORE  # as the tracker keeps it, in memory, for register_model

    data = pickle.dumps(result, protocol=5)
    assert b"S3CRET-pw" not in data
    back = pickle.loads(data)
    assert back._tracking_store is None and back.tracking_uri == "http://user:***@127.0.0.1:5000"
    # Nothing logs a result read back: waiting for its logging returns at once.
    assert back.tracking_pending == [] and back.wait_for_tracking(timeout=None)
    # The result in memory keeps both.
    assert result._tracking_store == STORE and result.tracking_pending == ["report of job job"]
