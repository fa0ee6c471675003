"""Helpers shared by the tests that start real servers (restart, browser, JupyterHub)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Deadlines for waiting on work that needs CPU (a job, a model server, a Jupyter server), chosen
# for a 2-core machine that is busy with other work: a wait that passes on an idle machine in a
# second must not fail because the machine is ten times slower today. A deadline only costs time
# when something is broken.
SHORT_WAIT = 60.0
LONG_WAIT = 300.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def studio_api(
    base_url: str, token: str, method: str, path: str, body: dict | None = None
) -> tuple[int, Any]:
    """Call ``<base_url>/studio/api/<path>`` with a token; (status, JSON body), never raising on 4xx."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base_url}/studio/api/{path}",
        data=data,
        method=method,
        headers={"Authorization": f"token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=SHORT_WAIT) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_until(
    predicate: Callable[[], T],
    timeout: float = SHORT_WAIT,
    what: str = "the condition",
    poll: float = 0.1,
) -> T:
    """Call ``predicate`` until it returns something truthy and return that; AssertionError after ``timeout`` s.

    The one way the tests wait for an event they cannot be told about (a log line, a status, a
    process ending): never a fixed sleep before an assertion, which fails on a busy machine.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        time.sleep(poll)
