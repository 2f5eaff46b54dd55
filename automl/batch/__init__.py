"""Batch scoring, shaped like Azure ML batch endpoints.

:func:`score_batch` scores a file, a folder of files or an MLTable with a
registered model (``models:/NAME/VERSION``), a saved MLflow model folder or an
exported ``model.onnx`` (scored with onnxruntime, no pickle). A folder is cut
into mini batches of files scored in parallel; every row keeps its source file
and row number; a file that fails is skipped and named in ``job_error.txt``;
``job_progress_overview.txt`` follows the job. ``automl predict`` is its
command line.

>>> from automl.batch import score_batch
>>> done = score_batch("models:/titanic/1", "data/to_score", "predictions.csv")  # doctest: +SKIP
>>> done.status
'Completed'
"""
from automl.batch._logs import ERROR_FILE, PROGRESS_FILE, FileError, Progress
from automl.batch._runner import (
    COMPLETED,
    FAILED,
    OUTPUT_ACTIONS,
    WITH_ERRORS,
    BatchScoringResult,
    score_batch,
)
from automl.batch._scorers import OnnxScorer, PythonScorer, download_model, is_model_uri, load_scorer
from automl.batch._sources import plan_source

__all__ = [
    "COMPLETED", "ERROR_FILE", "FAILED", "OUTPUT_ACTIONS", "PROGRESS_FILE", "WITH_ERRORS",
    "BatchScoringResult", "FileError", "OnnxScorer", "Progress", "PythonScorer", "download_model", "is_model_uri",
    "load_scorer", "plan_source", "score_batch",
]
