"""Invoke Studio endpoints from Python: ``from jupyter_studio.endpoints import Predictor``.

>>> from jupyter_studio.endpoints import Predictor
>>> Predictor("churn").predict(df)          # one row per input row

It talks to the endpoint's model server on its loopback port (same machine as the domain),
sending the rows as CSV or JSON and reading the answer in the format it asked for.
"""

from __future__ import annotations

from typing import Any

from .core.endpoints.invocation import (
    JSON,
    InvocationError,
    decode_predictions,
    encode_rows,
    invoke_port,
)
from .core.studio import Studio

__all__ = ["InvocationError", "Predictor"]


class Predictor:
    """Invoke endpoint ``endpoint_name`` of the domain this process belongs to."""

    def __init__(
        self,
        endpoint_name: str,
        *,
        studio: Any = None,
        user: str | None = None,
        content_type: str = JSON,
        accept: str = JSON,
        timeout: float = 60.0,
    ):
        if studio is None:
            studio = Studio()
        self.studio = studio
        self.endpoint_name = endpoint_name
        self.user = user
        self.content_type = content_type
        self.accept = accept
        self.timeout = timeout

    def describe(self) -> Any:
        """The endpoint (status, model version, port...)."""
        return self.studio.endpoints.get(self.studio.caller(self.user), self.endpoint_name)

    def invoke(self, data: Any) -> tuple[bytes, str, float]:
        """Send rows and return the raw answer, its content type and the latency in seconds."""
        port = self.studio.endpoints.port_of(self.studio.caller(self.user), self.endpoint_name)
        body, content_type = encode_rows(data, self.content_type)
        return invoke_port(
            port, body, content_type=content_type, accept=self.accept, timeout=self.timeout
        )

    def predict(self, data: Any) -> Any:
        """Predictions (and class probabilities where the model has them) as a DataFrame."""
        body, content_type, _ = self.invoke(data)
        return decode_predictions(body, content_type)
