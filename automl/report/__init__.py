"""The studio-style report: one self-contained HTML file per job.

Sections (:data:`SECTIONS`): overview; data guardrails; featurization; models
(sortable leaderboard, failed and canceled trials with their reason); timeline of
the trials per worker slot and the best score over time; the best model's
metrics and charts (:data:`CHARTS`: ROC, precision-recall, confusion matrix,
calibration and lift for classification; predicted vs true and residuals for
regression; forecast vs actual with intervals for forecasting); explanations;
test metrics when there was test data.

Charts are inline SVG drawn by matplotlib, styles and script are inline, and the
page's Content-Security-Policy lets nothing load from outside: it works offline,
attached to a ticket or logged to MLflow (``report.html`` in the job's parent run).

>>> result = job.submit()                                      # doctest: +SKIP
>>> result.save_report("report.html")                           # doctest: +SKIP
PosixPath('report.html')
"""
from automl.report._build import build_early_sections, build_report, save_report
from automl.report._charts import CHARTS, Evidence
from automl.report._sections import SECTIONS, Section
from automl.report._model_summary import model_summary
from automl.report._svg import warm_charts

__all__ = ["CHARTS", "Evidence", "SECTIONS", "Section", "build_early_sections", "build_report", "model_summary",
           "save_report", "warm_charts"]
