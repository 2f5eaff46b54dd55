"""Online endpoints and deployments on this machine, with the operations of Azure's CLI v2.

>>> from automl.serving import endpoints                                   # doctest: +SKIP
>>> endpoints.create_endpoint(read_endpoint("endpoint.yml"))
>>> endpoints.create_deployment(read_deployment("blue.yml"), all_traffic=True)
>>> endpoints.update_traffic("titanic", {"blue": 90, "green": 10})
>>> endpoints.invoke("titanic", body)

An endpoint is a router process (:mod:`automl.serving._router`) on its own port, and each
deployment a scoring server (``automl serve``) on another; both are started detached and follow
the endpoint's record (:mod:`automl.serving._endpoint_store`). A deployment takes traffic only
once its readiness probe has passed; a change of traffic returns once the router applies it; a
deployment is deleted only without traffic, after its requests in flight have finished. Any
command on an endpoint first starts again the processes that are gone (after a reboot, say).
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any

import httpx

from automl.errors import AutoMLError, ConfigError
from automl.serving import _processes as processes
from automl.serving._endpoint_store import EndpointStore
from automl.serving._keys import EndpointKeys
from automl.serving._router import DEPLOYMENT_HEADER, SUCCEEDED
from automl.serving._specs import DeploymentSpec, EndpointSpec

__all__ = ["create_deployment", "create_endpoint", "delete_deployment", "delete_endpoint", "get_credentials",
           "invoke", "list_endpoints", "regenerate_keys", "show_endpoint", "update_traffic"]

#: How long a change waits for the router to apply it, or for a deployment's requests to finish.
APPLY_SECONDS = 30


def _scoring_uri(record: dict[str, Any]) -> str:
    return f"http://{record['host']}:{record['port']}/score"


def _router_log(store: EndpointStore, name: str):
    return store.folder(name) / "router.log"


def _start_router(store: EndpointStore, record: dict[str, Any]) -> dict[str, Any]:
    log = _router_log(store, record["name"])
    record["pid"] = processes.start(store, log, "router", record["name"])
    store.write(record)
    processes.wait_until_answering(f"http://{record['host']}:{record['port']}/", record["pid"], log,
                                   f"the router of endpoint {record['name']!r}")
    return record


def _start_deployment(store: EndpointStore, record: dict[str, Any], name: str) -> None:
    log = store.folder(record["name"]) / f"{name}.log"
    deployment = record["deployments"][name]
    deployment["pid"] = processes.start(store, log, "deployment", record["name"], name)
    store.write(record)
    processes.wait_until_answering(f"http://127.0.0.1:{deployment['port']}/health/ready", deployment["pid"], log,
                                   f"deployment {name!r} of endpoint {record['name']!r}")


def _running(store: EndpointStore, name: str) -> dict[str, Any]:
    """The record of endpoint ``name``, its dead processes started again."""
    with store.locked(name):
        record = store.read(name)
        for deployment_name, deployment in record["deployments"].items():
            if deployment.get("state") == SUCCEEDED and not processes.alive(deployment.get("pid")):
                _start_deployment(store, record, deployment_name)
        if not processes.alive(record.get("pid")):
            record = _start_router(store, record)
    return store.read(name)


def _applied(store: EndpointStore, record: dict[str, Any], drained: str | None = None, key: str = "primary") -> None:
    """Wait until the router follows ``record`` (and has no request in flight to ``drained``); it is
    asked with the endpoint's ``key`` key."""
    deadline = time.monotonic() + APPLY_SECONDS
    url = f"http://{record['host']}:{record['port']}/routing"
    headers = {"Authorization": f"Bearer {record['keys'][key]}"}
    while time.monotonic() < deadline:
        try:
            state = httpx.get(url, headers=headers, timeout=2).json()
            if state["version"] >= record["version"] and not state["inflight"].get(drained or "", 0):
                return
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    raise AutoMLError(f"the router of endpoint {record['name']!r} did not apply the change within "
                      f"{APPLY_SECONDS} s; see {_router_log(store, record['name'])}.")


