"""The processing service: a processor spec becomes an ordinary job of the ``processor`` kind.

A processor run is a job like any other (Jobs panel, logs, stop, max runtime, restart recovery,
retry); this service only maps the SageMaker-shaped request onto ``studio.jobs.create``.
"""

from __future__ import annotations

from typing import Any

from ..jobs.schemas import CreateJob, DescribeJob
from ..jobs.service import JobService
from ..spaces.service import Caller
from ..validation import parse_model
from .job import ProcessorJob
from .schemas import CreateProcessingJob

__all__ = ["ProcessingService"]


class ProcessingService:
    """Processor runs (``studio.processing``), on top of the jobs service."""

    def __init__(self, jobs: JobService, **_: Any):
        self.jobs = jobs

    def create(self, caller: Caller, body: CreateProcessingJob) -> DescribeJob:
        """Check a processor spec and start its job (nothing starts when the spec is bad)."""
        request = parse_model(
            CreateJob,
            {
                "kind": ProcessorJob.name,
                "name": body.base_job_name,
                "space_id": body.space_id,
                "max_runtime_seconds": body.max_runtime_in_seconds,
                "parameters": body.parameters().model_dump(mode="json"),
            },
            "processing job",
        )
        return self.jobs.create(caller, request)
