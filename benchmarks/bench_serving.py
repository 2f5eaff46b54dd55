"""Benchmark: online scoring over HTTP on 127.0.0.1, automl-studio against ``mlflow models serve``.

One ONNX-compatible classification job on adult (``--train-rows`` rows, LightGBM and
logistic regression, tracked in a temporary MLflow store) gives one model, registered twice:
as its ONNX graph (``models:/serving-onnx/1``) and as its MLflow model
(``models:/serving-python/1``). Three servers score it, one at a time, each with one worker
process on the same 2 cores:

- ``automl serve`` with the ONNX graph (onnxruntime);
- ``automl serve`` with the Python pipeline;
- ``mlflow models serve --env-manager local`` with the same MLflow model (pyfunc), MLflow's own server.

Each takes requests of 1 row and of 1,000 rows (Azure's ``input_data`` body for ours, MLflow's
``dataframe_split`` for MLflow's) at concurrency 1, 8 and 32; per cell: p50 and p99 latency,
requests per second and failed requests (any status but 200, and socket errors). Our servers allow
8 concurrent requests and a 30 s queue here, so that they measure throughput rather than shed load.

The load generator (``--client``) is an aiohttp async client sending ``--requests`` and
``--batch-requests`` per cell. It shares the server's 2 cores, so its own cost per request is in
the figures: ``--client httpx`` (about 2 ms of CPU per request) measured the same ONNX server at
2.7 ms p50 and 423 requests/s at concurrency 8; ``--client wrk`` (``apt-get install wrk``, a C
client, one thread, ``--seconds`` per cell) shows what the server alone does. The roll-out always
uses httpx.

Then the roll-out: an endpoint with deployments blue and green (both the ONNX model) takes
requests at concurrency 8 while its traffic goes blue=100 -> blue=50,green=50 -> green=100 and blue
is deleted; it counts failed requests, and the split observed over 2,000 requests at 50/50.

Targets (ONNX path): single-row p50 at most 3 ms with p99 at concurrency 8 at most 15 ms; at least 3x
the requests per second of ``mlflow models serve`` at concurrency 8; 0 failed requests in the
roll-out; the observed split within 3 points of 50/50.

The data comes from ``../shared/datasets/adult.csv.gz`` unless ``AUTOML_BENCH_DATA`` names a folder
holding it. Results: one JSON line in ``benchmarks/results/serving.jsonl`` and the Markdown table
``benchmarks/results/serving.md`` (``serving_httpx.md`` or ``serving_wrk.md`` with those clients).

Usage::

    python benchmarks/bench_serving.py [--client aiohttp|httpx|wrk] [--seconds 5] [--requests 400]
        [--batch-requests 40] [--train-rows 10000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_batch_scoring import TARGET, adult_path  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CONCURRENCY = (1, 8, 32)
STARTUP_SECONDS = 180


def train(folder: Path, rows: int) -> tuple[str, pd.DataFrame]:
    """Train, register both forms; the tracking URI and the raw rows to send."""
    import automl

    frame = pd.read_csv(adult_path()).sample(rows, random_state=0).reset_index(drop=True)
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    os.environ["MLFLOW_TRACKING_URI"] = uri
    os.environ.pop("AUTOML_TRACKING", None)
    job = automl.classification(training_data=frame, target_column_name=TARGET, name="serving_bench",
                                experiment_name="serving-bench", log_verbosity="warning")
    job.set_limits(max_trials=2, max_concurrent_trials=1, timeout_minutes=5)
    job.set_training(allowed_training_algorithms=["LightGBM", "LogisticRegression"],
                     enable_onnx_compatible_models=True, enable_vote_ensemble=False, enable_stack_ensemble=False)
    result = job.submit(show_progress=False)
    result.register_model("serving-onnx", format="onnx")
    result.register_model("serving-python", format="mlflow")
    return uri, frame.drop(columns=TARGET)


def _body(rows: pd.DataFrame, mlflow_format: bool) -> bytes:
    split = json.loads(rows.to_json(orient="split", index=False))
    return json.dumps({"dataframe_split": split} if mlflow_format else {"input_data": split}).encode()


def start(command: list[str], env: dict, log: Path, probe: str) -> subprocess.Popen:
    """Start a server and wait for ``probe`` to answer 200."""
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(probe, timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"{command[:4]} did not start: {log.read_text()[-1500:]}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()


def _summary(latencies: list[float], requests: int, seconds: float, failures: int) -> dict:
    ordered = sorted(latencies)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2),
            "rps": round(requests / seconds, 1), "failed": failures, "requests": requests}


async def load_aiohttp(url: str, body: bytes, headers: dict, requests: int, concurrency: int) -> dict:
    """``requests`` POSTs from an aiohttp client, ``concurrency`` at a time: latency percentiles,
    throughput, failures."""
    import aiohttp

    latencies, failures = [], 0
    queue = iter(range(requests))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency),
                                     headers={**headers, "Content-Type": "application/json"},
                                     timeout=aiohttp.ClientTimeout(total=60)) as client:
        async def worker() -> None:
            nonlocal failures
            for _ in queue:
                begin = time.perf_counter()
                try:
                    async with client.post(url, data=body) as answer:
                        await answer.read()
                        failures += answer.status != 200
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    failures += 1
                latencies.append((time.perf_counter() - begin) * 1000)
        async with client.post(url, data=body) as warm_up:
            await warm_up.read()
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    return _summary(latencies, requests, seconds, failures)


async def load_httpx(url: str, body: bytes, headers: dict, requests: int, concurrency: int) -> dict:
    """As :func:`load_aiohttp`, from an httpx async client (about 2 ms of CPU per request)."""
    latencies, failures = [], 0
    queue = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers={**headers, "Content-Type": "application/json"}, limits=limits,
                                 timeout=60) as client:
        async def worker() -> None:
            nonlocal failures
            for _ in queue:
                begin = time.perf_counter()
                try:
                    answer = await client.post(url, content=body)
                    failures += answer.status_code != 200
                except httpx.HTTPError:
                    failures += 1
                latencies.append((time.perf_counter() - begin) * 1000)
        await client.post(url, content=body)  # warm-up
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    return _summary(latencies, requests, seconds, failures)


_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_WRK_SCRIPT = """wrk.method = "POST"
wrk.body = io.open({body!r}, "rb"):read("*a")
wrk.headers["Content-Type"] = "application/json"
{headers}
"""


def _wrk_ms(text: str) -> float:
    number = re.fullmatch(r"([0-9.]+)(us|ms|s)", text)
    return round(float(number[1]) * _WRK_UNITS[number[2]], 2)


def load_wrk(url: str, body: bytes, headers: dict, seconds: float, concurrency: int) -> dict:
    """POSTs from ``wrk`` (one thread, ``concurrency`` connections) for ``seconds``: the same
    figures as :func:`load`, from a C client that leaves the server most of the CPU."""
    with tempfile.TemporaryDirectory(prefix="automl-wrk-") as tmp:
        (Path(tmp) / "body.json").write_bytes(body)
        script = Path(tmp) / "post.lua"
        script.write_text(_WRK_SCRIPT.format(body=str(Path(tmp) / "body.json"), headers="\n".join(
            f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())), encoding="utf-8")
        httpx.post(url, content=body, headers={**headers, "Content-Type": "application/json"}, timeout=60)  # warm-up
        out = subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "60s", "--latency",
                              "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50_ms": _wrk_ms(latency["50"]), "p99_ms": _wrk_ms(latency["99"]),
            "rps": round(float(re.search(r"Requests/sec:\s+([0-9.]+)", out)[1]), 1),
            "failed": (int(non_ok[1]) if non_ok else 0) + (sum(map(int, errors.groups())) if errors else 0),
            "requests": int(re.search(r"(\d+) requests in", out)[1])}


def measure(name: str, url: str, headers: dict, rows: pd.DataFrame, mlflow_format: bool, args) -> list[dict]:
    cells = []
    for size, requests in ((1, args.requests), (1000, args.batch_requests)):
        body = _body(rows.sample(size, random_state=1), mlflow_format)
        for concurrency in CONCURRENCY:
            if args.client == "wrk":
                cell = load_wrk(url, body, headers, args.seconds, concurrency)
            else:
                load = load_aiohttp if args.client == "aiohttp" else load_httpx
                cell = asyncio.run(load(url, body, headers, requests, concurrency))
            cells.append({"server": name, "rows": size, "concurrency": concurrency, **cell})
            print(json.dumps(cells[-1]), flush=True)
    return cells


def _automl_server(model: str, port: int, env: dict, folder: Path, name: str) -> tuple[subprocess.Popen, str]:
    log = folder / f"{name}.log"
    process = start([sys.executable, "-m", "automl.cli", "serve", "--model", model, "--port", str(port),
                     "--max-concurrent-requests-per-instance", "8", "--max-queue-wait-ms", "30000",
                     "--request-timeout-ms", "60000"], env, log, f"http://127.0.0.1:{port}/health/ready")
    key = next(line.split(": ")[1].strip() for line in log.read_text().splitlines() if "Primary key" in line)
    return process, key


def rollout(rows: pd.DataFrame, env: dict, folder: Path) -> dict:
    """Traffic moves from blue to green under load at concurrency 8; failures and the observed split."""
    from automl.serving import EndpointStore, endpoints
    from automl.serving._specs import DeploymentSpec, EndpointSpec

    os.environ["AUTOML_ENDPOINTS_HOME"] = str(folder / "endpoints")
    store = EndpointStore()
    endpoints.create_endpoint(EndpointSpec("bench"), store=store)
    settings = {"request_timeout_ms": 5000, "max_concurrent_requests_per_instance": 8,
                "max_queue_wait_ms": 5000, "max_body_bytes": 1_572_864}
    for name in ("blue", "green"):
        endpoints.create_deployment(DeploymentSpec(name, "bench", "models:/serving-onnx/1", 1, settings),
                                    all_traffic=name == "blue", store=store)
    record = store.read("bench")
    url, headers = f"http://127.0.0.1:{record['port']}/score", {"Authorization": f"Bearer {record['keys']['primary']}"}
    body, stop_load, outcomes = _body(rows.head(1), False), threading.Event(), []

    def client() -> None:
        with httpx.Client(headers=headers, timeout=30) as http:
            while not stop_load.is_set():
                try:
                    answer = http.post(url, content=body)
                    outcomes.append((answer.status_code, answer.headers.get("azureml-model-deployment")))
                except httpx.HTTPError as exc:
                    outcomes.append((type(exc).__name__, None))
    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        endpoints.update_traffic("bench", {"blue": 50, "green": 50}, store=store)
        start_half = len(outcomes)
        while len(outcomes) < start_half + 2000:
            time.sleep(0.05)
        half = outcomes[start_half:start_half + 2000]
        endpoints.update_traffic("bench", {"green": 100}, store=store)
        endpoints.delete_deployment("blue", "bench", store=store)
        time.sleep(2)
    finally:
        stop_load.set()
        for thread in threads:
            thread.join()
        endpoints.delete_endpoint("bench", store=store)
    split = Counter(d for _, d in half)
    return {"requests": len(outcomes), "failed": sum(o[0] != 200 for o in outcomes),
            "blue_share_at_50_50": round(split["blue"] / len(half), 4)}


def report(cells: list[dict], roll: dict, meta: dict) -> str:
    sent = (f"wrk (one thread) sending for {meta['seconds']} s per cell" if meta.get("client") == "wrk" else
            f"an {meta.get('client', 'httpx')} async client sending {meta['requests']} requests of 1 row and "
            f"{meta['batch_requests']} of 1,000 rows per cell")
    lines = [f"Run {meta['date']} on {meta['machine']}; {sent}; one worker process per server, all on 127.0.0.1.", "",
             "| server | rows | concurrency | p50 ms | p99 ms | requests/s | failed |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {c['server']} | {c['rows']} | {c['concurrency']} | {c['p50_ms']} | {c['p99_ms']} | {c['rps']} | "
              f"{c['failed']} |" for c in cells]
    cell = {(c["server"], c["rows"], c["concurrency"]): c for c in cells}
    onnx1, onnx8 = cell[("automl-studio ONNX", 1, 1)], cell[("automl-studio ONNX", 1, 8)]
    ratio = onnx8["rps"] / cell[("mlflow models serve", 1, 8)]["rps"]
    lines += ["", f"- ONNX single-row p50 at concurrency 1: **{onnx1['p50_ms']} ms** (target <= 3 ms); p99 at "
                  f"concurrency 8: **{onnx8['p99_ms']} ms** (target <= 15 ms).",
              f"- Requests per second at concurrency 8, 1 row: ONNX {onnx8['rps']} against mlflow models serve "
              f"{cell[('mlflow models serve', 1, 8)]['rps']}: **{ratio:.1f}x** (target >= 3x).",
              f"- Roll-out blue=100 -> 50/50 -> green=100 -> blue deleted under load (concurrency 8): "
              f"**{roll['failed']} failed** of {roll['requests']} requests (target 0); blue's share of 2,000 "
              f"requests at 50/50: **{100 * roll['blue_share_at_50_50']:.1f}%** (target 47-53%)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="single-row requests per cell")
    parser.add_argument("--batch-requests", type=int, default=40, help="1,000-row requests per cell")
    parser.add_argument("--train-rows", type=int, default=10_000)
    parser.add_argument("--client", choices=("aiohttp", "httpx", "wrk"), default="aiohttp",
                        help="load generator (see the module docstring)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per cell with wrk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="automl-serving-bench-") as tmp:
        folder = Path(tmp)
        uri, rows = train(folder, args.train_rows)
        env = {**os.environ, "MLFLOW_TRACKING_URI": uri,  # mlflow models serve starts `uvicorn` from the PATH
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        cells = []
        for name, model in (("automl-studio ONNX", "models:/serving-onnx/1"),
                            ("automl-studio Python", "models:/serving-python/1")):
            port = 5600 + len(cells)
            process, key = _automl_server(model, port, env, folder, name.replace(" ", "_"))
            try:
                cells += measure(name, f"http://127.0.0.1:{port}/score", {"Authorization": f"Bearer {key}"},
                                 rows, False, args)
            finally:
                stop(process)
        process = start([sys.executable, "-m", "mlflow", "models", "serve", "-m", "models:/serving-python/1",
                         "--env-manager", "local", "-p", "5650", "-w", "1"], env, folder / "mlflow.log",
                        "http://127.0.0.1:5650/ping")
        try:
            cells += measure("mlflow models serve", "http://127.0.0.1:5650/invocations", {}, rows, True, args)
        finally:
            stop(process)
        roll = rollout(rows, env, folder)
    meta = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores", "requests": args.requests,
            "batch_requests": args.batch_requests, "client": args.client, "seconds": args.seconds}
    with open(RESULTS / "serving.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps({**meta, "cells": cells, "rollout": roll}) + "\n")
    text = report(cells, roll, meta)
    name = "serving" if args.client == "aiohttp" else f"serving_{args.client}"
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
