"""Job models: what users send to create jobs and what they get back."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..schemas import MAX_INT, MAX_RUNTIME_LIMIT_SECONDS, NEXT_TOKEN_PATTERN, StrictFloat

MAX_JOB_NAME_LENGTH = 200
#: What a job name may hold, as the OpenAPI document says it: no control characters.
JOB_NAME_PATTERN = r"^[^\x00-\x1f]*$"


def clean_job_name(value: str) -> str | None:
    """A user-given job name, stripped; None when blank. Raises ValueError when unusable.

    The checks are on the name as sent (what ``JOB_NAME_PATTERN`` and the length limit of the
    OpenAPI document describe), so a name the document allows is never refused, nor the other
    way round.
    """
    if any(ord(ch) < 32 for ch in value):
        raise ValueError("the name may not contain control characters")
    if len(value) > MAX_JOB_NAME_LENGTH:
        raise ValueError(f"the name may have at most {MAX_JOB_NAME_LENGTH} characters")
    return value.strip() or None


def default_job_name(value: str, fallback: str) -> str:
    """A name derived from parameters (a script's file name...): made valid, never refused."""
    value = "".join(ch if ord(ch) >= 32 else " " for ch in value).strip()
    return value[:MAX_JOB_NAME_LENGTH].strip() or fallback


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
    name: str | None = Field(
        default=None,
        max_length=MAX_JOB_NAME_LENGTH,
        pattern=JOB_NAME_PATTERN,
        description=f"At most {MAX_JOB_NAME_LENGTH} characters; default from the kind.",
    )
    space_id: str | None = Field(default=None, max_length=64)
    max_runtime_seconds: StrictFloat | None = Field(
        default=None,
        gt=0,
        le=MAX_RUNTIME_LIMIT_SECONDS,
        description="Stop the job when it runs longer than this.",
    )
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name", mode="before")
    @classmethod
    def _check_name(cls, value: Any) -> Any:
        return clean_job_name(value) if isinstance(value, str) else value


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
        description="File-browser path of the log file (null if outside the file browser)."
    )
    output_path: str | None = Field(
        description="File-browser path of the output folder (null if outside the file browser)."
    )


class ListJobsQuery(BaseModel):
    """Query of ``GET /studio/api/jobs``."""

    model_config = ConfigDict(extra="forbid")

    status: list[JobStatus] | None = None
    kind: str | None = Field(default=None, max_length=100)
    space_id: str | None = Field(default=None, max_length=64)
    owner: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=500)
    next_token: str | None = Field(default=None, pattern=NEXT_TOKEN_PATTERN)


class JobLogsQuery(BaseModel):
    """Query of ``GET /studio/api/jobs/{job_id}/logs``."""

    model_config = ConfigDict(extra="forbid")

    offset: int = Field(default=0, ge=0, le=MAX_INT, description="Byte offset to read from.")
    limit: int = Field(
        default=65536,
        ge=1,
        le=MAX_INT,
        description="Bytes to read (up to 1 MiB), and up to 64 KiB more to end on a line end.",
    )


class ListJobsResponse(BaseModel):
    items: list[DescribeJob]
    next_token: str | None
    total_count: int


class JobLogs(BaseModel):
    """A slice of a job's log, for tailing."""

    content: str = Field(
        description="The text, without terminal codes and known noise lines (the file keeps them)."
    )
    offset: int
    next_offset: int
    size: int
    complete: bool


class JobArtifact(BaseModel):
    """A file the job wrote to its output folder."""

    name: str = Field(description="Path relative to the job's output folder.")
    size: int
    path: str | None = Field(
        description="File-browser path of the file (null if outside the file browser)."
    )


class JobKindInfo(BaseModel):
    name: str
    title: str
    description: str
    parameters_schema: dict[str, Any]
