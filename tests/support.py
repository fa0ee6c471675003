"""Helpers shared by the tests that start real servers (restart, browser, JupyterHub)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any


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
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
