"""``automl report``, ``automl jobs list|show`` and ``automl models list|show``: what MLflow recorded.

Everything is read from the MLflow store jobs are tracked to (``MLFLOW_TRACKING_URI``,
else ``./mlflow.db``). A job is its parent run: tag ``run_template=automl_parent``,
run name = job name; its trials are the child runs.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from automl.cli._exit_codes import EXIT_CODES, EXIT_OK
from automl.errors import ConfigError
from automl.tracking._job_runs import PARENT_FILTER, checked_name, experiment_names, find_job_run

REPORT_ARTIFACT = "report.html"


def _client() -> tuple[Any, str]:
    from automl.tracking import resolve_tracking_uri
    from automl.tracking._store import make_client

    uri = resolve_tracking_uri()
    return make_client(uri), uri


def _when(millis: int | None) -> str:
    if not millis:
        return ""
    return datetime.fromtimestamp(millis / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


def _print_table(rows: list[dict], empty: str) -> None:
    if not rows:
        print(empty)
        return
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_colwidth", 60):
        print(pd.DataFrame(rows).to_string(index=False))


def _job_row(run: Any, experiments: dict[str, str]) -> dict:
    tags, metrics = run.data.tags, run.data.metrics
    metric = tags.get("primary_metric", "")
    score = metrics.get(metric)
    return {"name": run.info.run_name, "experiment": experiments.get(run.info.experiment_id, ""),
            "task": tags.get("task", ""), "status": tags.get("status", run.info.status),
            "primary_metric": metric, "best_score": "" if score is None else f"{score:.4f}",
            "started": _when(run.info.start_time)}


def _jobs_list(args: argparse.Namespace) -> int:
    client, uri = _client()
    experiments = experiment_names(client)
    if args.experiment:
        experiments = {k: v for k, v in experiments.items() if v == args.experiment}
    runs = client.search_runs(list(experiments), PARENT_FILTER, max_results=args.max,
                              order_by=["attributes.start_time DESC"]) if experiments else []
    print(f"Jobs in {uri}:")
    _print_table([_job_row(r, experiments) for r in runs], "  (none)")
    return EXIT_OK


def _jobs_show(args: argparse.Namespace) -> int:
    client, uri = _client()
    run, experiments = find_job_run(client, uri, args.job)
    for key, value in _job_row(run, experiments).items():
        print(f"{key:>16}: {value}")
    print(f"{'run_id':>16}: {run.info.run_id}")
    print(f"{'stop_reason':>16}: {run.data.tags.get('stop_reason', '')}")
    children = client.search_runs([run.info.experiment_id], f"tags.mlflow.parentRunId = '{run.info.run_id}'",
                                  max_results=1000)
    metric = run.data.tags.get("primary_metric", "")
    rows = [{"trial": c.info.run_name, "algorithm": c.data.tags.get("run_algorithm", ""),
             "status": c.data.tags.get("status", ""), metric: c.data.metrics.get(metric, float("nan")),
             "seconds": c.data.tags.get("duration", ""), "_iteration": int(c.data.tags.get("iteration", 0))}
            for c in children]
    rows.sort(key=lambda r: r["_iteration"])
    for row in rows:
        row.pop("_iteration")
    print()
    _print_table(rows, "(no trials recorded)")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    if args.insights:
        return _report_with_insights(args)
    given = [f"--{k.replace('_', '-')}" for k in ("data", "sensitive_features", "immutable_features", "output_dir")
             if getattr(args, k) is not None]
    if given:
        raise ConfigError(f"automl report: {', '.join(given)} only go with --insights; add it.")
    client, uri = _client()
    run, _ = find_job_run(client, uri, args.job)
    names = {a.path for a in client.list_artifacts(run.info.run_id)}
    if REPORT_ARTIFACT not in names:
        raise ConfigError(f"job {args.job!r} has no {REPORT_ARTIFACT} in MLflow (it was recorded by a "
                          "version that wrote no report, or its report failed).")
    with tempfile.TemporaryDirectory(prefix="automl-report-") as folder:
        local = client.download_artifacts(run.info.run_id, REPORT_ARTIFACT, folder)
        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(local, output)
    print(f"Report of job {args.job}: {output}")
    return EXIT_OK


def _report_with_insights(args: argparse.Namespace) -> int:
    """The report of a finished job from its output folder, its insights computed again now."""
    from automl.jobs import job_insights

    result = job_insights(args.job, data=args.data, sensitive_features=args.sensitive_features,
                          immutable_features=args.immutable_features, max_seconds=args.max_seconds,
                          output_dir=args.output_dir)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    result.save_report(output)
    insights = result.insights
    print(f"Report of job {args.job} with its insights ({insights.source}; "
          f"{', '.join(f'{k} {v:.1f} s' for k, v in insights.seconds.items())}): {output}")
    for note in insights.notes:
        print(f"  note: {note}")
    return EXIT_OK


def _models_list(args: argparse.Namespace) -> int:
    client, uri = _client()
    rows = []
    for model in client.search_registered_models(max_results=args.max):
        latest = max((int(v.version) for v in model.latest_versions or []), default=None)
        rows.append({"name": model.name, "latest_version": latest or "",
                     "updated": _when(model.last_updated_timestamp), "description": model.description or ""})
    print(f"Registered models in {uri}:")
    _print_table(rows, "  (none)")
    return EXIT_OK


def _models_show(args: argparse.Namespace) -> int:
    client, uri = _client()
    versions = client.search_model_versions(f"name = '{checked_name(args.name, 'model')}'")
    if not versions:
        raise ConfigError(f"no registered model named {args.name!r} in {uri}; `automl models list` "
                          "shows them.")
    rows = [{"version": int(v.version), "uri": f"models:/{v.name}/{v.version}", "status": v.status,
             "created": _when(v.creation_timestamp), "run_id": v.run_id or "",
             "tags": ", ".join(f"{k}={t}" for k, t in (v.tags or {}).items())}
            for v in versions]
    print(f"Registered model {args.name} ({uri}):")
    _print_table(sorted(rows, key=lambda r: r["version"]), "")
    return EXIT_OK


def _sub(parser: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction:
    return parser.add_subparsers(dest=dest, required=True, metavar="ACTION")


def _command(commands: argparse._SubParsersAction, name: str, help: str, examples: str,
             handler: Any) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".",
                                 epilog=f"examples:\n{examples}\n\n{EXIT_CODES}",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(handler=handler)
    return parser


def add_report(commands: argparse._SubParsersAction) -> None:
    """Register ``automl report``."""
    parser = _command(commands, "report", "fetch a job's HTML report from MLflow, or write it anew with its "
                      "responsible-AI insights",
                      "  automl report calm_river_x7k2p9 --output report.html\n"
                      "  automl report calm_river_x7k2p9 --insights --sensitive-features sex race --max-seconds 300\n"
                      "  automl report calm_river_x7k2p9 --insights --data labelled.csv", _report)
    parser.add_argument("job", help="the job name")
    parser.add_argument("--output", "-o", default="report.html", help="where to write it (default report.html)")
    insights = parser.add_argument_group(
        "insights", "--insights writes the report from the job's output folder (outputs/JOB, or --output-dir) "
                    "after computing its insights again: per-row explanations, error analysis, fairness and "
                    "counterfactuals, on the job's test data or out-of-fold predictions, or on --data")
    insights.add_argument("--insights", action="store_true", help="compute the insights now, with more time")
    insights.add_argument("--data", help="labelled rows to analyse (a file or folder, with the target column)")
    insights.add_argument("--sensitive-features", nargs="+", metavar="COLUMN",
                          help="columns whose groups the fairness table compares (default: the job's)")
    insights.add_argument("--immutable-features", nargs="+", metavar="COLUMN",
                          help="columns a counterfactual never changes (default: the job's)")
    insights.add_argument("--max-seconds", type=float, default=120.0,
                          help="time the insights may take (default 120)")
    insights.add_argument("--output-dir", help="the job's output folder, when it was given one")


def add_jobs(commands: argparse._SubParsersAction) -> None:
    """Register ``automl jobs list|show``."""
    jobs = commands.add_parser("jobs", help="list the recorded jobs, or show one with its trials",
                               description="The jobs recorded in MLflow.",
                               epilog="examples:\n  automl jobs list --experiment titanic-classification\n"
                                      "  automl jobs show calm_river_x7k2p9\n\n" + EXIT_CODES,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = _sub(jobs, "action")
    listing = _command(actions, "list", "list the recorded jobs, newest first", "  automl jobs list",
                       _jobs_list)
    listing.add_argument("--experiment", help="only this experiment")
    listing.add_argument("--max", type=int, default=50, help="jobs at most (default 50)")
    show = _command(actions, "show", "show a job and its trials", "  automl jobs show calm_river_x7k2p9",
                    _jobs_show)
    show.add_argument("job", help="the job name")


def add_models(commands: argparse._SubParsersAction) -> None:
    """Register ``automl models list|show``."""
    models = commands.add_parser("models", help="list the registered models, or show one's versions",
                                 description="The MLflow model registry.",
                                 epilog="examples:\n  automl models list\n  automl models show titanic\n\n"
                                        + EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = _sub(models, "action")
    listing = _command(actions, "list", "list the registered models", "  automl models list", _models_list)
    listing.add_argument("--max", type=int, default=100, help="models at most (default 100)")
    show = _command(actions, "show", "show the versions of a registered model", "  automl models show titanic",
                    _models_show)
    show.add_argument("name", help="the registered model name")
