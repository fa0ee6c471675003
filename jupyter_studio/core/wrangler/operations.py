"""What each Data Wrangler REST operation does, one blocking method per operation.

The server's handlers only parse the request, call one method here off the event loop and send
the answer. Which nodes run in a child process (user code: custom steps and analyses), the cache
of those children's results, and where exports may be written are decided here, in the engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Conflict, InvalidInput
from ..jobs.schemas import CreateJob, DescribeJob
from ..validation import parse_model
from .edits import make_node, parse_edit
from .format import atomic_write_text
from .isolation import IsolatedFailure, IsolatedResults, needs_isolation, run_isolated
from .requests import (
    AddStep,
    AutoMLRequest,
    EditFlow,
    EditFlowResponse,
    ExportedFile,
    ExportFlowCode,
    ExportReportHtml,
    FlowReportRequest,
    FlowStatuses,
    FlowStatusRequest,
    NodeStatus,
    PreviewFlowNode,
    RunFlow,
    TrainFromFlow,
    TrainFromFlowResponse,
)
from .schemas import FlowDocument, InsightsReport, NodePreview

if TYPE_CHECKING:
    from ..jobs.service import JobService
    from ..spaces.paths import PathScope
    from ..spaces.service import Caller
    from .service import FlowService

__all__ = ["FlowOperations", "resolve_output"]


def resolve_output(
    scope: PathScope,
    output: str | None,
    flow_path: str | None,
    default_name: str,
    suffixes: tuple[str, ...],
    overwrite: bool,
) -> tuple[Path, str]:
    """Where an export goes: ``output``, or ``default_name`` beside the saved flow.

    Returns the disk path and the file-browser path. A missing output for an unsaved flow, a
    wrong suffix, a path outside the caller's folders or an existing file (without
    ``overwrite``) is refused before anything is written.
    """
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


class FlowOperations:
    """The Data Wrangler operations of the REST API on top of the flow service and the jobs."""

    def __init__(self, flows: FlowService, jobs: JobService) -> None:
        self.flows = flows
        self.jobs = jobs
        #: Results computed in child processes, by node content (as the in-process cache).
        self.isolated_results = IsolatedResults()

    # -- computing nodes -------------------------------------------------------------------------

    def computed(
        self, method: str, scope: PathScope, doc: FlowDocument, node_id: str, **kwargs: Any
    ) -> Any:
        """``FlowService.<method>(scope, doc, node_id, **kwargs)``; in a child with user code."""
        if not needs_isolation(doc, node_id):
            return getattr(self.flows, method)(scope, doc, node_id, **kwargs)
        node_key = self.flows.node_key(scope, doc, node_id, params=kwargs.get("params"))
        key = (
            None
            if node_key is None
            else json.dumps([method, node_key, kwargs], sort_keys=True, default=str)
        )
        cached = self.isolated_results.get(key)
        if cached is not None:
            return cached
        result = run_isolated(
            method,
            doc,
            node_id,
            (scope, doc.model_dump(mode="json"), node_id),
            kwargs,
            timeout=float(self.flows.user_code_timeout),
        )
        self.isolated_results.put(key, result)
        return result

    def preview(self, scope: PathScope, body: PreviewFlowNode) -> NodePreview:
        """A node on the sample: columns, types, histograms and rows, or its error."""
        doc = self.flows.document(scope, body.flow())
        if body.sample is not None:
            doc = doc.model_copy(
                update={"settings": doc.settings.model_copy(update={"sample": body.sample})}
            )
        try:
            result = self.computed(
                "preview",
                scope,
                doc,
                body.node_id,
                params=body.parameters,
                rows_offset=body.rows_offset,
                rows_limit=body.rows_limit,
            )
        except IsolatedFailure as failure:
            result = failure.as_preview(body.node_id)
        return result if isinstance(result, NodePreview) else NodePreview(**result)

    def statuses(self, scope: PathScope, body: FlowStatusRequest) -> FlowStatuses:
        """Whether each source and step computes on the sample; analyses and user code skipped."""
        doc = self.flows.document(scope, body.flow())
        items = []
        for node in doc.nodes:
            if node.kind == "analysis" or needs_isolation(doc, node.id):
                items.append(NodeStatus(node_id=node.id, status="skipped"))
                continue
            preview = self.flows.preview(scope, doc, node.id, params=body.parameters, rows_limit=0)
            items.append(NodeStatus(node_id=node.id, status=preview.status, error=preview.error))
        return FlowStatuses(items=items)

    def report(self, scope: PathScope, body: FlowReportRequest) -> InsightsReport:
        """The Data Quality and Insights report of a node on the sample."""
        doc = self.flows.document(scope, body.flow())
        result = self.computed(
            "report", scope, doc, body.node_id, target=body.target, params=body.parameters
        )
        return result if isinstance(result, InsightsReport) else InsightsReport(**result)

    # -- editing and exporting -------------------------------------------------------------------

    def edit(self, scope: PathScope, body: EditFlow) -> EditFlowResponse:
        """Apply one edit (and save the flow when asked)."""
        if body.save and body.path is None:
            raise InvalidInput("To save the edit, give the flow's 'path'.", code="missing_path")
        doc = self.flows.document(scope, body.flow())
        edit = dict(body.edit)
        added: str | None = None
        if edit.get("op") == "add_step":
            step = parse_model(AddStep, edit, "edit")
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

    def write_report_html(self, scope: PathScope, body: ExportReportHtml) -> ExportedFile:
        """Write a node's report as one standalone HTML file in the caller's files."""
        from .report import render_html

        stem = Path(body.path).stem if body.path else "flow"
        real, path = resolve_output(
            scope,
            body.output,
            body.path,
            f"{stem}-{body.node_id}-report.html",
            (".html", ".htm"),
            body.overwrite,
        )
        report = self.report(scope, body)
        real.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(real, render_html(report))
        return ExportedFile(path=path, format="html", size_bytes=real.stat().st_size)

    def export_code(self, scope: PathScope, body: ExportFlowCode) -> ExportedFile:
        """Write a Python script or a notebook that reproduces the flow up to a node."""
        suffix = ".py" if body.format == "script" else ".ipynb"
        stem = Path(body.path).stem if body.path else "flow"
        real, path = resolve_output(
            scope, body.output, body.path, stem + suffix, (suffix,), body.overwrite
        )
        code = self.flows.export_code(scope, body.flow(), body.node_id, format=body.format)
        real.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(real, code)
        return ExportedFile(path=path, format=body.format, size_bytes=real.stat().st_size)

    # -- jobs ------------------------------------------------------------------------------------

    def run(self, caller: Caller, body: RunFlow) -> DescribeJob:
        """Run a saved flow on all rows as a ``flow`` job."""
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
        return self.jobs.create(caller, job)

    def handoff(self, caller: Caller, body: TrainFromFlow) -> TrainFromFlowResponse:
        """ "Export and train": a job writes the training data and pipeline; the pre-filled
        AutoML request comes back at once."""
        parameters = self.flows.job_parameters(body.path, body.node_id, params=body.parameters)
        parameters["handoff_target"] = body.target
        create = CreateJob(
            kind="flow",
            name=f"{Path(body.path).stem or 'flow'}-train-data",
            space_id=body.space_id,
            parameters=parameters,
        )
        job = self.jobs.create(caller, create)
        folder = job.output_path or ""
        stem = "".join(c if c.isalnum() else "-" for c in Path(body.path).stem.lower()).strip("-")
        request = AutoMLRequest(
            experiment_name=f"{stem or 'flow'}-{job.job_id[:8]}"[:63],
            data=f"{folder}/data.parquet",
            target=body.target,
            space_id=body.space_id,
        )
        return TrainFromFlowResponse(
            job=job, automl_request=request, pipeline_path=f"{folder}/pipeline.json"
        )
