"""The scoring server: a Starlette app in the shape of an Azure ML online deployment.

Routes: ``POST /score`` (key required), ``GET /swagger.json`` (key required), and the
probes ``GET /`` (liveness, answers ``Healthy`` as Azure's inference server does),
``GET /health/live`` and ``GET /health/ready``. Every error is a JSON object
``{"error": message}`` with its status; a model that raises answers 500 with an
``error_id`` that the server log repeats next to the traceback.
"""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from automl.batch import OnnxScorer
from automl.errors import DataError
from automl.export import PLAIN_PATH_ROWS, plain_feed
from automl.serving._keys import EndpointKeys
from automl.serving._requests import PREDICT_PROBA, RequestError, ScoringRequest, parse_request
from automl.serving._served_model import ServedModel

__all__ = ["RequestSettings", "create_app", "predictions", "read_body"]

LOG = logging.getLogger("automl.serving")
#: Requests of up to this many rows to an ONNX model are scored on the event loop, not in a thread.
INLINE_ROWS = PLAIN_PATH_ROWS


@dataclass(frozen=True)
class RequestSettings:
    """Azure's ``request_settings`` of a deployment, plus the body size limit.

    Attributes
    ----------
    request_timeout_ms : int, default=5000
        A request still scoring after this answers 408. (A request of up to :data:`INLINE_ROWS`
        rows to an ONNX model is scored on the event loop in well under a millisecond; it is not
        timed.)
    max_concurrent_requests_per_instance : int, default=1
        Requests scored at once by one instance (worker process).
    max_queue_wait_ms : int, default=500
        How long a request waits for a free slot before it answers 429.
    max_body_bytes : int, default=1.5 MB
        A larger body answers 413 (Azure's payload limit for online endpoints).
    """

    request_timeout_ms: int = 5000
    max_concurrent_requests_per_instance: int = 1
    max_queue_wait_ms: int = 500
    max_body_bytes: int = 1_572_864


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _plain(values: Any) -> list:
    """JSON-ready values: numpy scalars as Python ones, missing values (NaN, NaT, None) as null."""
    return [None if value is None or value != value else value  # NaN is the one value unequal to itself
            for value in np.asarray(values).ravel().tolist()]


