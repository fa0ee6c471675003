"""Jobs: long work that runs in worker processes, tracked in the metadata store."""

from .kinds import (
    JobFailed,
    JobKind,
    JobStopped,
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
