"""The endpoint proxy relays a streamed answer as it comes, and a browser that closes the stream
closes the model server's connection too (which stops its generation at the next token)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import pytest
from tornado import web
from tornado.httpclient import HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from jupyter_studio.server.handlers.endpoints import EndpointProxyHandler


class SlowStream(web.RequestHandler):
    """A model server streaming one event every 50 ms for 100 s; notes when its client left.

    Long enough that a test on a busy machine can wait generously for the close and still tell
    a stop from a stream that ran to its end.
    """

    def initialize(self, seen: dict) -> None:
        self.seen = seen

    async def post(self) -> None:
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        for index in range(2000):
            if self.seen.get("closed_at"):
                return
            self.write(f"data: {json.dumps({'token': f't{index} '})}\n\n")
            try:
                await self.flush()
            except Exception:  # noqa: BLE001 - the proxy went away
                return
            self.seen["sent"] = index + 1
            await asyncio.sleep(0.05)
        self.finish()

    def on_connection_close(self) -> None:
        self.seen["closed_at"] = time.monotonic()


def start_upstream(monkeypatch: pytest.MonkeyPatch) -> tuple[dict, HTTPServer]:
    """The fake model server (on the test's event loop), with the proxy pointed at its port."""
    seen: dict = {}
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    server = HTTPServer(web.Application([(r"/invocations", SlowStream, {"seen": seen})]))
    server.add_sockets(sockets)

    async def fake_port(self, endpoint_name: str, fresh: bool) -> int:  # noqa: ANN001
        return port

    monkeypatch.setattr(EndpointProxyHandler, "_port", fake_port)
    return seen, server


async def test_closing_a_stream_closes_the_model_servers_connection(
    monkeypatch: pytest.MonkeyPatch,
    http_server_client,  # noqa: ANN001
    jp_base_url: str,
    jp_auth_header: dict,
) -> None:
    upstream, server = start_upstream(monkeypatch)
    received: list[bytes] = []

    class Enough(Exception):
        pass

    def on_chunk(chunk: bytes) -> None:
        received.append(chunk)
        if len(received) >= 3:
            raise Enough  # the browser closes the stream

    started = time.monotonic()
    with pytest.raises((Enough, HTTPClientError)):  # the client closed the stream
        await http_server_client.fetch(
            f"{jp_base_url}studio/endpoints/anything/invocations",
            method="POST",
            body=json.dumps({"prompt": "hi", "stream": True}),
            headers={**jp_auth_header, "Content-Type": "application/json"},
            streaming_callback=on_chunk,
            request_timeout=30,
        )
    assert b"t0" in b"".join(received)
    closed_by = started + 40  # generous for a loaded machine; the stream lasts 100 s
    while "closed_at" not in upstream and time.monotonic() < closed_by:
        await asyncio.sleep(0.05)
    assert "closed_at" in upstream, "the model server kept streaming to nobody"
    sent = upstream["sent"]
    await asyncio.sleep(0.3)
    assert upstream["sent"] == sent < 1000  # half the stream: it stopped, it did not run out
    server.stop()


class Answers(web.RequestHandler):
    """A model server answering plainly: 200 JSON, a 400 of its own, or closing at once."""

    async def post(self) -> None:
        body = json.loads(self.request.body)
        if body.get("close"):
            self.request.connection.stream.close()
            return
        self.set_status(400 if body.get("bad") else 200)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"echo": body, "type": self.request.headers["Content-Type"]}))


def invoke(jp_fetch, body: str):  # noqa: ANN001, ANN201
    """POST a JSON body to the endpoint ``ep`` through the Jupyter proxy."""
    return jp_fetch(
        "studio",
        "endpoints",
        "ep",
        "invocations",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
    )


async def test_plain_answers_pass_through_and_a_silent_server_is_a_409(
    monkeypatch: pytest.MonkeyPatch,
    jp_fetch,  # noqa: ANN001
) -> None:
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    server = HTTPServer(web.Application([(r"/invocations", Answers)]))
    server.add_sockets(sockets)

    async def fake_port(self, endpoint_name: str, fresh: bool) -> int:  # noqa: ANN001
        return port

    monkeypatch.setattr(EndpointProxyHandler, "_port", fake_port)
    try:
        reply = await invoke(jp_fetch, '{"x": 1}')
        assert reply.code == 200
        assert json.loads(reply.body) == {"echo": {"x": 1}, "type": "application/json"}
        with pytest.raises(HTTPClientError) as bad:
            await invoke(jp_fetch, '{"bad": 1}')
        assert bad.value.code == 400 and b"echo" in bad.value.response.body
        with pytest.raises(HTTPClientError) as silent:
            await invoke(jp_fetch, '{"close": 1}')
        assert silent.value.code == 409
        assert json.loads(silent.value.response.body)["code"] == "endpoint_unreachable"
    finally:
        server.stop()
    # nothing listens on the port any more: the same clear 409
    with pytest.raises(HTTPClientError) as gone:
        await invoke(jp_fetch, "{}")
    assert gone.value.code == 409


def refuse_large_bodies(listener: socket.socket, connections: list[int]) -> None:
    """A model server (in its own thread) that answers 413 as soon as it has the headers (no
    ``100 Continue``) and closes, as uvicorn does: a body sent anyway is left unread, and the
    kernel then resets the connection, which loses the answer."""
    listener.settimeout(60)
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        connections.append(1)
        with conn:
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                received += chunk
            body = json.dumps({"message": "the body is over 6 MiB", "code": "payload_too_large"})
            conn.sendall(
                b"HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}".encode()
            )


async def test_an_early_answer_to_a_large_body_is_passed_on(
    monkeypatch: pytest.MonkeyPatch,
    jp_fetch,  # noqa: ANN001
) -> None:
    """A 413 answered before the body was read is passed on, once per request, not a 409."""
    connections: list[int] = []
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    thread = threading.Thread(target=refuse_large_bodies, args=(listener, connections), daemon=True)
    thread.start()

    async def fake_port(self, endpoint_name: str, fresh: bool) -> int:  # noqa: ANN001
        return port

    monkeypatch.setattr(EndpointProxyHandler, "_port", fake_port)
    large = json.dumps({"x": ["0.123456789"] * 600_000})  # about 9 MB
    try:
        for attempt in range(5):
            with pytest.raises(HTTPClientError) as refused:
                await invoke(jp_fetch, large)
            assert refused.value.code == 413, (attempt, refused.value.response.body)
            assert b"over 6 MiB" in refused.value.response.body
        assert len(connections) == 5  # no retry of a request the model server answered
    finally:
        listener.close()
        thread.join(timeout=10)
