"""Endpoint models: what users send to deploy a model version and what they get back."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from ..schemas import MAX_INT, StrictFloat, StrictInt

#: Letters, digits and hyphens, at most 63, not starting or ending with a hyphen (a DNS label).
ENDPOINT_NAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
MAX_INSTANCES = 8


class EndpointStatus(str, Enum):
    CREATING = "Creating"
    IN_SERVICE = "InService"
    UPDATING = "Updating"
    FAILED = "Failed"
    DELETING = "Deleting"


class CreateEndpoint(BaseModel):
    """Body of ``POST /studio/api/endpoints``."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    endpoint_name: str = Field(
        pattern=ENDPOINT_NAME_PATTERN,
        description="Letters, digits and hyphens, at most 63 characters; unique in the domain.",
    )
    model_name: str = Field(min_length=1, max_length=63, description="A registered model.")
    model_version: StrictInt | None = Field(
        default=None, ge=1, le=MAX_INT, description="Version to deploy (default: the latest)."
    )
    model_space_id: str | None = Field(
        default=None,
        max_length=64,
        description="The space of the model, when models of that name live in several spaces.",
    )
    instance_count: StrictInt = Field(
        default=1, ge=1, le=MAX_INSTANCES, description="Model-server worker processes."
    )
    capture_percent: StrictFloat = Field(
        default=0.0, ge=0, le=100, description="Share of requests saved by data capture."
    )


class UpdateEndpoint(BaseModel):
    """Body of ``PATCH /studio/api/endpoints/{endpoint_name}``: only the fields sent change."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_name: str | None = Field(default=None, min_length=1, max_length=63)
    model_version: StrictInt | None = Field(default=None, ge=1, le=MAX_INT)
    model_space_id: str | None = Field(
        default=None,
        max_length=64,
        description="The space of the model, when models of that name live in several spaces.",
    )
    instance_count: StrictInt | None = Field(default=None, ge=1, le=MAX_INSTANCES)
    capture_percent: StrictFloat | None = Field(default=None, ge=0, le=100)


class DescribeEndpoint(BaseModel):
    """An endpoint as users see it."""

    model_config = ConfigDict(protected_namespaces=())

    endpoint_name: str
    status: EndpointStatus
    status_message: str | None
    model_name: str
    model_version: int
    instance_count: int
    capture_percent: float
    owner: str
    space_id: str | None
    invoke_url: str = Field(
        description="URL path, relative to the Jupyter server's base URL, of the invocations route."
    )
    port: int | None = Field(description="Loopback port of the model server (local clients).")
    path: str | None = Field(description="File-browser path of the endpoint's folder.")
    log_path: str | None = Field(description="File-browser path of the model server's log.")
    capture_path: str | None = Field(description="File-browser path of the data-capture folder.")
    created_at: datetime
    updated_at: datetime


class EndpointStats(BaseModel):
    """Traffic of an endpoint: counts since its model server started, latency of recent requests."""

    endpoint_name: str
    request_count: int = 0
    error_count: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    latency_window: str | None = Field(
        default=None,
        description="What p50 and p99 cover: 'last 60 s', or after a quiet minute the last "
        "requests ('last 12 requests, the latest 5 min ago'); null before the first request.",
    )
    raw: dict = Field(default_factory=dict, description="What the model server reported.")
