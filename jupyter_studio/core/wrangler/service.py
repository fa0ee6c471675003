"""The Data Wrangler service: what the REST layer (and the CLI) call.

Every method takes the caller's :class:`~jupyter_studio.core.spaces.paths.PathScope` first:
flow files, source paths and outputs are resolved through it, so a user reaches only their
own files and the spaces they belong to. A ``document`` argument is either a contents path of
a ``.flow`` file or the document itself (a :class:`FlowDocument` or its JSON), so the editor
can preview unsaved edits.

Previews share one bounded cache of node results across requests, keyed by content and by
the caller's scope (its folders): editing a step recomputes only that step and those below
it, and callers with different rights never share cached results.

Long work (a full run, a report on all rows) is a ``flow`` job: submit
``studio.submit_job("flow", {"flow": path, ...})`` (see :mod:`.job`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..errors import InvalidInput, NotFound, PathOfAnotherKind
from .analyses import ANALYSES
from .edits import apply_edit, parse_edit
from .engine import ResultCache, RunResult
from .errors import FlowFormatError
from .flow import Flow
from .format import document_from_json, load_document, save_document
from .schemas import FlowDocument, InsightsReport, NodePreview, TrainingHandoff, TransformInfo
from .sources import SOURCES
from .transforms import FAMILIES, load_all

if TYPE_CHECKING:
    from ..spaces.paths import PathScope

__all__ = ["EditResult", "FlowService"]

DocumentLike = FlowDocument | dict[str, Any] | str


class EditResult(BaseModel):
    """A document after an edit, and the nodes whose previews changed."""

    document: FlowDocument
    changed_nodes: list[str]


class FlowService:
    """Data Wrangler for one server: transforms catalogue, documents, previews, reports, exports."""

    #: Seconds the server lets a preview or report that runs user code (custom steps or
    #: analyses) take; it runs in a child process that is killed after this (see isolation.py).
    user_code_timeout: float = 60.0

    def __init__(self, *, cache_bytes: int = 1 << 30) -> None:
        self.cache = ResultCache(cache_bytes)

    # -- catalogue -------------------------------------------------------------------------------

    def list_transforms(self) -> list[TransformInfo]:
        """Every transform with its family, keywords and parameter JSON schema (the form)."""
        registry = load_all()
        order = {f: i for i, f in enumerate(FAMILIES)}
        return [
            TransformInfo(
                name=t.name,
                title=t.title,
                family=t.family,
                keywords=list(t.keywords),
                description=t.description,
                inputs=t.inputs,
                version=t.version,
                streaming=t.streaming,
                parameters_schema=t.json_schema(),
            )
            for t in sorted(registry.values(), key=lambda t: (order[t.family], t.title))
        ]

    def list_analyses(self) -> list[dict[str, Any]]:
        """Every analysis with its parameter JSON schema."""
        return [
            {
                "name": a.name,
                "title": a.title,
                "keywords": list(a.keywords),
                "parameters_schema": a.params.model_json_schema(),
            }
            for a in ANALYSES.values()
        ]

    def list_sources(self) -> list[dict[str, Any]]:
        """Every source type with its parameter JSON schema."""
        return [
            {
                "name": name,
                "title": (model.__doc__ or name).strip().splitlines()[0],
                "parameters_schema": model.model_json_schema(),
            }
            for name, model in SOURCES.items()
        ]

    def families(self) -> list[str]:
        return list(FAMILIES)

    def operator_kind(self, operator: str) -> str:
        """``source``, ``transform`` or ``analysis``: what kind of node ``operator`` makes."""
        if operator in SOURCES:
            return "source"
        if operator in ANALYSES:
            return "analysis"
        if operator in load_all():
            return "transform"
        raise InvalidInput(
            f"There is no source, transform or analysis called {operator!r}: "
            "pick one from GET /studio/api/flows/transforms (or analyses, sources).",
            code="unknown_operator",
        )

    # -- documents -------------------------------------------------------------------------------

    def new_document(self, name: str = "") -> FlowDocument:
        return FlowDocument(name=name)

    def load(self, scope: PathScope, path: str) -> FlowDocument:
        """Open a ``.flow`` file in the caller's files."""
        real = scope.resolve(path, what="flow", must_exist=True, expect="file")
        try:
            return load_document(real)
        except FlowFormatError as exc:  # the request is fine; the file at the path is not a flow
            raise PathOfAnotherKind(f"The file {path!r}: {exc.message}", code=exc.code) from None

    def save(
        self, scope: PathScope, path: str, document: FlowDocument | dict[str, Any]
    ) -> FlowDocument:
        """Validate and write a ``.flow`` file atomically."""
        real = scope.resolve(path, what="flow")
        if real.suffix != ".flow":
            raise InvalidInput("A flow file name ends with .flow.", code="invalid_path")
        doc = self._parse(document)
        save_document(doc, real)
        return doc

    def apply_edit(
        self,
        scope: PathScope,
        document: DocumentLike,
        edit: dict[str, Any],
        *,
        save_to: str | None = None,
    ) -> EditResult:
        """Apply one edit (add/update/delete node, parameters, settings); optionally save."""
        before = self._document(scope, document)
        after = apply_edit(before, parse_edit(edit))
        flow_before, flow_after = self._flow(scope, before), self._flow(scope, after)
        changed = []
        for node in after.nodes:
            try:
                key_after = flow_after.engine.node_key(after, node.id, flow_after._values())
                key_before = (
                    flow_before.engine.node_key(before, node.id, flow_before._values())
                    if any(n.id == node.id for n in before.nodes)
                    else None
                )
            except Exception:  # noqa: BLE001 - a node that cannot be keyed changed
                key_after, key_before = "x", None
            if key_after != key_before:
                changed.append(node.id)
        if save_to is not None:
            self.save(scope, save_to, after)
        return EditResult(document=after, changed_nodes=changed)

    # -- previews and reports --------------------------------------------------------------------

    def node_key(
        self,
        scope: PathScope,
        document: DocumentLike,
        node_id: str,
        *,
        params: dict[str, Any] | None = None,
    ) -> str | None:
        """The content key of a node's result (its steps, parameters and source data), or
        None when it cannot be computed; equal keys mean equal previews."""
        from .engine import flow_parameter_values

        try:
            doc = self._document(scope, document)
            values = flow_parameter_values(doc, params)
            return self._flow(scope, doc).engine.node_key(doc, node_id, values)
        except Exception:  # noqa: BLE001 - no key, no caching
            return None

    def preview(
        self,
        scope: PathScope,
        document: DocumentLike,
        node_id: str,
        *,
        params: dict[str, Any] | None = None,
        rows_offset: int = 0,
        rows_limit: int = 100,
    ) -> NodePreview:
        """A node on the sample: columns with types and mini histograms, rows, or its error."""
        if rows_limit < 0 or rows_limit > 10_000 or rows_offset < 0:
            raise InvalidInput(
                "rows_limit is 0..10000 and rows_offset is 0 or more.", code="invalid_rows"
            )
        doc = self._document(scope, document)
        self._node(doc, node_id)
        return self._flow(scope, doc).engine.preview(
            doc, node_id, params, rows_offset=rows_offset, rows_limit=rows_limit
        )

    def preview_all(
        self,
        scope: PathScope,
        document: DocumentLike,
        *,
        params: dict[str, Any] | None = None,
        rows_limit: int = 100,
    ) -> dict[str, NodePreview]:
        doc = self._document(scope, document)
        return self._flow(scope, doc).engine.preview_all(doc, params, rows_limit=rows_limit)

    def report(
        self,
        scope: PathScope,
        document: DocumentLike,
        node_id: str,
        *,
        target: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> InsightsReport:
        """The insights report of a node on the sample (on all rows: a ``flow`` job with ``report``)."""
        doc = self._document(scope, document)
        self._node(doc, node_id)
        return self._flow(scope, doc).report(node_id, target=target, params=params)

    def report_html(
        self,
        scope: PathScope,
        document: DocumentLike,
        node_id: str,
        *,
        target: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> str:
        """The report as one standalone HTML file."""
        from .report import render_html

        return render_html(self.report(scope, document, node_id, target=target, params=params))

    # -- exports ---------------------------------------------------------------------------------

    def export_code(
        self, scope: PathScope, document: DocumentLike, node_id: str, *, format: str = "script"
    ) -> str:
        """A Python script or a notebook (nbformat JSON) that reproduces the flow up to a node."""
        if format not in ("script", "notebook"):
            raise InvalidInput("format is script or notebook.", code="invalid_format")
        doc = self._document(scope, document)
        self._node(doc, node_id)
        return self._flow(scope, doc).export_code(node_id, format=format)

    def run_to_file(
        self,
        scope: PathScope,
        document: DocumentLike,
        node_id: str,
        output: str,
        *,
        params: dict[str, Any] | None = None,
        overwrite: bool = False,
    ) -> RunResult:
        """Run a node on all rows into a file in the caller's files (in this process: small data;
        use a ``flow`` job for large data)."""
        doc = self._document(scope, document)
        self._node(doc, node_id)
        real = scope.resolve(output, what="output")
        if real.exists() and not overwrite:
            from ..errors import Conflict

            raise Conflict(f"The output {output!r} already exists.", code="output_exists")
        result = self._flow(scope, doc).run(node_id, params=params, output=real)
        assert isinstance(result, RunResult)
        return result

    def training_handoff(
        self,
        scope: PathScope,
        document: DocumentLike,
        node_id: str,
        target: str,
        output_dir: str,
        *,
        params: dict[str, Any] | None = None,
    ) -> TrainingHandoff:
        """Write the flow's output and its transform pipeline to a folder, for the AutoML wizard."""
        doc = self._document(scope, document)
        self._node(doc, node_id)
        folder = scope.resolve(output_dir, what="output folder")
        return self._flow(scope, doc).training_handoff(
            node_id, target, output_dir=folder, params=params
        )

    def job_parameters(
        self,
        flow_path: str,
        node_id: str | None = None,
        *,
        params: dict[str, str] | None = None,
        output: str | None = None,
        report_target: str | None = None,
    ) -> dict[str, Any]:
        """The parameters of a ``flow`` job (pass them to ``studio.submit_job("flow", ...)``)."""
        out: dict[str, Any] = {"flow": flow_path, "parameters": params or {}}
        if node_id:
            out["node"] = node_id
        if output:
            out["output"] = output
        if report_target:
            out["report_target"] = report_target
        return out

    # -- helpers ---------------------------------------------------------------------------------

    def _flow(self, scope: PathScope, document: FlowDocument) -> Flow:
        def resolve(path: str) -> Path:
            return scope.resolve(path, what="source path")

        namespace = "|".join(
            [str(scope.contents_root), str(scope.allow_outside_domain)]
            + sorted(str(d) for d in scope.allowed_dirs)
        )
        return Flow(
            document,
            resolve=resolve,
            root=scope.contents_root,
            cache=self.cache,
            namespace=namespace,
        )

    def _parse(self, document: FlowDocument | dict[str, Any]) -> FlowDocument:
        if isinstance(document, FlowDocument):
            return document
        import json

        try:
            return document_from_json(json.dumps(document))
        except FlowFormatError:
            raise
        except ValidationError as exc:  # pragma: no cover - document_from_json wraps these
            raise InvalidInput(str(exc), code="invalid_flow") from None

    def document(self, scope: PathScope, document: DocumentLike) -> FlowDocument:
        """The flow as a validated document: a saved file's path, a document or its JSON."""
        return self._document(scope, document)

    def _document(self, scope: PathScope, document: DocumentLike) -> FlowDocument:
        if isinstance(document, str):
            return self.load(scope, document)
        return self._parse(document)

    @staticmethod
    def _node(document: FlowDocument, node_id: str) -> None:
        try:
            document.node(node_id)
        except KeyError:
            raise NotFound(f"The flow has no node {node_id!r}.", code="unknown_node") from None