def create_endpoint(spec: EndpointSpec, *, store: EndpointStore | None = None, host: str = "127.0.0.1",
                    port: int | None = None) -> dict[str, Any]:
    """Create endpoint ``spec.name`` and start its router; its :func:`show_endpoint` view."""
    store = store or EndpointStore()
    with store.locked(spec.name):
        if store.exists(spec.name):
            raise ConfigError(f"endpoint {spec.name!r} exists already; `automl endpoint show --name {spec.name}` "
                              "describes it, `automl endpoint delete` removes it.")
        keys = EndpointKeys()
        record = store.write({"name": spec.name, "auth_mode": spec.auth_mode, "description": spec.description,
                              "host": host, "port": port or processes.free_port(), "keys": dataclasses.asdict(keys),
                              "traffic": {}, "mirror_traffic": {}, "deployments": {}, "created": time.time()})
        try:
            _start_router(store, record)
        except AutoMLError:
            store.remove(spec.name)
            raise
    return show_endpoint(spec.name, store=store)


def create_deployment(spec: DeploymentSpec, *, all_traffic: bool = False,
                      store: EndpointStore | None = None) -> dict[str, Any]:
    """Start deployment ``spec`` behind its endpoint; it takes traffic only with ``all_traffic``
    (or a later :func:`update_traffic`), and only once it is ready."""
    store = store or EndpointStore()
    with store.locked(spec.endpoint_name):
        record = _running(store, spec.endpoint_name)
        if spec.name in record["deployments"]:
            raise ConfigError(f"endpoint {spec.endpoint_name!r} has a deployment {spec.name!r} already; delete it "
                              "first or choose another name.")
        record["deployments"][spec.name] = {
            "model": spec.model, "instance_count": spec.instance_count, "request_settings": spec.request_settings,
            "port": processes.free_port(), "keys": dataclasses.asdict(EndpointKeys()), "state": "Creating"}
        store.write(record)
        try:
            _start_deployment(store, record, spec.name)
        except AutoMLError:
            record["deployments"][spec.name]["state"] = "Failed"
            store.write(record)
            raise
        record["deployments"][spec.name]["state"] = SUCCEEDED
        if all_traffic:
            record["traffic"] = {name: 100 if name == spec.name else 0 for name in record["deployments"]}
        _applied(store, store.write(record))
    return show_endpoint(spec.endpoint_name, store=store)


def _checked_shares(record: dict[str, Any], shares: dict[str, int], option: str, total: int | None) -> None:
    for name, share in shares.items():
        if name not in record["deployments"]:
            raise ConfigError(f"{option}: endpoint {record['name']!r} has no deployment {name!r} (it has "
                              f"{', '.join(sorted(record['deployments'])) or 'none'}).")
        if share and record["deployments"][name].get("state") != SUCCEEDED:
            raise ConfigError(f"{option}: deployment {name!r} is {record['deployments'][name].get('state')}, "
                              "not ready for traffic.")
        if not 0 <= share <= 100:
            raise ConfigError(f"{option}: {name}={share} is not a percentage.")
    if total is not None and shares and sum(shares.values()) not in (0, total):
        raise ConfigError(f"{option}: the shares add up to {sum(shares.values())}; they must add up to {total}.")


def update_traffic(name: str, traffic: dict[str, int] | None = None, mirror_traffic: dict[str, int] | None = None,
                   *, store: EndpointStore | None = None) -> dict[str, Any]:
    """Set the traffic split (percent per deployment, adding up to 100) and the mirror traffic
    (percent copied to a deployment without live traffic, at most 50); returns once applied."""
    store = store or EndpointStore()
    with store.locked(name):
        record = _running(store, name)
        if traffic is not None:
            _checked_shares(record, traffic, "--traffic", 100)
            record["traffic"] = {d: traffic.get(d, 0) for d in record["deployments"]}
        if mirror_traffic is not None:
            _checked_shares(record, mirror_traffic, "--mirror-traffic", None)
            for deployment, share in mirror_traffic.items():
                if share > 50 or (share and record["traffic"].get(deployment, 0)):
                    raise ConfigError(f"--mirror-traffic: {deployment}={share}: a mirror takes at most 50% and "
                                      "no live traffic.")
            record["mirror_traffic"] = {d: s for d, s in mirror_traffic.items() if s}
        _applied(store, store.write(record))
    return show_endpoint(name, store=store)


