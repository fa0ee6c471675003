"""Request counts and latencies of all the workers of one model server, in shared memory.

The supervisor maps an anonymous shared block before it forks the workers. Each worker owns one slot
and is its only writer: a readiness flag, its pid, counters of invocations, errors (status >= 400)
and server errors (status >= 500), and a ring of the last :data:`RING` invocations (monotonic end
time and latency). Any worker answers ``GET /stats`` by reading every slot, so the numbers are
**aggregated across the workers** of the server (per-worker counters are listed beside them).
Latency percentiles cover the invocations of the last :data:`WINDOW_SECONDS` seconds still in the
rings; when there were none in that minute they cover the last :data:`QUIET_SAMPLES` invocations
instead, so the figures do not go blank when traffic stops. ``latency.window`` says which, in
words (``"last 60 s"``, ``"last 12 requests, the latest 5 min ago"``). Only ``POST /invocations`` is counted; pings and stats are not. Counters survive a worker's
restart (the new worker continues its slot) and reset when the server restarts.

Reads are not locked against writes: a reader may see one entry half-written, which can move a
percentile by one sample and never corrupts anything.
"""

from __future__ import annotations

import mmap
import struct
import time
from typing import Any

#: Invocations remembered per worker for the latency percentiles.
RING = 16384
#: Latency percentiles look back this many seconds at most.
WINDOW_SECONDS = 60.0
#: Invocations the percentiles cover after a quiet minute (the latest ones).
QUIET_SAMPLES = 1000

_HEADER = struct.Struct("<qqqqqq")  # ready, pid, requests, errors, server_errors, position
_ENTRY = struct.Struct("<dd")  # monotonic end time, latency in seconds
_SLOT = _HEADER.size + RING * _ENTRY.size


class SharedStats:
    """The shared block of a server with ``workers`` slots (create it before forking)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.memory = mmap.mmap(-1, _SLOT * workers)

    def _offset(self, slot: int) -> int:
        if not 0 <= slot < self.workers:
            raise IndexError(slot)
        return slot * _SLOT

    def reset_ready(self, slot: int) -> None:
        """Mark ``slot`` as starting (its next worker has not loaded the model yet)."""
        header = list(_HEADER.unpack_from(self.memory, self._offset(slot)))
        header[0], header[1] = 0, 0
        _HEADER.pack_into(self.memory, self._offset(slot), *header)

    def is_ready(self, slot: int) -> bool:
        """Whether the worker of ``slot`` has loaded its model and serves."""
        return bool(_HEADER.unpack_from(self.memory, self._offset(slot))[0])

    def writer(self, slot: int, pid: int) -> WorkerStats:
        """The recorder for the worker process ``pid`` owning ``slot``."""
        return WorkerStats(self, self._offset(slot), pid)

    def snapshot(self, window: float = WINDOW_SECONDS) -> dict[str, Any]:
        """Totals and latency percentiles over all workers (the ``GET /stats`` body)."""
        import numpy as np

        now = time.monotonic()
        per_worker = []
        rings = []
        totals = {"requests": 0, "errors": 0, "server_errors": 0}
        for slot in range(self.workers):
            offset = slot * _SLOT
            ready, pid, requests, errors, server_errors, _ = _HEADER.unpack_from(
                self.memory, offset
            )
            ring = np.frombuffer(
                self.memory, dtype=np.float64, count=RING * 2, offset=offset + _HEADER.size
            ).reshape(RING, 2)
            rings.append(ring[ring[:, 0] > 0].copy())
            per_worker.append(
                {
                    "worker": slot,
                    "pid": pid or None,
                    "ready": bool(ready),
                    "requests": requests,
                    "errors": errors,
                    "server_errors": server_errors,
                }
            )
            totals["requests"] += requests
            totals["errors"] += errors
            totals["server_errors"] += server_errors
        entries = np.concatenate(rings) if rings else np.empty((0, 2))
        recent = entries[entries[:, 0] >= now - window]
        covered = now - float(recent[:, 0].min()) if len(recent) else 0.0
        latency: dict[str, Any] = {"samples": 0, "p50_ms": None, "p99_ms": None, "window": None}
        rate = round(len(recent) / covered, 2) if covered > 0 else None
        if len(recent):
            latency["window"] = f"last {window:g} s"
        elif len(entries):  # a quiet minute: the latest invocations, however old
            recent = entries[np.argsort(entries[:, 0])[-QUIET_SAMPLES:]]
            latest = now - float(recent[:, 0].max())
            latency["window"] = (
                f"last {len(recent)} request{'s' if len(recent) != 1 else ''}, "
                f"the latest {_ago(latest)} ago"
            )
            latency["latest_seconds_ago"] = round(latest, 1)
        values = recent[:, 1]
        if values.size:
            p50, p99 = np.percentile(values, [50, 99]) * 1000.0
            latency.update(
                samples=int(values.size),
                p50_ms=round(float(p50), 3),
                p99_ms=round(float(p99), 3),
                mean_ms=round(float(values.mean()) * 1000.0, 3),
            )
        return {
            "scope": "all workers",
            "workers": self.workers,
            **totals,
            "window_seconds": round(covered, 3),
            "requests_per_second": rate,
            "latency": latency,
            "per_worker": per_worker,
        }


def _ago(seconds: float) -> str:
    """``42 s``, ``5 min``, ``3 h``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


class WorkerStats:
    """The one writer of a slot: records each invocation of its worker."""

    def __init__(self, shared: SharedStats, offset: int, pid: int) -> None:
        self.memory = shared.memory
        self.offset = offset
        _, _, self.requests, self.errors, self.server_errors, self.position = _HEADER.unpack_from(
            self.memory, offset
        )
        self.pid = pid
        self._flush_header(ready=0)

    def _flush_header(self, ready: int) -> None:
        self.ready = ready
        _HEADER.pack_into(
            self.memory,
            self.offset,
            ready,
            self.pid,
            self.requests,
            self.errors,
            self.server_errors,
            self.position,
        )

    def mark_ready(self) -> None:
        """Tell the supervisor (and /stats) this worker serves."""
        self._flush_header(ready=1)

    def record(self, latency: float, status: int) -> None:
        """Count one invocation that took ``latency`` seconds and answered ``status``."""
        self.requests += 1
        if status >= 400:
            self.errors += 1
            if status >= 500:
                self.server_errors += 1
        position = self.position % RING
        _ENTRY.pack_into(
            self.memory,
            self.offset + _HEADER.size + position * _ENTRY.size,
            time.monotonic(),
            latency,
        )
        self.position = position + 1
        self._flush_header(self.ready)