def _plain_outputs(model: ServedModel, request: ScoringRequest) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Labels (or values) and probabilities of a small request to an ONNX model, fed straight from
    the body's lists (:func:`automl.export.plain_feed`); None when the request needs the DataFrame
    path (more rows, records, values to cast, or columns that do not match: that path says why)."""
    scorer = model.scorer
    if not isinstance(scorer, OnnxScorer) or request.data is None or request.columns is None:
        return None
    feed = plain_feed(request.columns, request.data, scorer.kinds)
    return None if feed is None else scorer.labels_and_probabilities(scorer.run(feed))


def _forecast(model: ServedModel, request: ScoringRequest) -> list:
    if not model.forecaster:
        raise RequestError(400, '"quantiles" are answered by forecasting models only.')
    rows = model.schema.conform(request.rows)
    frame = model.scorer.model.forecast_quantiles(rows, request.quantiles)
    point = model.scorer.predict(rows)
    columns = {str(q): _plain(frame[q]) for q in request.quantiles}
    return [{"forecast": p, **{q: columns[q][i] for q in columns}} for i, p in enumerate(_plain(point))]


def predictions(model: ServedModel, request: ScoringRequest) -> list:
    """The answer to ``request``: one prediction per row, or one object per row with the class
    probabilities (``method=predict_proba``) or the forecast and its quantiles (``quantiles``)."""
    if request.quantiles:
        return _forecast(model, request)
    scorer = model.scorer
    wants_proba = request.method == PREDICT_PROBA
    if wants_proba and not getattr(scorer, "probabilities", False):
        raise RequestError(400, '"method": "predict_proba" is answered by classification models only.')
    outputs = _plain_outputs(model, request)
    if outputs is None:
        rows = model.schema.conform(request.rows)
        outputs = scorer.predict_both(rows) if wants_proba else (scorer.predict(rows), None)
    labels, proba = outputs
    if not wants_proba:
        return _plain(labels)
    classes = [str(c) for c in _plain(scorer.classes)]
    return [dict(zip(classes, row)) for row in np.asarray(proba, dtype=float).tolist()]


class _Slots:
    """At most ``size`` requests scored at once; the others wait up to ``wait`` seconds."""

    def __init__(self, size: int, wait: float) -> None:
        self._semaphore, self._wait = asyncio.Semaphore(size), wait

    async def take(self) -> bool:
        try:
            await asyncio.wait_for(self._semaphore.acquire(), timeout=self._wait)
        except asyncio.TimeoutError:
            return False
        return True

    def release(self) -> None:
        """Free a slot."""
        self._semaphore.release()

    def give_back(self, finished: asyncio.Future) -> None:
        """Free the slot of a finished scoring (its error, if any, was answered or timed out)."""
        self._semaphore.release()
        if not finished.cancelled():
            finished.exception()  # retrieved: a timed-out failure is not reported twice


async def read_body(request: Request, limit: int) -> bytes:
    """The body of ``request``; a :class:`RequestError` (413) once it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise RequestError(413, f"the body has {int(declared)} bytes; the limit is {limit}.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(413, f"the body is over the limit of {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


class _ScoringApp:
    """The scoring app's handlers: the model, its keys and request settings, and the concurrency slots
    (made on first use, inside the server's event loop)."""

    def __init__(self, model: ServedModel, keys: EndpointKeys, settings: RequestSettings, name: str) -> None:
        self.model, self.keys, self.settings, self.name = model, keys, settings, name
        self._slots: _Slots | None = None

    def _authorised(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self.keys.accepts(token.strip())

    def _limiter(self) -> _Slots:
        if self._slots is None:
            self._slots = _Slots(self.settings.max_concurrent_requests_per_instance,
                                 self.settings.max_queue_wait_ms / 1000)
        return self._slots

    async def _scored(self, parsed: ScoringRequest, limiter: _Slots) -> list:
        """The predictions, within the slot ``limiter`` gave: a small request to an ONNX model on
        the event loop (a fraction of a millisecond, less than a thread's hand-over costs), any
        other in a thread, answered 408 past the timeout (the slot stays taken while it runs)."""
        if self.model.runtime == "onnxruntime" and parsed.row_count <= INLINE_ROWS:
            try:
                return predictions(self.model, parsed)
            finally:
                limiter.release()
        task = asyncio.ensure_future(run_in_threadpool(predictions, self.model, parsed))
        task.add_done_callback(limiter.give_back)
        return await asyncio.wait_for(asyncio.shield(task), timeout=self.settings.request_timeout_ms / 1000)

    async def _answer(self, parsed: ScoringRequest, limiter: _Slots) -> Response:
        """The predictions of an admitted request, or the error that stopped them."""
        try:
            answer = await self._scored(parsed, limiter)
        except asyncio.TimeoutError:
            return _error(408, f"the request took longer than request_timeout_ms={self.settings.request_timeout_ms}.")
        except RequestError as exc:
            return _error(exc.status, exc.message)
        except DataError as exc:
            return _error(400, str(exc))
        except Exception:  # the model failed: the traceback goes to the log, not to the client
            error_id = uuid.uuid4().hex
            LOG.exception("scoring failed (error_id %s)", error_id)
            return _error(500, "the model failed to score the request.", error_id=error_id)
        body = {"Results": answer} if parsed.envelope else answer
        return Response(json.dumps(body), media_type="application/json")

    async def score(self, request: Request) -> Response:
        """``POST /score``: the key, the body, a concurrency slot, then the predictions."""
        if not self._authorised(request):
            return _error(401, "missing or wrong key: send the header 'Authorization: Bearer <key>'.")
        limiter = self._limiter()
        try:
            parsed = parse_request(await read_body(request, self.settings.max_body_bytes))
        except RequestError as exc:
            return _error(exc.status, exc.message)
        if not await limiter.take():
            return _error(429, f"more than {self.settings.max_concurrent_requests_per_instance} concurrent "
                               "request(s) for this instance; retry later.")
        return await self._answer(parsed, limiter)

    async def swagger(self, request: Request) -> Response:
        """``GET /swagger.json``: the OpenAPI document of the model's columns."""
        if not self._authorised(request):
            return _error(401, "missing or wrong key: send the header 'Authorization: Bearer <key>'.")
        model = self.model
        return JSONResponse(model.schema.openapi(
            self.name, f"{model.reference}, scored with {model.runtime}; columns from {model.schema.source}."))

    async def ready(self, _: Request) -> Response:
        """``GET /health/ready``: the model and its runtime."""
        return JSONResponse({"status": "ready", "model": self.model.reference, "runtime": self.model.runtime})


async def _live(_: Request) -> Response:
    return PlainTextResponse("Healthy")


def create_app(model: ServedModel, keys: EndpointKeys, settings: RequestSettings = RequestSettings(),
               name: str = "automl") -> Starlette:
    """The ASGI app serving ``model`` behind ``keys`` (see the module docstring)."""
    app = _ScoringApp(model, keys, settings, name)
    return Starlette(routes=[
        Route("/score", app.score, methods=["POST"]), Route("/swagger.json", app.swagger, methods=["GET"]),
        Route("/", _live, methods=["GET"]), Route("/health/live", _live, methods=["GET"]),
        Route("/health/ready", app.ready, methods=["GET"])])
