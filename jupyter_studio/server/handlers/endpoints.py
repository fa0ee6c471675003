"""Endpoints: deploy, list, describe, update, delete, statistics, and the invocation proxy."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import httputil, web
from tornado.http1connection import HTTP1Connection, HTTP1ConnectionParameters
from tornado.iostream import IOStream, StreamClosedError
from tornado.tcpclient import TCPClient

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
#: The longest a model server may take to answer one invocation (a long generation included).
UPSTREAM_TIMEOUT_SECONDS = 300
#: Answer headers of the model server passed on to the caller (besides Content-Type).
PASSED_HEADERS = ("X-Model-Version", "X-Dropped-Columns")
#: Bodies larger than this are sent after the model server's ``100 Continue`` (or its answer).
EXPECT_CONTINUE_BYTES = 64 * 1024
#: Seconds to wait for ``100 Continue`` before sending the body anyway (RFC 9110, 10.1.1).
CONTINUE_WAIT_SECONDS = 1.0


NAME_PARAM = {"endpoint_name": NAME}
#: What a model server may answer besides 400/403/404/409.
UPSTREAM_ERRORS = (
    ("406", "The Accept format is not one the model answers in"),
    ("413", "The body is larger than the model server takes"),
    ("415", "The Content-Type is not one the model reads"),
    ("503", "The model server is starting or stopping"),
)


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

    client_gone = False
    _upstream: IOStream | None = None

    def on_connection_close(self) -> None:
        # A browser that closes a streamed answer closes the model server's connection too,
        # which stops the generation at its next token.
        self.client_gone = True
        if self._upstream is not None:
            self._upstream.close()
        super().on_connection_close()

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

    async def _exchange(self, port: int, action: str, method: str, relay: _Relay) -> None:
        """One HTTP/1.1 request to the model server on ``port``, its answer read into ``relay``
        (nothing there if the server could not be reached or closed without answering)."""
        try:
            stream = await TCPClient().connect("127.0.0.1", port)
        except OSError:
            return
        self._upstream = stream
        if self.client_gone:
            stream.close()
            return
        body = self.request.body if method == "POST" else b""
        headers = httputil.HTTPHeaders(
            {
                name: self.request.headers[name]
                for name in ("Content-Type", "Accept")
                if name in self.request.headers
            }
        )
        headers["Host"] = f"127.0.0.1:{port}"
        headers["Connection"] = "close"
        # A large body waits for the model server's go-ahead: one over its limit is answered 413
        # at once, and sending it anyway would make the server's close a reset that loses the
        # answer (it stops reading a body it will refuse).
        expect = len(body) > EXPECT_CONTINUE_BYTES
        if method == "POST":
            headers["Content-Length"] = str(len(body))
            if expect:
                headers["Expect"] = "100-continue"
        connection = HTTP1Connection(
            stream, True, HTTP1ConnectionParameters(no_keep_alive=True, decompress=False)
        )
        try:
            await connection.write_headers(
                httputil.RequestStartLine(method, f"/{action}", "HTTP/1.1"), headers
            )
            # Read while the body is written: an early answer (413, 415, 406) is the one to pass on.
            reading = asyncio.ensure_future(connection.read_response(relay))
            # the stream is closed below on a timeout too, which ends the read with an error
            reading.add_done_callback(lambda done: done.cancelled() or done.exception())
            if expect:  # 100 Continue, an early answer, or (a server ignoring Expect) a short wait
                await asyncio.wait(
                    [relay.go_ahead, reading],
                    timeout=CONTINUE_WAIT_SECONDS,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            if not relay.answered:
                try:
                    if body:
                        await connection.write(body)
                    connection.finish()
                except StreamClosedError:
                    pass  # an early answer (or none: the read then fails as well) is awaited below
            await asyncio.wait(
                [reading, relay.finished],
                timeout=UPSTREAM_TIMEOUT_SECONDS,
                return_when=asyncio.FIRST_COMPLETED,
            )
        except (StreamClosedError, httputil.HTTPInputError):
            pass
        finally:
            stream.close()
            self._upstream = None

    async def _forward(self, endpoint_name: str, action: str, method: str) -> None:
        """Forward to the model server; a ``text/event-stream`` answer (streamed generation of a
        model hub endpoint) is passed on chunk by chunk as it arrives, anything else whole."""
        relay = _Relay(self)
        for attempt in range(3):  # a switch to a new version may close the old port under us
            port = await self._port(endpoint_name, fresh=attempt > 0)
            relay.reset()
            await self._exchange(port, action, method, relay)
            if relay.complete or relay.streaming or self.client_gone:
                break
        if relay.streaming or self.client_gone:  # the status went out with the first chunk
            if not self._finished:
                self.finish(set_content_type=relay.content_type)
            return
        if not relay.complete:
            raise Conflict(
                f"Endpoint {endpoint_name!r} did not answer: its model server may have stopped; "
                "see the endpoint's status and log.",
                code="endpoint_unreachable",
            )
        self.set_status(relay.status, relay.reason)
        for name in PASSED_HEADERS:
            value = relay.headers.get(name)
            if value:
                self.set_header(name, value)
        content_type = relay.headers.get("Content-Type", "application/octet-stream")
        # APIHandler.finish would otherwise label every answer application/json.
        self.finish(relay.body(), set_content_type=content_type)


class EndpointPingHandler(EndpointProxyHandler):
    """GET /studio/endpoints/<name>/ping: the model server's health."""

    @web.authenticated
    @authorized
    async def get(self, endpoint_name: str) -> None:
        await self._forward(endpoint_name, "ping", "GET")


