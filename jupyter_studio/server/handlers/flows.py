"""Data Wrangler flows: catalogue, previews, edits, insights report, exports, runs and hand-off.

Every request names its flow by ``document`` (the editor's JSON, so unsaved edits preview) or
``path`` (a saved ``.flow`` file). Each handler parses its request and calls one method of
:class:`~jupyter_studio.core.wrangler.operations.FlowOperations` off the event loop: which nodes
run user code in a child process, the cache of their results and where exports may be written
are decided there, in the engine.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.jobs.schemas import DescribeJob
from ...core.spaces.paths import PathScope
from ...core.wrangler.operations import FlowOperations
from ...core.wrangler.requests import (
    EditFlow,
    EditFlowResponse,
    ExportedFile,
    ExportFlowCode,
    ExportReportHtml,
    FlowReportRequest,
    FlowStatuses,
    FlowStatusRequest,
    ListOperatorsResponse,
    ListTransformsResponse,
    OperatorInfo,
    PreviewFlowNode,
    RunFlow,
    TrainFromFlow,
    TrainFromFlowResponse,
)
from ...core.wrangler.schemas import InsightsReport, NodePreview
from ..routing import Operation, Route
from .base import StudioAPIHandler


class FlowsBase(StudioAPIHandler):
    auth_resource = "studio:flows"

    @property
    def flows(self) -> Any:
        return self.studio.flows

    @property
    def operations(self) -> FlowOperations:
        return self.studio.flow_operations

    async def scope(self) -> PathScope:
        caller = await self.caller()
        return await self.run(self.studio.spaces.path_scope, caller)


class FlowTransformsHandler(FlowsBase):
    """GET lists every transform with its family and parameter JSON schema (the step picker)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        items = await self.run(self.flows.list_transforms)
        self.send(ListTransformsResponse(items=items, families=self.flows.families()))


class FlowAnalysesHandler(FlowsBase):
    """GET lists every analysis with its parameter JSON schema."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        items = await self.run(self.flows.list_analyses)
        self.send(ListOperatorsResponse(items=[OperatorInfo(**i) for i in items]))


class FlowSourcesHandler(FlowsBase):
    """GET lists every source type (file, object_store, sql, duckdb) with its parameter schema."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        items = await self.run(self.flows.list_sources)
        self.send(ListOperatorsResponse(items=[OperatorInfo(**i) for i in items]))


class FlowPreviewHandler(FlowsBase):
    """POST computes a node on the sample: columns, types, histograms and rows, or its error."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(PreviewFlowNode)
        scope = await self.scope()
        self.send(await self.run(self.operations.preview, scope, body))


class FlowStatusesHandler(FlowsBase):
    """POST tells, for every source and step, whether it computes on the sample (the graph's
    error badges); analyses and nodes downstream of user code are skipped."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(FlowStatusRequest)
        scope = await self.scope()
        self.send(await self.run(self.operations.statuses, scope, body))


class FlowEditsHandler(FlowsBase):
    """POST applies one edit (add a step or node, update, delete, parameters, settings)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(EditFlow)
        scope = await self.scope()
        self.send(await self.run(self.operations.edit, scope, body))


class FlowReportHandler(FlowsBase):
    """POST computes the Data Quality and Insights report of a node on the sample."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(FlowReportRequest)
        scope = await self.scope()
        self.send(await self.run(self.operations.report, scope, body))


class FlowReportHtmlHandler(FlowsBase):
    """POST writes the report of a node as one standalone HTML file in the caller's files."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(ExportReportHtml)
        scope = await self.scope()
        self.send(await self.run(self.operations.write_report_html, scope, body), status=201)


class FlowExportsHandler(FlowsBase):
    """POST writes a Python script or a notebook that reproduces the flow up to a node."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(ExportFlowCode)
        scope = await self.scope()
        self.send(await self.run(self.operations.export_code, scope, body), status=201)


class FlowRunsHandler(FlowsBase):
    """POST runs a saved flow on all rows as a ``flow`` job (CSV/Parquet output, full report)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(RunFlow)
        caller = await self.caller()
        self.send(await self.run(self.operations.run, caller, body), status=201)


class FlowHandoffsHandler(FlowsBase):
    """POST "Export and train": a job writes the training data and pipeline; returns the
    pre-filled AutoML request."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(TrainFromFlow)
        caller = await self.caller()
        self.send(await self.run(self.operations.handoff, caller, body), status=201)


ROUTES: list[Route] = [
    Route(
        "/flows/transforms",
        FlowTransformsHandler,
        {
            "get": Operation(
                "List the transforms with their parameter forms", response=ListTransformsResponse
            )
        },
    ),
    Route(
        "/flows/analyses",
        FlowAnalysesHandler,
        {"get": Operation("List the analyses", response=ListOperatorsResponse)},
    ),
    Route(
        "/flows/sources",
        FlowSourcesHandler,
        {"get": Operation("List the source types", response=ListOperatorsResponse)},
    ),
    Route(
        "/flows/preview",
        FlowPreviewHandler,
        {
            "post": Operation(
                "Preview a node on the sample (the node's error when it fails)",
                body=PreviewFlowNode,
                response=NodePreview,
            )
        },
    ),
    Route(
        "/flows/statuses",
        FlowStatusesHandler,
        {
            "post": Operation(
                "Whether each source and step computes on the sample (errors by node)",
                body=FlowStatusRequest,
                response=FlowStatuses,
            )
        },
    ),
    Route(
        "/flows/edits",
        FlowEditsHandler,
        {
            "post": Operation(
                "Apply one edit to a flow (and save it)", body=EditFlow, response=EditFlowResponse
            )
        },
    ),
    Route(
        "/flows/report",
        FlowReportHandler,
        {
            "post": Operation(
                "Data Quality and Insights report of a node on the sample",
                body=FlowReportRequest,
                response=InsightsReport,
            )
        },
    ),
    Route(
        "/flows/report/html",
        FlowReportHtmlHandler,
        {
            "post": Operation(
                "Write the report of a node as a standalone HTML file",
                status=201,
                body=ExportReportHtml,
                response=ExportedFile,
            )
        },
    ),
    Route(
        "/flows/exports",
        FlowExportsHandler,
        {
            "post": Operation(
                "Write a Python script or notebook reproducing the flow",
                status=201,
                body=ExportFlowCode,
                response=ExportedFile,
            )
        },
    ),
    Route(
        "/flows/runs",
        FlowRunsHandler,
        {
            "post": Operation(
                "Run a saved flow on all rows as a job (CSV/Parquet output, full-data report)",
                status=201,
                body=RunFlow,
                response=DescribeJob,
            )
        },
    ),
    Route(
        "/flows/handoffs",
        FlowHandoffsHandler,
        {
            "post": Operation(
                "Export and train: write the training data as a job, return the AutoML request",
                status=201,
                body=TrainFromFlow,
                response=TrainFromFlowResponse,
            )
        },
    ),
]
