"""Jobs: long work that runs in worker processes, tracked in the metadata store."""

from .errors import JobFailed, JobStopped
from .kinds import (
    JobKind,
    PrepareContext,
    get_job_kind,
    job_kinds,
    register_job_kind,
)

__all__ = [
    "JobFailed",
    "JobKind",
    "JobStopped",
    "PrepareContext",
    "get_job_kind",
    "job_kinds",
    "register_job_kind",
]
