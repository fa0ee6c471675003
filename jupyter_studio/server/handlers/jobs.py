"""Jobs: list, create, describe, stop, logs, artifacts and kinds."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.jobs.schemas import (
    CreateJob,
    DescribeJob,
    JobArtifact,
    JobKindInfo,
    JobLogs,
    JobLogsQuery,
    ListJobsQuery,
    ListJobsResponse,
)
from ...core.schemas import ListResponse
from ..routing import Operation, Route
from .base import StudioAPIHandler


class JobsBase(StudioAPIHandler):
    auth_resource = "studio:jobs"


class JobsHandler(JobsBase):
    """GET lists the caller's jobs (filters: status, kind, space_id, owner); POST creates a job."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(ListJobsQuery)
        caller = await self.caller()
        self.send(await self.run(self.studio.jobs.list, caller, query))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(CreateJob)
        caller = await self.caller()
        self.send(await self.run(self.studio.jobs.create, caller, body), status=201)


class JobHandler(JobsBase):
    """GET describes one job."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.jobs.get, caller, job_id))


class JobStopHandler(JobsBase):
    """POST asks a job to stop (graceful signal, then kill after the grace period)."""

    @web.authenticated
    @authorized
    async def post(self, job_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.jobs.stop, caller, job_id), status=202)


class JobRetryHandler(JobsBase):
    """POST runs an ended job again as a new job (201 with the new job)."""

    @web.authenticated
    @authorized
    async def post(self, job_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.jobs.retry, caller, job_id), status=201)


class JobLogsHandler(JobsBase):
    """GET a slice of a job's log from ``offset``; poll with ``next_offset`` to tail it."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        query = self.parse_query(JobLogsQuery)
        caller = await self.caller()
        self.send(await self.run(self.studio.jobs.logs, caller, job_id, query.offset, query.limit))


class JobArtifactsHandler(JobsBase):
    """GET the files a job wrote to its output folder."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        caller = await self.caller()
        items = await self.run(self.studio.jobs.artifacts, caller, job_id)
        self.send(ListResponse[JobArtifact](items=items, total_count=len(items)))


class JobKindsHandler(JobsBase):
    """GET the registered job kinds and their parameter schemas."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        kinds = await self.run(self.studio.jobs.kinds)
        self.send(ListResponse(items=kinds, total_count=len(kinds)))


ROUTES: list[Route] = [
    Route(
        "/job_kinds",
        JobKindsHandler,
        {
            "get": Operation(
                "Registered job kinds and their parameters",
                response=ListResponse[JobKindInfo],
            )
        },
    ),
    Route(
        "/jobs",
        JobsHandler,
        {
            "get": Operation(
                "List jobs the caller may see, newest first",
                response=ListJobsResponse,
                query=ListJobsQuery,
            ),
            "post": Operation(
                "Create a job of a registered kind",
                status=201,
                body=CreateJob,
                response=DescribeJob,
            ),
        },
    ),
    Route(
        "/jobs/{job_id}",
        JobHandler,
        {"get": Operation("Describe a job", response=DescribeJob)},
    ),
    Route(
        "/jobs/{job_id}/stop",
        JobStopHandler,
        {"post": Operation("Stop a job", status=202, response=DescribeJob)},
    ),
    Route(
        "/jobs/{job_id}/retry",
        JobRetryHandler,
        {
            "post": Operation(
                "Run an ended job again as a new job", status=201, response=DescribeJob
            )
        },
    ),
    Route(
        "/jobs/{job_id}/logs",
        JobLogsHandler,
        {
            "get": Operation(
                "Read a job's log from a byte offset", response=JobLogs, query=JobLogsQuery
            )
        },
    ),
    Route(
        "/jobs/{job_id}/artifacts",
        JobArtifactsHandler,
        {
            "get": Operation(
                "Files the job wrote to its output folder", response=ListResponse[JobArtifact]
            )
        },
    ),
]
