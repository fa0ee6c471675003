"""Processing: start a SageMaker-shaped processor run (an ordinary job of the ``processor`` kind)."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.jobs.schemas import DescribeJob
from ...core.processing.schemas import CreateProcessingJob
from ..routing import Operation, Route
from .base import StudioAPIHandler


class ProcessingBase(StudioAPIHandler):
    # A processor run is a job: the same resource as the jobs routes.
    auth_resource = "studio:jobs"


class ProcessingJobsHandler(ProcessingBase):
    """POST starts a processor job (201 with the job; bad input is a 4xx before it starts)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(CreateProcessingJob)
        caller = await self.caller()
        self.send(await self.run(self.studio.processing.create, caller, body), status=201)


ROUTES: list[Route] = [
    Route(
        "/processing/jobs",
        ProcessingJobsHandler,
        {
            "post": Operation(
                "Start a processor job: inputs copied in, the code run with /opt/ml/processing "
                "mapped to the job folder, outputs uploaded (also when it fails, marked _PARTIAL)",
                status=201,
                body=CreateProcessingJob,
                response=DescribeJob,
            )
        },
    ),
]
