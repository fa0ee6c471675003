"""Model hub: catalogue, model pages, license acceptance, deploy, prompt templates, fine-tune,
evaluate and solution templates (``/studio/api/modelhub/...``)."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.endpoints.schemas import DescribeEndpoint
from ...core.jobs.schemas import DescribeJob
from ...core.modelhub.evaluate import EvaluationResult
from ...core.modelhub.finetune import LossCurve
from ...core.modelhub.schemas import (
    Acceptance,
    DeployModel,
    ListModelsQuery,
    ListModelsResponse,
    ListTemplatesResponse,
    ModelDetail,
    PromptTemplate,
    SaveTemplate,
)
from ...core.modelhub.solutions import LaunchedSolution, LaunchSolution, Solution
from ...core.modelhub.training_service import EvaluateRequest, FinetuneRequest
from ..routing import Operation, Route
from .base import SpaceQuery, StudioAPIHandler

#: A catalogue id: a packaged or folder id, ``registry:<name>/<version>`` or ``hf:<org>/<repo>``
#: (the ``/`` may also come URL-encoded).
MODEL_ID = r"(?:registry(?::|%3[Aa])[^/]+/[0-9]+|hf(?::|%3[Aa])[^/]+/[^/]+|[^/]+)"


class ModelHubBase(StudioAPIHandler):
    auth_resource = "studio:modelhub"

    def space_id(self) -> str | None:
        """The ``space_id`` query argument (templates live in a space or the home)."""
        return self.parse_query(SpaceQuery).space_id or None


class ModelsHandler(ModelHubBase):
    """GET the catalogue: ``q`` words and filters by task, framework, license, gated, source."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(ListModelsQuery)
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.list_models, caller, query))


class ModelHandler(ModelHubBase):
    """GET a model page: license text, inputs and outputs, example calls, notebooks."""

    @web.authenticated
    @authorized
    async def get(self, model_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.get_model, caller, model_id))


class AcceptHandler(ModelHubBase):
    """POST records that the caller accepts the model's license (idempotent)."""

    @web.authenticated
    @authorized
    async def post(self, model_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.accept, caller, model_id))


class DeployHandler(ModelHubBase):
    """POST deploys the model to a new endpoint (403 license_not_accepted when gated)."""

    @web.authenticated
    @authorized
    async def post(self, model_id: str) -> None:
        body = self.parse_body(DeployModel)
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.deploy, caller, model_id, body), status=201)


class TemplatesHandler(ModelHubBase):
    """GET lists prompt templates of the home or a space; POST saves one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.list_templates, caller, self.space_id()))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(SaveTemplate)
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.save_template, caller, body), status=201)


class TemplateHandler(ModelHubBase):
    """DELETE a prompt template by name."""

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        caller = await self.caller()
        await self.run(self.studio.modelhub.delete_template, caller, name, self.space_id())
        self.set_status(204)
        self.finish()


class FinetuneHandler(ModelHubBase):
    """POST starts a fine-tuning job (checks model, license, file and columns first)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(FinetuneRequest)
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.finetune, caller, body), status=201)


class FinetuneLossHandler(ModelHubBase):
    """GET the loss curve so far and the last checkpoint of a fine-tuning job."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.finetune_loss, caller, job_id))


class EvaluateHandler(ModelHubBase):
    """POST starts an evaluation job comparing models on a labelled file."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(EvaluateRequest)
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.evaluate, caller, body), status=201)


class EvaluationHandler(ModelHubBase):
    """GET the metric rows and comparison chart of an evaluation job."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.modelhub.evaluation, caller, job_id))


class SolutionsHandler(ModelHubBase):
    """GET the solution templates."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        solutions = await self.run(self.studio.modelhub.solutions)
        self.send([solution.model_dump(mode="json") for solution in solutions])


class LaunchSolutionHandler(ModelHubBase):
    """POST launches a solution template's chain of jobs."""

    @web.authenticated
    @authorized
    async def post(self, solution_id: str) -> None:
        body = (
            self.parse_body(LaunchSolution)
            if self.request.body and self.request.body.strip()
            else LaunchSolution()
        )
        caller = await self.caller()
        self.send(
            await self.run(self.studio.modelhub.launch_solution, caller, solution_id, body),
            status=201,
        )


MODEL_PARAMS = {"model_id": MODEL_ID}
ROUTES: list[Route] = [
    Route(
        "/modelhub/models",
        ModelsHandler,
        {
            "get": Operation(
                "The model hub catalogue, searched and filtered",
                response=ListModelsResponse,
                query=ListModelsQuery,
            )
        },
    ),
    Route(
        "/modelhub/models/{model_id}/accept",
        AcceptHandler,
        {"post": Operation("Accept the model's license (per profile)", response=Acceptance)},
        params=MODEL_PARAMS,
    ),
    Route(
        "/modelhub/models/{model_id}/deploy",
        DeployHandler,
        {
            "post": Operation(
                "Deploy the model to a new endpoint",
                status=201,
                body=DeployModel,
                response=DescribeEndpoint,
            )
        },
        params=MODEL_PARAMS,
    ),
    Route(
        "/modelhub/models/{model_id}",
        ModelHandler,
        {"get": Operation("A model page", response=ModelDetail)},
        params=MODEL_PARAMS,
    ),
    Route(
        "/modelhub/templates",
        TemplatesHandler,
        {
            "get": Operation(
                "Prompt templates of the home or a space",
                response=ListTemplatesResponse,
                query=SpaceQuery,
            ),
            "post": Operation(
                "Save a prompt template", status=201, body=SaveTemplate, response=PromptTemplate
            ),
        },
    ),
    Route(
        "/modelhub/templates/{name}",
        TemplateHandler,
        {"delete": Operation("Delete a prompt template", status=204, query=SpaceQuery)},
    ),
    Route(
        "/modelhub/finetune",
        FinetuneHandler,
        {
            "post": Operation(
                "Start a fine-tuning job", status=201, body=FinetuneRequest, response=DescribeJob
            )
        },
    ),
    Route(
        "/modelhub/finetune/{job_id}/loss",
        FinetuneLossHandler,
        {"get": Operation("Loss curve of a fine-tuning job", response=LossCurve)},
    ),
    Route(
        "/modelhub/evaluate",
        EvaluateHandler,
        {
            "post": Operation(
                "Start an evaluation job", status=201, body=EvaluateRequest, response=DescribeJob
            )
        },
    ),
    Route(
        "/modelhub/evaluate/{job_id}",
        EvaluationHandler,
        {"get": Operation("Metrics and chart of an evaluation job", response=EvaluationResult)},
    ),
    Route(
        "/modelhub/solutions",
        SolutionsHandler,
        {"get": Operation("Solution templates", response=list[Solution])},
    ),
    Route(
        "/modelhub/solutions/{solution_id}/launch",
        LaunchSolutionHandler,
        {
            "post": Operation(
                "Launch a solution template",
                status=201,
                body=LaunchSolution,
                body_required=False,
                response=LaunchedSolution,
            )
        },
    ),
]
