"""Endpoints: deploy, list, describe, update, delete, statistics, and the invocation proxy."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import httpclient, httputil, web

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
        """Forward to the model server; a ``text/event-stream`` answer (streamed generation of a
        model hub endpoint) is passed on chunk by chunk as it arrives, anything else whole."""
        client = httpclient.AsyncHTTPClient()
        headers = {
            name: self.request.headers[name]
            for name in ("Content-Type", "Accept")
            if name in self.request.headers
        }
        response: Any = None
        relay = _Relay(self)
        for attempt in range(3):  # a switch to a new version may close the old port under us
            port = await self._port(endpoint_name, fresh=attempt > 0)
            relay.reset()
            request = httpclient.HTTPRequest(
                f"http://127.0.0.1:{port}/{action}",
                method=method,
                body=self.request.body if method == "POST" else None,
                headers=headers,
                request_timeout=300,
                allow_nonstandard_methods=True,
                header_callback=relay.on_header,
                streaming_callback=relay.on_chunk,
            )
            response = await client.fetch(request, raise_error=False)
            if response.code != 599 or relay.streaming:
                break
        if relay.streaming:  # the status and headers went out with the first chunk
            self.finish(set_content_type=relay.content_type)
            return
        if response is None or response.code == 599:
            raise Conflict(
                f"Endpoint {endpoint_name!r} did not answer: its model server may have stopped; "
                "see the endpoint's status and log.",
                code="endpoint_unreachable",
            )
        self.set_status(response.code, response.reason)
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        # APIHandler.finish would otherwise label every answer application/json.
        self.finish(relay.body(), set_content_type=content_type)

    @web.authenticated
    @authorized
    async def get(self, endpoint_name: str, action: str) -> None:
        await self._forward(endpoint_name, action, "GET")

    @web.authenticated
    @authorized
    async def post(self, endpoint_name: str, action: str) -> None:
        await self._forward(endpoint_name, action, "POST")


class _Relay:
    """Collects a model server's answer, or relays it as it comes when it is an event stream."""

    def __init__(self, handler: EndpointProxyHandler) -> None:
        self.handler = handler
        self.reset()

    def reset(self) -> None:
        self.headers = httputil.HTTPHeaders()
        self.status: int | None = None
        self.reason: str | None = None
        self.chunks: list[bytes] = []
        self.streaming = False
        self.content_type = "text/event-stream"

    def on_header(self, line: str) -> None:
        if line.startswith("HTTP/"):  # the status line (again after a 100 Continue)
            self.headers = httputil.HTTPHeaders()
            with contextlib.suppress(httputil.HTTPInputError):
                first = httputil.parse_response_start_line(line.strip())
                self.status, self.reason = first.code, first.reason
        elif line.strip():
            self.headers.parse_line(line)
        else:  # the blank line: headers complete
            content_type = self.headers.get("Content-Type", "")
            if self.status == 200 and content_type.startswith("text/event-stream"):
                self.streaming = True
                self.content_type = content_type
                handler = self.handler
                handler.set_status(200)
                handler.set_header("Content-Type", content_type)
                handler.set_header("Cache-Control", "no-cache")
                handler.set_header("X-Accel-Buffering", "no")
                version = self.headers.get("X-Model-Version")
                if version:
                    handler.set_header("X-Model-Version", version)

    def on_chunk(self, chunk: bytes) -> None:
        if self.streaming:
            self.handler.write(chunk)
            # each generated piece reaches the browser now; a browser gone is not an error
            self.handler.flush().add_done_callback(lambda done: done.exception())
        else:
            self.chunks.append(chunk)

    def body(self) -> bytes:
        return b"".join(self.chunks)


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
