"""Data Wrangler flows: catalogue, previews, edits, insights report, exports, runs and hand-off.

Every request names its flow by ``document`` (the editor's JSON, so unsaved edits preview) or
``path`` (a saved ``.flow`` file). Paths (sources, outputs) go through the caller's path scope.
A node whose ancestry holds user code (custom pandas/Polars steps, custom analyses) is computed
in a child process with a time limit (:mod:`jupyter_studio.core.wrangler.isolation`), so code
that hangs or crashes cannot take the Jupyter server down.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...core.errors import Conflict, InvalidInput
from ...core.jobs.schemas import CreateJob, DescribeJob
from ...core.spaces.paths import PathScope
from ...core.wrangler.edits import make_node, parse_edit
from ...core.wrangler.format import atomic_write_text
from ...core.wrangler.isolation import (
    IsolatedFailure,
    IsolatedResults,
    needs_isolation,
    run_isolated,
)
from ...core.wrangler.requests import (
    AutoMLRequest,
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
    NodeStatus,
    OperatorInfo,
    PreviewFlowNode,
    RunFlow,
    TrainFromFlow,
    TrainFromFlowResponse,
)
from ...core.wrangler.schemas import FlowDocument, InsightsReport, NodePreview
from ..routing import Operation, Route
from .base import StudioAPIHandler

#: Seconds a preview or report with user code may take before its process is killed.
DEFAULT_USER_CODE_TIMEOUT = 60.0
#: Results computed in child processes, by node content (as the in-process preview cache).
ISOLATED_RESULTS = IsolatedResults()


class FlowsBase(StudioAPIHandler):
    auth_resource = "studio:flows"

    @property
    def flows(self) -> Any:
        return self.studio.flows

    @property
    def user_code_timeout(self) -> float:
        """``c.StudioApp``-free knob: tests and admins set ``studio.flows.user_code_timeout``."""
        return float(getattr(self.flows, "user_code_timeout", DEFAULT_USER_CODE_TIMEOUT))

    async def scope(self) -> PathScope:
        caller = await self.caller()
        return await self.run(self.studio.spaces.path_scope, caller)

    def document(self, scope: PathScope, flow: dict[str, Any] | str) -> FlowDocument:
        """The flow as a validated document (blocking: call through ``run``)."""
        return self.flows.document(scope, flow)

    def output_path(
        self,
        scope: PathScope,
        output: str | None,
        flow_path: str | None,
        default_name: str,
        suffixes: tuple[str, ...],
        overwrite: bool,
    ) -> tuple[Path, str]:
        """Resolve where an export goes: the given path, or ``default_name`` beside the flow."""
        if output is None:
            if flow_path is None:
                raise InvalidInput(
                    "Give 'output' (a path in your files), or save the flow and give its 'path'.",
                    code="missing_output",
                )
            parent = str(Path(flow_path).parent)
            output = default_name if parent in ("", ".") else f"{parent}/{default_name}"
        if not output.lower().endswith(suffixes):
            raise InvalidInput(
                f"The output {output!r} must end with {' or '.join(suffixes)}.",
                code="invalid_output",
            )
        real = scope.resolve(output, what="output", expect="file")
        if real.exists() and not overwrite:
            raise Conflict(
                f"The output {output!r} already exists: choose another name, or set overwrite.",
                code="output_exists",
            )
        return real, scope.to_contents_path(real) or output

    async def guarded(
        self, method: str, scope: PathScope, doc: FlowDocument, node_id: str, **kwargs: Any
    ) -> Any:
        """Call ``FlowService.<method>(scope, doc, node_id, **kwargs)``; user code in a child."""
        if not needs_isolation(doc, node_id):
            return await self.run(getattr(self.flows, method), scope, doc, node_id, **kwargs)
        node_key = await self.run(
            self.flows.node_key, scope, doc, node_id, params=kwargs.get("params")
        )
        key = (
            None
            if node_key is None
            else json.dumps([method, node_key, kwargs], sort_keys=True, default=str)
        )
        cached = ISOLATED_RESULTS.get(key)
        if cached is not None:
            return cached
        result = await self.run(
            run_isolated,
            method,
            doc,
            node_id,
            (scope, doc.model_dump(mode="json"), node_id),
            kwargs,
            timeout=self.user_code_timeout,
        )
        ISOLATED_RESULTS.put(key, result)
        return result


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
        doc = await self.run(self.document, scope, body.flow())
        if body.sample is not None:
            doc = doc.model_copy(
                update={"settings": doc.settings.model_copy(update={"sample": body.sample})}
            )
        kwargs = {
            "params": body.parameters,
            "rows_offset": body.rows_offset,
            "rows_limit": body.rows_limit,
        }
        try:
            result = await self.guarded("preview", scope, doc, body.node_id, **kwargs)
        except IsolatedFailure as failure:
            result = failure.as_preview(body.node_id)
        self.send(result if isinstance(result, NodePreview) else NodePreview(**result))


class FlowStatusesHandler(FlowsBase):
    """POST tells, for every source and step, whether it computes on the sample (the graph's
    error badges); analyses and nodes downstream of user code are skipped."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(FlowStatusRequest)
        scope = await self.scope()
        self.send(await self.run(self._statuses, scope, body))

    def _statuses(self, scope: PathScope, body: FlowStatusRequest) -> FlowStatuses:
        doc = self.flows.document(scope, body.flow())
        items = []
        for node in doc.nodes:
            if node.kind == "analysis" or needs_isolation(doc, node.id):
                items.append(NodeStatus(node_id=node.id, status="skipped"))
                continue
            preview = self.flows.preview(scope, doc, node.id, params=body.parameters, rows_limit=0)
            items.append(NodeStatus(node_id=node.id, status=preview.status, error=preview.error))
        return FlowStatuses(items=items)


