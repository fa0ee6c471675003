"""Run previews and reports that contain user code in a child process, with a time limit.

Custom steps (``custom_pandas``, ``custom_polars``) and custom analyses run arbitrary Python.
In the Jupyter server a step that loops forever would hold a worker thread for good, and one
that calls ``os._exit`` or crashes the interpreter would take the server down. So the REST
layer computes a node whose ancestry holds user code in a fresh Python process: on time-out
the process (and its process group) is killed, on a crash its exit code is reported, and
either way the answer is the node's error (the nodes above keep their previews, since they do
not contain the code). The child gets the caller's path scope, so it reads what they may.

Nodes without user code keep running in the server process with the shared preview cache.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections import OrderedDict
from typing import Any

from ..errors import StudioError
from .schemas import FlowDocument, NodeErrorInfo, NodePreview

__all__ = [
    "USER_CODE_OPERATORS",
    "IsolatedFailure",
    "IsolatedResults",
    "needs_isolation",
    "run_isolated",
]

#: Operators whose parameters hold Python code.
USER_CODE_OPERATORS = frozenset({"custom_pandas", "custom_polars", "custom_analysis"})


class IsolatedFailure(StudioError):
    """The child process computing a node with user code timed out or died (HTTP 400)."""

    code = "custom_code_failed"

    def __init__(self, message: str, *, node_id: str | None, code: str, hint: str) -> None:
        super().__init__(message, code=code)
        self.node_id = node_id
        self.hint = hint

    def as_preview(self, node_id: str) -> NodePreview:
        """The failure as the preview of ``node_id`` (the node that asked)."""
        return NodePreview(
            node_id=node_id,
            status="error",
            error=NodeErrorInfo(
                node_id=self.node_id, code=self.code, message=self.message, hint=self.hint
            ),
        )


class IsolatedResults:
    """A small LRU of results computed in child processes, keyed by the node's content key
    (so an unchanged node with user code is not recomputed, as the in-process cache does)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str | None) -> dict[str, Any] | None:
        if key is None:
            return None
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str | None, value: dict[str, Any]) -> None:
        if key is None:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def user_code_nodes(document: FlowDocument, node_id: str) -> list[str]:
    """Ids of the nodes with user code among ``node_id`` and its ancestors (nearest first)."""
    by_id = {n.id: n for n in document.nodes}
    found: list[str] = []
    seen: set[str] = set()
    stack = [node_id]
    while stack:
        current = stack.pop(0)
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        node = by_id[current]
        if node.operator in USER_CODE_OPERATORS:
            found.append(current)
        stack.extend(node.inputs)
    return found


def needs_isolation(document: FlowDocument, node_id: str) -> bool:
    """Whether computing ``node_id`` runs user code."""
    return bool(user_code_nodes(document, node_id))


def _child_main() -> None:
    """Entry point of the child process (``python -m ...isolation``).

    Reads a pickled ``(method, args, kwargs)`` from stdin and writes a pickled answer,
    ``("ok", result_json)`` or ``("error", status, code, message)``, to the original stdout;
    anything the user's code prints goes to stderr instead.
    """
    import os
    import pickle
    import sys

    answer_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    method, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    try:
        from .service import FlowService

        service = FlowService(cache_bytes=256 << 20)
        result = getattr(service, method)(*args, **kwargs)
        answer: tuple[Any, ...] = ("ok", result.model_dump(mode="json"))
    except StudioError as exc:
        answer = ("error", exc.status, exc.code, exc.message)
    except BaseException as exc:  # noqa: BLE001 - everything else is reported, not raised
        answer = ("error", 400, "custom_code_failed", f"{type(exc).__name__}: {exc}")
    with os.fdopen(answer_fd, "wb") as out:
        out.write(pickle.dumps(answer))


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the child and anything it started (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


def run_isolated(
    method: str,
    document: FlowDocument,
    node_id: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    timeout: float,
) -> dict[str, Any]:
    """Call ``FlowService.<method>(*args, **kwargs)`` in a child Python process.

    The child is a fresh interpreter (``python -m jupyter_studio.core.wrangler.isolation``),
    not a fork or a multiprocessing spawn, so it never re-runs the server's main module.
    Returns the result as JSON data. Raises :class:`IsolatedFailure` when the child runs past
    ``timeout`` seconds (it is killed with its process group) or dies without an answer,
    and re-raises a :class:`StudioError` the child reported.
    """
    suspects = user_code_nodes(document, node_id)
    suspect = suspects[0] if suspects else None
    process = subprocess.Popen(
        [sys.executable, "-m", __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(pickle.dumps((method, args, kwargs)), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise IsolatedFailure(
            f"The custom code did not finish within {timeout:g} s and was stopped.",
            node_id=suspect,
            code="custom_code_timeout",
            hint="Make the code faster (or loop-free), or lower the sample size; "
            "a full run as a job has no such limit.",
        ) from None
    finally:
        if process.poll() is None:
            _kill(process)
    try:
        answer = pickle.loads(out) if out else None
    except Exception:  # noqa: BLE001 - a truncated answer is a crash
        answer = None
    if not answer:
        raise IsolatedFailure(
            f"The process running the custom code ended without an answer "
            f"(exit code {process.returncode}).",
            node_id=suspect,
            code="custom_code_crashed",
            hint="The code exited or crashed the interpreter (os._exit, sys.exit, a native "
            "library crash or running out of memory): fix the custom step.",
        )
    if answer[0] == "ok":
        return answer[1]
    _, status, code, message = answer
    error = StudioError(message, code=code)
    error.status = status
    raise error


if __name__ == "__main__":
    _child_main()
