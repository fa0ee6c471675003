"""Domain, user profiles, spaces and space membership."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.schemas import ListResponse
from ...core.spaces.schemas import (
    AddMember,
    CreateProfile,
    CreateSpace,
    DescribeDomain,
    DescribeProfile,
    DescribeSpace,
    UpdateProfile,
    UpdateSpace,
)
from ..routing import Operation, Route
from .base import StudioAPIHandler


class DomainHandler(StudioAPIHandler):
    """GET the domain this server belongs to."""

    auth_resource = "studio:domain"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        await self.caller()
        self.send(await self.run(self.studio.spaces.describe_domain))


class ProfilesHandler(StudioAPIHandler):
    """GET lists user profiles; POST creates one (domain admins only)."""

    auth_resource = "studio:profiles"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        caller = await self.caller()
        items = await self.run(self.studio.spaces.list_profiles, caller)
        self.send(ListResponse(items=items, total_count=len(items)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(CreateProfile)
        caller = await self.caller()
        self.send(await self.run(self.studio.spaces.create_profile, caller, body), status=201)


class MyProfileHandler(StudioAPIHandler):
    """GET the caller's own profile (created on first use)."""

    auth_resource = "studio:profiles"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.spaces.get_profile, caller, caller.username))


class ProfileHandler(StudioAPIHandler):
    """GET or PATCH one user profile (others' profiles: domain admins only)."""

    auth_resource = "studio:profiles"

    @web.authenticated
    @authorized
    async def get(self, username: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.spaces.get_profile, caller, username))

    @web.authenticated
    @authorized
    async def patch(self, username: str) -> None:
        body = self.parse_body(UpdateProfile)
        caller = await self.caller()
        self.send(await self.run(self.studio.spaces.update_profile, caller, username, body))


class SpacesHandler(StudioAPIHandler):
    """GET lists the caller's spaces; POST creates a space."""

    auth_resource = "studio:spaces"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        caller = await self.caller()
        items = await self.run(self.studio.spaces.list_spaces, caller)
        self.send(ListResponse(items=items, total_count=len(items)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(CreateSpace)
        caller = await self.caller()
        self.send(await self.run(self.studio.spaces.create_space, caller, body), status=201)


class SpaceHandler(StudioAPIHandler):
    """GET, PATCH (rename) or DELETE (move to trash) one space."""

    auth_resource = "studio:spaces"

    @web.authenticated
    @authorized
    async def get(self, space_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.spaces.get_space, caller, space_id))

    @web.authenticated
    @authorized
    async def patch(self, space_id: str) -> None:
        body = self.parse_body(UpdateSpace)
        caller = await self.caller()
        self.send(await self.run(self.studio.spaces.rename_space, caller, space_id, body))

    @web.authenticated
    @authorized
    async def delete(self, space_id: str) -> None:
        caller = await self.caller()
        await self.run(self.studio.spaces.delete_space, caller, space_id)
        self.set_status(204)
        self.finish()


class SpaceMembersHandler(StudioAPIHandler):
    """POST adds a member to a shared space (owner only)."""

    auth_resource = "studio:spaces"

    @web.authenticated
    @authorized
    async def post(self, space_id: str) -> None:
        body = self.parse_body(AddMember)
        caller = await self.caller()
        self.send(
            await self.run(self.studio.spaces.add_member, caller, space_id, body.username),
            status=201,
        )


class SpaceMemberHandler(StudioAPIHandler):
    """DELETE removes a member from a shared space (owner only)."""

    auth_resource = "studio:spaces"

    @web.authenticated
    @authorized
    async def delete(self, space_id: str, username: str) -> None:
        caller = await self.caller()
        await self.run(self.studio.spaces.remove_member, caller, space_id, username)
        self.set_status(204)
        self.finish()


ROUTES: list[Route] = [
    Route(
        "/domain",
        DomainHandler,
        {"get": Operation("Describe the domain", response=DescribeDomain)},
    ),
    Route(
        "/profiles",
        ProfilesHandler,
        {
            "get": Operation("List user profiles (admins)", response=ListResponse[DescribeProfile]),
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
        MyProfileHandler,
        {"get": Operation("The caller's own profile", response=DescribeProfile)},
    ),
    Route(
        "/profiles/{username}",
        ProfileHandler,
        {
            "get": Operation("Describe a user profile", response=DescribeProfile),
            "patch": Operation(
                "Update a user profile (admins)", body=UpdateProfile, response=DescribeProfile
            ),
        },
    ),
    Route(
        "/spaces",
        SpacesHandler,
        {
            "get": Operation("List the caller's spaces", response=ListResponse[DescribeSpace]),
            "post": Operation(
                "Create a space", status=201, body=CreateSpace, response=DescribeSpace
            ),
        },
    ),
    Route(
        "/spaces/{space_id}",
        SpaceHandler,
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
        SpaceMembersHandler,
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
        SpaceMemberHandler,
        {"delete": Operation("Remove a member from a shared space (owner)", status=204)},
    ),
]