class EndpointServerStatsHandler(EndpointProxyHandler):
    """GET /studio/endpoints/<name>/stats: what the model server counts."""

    @web.authenticated
    @authorized
    async def get(self, endpoint_name: str) -> None:
        await self._forward(endpoint_name, "stats", "GET")


class EndpointInvocationsHandler(EndpointProxyHandler):
    """POST /studio/endpoints/<name>/invocations: rows in, predictions out (or a generation)."""

    @web.authenticated
    @authorized
    async def post(self, endpoint_name: str) -> None:
        await self._forward(endpoint_name, "invocations", "POST")


class _Relay(httputil.HTTPMessageDelegate):
    """Collects a model server's answer, or relays it as it comes when it is an event stream."""

    def __init__(self, handler: EndpointProxyHandler) -> None:
        self.handler = handler
        self.reset()

    def reset(self) -> None:
        self.headers = httputil.HTTPHeaders()
        self.status = 502
        self.reason: str | None = None
        self.chunks: list[bytes] = []
        self.streaming = False
        self.complete = False
        #: A final (not 1xx) answer arrived.
        self.answered = False
        loop = asyncio.get_event_loop()
        #: Resolved by ``100 Continue`` (or any answer): the body may go.
        self.go_ahead: asyncio.Future[None] = loop.create_future()
        #: Resolved once the whole answer was read.
        self.finished: asyncio.Future[None] = loop.create_future()
        self.content_type = "text/event-stream"

    def headers_received(
        self,
        start_line: httputil.RequestStartLine | httputil.ResponseStartLine,
        headers: httputil.HTTPHeaders,
    ) -> None:
        assert isinstance(start_line, httputil.ResponseStartLine)
        if not self.go_ahead.done():
            self.go_ahead.set_result(None)
        if 100 <= start_line.code < 200:  # 100 Continue: the final answer follows
            return
        self.answered = True
        self.status, self.reason, self.headers = start_line.code, start_line.reason, headers
        content_type = headers.get("Content-Type", "")
        if self.status == 200 and content_type.startswith("text/event-stream"):
            self.streaming = True
            self.content_type = content_type
            handler = self.handler
            handler.set_status(200)
            handler.set_header("Content-Type", content_type)
            handler.set_header("Cache-Control", "no-cache")
            handler.set_header("X-Accel-Buffering", "no")
            version = headers.get("X-Model-Version")
            if version:
                handler.set_header("X-Model-Version", version)

    def data_received(self, chunk: bytes) -> None:
        if self.streaming:
            if self.handler.client_gone:
                return
            self.handler.write(chunk)
            # each generated piece reaches the browser now; a browser gone is not an error
            self.handler.flush().add_done_callback(lambda done: done.exception())
        else:
            self.chunks.append(chunk)

    def finish(self) -> None:
        self.complete = True
        if not self.finished.done():
            self.finished.set_result(None)

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
        "/endpoints/{endpoint_name}/ping",
        EndpointPingHandler,
        {"get": Operation("Model server health", response=Any, errors=UPSTREAM_ERRORS)},
        params=NAME_PARAM,
        prefix="/studio",
    ),
    Route(
        "/endpoints/{endpoint_name}/stats",
        EndpointServerStatsHandler,
        {
            "get": Operation(
                "What the model server counts (requests, errors, latency)",
                response=Any,
                errors=UPSTREAM_ERRORS,
            )
        },
        params=NAME_PARAM,
        prefix="/studio",
    ),
    Route(
        "/endpoints/{endpoint_name}/invocations",
        EndpointInvocationsHandler,
        {
            "post": Operation(
                "Invoke the model: text/csv or application/json rows; answers in the Accept format",
                response=Any,
                errors=UPSTREAM_ERRORS,
            ),
        },
        params=NAME_PARAM,
        prefix="/studio",
    ),
]
