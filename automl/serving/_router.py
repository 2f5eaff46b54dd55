"""An endpoint's router: one key-protected ``/score`` in front of its deployments.

It follows the endpoint's record in the store (:mod:`automl.serving._endpoint_store`): every
change of traffic, mirror traffic or deployments is picked up within :data:`POLL_SECONDS`,
while requests flow. A request goes to the deployment named by its ``azureml-model-deployment``
header, else to one chosen by smooth weighted round robin over the traffic split (the split is
exact over every 100 requests). Mirror traffic copies a share of the requests to a deployment
and drops its answers. Only deployments whose readiness probe passed (state ``Succeeded``) are
routed to. The answer names the deployment in its ``azureml-model-deployment`` header, as Azure's
does. ``GET /swagger.json`` is the document of the deployment with the most traffic (or the one the
header names).
"""
from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from automl.serving._endpoint_store import EndpointStore
from automl.serving._keys import EndpointKeys
from automl.serving._requests import RequestError
from automl.serving._scoring_app import RequestSettings, read_body

__all__ = ["DEPLOYMENT_HEADER", "SharePicker", "create_router_app"]

#: Seconds between two looks at the endpoint's record.
POLL_SECONDS = 0.2
#: The header that names (in a request) or reports (in an answer) the deployment.
DEPLOYMENT_HEADER = "azureml-model-deployment"
SUCCEEDED = "Succeeded"


class SharePicker:
    """Smooth weighted round robin: over any ``sum(shares)`` picks, each name comes exactly its share."""

    def __init__(self, shares: dict[str, int]) -> None:
        self.shares = {name: share for name, share in shares.items() if share > 0}
        self._current = dict.fromkeys(self.shares, 0)

    def pick(self) -> str | None:
        """The next name, or None when no share is positive."""
        if not self.shares:
            return None
        total = sum(self.shares.values())
        for name, share in self.shares.items():
            self._current[name] += share
        chosen = max(self._current, key=self._current.__getitem__)
        self._current[chosen] -= total
        return chosen


class _MirrorPicker:
    """Which requests to copy: ``share`` percent of them, evenly spread."""

    def __init__(self, shares: dict[str, int]) -> None:
        self.shares, self._seen = {n: s for n, s in shares.items() if s > 0}, 0

    def picks(self) -> list[str]:
        self._seen += 1
        return [n for n, s in self.shares.items() if (self._seen * s) // 100 > ((self._seen - 1) * s) // 100]


class _RoutingState:
    """The endpoint's record as the router last read it, and the requests in flight per deployment."""

    def __init__(self, store: EndpointStore, name: str) -> None:
        self.store, self.name = store, name
        self.record: dict[str, Any] = store.read(name)
        self.inflight: dict[str, int] = {}
        self._stamp: tuple[int, int] | None = None
        self.reload()

    def reload(self) -> None:
        path = self.store.record_path(self.name)
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return
        self.record, self._stamp = self.store.read(self.name), stamp
        ready = {n for n, d in self.record["deployments"].items() if d.get("state") == SUCCEEDED}
        self.keys = EndpointKeys(**self.record["keys"])
        self.traffic = SharePicker({n: s for n, s in self.record.get("traffic", {}).items() if n in ready})
        self.mirror = _MirrorPicker({n: s for n, s in self.record.get("mirror_traffic", {}).items() if n in ready})
        self.ready = ready

    def deployment(self, name: str) -> dict[str, Any]:
        return self.record["deployments"][name]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_router_app(store: EndpointStore, name: str) -> Starlette:
    """The router app of endpoint ``name`` (see the module docstring)."""
    state = _RoutingState(store, name)
    limit = RequestSettings().max_body_bytes
    background: set[asyncio.Task] = set()
    client: dict[str, httpx.AsyncClient] = {}

    async def follow_record() -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            with contextlib.suppress(Exception):  # a record being replaced is read on the next look
                state.reload()

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        client["http"] = httpx.AsyncClient(limits=httpx.Limits(max_connections=256, max_keepalive_connections=64))
        follower = asyncio.create_task(follow_record())
        yield
        follower.cancel()
        await client["http"].aclose()

    def authorised(request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and state.keys.accepts(token.strip())

    async def forward(deployment: str, body: bytes) -> httpx.Response:
        target = state.deployment(deployment)
        timeout = target["request_settings"]["request_timeout_ms"] / 1000 + 5
        return await client["http"].post(
            f"http://127.0.0.1:{target['port']}/score", content=body, timeout=timeout,
            headers={"Authorization": f"Bearer {target['keys']['primary']}", "Content-Type": "application/json"})

    async def mirror(deployment: str, body: bytes) -> None:
        with contextlib.suppress(Exception):  # a mirror's answer, or its failure, never reaches the client
            await forward(deployment, body)

    async def score(request: Request) -> Response:
        if not authorised(request):
            return _error(401, "missing or wrong key: send the header 'Authorization: Bearer <key>'.")
        chosen = request.headers.get(DEPLOYMENT_HEADER)
        if chosen is not None and chosen not in state.record["deployments"]:
            return _error(404, f"endpoint {name!r} has no deployment {chosen!r} (it has "
                               f"{', '.join(sorted(state.record['deployments'])) or 'none'}).")
        if chosen is not None and chosen not in state.ready:
            return _error(503, f"deployment {chosen!r} is not ready.")
        try:
            body = await read_body(request, limit)
        except RequestError as exc:
            return _error(exc.status, exc.message)
        chosen = chosen or state.traffic.pick()
        if chosen is None:
            return _error(503, f"no deployment of endpoint {name!r} takes traffic; set it with "
                               f"`automl endpoint update --name {name} --traffic \"<deployment>=100\"`.")
        for copy_to in state.mirror.picks():
            task = asyncio.create_task(mirror(copy_to, body))
            background.add(task)
            task.add_done_callback(background.discard)
        state.inflight[chosen] = state.inflight.get(chosen, 0) + 1
        try:
            answer = await forward(chosen, body)
        except httpx.HTTPError as exc:
            return _error(502, f"deployment {chosen!r} did not answer: {type(exc).__name__}.")
        finally:
            state.inflight[chosen] -= 1
        return Response(answer.content, status_code=answer.status_code, headers={DEPLOYMENT_HEADER: chosen},
                        media_type=answer.headers.get("content-type", "application/json"))

    async def swagger(request: Request) -> Response:
        if not authorised(request):
            return _error(401, "missing or wrong key: send the header 'Authorization: Bearer <key>'.")
        shares = state.traffic.shares
        chosen = request.headers.get(DEPLOYMENT_HEADER) or (max(shares, key=shares.__getitem__) if shares else None)
        if chosen not in state.ready:
            return _error(404, "no ready deployment to describe; name one in the azureml-model-deployment header.")
        target = state.deployment(chosen)
        answer = await client["http"].get(f"http://127.0.0.1:{target['port']}/swagger.json", timeout=10,
                                          headers={"Authorization": f"Bearer {target['keys']['primary']}"})
        return Response(answer.content, status_code=answer.status_code, headers={DEPLOYMENT_HEADER: chosen},
                        media_type="application/json")

    async def routing(request: Request) -> Response:
        if not authorised(request):
            return _error(401, "missing or wrong key.")
        return JSONResponse({"version": state.record["version"], "inflight": state.inflight})

    async def live(_: Request) -> Response:
        return PlainTextResponse("Healthy")

    return Starlette(lifespan=lifespan, routes=[
        Route("/score", score, methods=["POST"]), Route("/swagger.json", swagger, methods=["GET"]),
        Route("/routing", routing, methods=["GET"]),
        Route("/", live, methods=["GET"])])
