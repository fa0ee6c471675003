"""Defaults of the model server, importable without numpy or MLflow (the supervisor uses them)."""

from __future__ import annotations

#: Largest invocation body accepted, in bytes (6 MiB, the limit of SageMaker real-time endpoints).
DEFAULT_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024
#: Size at which a data-capture file is rotated, in bytes.
DEFAULT_CAPTURE_MAX_BYTES = 16 * 1024 * 1024
#: Capture files of an endpoint kept in all; the oldest files go first beyond it.
DEFAULT_CAPTURE_MAX_TOTAL_BYTES = 1024 * 1024 * 1024
#: Bodies up to this size are predicted on the event loop; larger ones on a helper thread, so that
#: pings and small requests to the same worker are not held up behind a big batch.
INLINE_PREDICT_BYTES = 64 * 1024
#: Seconds a stopping worker waits for in-flight requests before it closes their connections.
DEFAULT_GRACEFUL_TIMEOUT = 30.0
