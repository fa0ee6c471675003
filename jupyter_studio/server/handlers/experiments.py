"""Experiments: experiments and runs of the domain's MLflow tracking store, metric histories,
run comparisons."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.experiments.schemas import (
    CompareRunsQuery,
    CreateExperiment,
    DescribeExperiment,
    DescribeRun,
    ExperimentId,
    ListRunsQuery,
    ListRunsResponse,
    MetricHistory,
    RunComparison,
)
from ...core.schemas import ListResponse
from ..routing import Operation, Route
from .base import StudioAPIHandler, typed_path


class ExperimentsBase(StudioAPIHandler):
    auth_resource = "studio:experiments"


class ExperimentsHandler(ExperimentsBase):
    """GET lists experiments the caller may see; POST creates one (private or in a space)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        caller = await self.caller()
        items = await self.run(self.studio.experiments.list_experiments, caller)
        self.send(ListResponse[DescribeExperiment](items=items, total_count=len(items)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(CreateExperiment)
        caller = await self.caller()
        self.send(
            await self.run(
                self.studio.experiments.create_experiment,
                caller,
                body.name,
                space_id=body.space_id,
            ),
            status=201,
        )


class ExperimentHandler(ExperimentsBase):
    """GET describes one experiment."""

    @web.authenticated
    @authorized
    @typed_path
    async def get(self, experiment_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.experiments.get_experiment, caller, experiment_id))


class RunsHandler(ExperimentsBase):
    """GET lists runs (MLflow filter and order syntax), in one experiment or in all."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(ListRunsQuery)
        caller = await self.caller()
        self.send(
            await self.run(
                self.studio.experiments.list_runs,
                caller,
                query.experiment_id,
                order_by=query.order_by,
                filter=query.filter,
                max_results=query.max_results,
                page_token=query.page_token,
            )
        )


class RunHandler(ExperimentsBase):
    """GET one run: parameters, latest metrics, tags, status, artifact folder."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.experiments.get_run, caller, run_id))


class MetricHistoryHandler(ExperimentsBase):
    """GET every logged value of one metric of a run, by step."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str, key: str) -> None:
        caller = await self.caller()
        self.send(await self.run(self.studio.experiments.metric_history, caller, run_id, key))


class CompareRunsHandler(ExperimentsBase):
    """POST two to five run ids: their parameters, metrics and histories side by side."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(CompareRunsQuery)
        caller = await self.caller()
        self.send(await self.run(self.studio.experiments.compare_runs, caller, body.run_ids))


ROUTES: list[Route] = [
    Route(
        "/experiments",
        ExperimentsHandler,
        {
            "get": Operation(
                "List experiments the caller may see", response=ListResponse[DescribeExperiment]
            ),
            "post": Operation(
                "Create an experiment (private, or shared with a space)",
                status=201,
                body=CreateExperiment,
                response=DescribeExperiment,
            ),
        },
    ),
    Route(
        "/experiments/{experiment_id}",
        ExperimentHandler,
        {"get": Operation("Describe an experiment", response=DescribeExperiment)},
        types={"experiment_id": ExperimentId},
    ),
    Route(
        "/runs",
        RunsHandler,
        {
            "get": Operation(
                "List runs the caller may see",
                response=ListRunsResponse,
                query=ListRunsQuery,
            )
        },
    ),
    Route(
        "/runs/{run_id}/metrics/{key}",
        MetricHistoryHandler,
        {"get": Operation("A metric's values over steps", response=MetricHistory)},
        params={"key": r"[^/]{1,250}"},
    ),
    Route(
        "/runs/compare",
        CompareRunsHandler,
        {
            "post": Operation(
                "Compare two to five runs side by side",
                body=CompareRunsQuery,
                response=RunComparison,
            )
        },
    ),
    Route("/runs/{run_id}", RunHandler, {"get": Operation("Describe a run", response=DescribeRun)}),
]
