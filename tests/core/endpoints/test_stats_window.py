"""p50/p99 do not go blank a minute after the last request: they cover the last requests and
say so (``latency.window``)."""

from __future__ import annotations

import pytest

from jupyter_studio.core.endpoints.runtime import stats


def test_latency_keeps_the_last_requests_after_a_quiet_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(stats.time, "monotonic", lambda: clock[0])
    shared = stats.SharedStats(2)
    assert shared.snapshot()["latency"]["window"] is None  # no request yet
    writer = shared.writer(0, 42)
    for latency in (0.002, 0.004, 0.006):
        writer.record(latency, 200)
    busy = shared.snapshot()["latency"]
    assert busy["window"] == "last 60 s" and busy["p50_ms"] == pytest.approx(4.0)

    clock[0] += 300  # five quiet minutes
    quiet = shared.snapshot()
    assert quiet["latency"]["p50_ms"] == pytest.approx(4.0)
    assert quiet["latency"]["window"] == "last 3 requests, the latest 5 min ago"
    assert quiet["requests_per_second"] is None and quiet["requests"] == 3
