"""``automl serve``: one model behind an HTTP scoring endpoint (:mod:`automl.serving`)."""
from __future__ import annotations

import argparse

from automl.cli._exit_codes import EXIT_CODES, EXIT_OK

EXAMPLES = """\
examples:
  automl serve --model models:/titanic/1
  automl serve --job calm_river_x7k2p9 --port 5002 --instance-count 2
  automl serve --model outputs/calm_river_x7k2p9/model.onnx --host 0.0.0.0

It prints the scoring URI and the keys, then answers POST /score with the header
'Authorization: Bearer <key>' and a body such as
  {"input_data": {"columns": ["Age", "Sex"], "data": [[22, "male"]]}}
(also MLflow's dataframe_split / dataframe_records and Azure AutoML's Inputs). Add
"params": {"method": "predict_proba"} for class probabilities, or "params": {"quantiles": [0.1, 0.9]}
for forecast quantiles. GET /swagger.json describes the columns; GET / and /health/ready are the
probes. A model with a checked ONNX form is scored with onnxruntime. Ctrl-C stops the server.

"""


def add_serve(commands: argparse._SubParsersAction) -> None:
    """Register ``automl serve``."""
    parser = commands.add_parser(
        "serve", help="serve a model over HTTP, like an Azure online endpoint",
        description="Online scoring: serve a registered model, a job's best model, a saved MLflow model "
                    "folder or a model.onnx file on POST /score, with key authentication.",
        epilog=EXAMPLES + EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", "-m", help="models:/NAME/VERSION, a saved model folder, or model.onnx")
    which.add_argument("--job", help="serve the best model of this job (from the MLflow store)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, loopback)")
    parser.add_argument("--port", type=int, default=5001, help="port (default 5001)")
    parser.add_argument("--instance-count", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--request-timeout-ms", type=int, default=5000,
                        help="answer 408 past this (default 5000, as Azure)")
    parser.add_argument("--max-concurrent-requests-per-instance", type=int, default=1,
                        help="requests scored at once per instance; more wait up to --max-queue-wait-ms, "
                             "then get 429 (default 1, as Azure)")
    parser.add_argument("--max-queue-wait-ms", type=int, default=500,
                        help="how long a request waits for a free slot before 429 (default 500)")
    parser.add_argument("--max-request-mb", type=float, default=1.5,
                        help="larger bodies get 413 (default 1.5)")
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from automl.errors import ConfigError
    from automl.serving import RequestSettings, serve

    for flag, value in (("--request-timeout-ms", args.request_timeout_ms),
                        ("--max-concurrent-requests-per-instance", args.max_concurrent_requests_per_instance),
                        ("--max-request-mb", args.max_request_mb), ("--instance-count", args.instance_count),
                        ("--max-queue-wait-ms", args.max_queue_wait_ms)):
        if value <= 0:
            raise ConfigError(f"{flag} must be positive, got {value}.")
    settings = RequestSettings(request_timeout_ms=args.request_timeout_ms,
                               max_concurrent_requests_per_instance=args.max_concurrent_requests_per_instance,
                               max_queue_wait_ms=args.max_queue_wait_ms, max_body_bytes=int(args.max_request_mb * 2**20))
    serve(args.model, job=args.job, host=args.host, port=args.port, instance_count=args.instance_count,
          settings=settings, announce=lambda text: print(text, flush=True))
    return EXIT_OK