def delete_deployment(name: str, endpoint: str, *, store: EndpointStore | None = None) -> None:
    """Stop and forget a deployment without traffic, once its requests in flight have finished."""
    store = store or EndpointStore()
    with store.locked(endpoint):
        record = store.read(endpoint)
        if name not in record["deployments"]:
            raise ConfigError(f"endpoint {endpoint!r} has no deployment {name!r}.")
        if record["traffic"].get(name) or record["mirror_traffic"].get(name):
            raise ConfigError(f"deployment {name!r} still takes {record['traffic'].get(name) or 0}% of the traffic "
                              f"(mirror {record['mirror_traffic'].get(name, 0)}%); move it away first: "
                              f"`automl endpoint update --name {endpoint} --traffic \"<other>=100\"`.")
        record["deployments"][name]["state"] = "Deleting"
        store.write(record)
        if processes.alive(record.get("pid")):
            _applied(store, record, drained=name)
        processes.stop(record["deployments"][name].get("pid"))
        del record["deployments"][name]
        record["traffic"].pop(name, None)
        store.write(record)


def delete_endpoint(name: str, *, store: EndpointStore | None = None) -> None:
    """Stop the endpoint's router and deployments and forget it."""
    store = store or EndpointStore()
    with store.locked(name):
        record = store.read(name)
        for deployment in record["deployments"].values():
            processes.stop(deployment.get("pid"))
        processes.stop(record.get("pid"))
        store.remove(name)


def show_endpoint(name: str, *, store: EndpointStore | None = None) -> dict[str, Any]:
    """What Azure's ``show`` tells: URI, auth mode, traffic, and each deployment's model and state."""
    store = store or EndpointStore()
    record = store.read(name)
    return {
        "name": name, "scoring_uri": _scoring_uri(record), "auth_mode": record["auth_mode"],
        "provisioning_state": SUCCEEDED if processes.alive(record.get("pid")) else "Stopped",
        "traffic": record["traffic"], "mirror_traffic": record["mirror_traffic"],
        "deployments": {d: {"model": spec["model"], "instance_count": spec["instance_count"],
                            "state": spec["state"] if processes.alive(spec.get("pid")) or spec["state"] != SUCCEEDED
                            else "Stopped", "request_settings": spec["request_settings"]}
                        for d, spec in record["deployments"].items()}}


def list_endpoints(*, store: EndpointStore | None = None) -> list[dict[str, Any]]:
    """:func:`show_endpoint` of every endpoint."""
    store = store or EndpointStore()
    return [show_endpoint(name, store=store) for name in store.names()]


def get_credentials(name: str, *, store: EndpointStore | None = None) -> dict[str, str]:
    """The endpoint's keys, under Azure's names ``primaryKey`` and ``secondaryKey``."""
    keys = (store or EndpointStore()).read(name)["keys"]
    return {"primaryKey": keys["primary"], "secondaryKey": keys["secondary"]}


def regenerate_keys(name: str, key_type: str = "primary", *, store: EndpointStore | None = None) -> None:
    """Replace one key (``primary`` or ``secondary``); the other keeps working meanwhile."""
    if key_type not in ("primary", "secondary"):
        raise ConfigError(f"--key-type must be primary or secondary, got {key_type!r}.")
    store = store or EndpointStore()
    with store.locked(name):
        record = store.read(name)
        record["keys"][key_type] = getattr(EndpointKeys(), key_type)
        record = store.write(record)
        if processes.alive(record.get("pid")):  # asked with the key it knew before the change
            _applied(store, record, key="secondary" if key_type == "primary" else "primary")


def invoke(name: str, body: bytes, *, deployment: str | None = None, store: EndpointStore | None = None,
           timeout: float = 60) -> httpx.Response:
    """Send ``body`` to the endpoint's ``/score`` with its key (to ``deployment`` when given)."""
    store = store or EndpointStore()
    record = _running(store, name)
    headers = {"Authorization": f"Bearer {record['keys']['primary']}", "Content-Type": "application/json"}
    if deployment is not None:
        headers[DEPLOYMENT_HEADER] = deployment
    return httpx.post(_scoring_uri(record), content=body, headers=headers, timeout=timeout)