class FlowEditsHandler(FlowsBase):
    """POST applies one edit (add a step or node, update, delete, parameters, settings)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(EditFlow)
        if body.save and body.path is None:
            raise InvalidInput("To save the edit, give the flow's 'path'.", code="missing_path")
        scope = await self.scope()
        self.send(await self.run(self._edit, scope, body))

    def _edit(self, scope: PathScope, body: EditFlow) -> EditFlowResponse:
        doc = self.flows.document(scope, body.flow())
        edit = dict(body.edit)
        added: str | None = None
        if edit.get("op") == "add_step":
            from ...core.wrangler.requests import AddStep

            step = self.parse(AddStep, edit, "edit")
            node = make_node(
                doc,
                self.flows.operator_kind(step.operator),
                step.operator,
                step.inputs,
                step.parameters,
                title=step.title,
            )
            edit = {"op": "add_node", "node": node.model_dump(mode="json")}
        parsed = parse_edit(edit)
        if getattr(parsed, "op", "") == "add_node":
            added = parsed.node.id
        result = self.flows.apply_edit(
            scope, doc, parsed.model_dump(mode="json"), save_to=body.path if body.save else None
        )
        return EditFlowResponse(
            document=result.document, changed_nodes=result.changed_nodes, node_id=added
        )


class FlowReportHandler(FlowsBase):
    """POST computes the Data Quality and Insights report of a node on the sample."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(FlowReportRequest)
        scope = await self.scope()
        self.send(await self._report(scope, body))

    async def _report(self, scope: PathScope, body: FlowReportRequest) -> InsightsReport:
        doc = await self.run(self.document, scope, body.flow())
        result = await self.guarded(
            "report", scope, doc, body.node_id, target=body.target, params=body.parameters
        )
        return result if isinstance(result, InsightsReport) else InsightsReport(**result)


class FlowReportHtmlHandler(FlowReportHandler):
    """POST writes the report of a node as one standalone HTML file in the caller's files."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(ExportReportHtml)
        scope = await self.scope()
        stem = Path(body.path).stem if body.path else "flow"
        real, path = await self.run(
            self.output_path,
            scope,
            body.output,
            body.path,
            f"{stem}-{body.node_id}-report.html",
            (".html", ".htm"),
            body.overwrite,
        )
        report = await self._report(scope, body)
        size = await self.run(self._write_html, real, report)
        self.send(ExportedFile(path=path, format="html", size_bytes=size), status=201)

    @staticmethod
    def _write_html(real: Path, report: InsightsReport) -> int:
        from ...core.wrangler.report import render_html

        real.parent.mkdir(parents=True, exist_ok=True)
        text = render_html(report)
        atomic_write_text(real, text)
        return real.stat().st_size


class FlowExportsHandler(FlowsBase):
    """POST writes a Python script or a notebook that reproduces the flow up to a node."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(ExportFlowCode)
        scope = await self.scope()
        self.send(await self.run(self._export, scope, body), status=201)

    def _export(self, scope: PathScope, body: ExportFlowCode) -> ExportedFile:
        suffix = ".py" if body.format == "script" else ".ipynb"
        stem = Path(body.path).stem if body.path else "flow"
        real, path = self.output_path(
            scope, body.output, body.path, stem + suffix, (suffix,), body.overwrite
        )
        code = self.flows.export_code(scope, body.flow(), body.node_id, format=body.format)
        real.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(real, code)
        return ExportedFile(path=path, format=body.format, size_bytes=real.stat().st_size)


class FlowRunsHandler(FlowsBase):
    """POST runs a saved flow on all rows as a ``flow`` job (CSV/Parquet output, full report)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(RunFlow)
        caller = await self.caller()
        parameters = self.flows.job_parameters(
            body.path,
            body.node_id,
            params=body.parameters,
            output=body.output,
            report_target=body.report_target,
        )
        parameters.update(overwrite=body.overwrite, report=body.report)
        if body.output_store is not None:
            parameters["output_store"] = body.output_store.model_dump()
        if body.format:
            parameters["format"] = body.format
        job = CreateJob(kind="flow", name=body.name, space_id=body.space_id, parameters=parameters)
        self.send(await self.run(self.studio.jobs.create, caller, job), status=201)


class FlowHandoffsHandler(FlowsBase):
    """POST "Export and train": a job writes the training data and pipeline; returns the
    pre-filled AutoML request."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(TrainFromFlow)
        caller = await self.caller()
        parameters = self.flows.job_parameters(body.path, body.node_id, params=body.parameters)
        parameters["handoff_target"] = body.target
        create = CreateJob(
            kind="flow",
            name=f"{Path(body.path).stem or 'flow'}-train-data",
            space_id=body.space_id,
            parameters=parameters,
        )
        job: DescribeJob = await self.run(self.studio.jobs.create, caller, create)
        folder = job.output_path or ""
        stem = "".join(c if c.isalnum() else "-" for c in Path(body.path).stem.lower()).strip("-")
        request = AutoMLRequest(
            experiment_name=f"{stem or 'flow'}-{job.job_id[:8]}"[:63],
            data=f"{folder}/data.parquet",
            target=body.target,
            space_id=body.space_id,
        )
        self.send(
            TrainFromFlowResponse(
                job=job, automl_request=request, pipeline_path=f"{folder}/pipeline.json"
            ),
            status=201,
        )


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
