"""Job models: what users send to create jobs and what they get back."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_RUNTIME_LIMIT_SECONDS = 7 * 24 * 3600


class JobStatus(str, Enum):
    PENDING = "Pending"
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    STOPPING = "Stopping"
    STOPPED = "Stopped"

    @property
    def is_active(self) -> bool:
        return self in ACTIVE_STATUSES

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


ACTIVE_STATUSES = frozenset({JobStatus.PENDING, JobStatus.IN_PROGRESS, JobStatus.STOPPING})
FINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED})


class CreateJob(BaseModel):
    """Body of ``POST /studio/api/jobs``."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(
        min_length=1, max_length=100, description="A registered job kind, e.g. 'processing'."
    )
    name: str | None = Field(default=None, max_length=200)
    space_id: str | None = Field(default=None, max_length=64)
    max_runtime_seconds: float | None = Field(
        default=None,
        gt=0,
        le=MAX_RUNTIME_LIMIT_SECONDS,
        description="Stop the job when it runs longer than this.",
    )
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if any(ord(ch) < 32 for ch in value):
            raise ValueError("the name may not contain control characters")
        return value or None


class DescribeJob(BaseModel):
    """A job as users see it."""

    job_id: str
    name: str
    kind: str
    owner: str
    space_id: str | None
    parameters: dict[str, Any]
    status: JobStatus
    status_message: str | None
    progress: float
    progress_message: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    elapsed_seconds: float
    max_runtime_seconds: float | None
    exit_code: int | None
    log_path: str | None = Field(
        description="Contents path of the log file, if inside the contents root."
    )
    output_path: str | None = Field(
        description="Contents path of the output folder, if inside the contents root."
    )


class ListJobsQuery(BaseModel):
    """Query of ``GET /studio/api/jobs``."""

    model_config = ConfigDict(extra="forbid")

    status: list[JobStatus] | None = None
    kind: str | None = None
    space_id: str | None = None
    owner: str | None = None
    limit: int = Field(default=50, ge=1, le=500)
    next_token: str | None = None


class ListJobsResponse(BaseModel):
    items: list[DescribeJob]
    next_token: str | None
    total_count: int


class JobLogs(BaseModel):
    """A slice of a job's log, for tailing."""

    content: str
    offset: int
    next_offset: int
    size: int
    complete: bool


class JobArtifact(BaseModel):
    path: str
    size: int
    contents_path: str | None


class JobKindInfo(BaseModel):
    name: str
    title: str
    description: str
    parameters_schema: dict[str, Any]
