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


class _Router:
    """The router's handlers: one endpoint's routing state, one HTTP client to its deployments, and the
    mirrored requests still under way."""

    def __init__(self, store: EndpointStore, name: str) -> None:
        self.name = name
        self.state = _RoutingState(store, name)
        self.limit = RequestSettings().max_body_bytes
        self.background: set[asyncio.Task] = set()
        self.http: httpx.AsyncClient | None = None

    async def _follow_record(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            with contextlib.suppress(Exception):  # a record being replaced is read on the next look
                self.state.reload()

    @contextlib.asynccontextmanager
    async def lifespan(self, _: Starlette) -> AsyncIterator[None]:
        """The HTTP client and the follower of the record, for the app's life."""
        self.http = httpx.AsyncClient(limits=httpx.Limits(max_connections=256, max_keepalive_connections=64))
        follower = asyncio.create_task(self._follow_record())
        yield
        follower.cancel()
        await self.http.aclose()

    def _authorised(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self.state.keys.accepts(token.strip())

    async def _forward(self, deployment: str, body: bytes) -> httpx.Response:
        target = self.state.deployment(deployment)
        timeout = target["request_settings"]["request_timeout_ms"] / 1000 + 5
        return await self.http.post(
            f"http://127.0.0.1:{target['port']}/score", content=body, timeout=timeout,
            headers={"Authorization": f"Bearer {target['keys']['primary']}", "Content-Type": "application/json"})

    async def _mirror(self, deployment: str, body: bytes) -> None:
        with contextlib.suppress(Exception):  # a mirror's answer, or its failure, never reaches the client
            await self._forward(deployment, body)

    def _refusal(self, request: Request) -> Response | None:
        """The answer to a scoring request refused before its body is read: no key, or a deployment
        named in its header that does not exist or is not ready."""
        if not self._authorised(request):
            return _error(401, "missing or wrong key: send the header 'Authorization: Bearer <key>'.")
        chosen, deployments = request.headers.get(DEPLOYMENT_HEADER), self.state.record["deployments"]
        if chosen is not None and chosen not in deployments:
            return _error(404, f"endpoint {self.name!r} has no deployment {chosen!r} (it has "
                               f"{', '.join(sorted(deployments)) or 'none'}).")
        if chosen is not None and chosen not in self.state.ready:
            return _error(503, f"deployment {chosen!r} is not ready.")
        return None

    def _copy(self, body: bytes) -> None:
        """Send ``body`` to the mirror deployments whose turn it is, without waiting."""
        for copy_to in self.state.mirror.picks():
            task = asyncio.create_task(self._mirror(copy_to, body))
            self.background.add(task)
            task.add_done_callback(self.background.discard)

    async def score(self, request: Request) -> Response:
        """``POST /score``: the answer of the deployment named or chosen by the traffic split."""
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        try:
            body = await read_body(request, self.limit)
        except RequestError as exc:
            return _error(exc.status, exc.message)
        chosen = request.headers.get(DEPLOYMENT_HEADER) or self.state.traffic.pick()
        if chosen is None:
            return _error(503, f"no deployment of endpoint {self.name!r} takes traffic; set it with "
                               f"`automl endpoint update --name {self.name} --traffic \"<deployment>=100\"`.")
        self._copy(body)
        inflight = self.state.inflight
        inflight[chosen] = inflight.get(chosen, 0) + 1
        try:
            answer = await self._forward(chosen, body)
        except httpx.HTTPError as exc:
            return _error(502, f"deployment {chosen!r} did not answer: {type(exc).__name__}.")
        finally:
            inflight[chosen] -= 1
        return Response(answer.content, status_code=answer.status_code, headers={DEPLOYMENT_HEADER: chosen},
                        media_type=answer.headers.get("content-type", "application/json"))

    async def swagger(self, request: Request) -> Response:
        """``GET /swagger.json``: the document of the deployment named, else of the one with most traffic."""
        if not self._authorised(request):
            return _error(401, "missing or wrong key: send the header 'Authorization: Bearer <key>'.")
        shares = self.state.traffic.shares
        chosen = request.headers.get(DEPLOYMENT_HEADER) or (max(shares, key=shares.__getitem__) if shares else None)
        if chosen not in self.state.ready:
            return _error(404, "no ready deployment to describe; name one in the azureml-model-deployment header.")
        target = self.state.deployment(chosen)
        answer = await self.http.get(f"http://127.0.0.1:{target['port']}/swagger.json", timeout=10,
                                     headers={"Authorization": f"Bearer {target['keys']['primary']}"})
        return Response(answer.content, status_code=answer.status_code, headers={DEPLOYMENT_HEADER: chosen},
                        media_type="application/json")

    async def routing(self, request: Request) -> Response:
        """``GET /routing``: the record's version and the requests in flight per deployment."""
        if not self._authorised(request):
            return _error(401, "missing or wrong key.")
        return JSONResponse({"version": self.state.record["version"], "inflight": self.state.inflight})


async def _live(_: Request) -> Response:
    return PlainTextResponse("Healthy")


def create_router_app(store: EndpointStore, name: str) -> Starlette:
    """The router app of endpoint ``name`` (see the module docstring)."""
    router = _Router(store, name)
    return Starlette(lifespan=router.lifespan, routes=[
        Route("/score", router.score, methods=["POST"]), Route("/swagger.json", router.swagger, methods=["GET"]),
        Route("/routing", router.routing, methods=["GET"]),
        Route("/", _live, methods=["GET"])])
