"""Endpoints from Python: ``from jupyter_studio import Endpoints, Predictor``.

>>> from jupyter_studio import Endpoints, Predictor
>>> endpoints = Endpoints()                  # acts as you; Endpoints(user="bob") as bob
>>> endpoints.create("churn", model_name="churn")      # waits until InService (or Failed)
>>> Predictor("churn").predict(df)          # one row per input row
>>> endpoints.update("churn", model_version=2)         # switches with no downtime
>>> endpoints.delete("churn")

:class:`Predictor` talks to the endpoint's model server on its loopback port (same machine as
the domain), sending the rows as CSV or JSON and reading the answer in the format it asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client import UserClient
from .core.endpoints.invocation import (
    JSON,
    InvocationError,
    decode_predictions,
    encode_rows,
    invoke_port,
)
from .core.endpoints.schemas import CreateEndpoint, UpdateEndpoint
from .core.validation import parse_model

if TYPE_CHECKING:
    from .core.endpoints.schemas import DescribeEndpoint, EndpointStats

__all__ = ["Endpoints", "InvocationError", "Predictor"]


class Predictor(UserClient):
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
        super().__init__(studio, user=user)
        self.endpoint_name = endpoint_name
        self.content_type = content_type
        self.accept = accept
        self.timeout = timeout

    def describe(self) -> Any:
        """The endpoint (status, model version, port...)."""
        return self.studio.endpoints.get(self.caller, self.endpoint_name)

    def invoke(self, data: Any) -> tuple[bytes, str, float]:
        """Send rows and return the raw answer, its content type and the latency in seconds."""
        port = self.studio.endpoints.port_of(self.caller, self.endpoint_name)
        body, content_type = encode_rows(data, self.content_type)
        return invoke_port(
            port, body, content_type=content_type, accept=self.accept, timeout=self.timeout
        )

    def predict(self, data: Any) -> Any:
        """Predictions (and class probabilities where the model has them) as a DataFrame."""
        body, content_type, _ = self.invoke(data)
        return decode_predictions(body, content_type)


class Endpoints(UserClient):
    """The endpoints (``studio.endpoints``) for one user: deploy, update, delete, describe."""

    def create(
        self,
        endpoint_name: str,
        model_name: str,
        *,
        model_version: int | None = None,
        model_space_id: str | None = None,
        instance_count: int = 1,
        capture_percent: float = 0.0,
        wait: bool = True,
        timeout: float = 300.0,
    ) -> DescribeEndpoint:
        """Deploy a version of the registered model ``model_name`` (default: the latest) to a new
        endpoint; with ``wait``, return once it is InService or Failed (see its ``status``)."""
        body = parse_model(
            CreateEndpoint,
            {
                "endpoint_name": endpoint_name,
                "model_name": model_name,
                "model_version": model_version,
                "model_space_id": model_space_id,
                "instance_count": instance_count,
                "capture_percent": capture_percent,
            },
            "endpoint",
        )
        endpoint = self.studio.endpoints.create(self.caller, body)
        return self.wait(endpoint_name, timeout=timeout) if wait else endpoint

    def update(
        self,
        endpoint_name: str,
        *,
        model_name: str | None = None,
        model_version: int | None = None,
        model_space_id: str | None = None,
        instance_count: int | None = None,
        capture_percent: float | None = None,
        wait: bool = True,
        timeout: float = 300.0,
    ) -> DescribeEndpoint:
        """Switch to another model or version (a new ``model_name`` alone: its latest version),
        instance count or capture rate, with no downtime; ``wait`` as in :meth:`create`."""
        changes = {
            "model_name": model_name,
            "model_version": model_version,
            "model_space_id": model_space_id,
            "instance_count": instance_count,
            "capture_percent": capture_percent,
        }
        body = parse_model(
            UpdateEndpoint, {k: v for k, v in changes.items() if v is not None}, "endpoint update"
        )
        endpoint = self.studio.endpoints.update(self.caller, endpoint_name, body)
        return self.wait(endpoint_name, timeout=timeout) if wait else endpoint

    def delete(self, endpoint_name: str) -> None:
        """Stop the endpoint's model server and forget it (its folder and captures stay)."""
        self.studio.endpoints.delete(self.caller, endpoint_name)

    def describe(self, endpoint_name: str) -> DescribeEndpoint:
        """The endpoint: status (and why), model version, instance count, port, folders."""
        return self.studio.endpoints.get(self.caller, endpoint_name)

    def list(self) -> list[DescribeEndpoint]:
        """The endpoints you may see (yours and your spaces')."""
        return self.studio.endpoints.list(self.caller)

    def wait(self, endpoint_name: str, timeout: float = 300.0) -> DescribeEndpoint:
        """Block until the endpoint is InService or Failed (or ``timeout`` seconds pass)."""
        return self.studio.endpoints.wait(self.caller, endpoint_name, timeout=timeout)

    def stats(self, endpoint_name: str) -> EndpointStats:
        """Requests, errors and latency percentiles reported by the model server."""
        return self.studio.endpoints.stats(self.caller, endpoint_name)

    def predictor(self, endpoint_name: str, **options: Any) -> Predictor:
        """A :class:`Predictor` of the endpoint, as the same user (``options``: ``content_type``,
        ``accept``, ``timeout``)."""
        return Predictor(endpoint_name, studio=self.studio, user=self.user, **options)
