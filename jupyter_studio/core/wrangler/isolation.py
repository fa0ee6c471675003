"""Run previews and reports that contain user code in a child process, with a time limit.

Custom steps (``custom_pandas``, ``custom_polars``) and custom analyses run arbitrary Python.
In the Jupyter server a step that loops forever would hold a worker thread for good, and one
that calls ``os._exit`` or crashes the interpreter would take the server down. So the REST
layer computes a node whose ancestry holds user code in a fresh (spawned) process: on time-out
the process is killed, on a crash its exit code is reported, and either way the answer is the
node's error (the nodes above keep their previews, since they do not contain the code).

Nodes without user code keep running in the server process with the shared preview cache.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from ..errors import StudioError
from .schemas import FlowDocument, NodeErrorInfo, NodePreview

__all__ = ["USER_CODE_OPERATORS", "IsolatedFailure", "needs_isolation", "run_isolated"]

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


def _child(conn: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Entry point of the child process: compute, send ``("ok", result)`` or ``("error", ...)``."""
    try:
        from .service import FlowService

        service = FlowService(cache_bytes=256 << 20)
        result = getattr(service, method)(*args, **kwargs)
        conn.send(("ok", result.model_dump(mode="json"), type(result).__name__))
    except StudioError as exc:
        conn.send(("error", exc.status, exc.code, exc.message))
    except BaseException as exc:  # noqa: BLE001 - everything else is reported, not raised
        conn.send(("error", 400, "custom_code_failed", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_isolated(
    method: str,
    document: FlowDocument,
    node_id: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    timeout: float,
) -> dict[str, Any]:
    """Call ``FlowService.<method>(*args, **kwargs)`` in a spawned process.

    Returns the result as JSON data. Raises :class:`IsolatedFailure` when the child runs past
    ``timeout`` seconds (it is killed) or dies without an answer, and re-raises a
    :class:`StudioError` the child reported.
    """
    suspects = user_code_nodes(document, node_id)
    suspect = suspects[0] if suspects else None
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, method, args, kwargs), name="studio-flow-preview", daemon=True
    )
    process.start()
    sender.close()
    deadline = time.monotonic() + timeout
    try:
        answer, ended = None, False
        while time.monotonic() < deadline:
            if receiver.poll(0.05):
                try:
                    answer = receiver.recv()
                except EOFError:  # the child died without sending
                    ended = True
                    process.join(5)
                break
            if not process.is_alive() and not receiver.poll(0):
                ended = True
                break
        if answer is None:
            if not ended and process.is_alive():
                process.kill()
                process.join(5)
                raise IsolatedFailure(
                    f"The custom code did not finish within {timeout:g} s and was stopped.",
                    node_id=suspect,
                    code="custom_code_timeout",
                    hint="Make the code faster (or loop-free), or lower the sample size; "
                    "a full run as a job has no such limit.",
                )
            process.join(5)
            raise IsolatedFailure(
                f"The process running the custom code ended without an answer "
                f"(exit code {process.exitcode}).",
                node_id=suspect,
                code="custom_code_crashed",
                hint="The code exited or crashed the interpreter (os._exit, sys.exit, a native "
                "library crash or running out of memory): fix the custom step.",
            )
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if answer[0] == "ok":
        return answer[1]
    _, status, code, message = answer
    error = StudioError(message, code=code)
    error.status = status
    raise error
