"""The URL table of the REST API, with what each operation takes and returns.

The same table builds the tornado routes and the OpenAPI description, so the two
cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from ..core.jobs.schemas import CreateJob, DescribeJob, JobLogs, ListJobsResponse
from ..core.spaces.schemas import (
    AddMember,
    CreateProfile,
    CreateSpace,
    DescribeDomain,
    DescribeProfile,
    DescribeSpace,
    UpdateProfile,
    UpdateSpace,
)
from .handlers import info, jobs, spaces

ID = r"[^/]{1,200}"
USERNAME = r"[^/]{1,200}"


@dataclass(frozen=True)
class Operation:
    summary: str
    status: int = 200
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    query: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    path: str  # OpenAPI template, e.g. /jobs/{job_id}
    handler: type
    operations: dict[str, Operation] = field(default_factory=dict)

    def pattern(self) -> str:
        out = self.path
        for name, regex in (("job_id", ID), ("space_id", ID), ("username", USERNAME)):
            out = out.replace("{" + name + "}", f"(?P<{name}>{regex})")
        return "/studio/api" + out


ROUTES: list[Route] = [
    Route(
        "/info",
        info.InfoHandler,
        {"get": Operation("Version handshake: server version, caller and domain")},
    ),
    Route("/openapi.json", info.OpenAPIHandler, {"get": Operation("This OpenAPI description")}),
    Route(
        "/job_kinds",
        jobs.JobKindsHandler,
        {"get": Operation("Registered job kinds and their parameters")},
    ),
    Route(
        "/jobs",
        jobs.JobsHandler,
        {
            "get": Operation(
                "List jobs the caller may see, newest first",
                response=ListJobsResponse,
                query=("status", "kind", "space_id", "owner", "limit", "next_token"),
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
        jobs.JobHandler,
        {"get": Operation("Describe a job", response=DescribeJob)},
    ),
    Route(
        "/jobs/{job_id}/stop",
        jobs.JobStopHandler,
        {"post": Operation("Stop a job", status=202, response=DescribeJob)},
    ),
    Route(
        "/jobs/{job_id}/retry",
        jobs.JobRetryHandler,
        {
            "post": Operation(
                "Run an ended job again as a new job", status=201, response=DescribeJob
            )
        },
    ),
    Route(
        "/jobs/{job_id}/logs",
        jobs.JobLogsHandler,
        {
            "get": Operation(
                "Read a job's log from a byte offset", response=JobLogs, query=("offset", "limit")
            )
        },
    ),
    Route(
        "/jobs/{job_id}/artifacts",
        jobs.JobArtifactsHandler,
        {"get": Operation("Files the job wrote to its output folder")},
    ),
    Route(
        "/domain",
        spaces.DomainHandler,
        {"get": Operation("Describe the domain", response=DescribeDomain)},
    ),
    Route(
        "/profiles",
        spaces.ProfilesHandler,
        {
            "get": Operation("List user profiles (admins)"),
            "post": Operation(
                "Create a user profile (admins)",
                status=201,
                body=CreateProfile,
                response=DescribeProfile,
            ),
        },
    ),
    Route(
        "/profiles/me",
        spaces.MyProfileHandler,
        {"get": Operation("The caller's own profile", response=DescribeProfile)},
    ),
    Route(
        "/profiles/{username}",
        spaces.ProfileHandler,
        {
            "get": Operation("Describe a user profile", response=DescribeProfile),
            "patch": Operation(
                "Update a user profile (admins)", body=UpdateProfile, response=DescribeProfile
            ),
        },
    ),
    Route(
        "/spaces",
        spaces.SpacesHandler,
        {
            "get": Operation("List the caller's spaces"),
            "post": Operation(
                "Create a space", status=201, body=CreateSpace, response=DescribeSpace
            ),
        },
    ),
    Route(
        "/spaces/{space_id}",
        spaces.SpaceHandler,
        {
            "get": Operation("Describe a space", response=DescribeSpace),
            "patch": Operation("Rename a space (owner)", body=UpdateSpace, response=DescribeSpace),
            "delete": Operation(
                "Delete a space; its files move to the domain trash (owner)", status=204
            ),
        },
    ),
    Route(
        "/spaces/{space_id}/members",
        spaces.SpaceMembersHandler,
        {
            "post": Operation(
                "Add a member to a shared space (owner)",
                status=201,
                body=AddMember,
                response=DescribeSpace,
            )
        },
    ),
    Route(
        "/spaces/{space_id}/members/{username}",
        spaces.SpaceMemberHandler,
        {"delete": Operation("Remove a member from a shared space (owner)", status=204)},
    ),
]


def handlers() -> list[tuple[str, type]]:
    """(pattern, handler) pairs; ExtensionApp adds the server's base_url."""
    return [(route.pattern(), route.handler) for route in ROUTES] + [
        (r"/studio/api(?P<rest>/.*)?", info.UnknownRouteHandler)
    ]
