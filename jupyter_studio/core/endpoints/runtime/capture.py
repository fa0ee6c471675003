"""Data capture: a sample of an endpoint's invocations appended to JSON Lines files.

Each worker process writes its own files in the capture folder, so workers never share a file::

    capture-20250131T174502.123456Z-4242-0000.jsonl
            ^ UTC time the file was opened ^pid ^sequence

Names sort by time. A file is closed and a new one opened (rotation) before a line would take it
past ``max_bytes``; a single record larger than that gets a file of its own. At each rotation the
folder is kept under ``max_total_bytes`` (1 GiB by default) by deleting its oldest closed files,
so a busy endpoint cannot fill the disk. Files are opened with
``O_APPEND`` and each record is one ``write`` of one line, so a reader (the model monitor, ``tail``)
sees whole lines. Each line is one invocation::

    {"time": "2025-01-31T17:45:02.123456Z",    # when the request arrived (UTC)
     "event_id": "9f0c...", "endpoint": "churn", "model_version": "churn/3",
     "status": 200, "latency_ms": 1.42,
     "request":  {"content_type": "text/csv", "encoding": "utf-8", "data": "41,Lyon\\n"},
     "response": {"content_type": "application/json", "encoding": "utf-8", "data": "{...}"}}

``encoding`` is ``utf-8`` when ``data`` is the body as text and ``base64`` otherwise. Sampling is per
invocation, with probability ``percent`` / 100; errors are captured like successes (see ``status``).
Writing happens after the response is sent, and a failing disk is logged, never turned into a
failed invocation.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from .limits import DEFAULT_CAPTURE_MAX_BYTES, DEFAULT_CAPTURE_MAX_TOTAL_BYTES

log = logging.getLogger(__name__)


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def _body(data: bytes, content_type: str | None) -> dict[str, Any]:
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(data).decode("ascii"), "base64"
    return {"content_type": content_type or "", "encoding": encoding, "data": text}


class DataCapture:
    """Samples invocations of one worker process into rotated JSON Lines files in ``folder``."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        percent: float,
        *,
        max_bytes: int = DEFAULT_CAPTURE_MAX_BYTES,
        max_total_bytes: int = DEFAULT_CAPTURE_MAX_TOTAL_BYTES,
        endpoint: str | None = None,
        model_version: str | None = None,
        random_fn: Callable[[], float] = random.random,
    ) -> None:
        if not 0 <= percent <= 100:
            raise ValueError(f"capture percentage must be within 0..100, got {percent}")
        if max_bytes <= 0:
            raise ValueError(f"capture file size must be positive, got {max_bytes}")
        self.folder = Path(folder)
        self.percent = float(percent)
        self.max_bytes = int(max_bytes)
        self.max_total_bytes = max(int(max_total_bytes), self.max_bytes)
        self.endpoint = endpoint
        self.model_version = model_version
        self._random = random_fn
        self._fd: int | None = None
        self._size = 0
        self._sequence = 0
        self._pid = os.getpid()
        self._last_error = 0.0
        self.path: Path | None = None
        self.dropped = 0

    @property
    def enabled(self) -> bool:
        """False at 0 %: nothing is sampled and no file is created."""
        return self.percent > 0

    def sample(self) -> bool:
        """Whether to capture the current invocation."""
        if self.percent >= 100:
            return True
        return self.percent > 0 and self._random() * 100 < self.percent

    def record(
        self,
        *,
        started_at: float,
        request_body: bytes,
        request_type: str | None,
        response_body: bytes,
        response_type: str | None,
        status: int,
        latency_ms: float,
    ) -> None:
        """Append one invocation (call it only when :meth:`sample` said so)."""
        line = orjson.dumps(
            {
                "time": _utc(started_at).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "event_id": uuid.uuid4().hex,
                "endpoint": self.endpoint,
                "model_version": self.model_version,
                "status": status,
                "latency_ms": round(latency_ms, 3),
                "request": _body(request_body, request_type),
                "response": _body(response_body, response_type),
            }
        )
        self.write_line(line + b"\n")

    def write_line(self, line: bytes) -> None:
        """Append a ready-made JSON line, rotating first when it would overflow the file."""
        try:
            if self._fd is None or (self._size and self._size + len(line) > self.max_bytes):
                self._rotate()
            assert self._fd is not None
            view = memoryview(line)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            self._size += len(line)
        except OSError as error:
            self.dropped += 1
            self._close_quietly()
            now = time.monotonic()
            if now - self._last_error > 60:
                self._last_error = now
                log.warning("data capture to %s failed: %s", self.folder, error)

    def _rotate(self) -> None:
        self._close_quietly()
        if os.getpid() != self._pid:  # a forked copy must not share its parent's file
            self._pid, self._sequence = os.getpid(), 0
        self.folder.mkdir(parents=True, exist_ok=True)
        self._prune()
        stamp = _utc(time.time()).strftime("%Y%m%dT%H%M%S.%fZ")
        self.path = self.folder / f"capture-{stamp}-{self._pid}-{self._sequence:04d}.jsonl"
        self._sequence += 1
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._size = os.fstat(self._fd).st_size

    def _prune(self) -> None:
        """Delete the oldest capture files until the folder holds under ``max_total_bytes``
        (room for one more file); another worker's open file may go too: its writes continue
        into the unlinked file and it rotates as usual."""
        files: list[tuple[str, int, Path]] = []
        for path in self.folder.glob("capture-*.jsonl"):
            with contextlib.suppress(OSError):
                files.append((path.name, path.stat().st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total + self.max_bytes <= self.max_total_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size

    def _close_quietly(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        """Close the current file (records are already on disk: nothing is buffered)."""
        self._close_quietly()


def capture_invocation(
    capture: DataCapture | None,
    started_at: float,
    request: tuple[bytes, str | None],
    response: tuple[bytes, str | None],
    status: int,
    elapsed: float,
) -> None:
    """Record one answered invocation, if data capture is on and samples this one.

    ``request`` and ``response`` are ``(body, content type)``; ``started_at`` is the wall-clock
    time the request arrived and ``elapsed`` the seconds it took to answer. The model server and
    the model hub's serving runtime both call this after the answer is sent.
    """
    if capture is not None and capture.sample():
        capture.record(
            started_at=started_at,
            request_body=request[0],
            request_type=request[1],
            response_body=response[0],
            response_type=response[1],
            status=status,
            latency_ms=elapsed * 1000.0,
        )
