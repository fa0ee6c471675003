"""Version handshake and the OpenAPI description."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from pydantic import BaseModel, Field
from tornado import web

from ... import __version__
from ...core.errors import NotFound
from ...core.jobs.kinds import job_kinds
from ..openapi import build_openapi
from ..routing import Operation, Route
from .base import StudioAPIHandler


class InfoUser(BaseModel):
    username: str
    display_name: str
    is_admin: bool
    home_path: str | None = Field(description="File-browser path of the user's home folder.")


class InfoDomain(BaseModel):
    domain_id: str
    name: str
    domain_root: str = Field(description="Disk path of the domain root folder.")
    store: str


class DescribeInfo(BaseModel):
    """The frontend's startup handshake."""

    version: str
    user: InfoUser
    domain: InfoDomain
    contents_root: str = Field(description="Disk path of Jupyter's contents root (file browser).")
    job_kinds: list[str]


class InfoHandler(StudioAPIHandler):
    """GET the server version, the caller and the domain (the frontend's startup handshake)."""

    auth_resource = "studio:info"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        caller = await self.caller()
        profile = await self.run(self.studio.spaces.get_profile, caller, caller.username)
        domain = await self.run(self.studio.spaces.describe_domain)
        self.send(
            DescribeInfo(
                version=__version__,
                user=InfoUser(
                    username=caller.username,
                    display_name=profile.display_name,
                    is_admin=caller.is_admin,
                    home_path=profile.home_path,
                ),
                domain=InfoDomain(
                    domain_id=domain.domain_id,
                    name=domain.name,
                    domain_root=domain.domain_root,
                    store=domain.store,
                ),
                contents_root=self.studio.contents_root,
                job_kinds=sorted(job_kinds()),
            )
        )


class OpenAPIHandler(StudioAPIHandler):
    """GET the OpenAPI description of this REST API."""

    auth_resource = "studio:info"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.send(build_openapi(self.routes, __version__))


class UnknownRouteHandler(StudioAPIHandler):
    """Any other path under /studio/api: a JSON 404 instead of an HTML page."""

    auth_resource = "studio:info"

    def _unknown(self, rest: str | None = None) -> None:
        raise NotFound(
            f"There is no Studio API route {self.request.path!r}: see /studio/api/openapi.json.",
            code="unknown_route",
        )

    @web.authenticated
    def get(self, rest: str | None = None) -> None:
        self._unknown(rest)

    @web.authenticated
    def post(self, rest: str | None = None) -> None:
        self._unknown(rest)

    @web.authenticated
    def patch(self, rest: str | None = None) -> None:
        self._unknown(rest)

    @web.authenticated
    def delete(self, rest: str | None = None) -> None:
        self._unknown(rest)

    @web.authenticated
    def put(self, rest: str | None = None) -> None:
        self._unknown(rest)


ROUTES: list[Route] = [
    Route(
        "/info",
        InfoHandler,
        {
            "get": Operation(
                "Version handshake: server version, caller and domain", response=DescribeInfo
            )
        },
    ),
    Route(
        "/openapi.json",
        OpenAPIHandler,
        {"get": Operation("This OpenAPI description", response=dict[str, Any])},
    ),
]
