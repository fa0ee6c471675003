"""Version handshake and the OpenAPI description."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ... import __version__
from ...core.errors import NotFound
from ...core.jobs.kinds import job_kinds
from .base import StudioAPIHandler


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
            {
                "version": __version__,
                "user": {
                    "username": caller.username,
                    "display_name": profile.display_name,
                    "is_admin": caller.is_admin,
                    "home_path": profile.home_path,
                },
                "domain": {
                    "domain_id": domain.domain_id,
                    "name": domain.name,
                    "root_dir": domain.root_dir,
                    "store": domain.store,
                },
                "contents_root": self.studio.contents_root,
                "job_kinds": sorted(job_kinds()),
            }
        )


class OpenAPIHandler(StudioAPIHandler):
    """GET the OpenAPI description of this REST API."""

    auth_resource = "studio:info"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        from ..openapi import build_openapi

        self.send(build_openapi(__version__))


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
