"""Endpoints: deploy, list, describe, update, delete, statistics, and the invocation proxy."""

from __future__ import annotations

import time
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import httpclient, web

from ...core.endpoints.schemas import (
    ENDPOINT_NAME_PATTERN,
    CreateEndpoint,
    DescribeEndpoint,
    EndpointStats,
    UpdateEndpoint,
)
from ...core.errors import Conflict
from ...core.schemas import ListResponse
from ..routing import Operation, Route
from .base import StudioAPIHandler

NAME = ENDPOINT_NAME_PATTERN.strip("^$")

#: Seconds a (user, endpoint) -> port answer is reused by the proxy: a lookup costs two thread
#: hops and two database reads, more than the model's own prediction.
PORT_CACHE_SECONDS = 1.0
_ports: dict[tuple[str, str], tuple[int, float]] = {}


class EndpointsBase(StudioAPIHandler):
    auth_resource = "studio:endpoints"


class EndpointsHandler(EndpointsBase):
    """GET lists endpoints the caller may see; POST deploys a model version to a new endpoint."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        caller = await self.caller()
        items = await self.run(self.studio.endpoints.list, caller)
        self.send(ListResponse[DescribeEndpoint](items=items, total_count=len(items)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(CreateEndpoint)
        caller = await self.caller()
        self.send(await self.run(self.studio.endpoints.create, caller, body), status=201)


class EndpointHandler(EndpointsBase):
    """GET describes an endpoint; PATCH switches its model version; DELETE removes it."""

    @web.authenticated
    @authorized
    async def get(self, endpoint_name: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.endpoints.get, caller, endpoint_name))

    @web.authenticated
    @authorized
    async def patch(self, endpoint_name: str) -> None:
        body = self.parse_body(UpdateEndpoint)
        caller = await self.caller()
        self.send(await self.run(self.studio.endpoints.update, caller, endpoint_name, body))

    @web.authenticated
    @authorized
    async def delete(self, endpoint_name: str) -> None:
        caller = await self.caller()
        await self.run(self.studio.endpoints.delete, caller, endpoint_name)
        self.set_status(204)
        self.finish()


class EndpointStatsHandler(EndpointsBase):
    """GET request count, errors and latency percentiles of an endpoint."""

    @web.authenticated
    @authorized
    async def get(self, endpoint_name: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.endpoints.stats, caller, endpoint_name))


class EndpointProxyHandler(EndpointsBase):
    """The SageMaker inference contract through Jupyter's auth: /studio/endpoints/<name>/...

    Forwards ``GET ping``, ``GET stats`` and ``POST invocations`` to the endpoint's model server
    on its loopback port, passing the body, ``Content-Type`` and ``Accept`` through unchanged.
    """

    async def _port(self, endpoint_name: str, fresh: bool) -> int:
        """The endpoint's loopback port, after the caller's rights were checked (cached 1 s)."""
        key = (self.studio_username(), endpoint_name)
        now = time.monotonic()
        cached = _ports.get(key)
        if cached is not None and not fresh and cached[1] > now:
            return cached[0]
        caller = await self.caller()
        port = await self.run(self.studio.endpoints.port_of, caller, endpoint_name)
        if len(_ports) > 10_000:
            _ports.clear()
        _ports[key] = (port, now + PORT_CACHE_SECONDS)
        return port

    async def _forward(self, endpoint_name: str, action: str, method: str) -> None:
        client = httpclient.AsyncHTTPClient()
        headers = {
            name: self.request.headers[name]
            for name in ("Content-Type", "Accept")
            if name in self.request.headers
        }
        response: Any = None
        for attempt in range(3):  # a switch to a new version may close the old port under us
            port = await self._port(endpoint_name, fresh=attempt > 0)
            request = httpclient.HTTPRequest(
                f"http://127.0.0.1:{port}/{action}",
                method=method,
                body=self.request.body if method == "POST" else None,
                headers=headers,
                request_timeout=300,
                allow_nonstandard_methods=True,
            )
            response = await client.fetch(request, raise_error=False)
            if response.code != 599:
                break
        if response is None or response.code == 599:
            raise Conflict(
                f"Endpoint {endpoint_name!r} did not answer: its model server may have stopped; "
                "see the endpoint's status and log.",
                code="endpoint_unreachable",
            )
        self.set_status(response.code, response.reason)
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        # APIHandler.finish would otherwise label every answer application/json.
        self.finish(response.body or b"", set_content_type=content_type)

    @web.authenticated
    @authorized
    async def get(self, endpoint_name: str, action: str) -> None:
        await self._forward(endpoint_name, action, "GET")

    @web.authenticated
    @authorized
    async def post(self, endpoint_name: str, action: str) -> None:
        await self._forward(endpoint_name, action, "POST")


ROUTES: list[Route] = [
    Route(
        "/endpoints",
        EndpointsHandler,
        {
            "get": Operation(
                "List endpoints the caller may see", response=ListResponse[DescribeEndpoint]
            ),
            "post": Operation(
                "Deploy a registered model version to a new endpoint",
                status=201,
                body=CreateEndpoint,
                response=DescribeEndpoint,
            ),
        },
    ),
    Route(
        "/endpoints/{endpoint_name}",
        EndpointHandler,
        {
            "get": Operation("Describe an endpoint", response=DescribeEndpoint),
            "patch": Operation(
                "Switch an endpoint to another model version, instance count or capture rate",
                body=UpdateEndpoint,
                response=DescribeEndpoint,
            ),
            "delete": Operation("Delete an endpoint and stop its model server", status=204),
        },
        params={"endpoint_name": NAME},
    ),
    Route(
        "/endpoints/{endpoint_name}/stats",
        EndpointStatsHandler,
        {"get": Operation("Requests, errors and latency of an endpoint", response=EndpointStats)},
        params={"endpoint_name": NAME},
    ),
    Route(
        "/endpoints/{endpoint_name}/{action}",
        EndpointProxyHandler,
        {
            "get": Operation("Model server health (ping) or statistics (stats)", response=Any),
            "post": Operation(
                "Invoke the model: text/csv or application/json rows; answers in the Accept format",
                response=Any,
            ),
        },
        params={"endpoint_name": NAME, "action": "ping|invocations|stats"},
        prefix="/studio",
    ),
]
