"""What a running job sees: its parameters, folders, log, progress and stop signal."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel

from .errors import JobStopped
from .tracked import TrackedProcess, write_tracked


class JobLog:
    """Append-only, thread-safe writer of a job's log file."""

    def __init__(self, handle: BinaryIO):
        self._handle = handle
        self._lock = threading.Lock()

    def write_bytes(self, data: bytes) -> None:
        with self._lock:
            self._handle.write(data)
            self._handle.flush()

    def studio(self, message: str) -> None:
        """A line from Studio itself (not from the user's code), timestamped."""
        stamp = time.strftime("%H:%M:%S")
        self.write_bytes(f"[studio {stamp}] {message}\n".encode())


@dataclass
class Progress:
    fraction: float = 0.0
    message: str = ""
    version: int = 0


@dataclass
class JobContext:
    """Handed to :meth:`JobKind.run` in the worker."""

    job_id: str
    name: str
    owner: str
    parameters: BaseModel
    resolved: dict[str, Any]
    job_dir: Path
    log: JobLog
    stop_event: threading.Event
    grace_seconds: float
    #: When the job started (``time.time()``; its row's ``started_at``): its max runtime counts
    #: from here, the worker's start and imports included.
    started_at: float = field(default_factory=time.time)
    progress: Progress = field(default_factory=Progress)
    stop_reason: str | None = None
    exit_code: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def output_dir(self) -> Path:
        return self.job_dir / "output"

    @property
    def input_dir(self) -> Path:
        return self.job_dir / "input"

    def set_progress(self, fraction: float, message: str | None = None) -> None:
        """Report progress in [0, 1] with an optional message; the worker saves it."""
        with self._lock:
            self.progress.fraction = min(1.0, max(0.0, float(fraction)))
            if message is not None:
                self.progress.message = message[:500]
            self.progress.version += 1

    def request_stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self.stop_event.set()

    @property
    def should_stop(self) -> bool:
        return self.stop_event.is_set()

    def track_processes(
        self,
        key: str,
        processes: Iterable[TrackedProcess],
        *,
        folders: Sequence[Path | str] = (),
        names: Sequence[str] = (),
        scratch: Sequence[Path | str] = (),
    ) -> None:
        """Record processes this job started outside its worker's process group (under ``key``).

        Call it again with the current set whenever it changes, and with none once they are
        stopped. Whatever is recorded when the worker is gone without cleaning up (kill -9, a
        stop that outlasted its grace period) is killed by the runner; see :mod:`.tracked`.
        """
        write_tracked(self.job_dir, key, processes, folders=folders, names=names, scratch=scratch)

    def check_stop(self) -> None:
        """Raise :class:`JobStopped` if the job was asked to stop (call it between steps)."""
        if self.stop_event.is_set():
            raise JobStopped(self.stop_reason or "Stopped")
