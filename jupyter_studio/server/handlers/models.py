"""Model registry: list, register from a folder, describe, update and delete models and versions."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.models.schemas import (
    DescribeModel,
    DescribeModelVersion,
    ListModelsQuery,
    ListModelsResponse,
    ListModelVersionsResponse,
    RegisterModelFromPath,
    UpdateModel,
    VersionNumber,
)
from ..routing import Operation, Route
from .base import SpaceQuery, StudioAPIHandler, typed_path

SPACE_QUERY = SpaceQuery


class ModelsBase(StudioAPIHandler):
    auth_resource = "studio:models"

    def space_id(self) -> str | None:
        """The ``space_id`` query argument that picks between models of the same name."""
        return self.parse_query(SpaceQuery).space_id or None


class ModelsHandler(ModelsBase):
    """GET lists models the caller may see; POST registers a model folder as a new version."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(ListModelsQuery)
        caller = await self.caller()
        self.send(await self.run(self.studio.models.list_models, caller, query))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(RegisterModelFromPath)
        caller = await self.caller()
        self.send(await self.run(self.studio.models.register_body, caller, body), status=201)


class ModelHandler(ModelsBase):
    """GET describes a model; PATCH changes its description or tags; DELETE removes it."""

    @web.authenticated
    @authorized
    async def get(self, model_name: str) -> None:
        caller = await self.caller()
        self.send(
            await self.run(
                self.studio.models.get_model, caller, model_name, space_id=self.space_id()
            )
        )

    @web.authenticated
    @authorized
    async def patch(self, model_name: str) -> None:
        body = self.parse_body(UpdateModel)
        caller = await self.caller()
        self.send(
            await self.run(
                self.studio.models.update_model, caller, model_name, body, space_id=self.space_id()
            )
        )

    @web.authenticated
    @authorized
    async def delete(self, model_name: str) -> None:
        caller = await self.caller()
        await self.run(
            self.studio.models.delete_model, caller, model_name, space_id=self.space_id()
        )
        self.set_status(204)
        self.finish()


class ModelVersionsHandler(ModelsBase):
    """GET lists the versions of a model, newest first."""

    @web.authenticated
    @authorized
    async def get(self, model_name: str) -> None:
        caller = await self.caller()
        items = await self.run(
            self.studio.models.list_versions, caller, model_name, space_id=self.space_id()
        )
        self.send(ListModelVersionsResponse(items=items, total_count=len(items)))


class ModelVersionHandler(ModelsBase):
    """GET describes one version; DELETE moves its files to the domain trash."""

    @web.authenticated
    @authorized
    @typed_path
    async def get(self, model_name: str, version: int) -> None:
        caller = await self.caller()
        self.send(
            await self.run(
                self.studio.models.get_version,
                caller,
                model_name,
                version,
                space_id=self.space_id(),
            )
        )

    @web.authenticated
    @authorized
    @typed_path
    async def delete(self, model_name: str, version: int) -> None:
        caller = await self.caller()
        await self.run(
            self.studio.models.delete_version,
            caller,
            model_name,
            version,
            space_id=self.space_id(),
        )
        self.set_status(204)
        self.finish()


ROUTES: list[Route] = [
    Route(
        "/models",
        ModelsHandler,
        {
            "get": Operation(
                "List registered models the caller may see",
                response=ListModelsResponse,
                query=ListModelsQuery,
            ),
            "post": Operation(
                "Register an MLflow model folder (e.g. a job's artifact folder) as a new version",
                status=201,
                body=RegisterModelFromPath,
                response=DescribeModelVersion,
            ),
        },
    ),
    Route(
        "/models/{model_name}",
        ModelHandler,
        {
            "get": Operation("Describe a model", response=DescribeModel, query=SPACE_QUERY),
            "patch": Operation(
                "Change a model's description or tags",
                body=UpdateModel,
                response=DescribeModel,
                query=SPACE_QUERY,
            ),
            "delete": Operation(
                "Delete a model and its versions (files go to the trash)",
                status=204,
                query=SPACE_QUERY,
            ),
        },
    ),
    Route(
        "/models/{model_name}/versions",
        ModelVersionsHandler,
        {
            "get": Operation(
                "List a model's versions", response=ListModelVersionsResponse, query=SPACE_QUERY
            )
        },
    ),
    Route(
        "/models/{model_name}/versions/{version}",
        ModelVersionHandler,
        {
            "get": Operation(
                "Describe a model version", response=DescribeModelVersion, query=SPACE_QUERY
            ),
            "delete": Operation(
                "Delete a model version (files go to the trash)", status=204, query=SPACE_QUERY
            ),
        },
        types={"version": VersionNumber},
    ),
]
