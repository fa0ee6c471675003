"""AutoML experiments: create (checked first), validate as typed, preview data, follow, act."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from pydantic import BaseModel, ConfigDict, Field
from tornado import web

from ...core.automl.schemas import (
    EXPERIMENT_NAME_PATTERN,
    AutoMLLeaderboard,
    AutoMLValidation,
    CandidateResults,
    CreateAutoMLExperiment,
    DataPreview,
    DeployCandidate,
    DeployedCandidate,
    DescribeAutoMLExperiment,
    RegisterCandidate,
    ValidateAutoMLExperiment,
)
from ...core.models.schemas import DescribeModelVersion
from ...core.schemas import ListResponse
from ..routing import Operation, Route
from .base import StudioAPIHandler

NAME = EXPERIMENT_NAME_PATTERN.strip("^$")


class PreviewQuery(BaseModel):
    """Query of ``GET /studio/api/automl/preview``."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="File-browser path of a CSV or Parquet file.")
    rows: int = Field(default=20, ge=1, le=100)


class AutoMLBase(StudioAPIHandler):
    auth_resource = "studio:automl"


class ExperimentsHandler(AutoMLBase):
    """GET lists AutoML experiments; POST checks a request and submits its ``automl`` job."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        caller = await self.caller()
        items = await self.run(self.studio.automl.list, caller)
        self.send(ListResponse[DescribeAutoMLExperiment](items=items, total_count=len(items)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(CreateAutoMLExperiment)
        caller = await self.caller()
        self.send(await self.run(self.studio.automl.create, caller, body), status=201)


class ExperimentHandler(AutoMLBase):
    """GET describes an experiment: status, progress, best candidate, notebooks."""

    @web.authenticated
    @authorized
    async def get(self, experiment_name: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.automl.get, caller, experiment_name))


class StopHandler(AutoMLBase):
    """POST stops an experiment's job (finished candidates and the best model are kept)."""

    @web.authenticated
    @authorized
    async def post(self, experiment_name: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.automl.stop, caller, experiment_name))


class LeaderboardHandler(AutoMLBase):
    """GET the candidates so far, best first (live while the job runs)."""

    @web.authenticated
    @authorized
    async def get(self, experiment_name: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.automl.leaderboard, caller, experiment_name))


class CandidateHandler(AutoMLBase):
    """GET one candidate's metrics and charts' data (``best`` names the best one)."""

    @web.authenticated
    @authorized
    async def get(self, experiment_name: str, candidate: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.automl.candidate, caller, experiment_name, candidate))


class RegisterHandler(AutoMLBase):
    """POST registers a candidate as a model version."""

    @web.authenticated
    @authorized
    async def post(self, experiment_name: str) -> None:
        body = self.parse_body(RegisterCandidate)
        caller = await self.caller()
        self.send(
            await self.run(self.studio.automl.register, caller, experiment_name, body), status=201
        )


class DeployHandler(AutoMLBase):
    """POST registers a candidate and deploys it to a new endpoint."""

    @web.authenticated
    @authorized
    async def post(self, experiment_name: str) -> None:
        body = self.parse_body(DeployCandidate)
        caller = await self.caller()
        self.send(
            await self.run(self.studio.automl.deploy, caller, experiment_name, body), status=201
        )


class ValidateHandler(AutoMLBase):
    """POST checks any subset of an experiment's fields and answers every problem (no job)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(ValidateAutoMLExperiment)
        caller = await self.caller()
        self.send(await self.run(self.studio.automl.validate, caller, body))


class PreviewHandler(AutoMLBase):
    """GET the columns, inferred types, row count and first rows of a CSV or Parquet file."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(PreviewQuery)
        caller = await self.caller()
        self.send(await self.run(self.studio.automl.preview, caller, query.path, query.rows))


EXPERIMENT = {"experiment_name": NAME}

ROUTES: list[Route] = [
    Route(
        "/automl/experiments",
        ExperimentsHandler,
        {
            "get": Operation(
                "List AutoML experiments the caller may see",
                response=ListResponse[DescribeAutoMLExperiment],
            ),
            "post": Operation(
                "Check an AutoML request (data included) and submit its job",
                status=201,
                body=CreateAutoMLExperiment,
                response=DescribeAutoMLExperiment,
            ),
        },
    ),
    Route(
        "/automl/experiments/{experiment_name}",
        ExperimentHandler,
        {"get": Operation("Describe an AutoML experiment", response=DescribeAutoMLExperiment)},
        params=EXPERIMENT,
    ),
    Route(
        "/automl/experiments/{experiment_name}/stop",
        StopHandler,
        {
            "post": Operation(
                "Stop an AutoML experiment, keeping finished candidates and the best model",
                response=DescribeAutoMLExperiment,
            )
        },
        params=EXPERIMENT,
    ),
    Route(
        "/automl/experiments/{experiment_name}/leaderboard",
        LeaderboardHandler,
        {"get": Operation("The candidates so far, best first", response=AutoMLLeaderboard)},
        params=EXPERIMENT,
    ),
    Route(
        "/automl/experiments/{experiment_name}/candidates/{candidate}",
        CandidateHandler,
        {"get": Operation("A candidate's metrics and charts' data", response=CandidateResults)},
        params=EXPERIMENT,
    ),
    Route(
        "/automl/experiments/{experiment_name}/register",
        RegisterHandler,
        {
            "post": Operation(
                "Register a candidate as a model version",
                status=201,
                body=RegisterCandidate,
                response=DescribeModelVersion,
            )
        },
        params=EXPERIMENT,
    ),
    Route(
        "/automl/experiments/{experiment_name}/deploy",
        DeployHandler,
        {
            "post": Operation(
                "Register a candidate and deploy it to a new endpoint",
                status=201,
                body=DeployCandidate,
                response=DeployedCandidate,
            )
        },
        params=EXPERIMENT,
    ),
    Route(
        "/automl/validate",
        ValidateHandler,
        {
            "post": Operation(
                "Check any subset of an AutoML request's fields (nothing is submitted)",
                body=ValidateAutoMLExperiment,
                response=AutoMLValidation,
            )
        },
    ),
    Route(
        "/automl/preview",
        PreviewHandler,
        {
            "get": Operation(
                "Columns, inferred types and first rows of a CSV or Parquet file",
                response=DataPreview,
                query=PreviewQuery,
            )
        },
    ),
]
