"""Request and response models of the Data Wrangler REST API (``/studio/api/flows/...``).

A request names its flow by ``document`` (the JSON the editor holds, so unsaved edits preview)
or by ``path`` (a saved ``.flow`` file); jobs (full runs, full reports, hand-offs) read the
saved file, as a worker cannot see the editor's memory.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..jobs.schemas import DescribeJob
from ..schemas import MAX_INT, StrictBool, StrictInt
from .job import ObjectStoreOutput
from .schemas import FlowDocument, NodeErrorInfo, SampleSettings, TransformInfo

__all__ = [
    "AutoMLRequest",
    "EditFlow",
    "EditFlowResponse",
    "ExportFlowCode",
    "ExportReportHtml",
    "ExportedFile",
    "FlowNodeRequest",
    "FlowReportRequest",
    "FlowStatusRequest",
    "FlowStatuses",
    "NodeStatus",
    "ListOperatorsResponse",
    "ListTransformsResponse",
    "OperatorInfo",
    "PreviewFlowNode",
    "RunFlow",
    "TrainFromFlow",
    "TrainFromFlowResponse",
]


#: The document says what ``_one_flow`` checks: a document or a path, not both null.
_DOCUMENT_OR_PATH: dict[str, Any] = {
    "anyOf": [
        {"required": ["document"], "properties": {"document": {"type": "object"}}},
        {"required": ["path"], "properties": {"path": {"type": "string"}}},
    ]
}
#: The suffixes an export's ``output`` must have (checked case-insensitively by
#: ``resolve_output``; the OpenAPI document only describes them, so both say the same).
_HTML_OUTPUT = r"\.[hH][tT][mM][lL]?$"
_SCRIPT_OUTPUT = r"\.[pP][yY]$"
_NOTEBOOK_OUTPUT = r"\.[iI][pP][yY][nN][bB]$"


class FlowRef(BaseModel):
    """Which flow: the editor's document, or a saved ``.flow`` file."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_DOCUMENT_OR_PATH)

    document: dict[str, Any] | None = Field(
        default=None, description="The flow document (the JSON of a .flow file)."
    )
    path: str | None = Field(
        default=None, min_length=1, description="File-browser path of a saved .flow file."
    )

    @model_validator(mode="after")
    def _one_flow(self) -> FlowRef:
        if self.document is None and self.path is None:
            raise ValueError("give the flow as 'document' (its JSON) or 'path' (a .flow file)")
        return self

    def flow(self) -> dict[str, Any] | str:
        """The document if given, else the path (what ``FlowService`` methods accept)."""
        return self.document if self.document is not None else str(self.path)


class FlowNodeRequest(FlowRef):
    """A node of a flow, with flow parameter values (``{date}`` in a path)."""

    node_id: str = Field(min_length=1, max_length=64)
    parameters: dict[str, str] = Field(
        default_factory=dict, description="Flow parameter values (default: each one's default)."
    )


class PreviewFlowNode(FlowNodeRequest):
    """Body of ``POST /flows/preview``."""

    rows_offset: StrictInt = Field(default=0, ge=0, le=MAX_INT)
    rows_limit: StrictInt = Field(default=100, ge=0, le=10_000)
    sample: SampleSettings | None = Field(
        default=None,
        description="Sample to preview on (first or random N rows, default 50,000): "
        "overrides the flow's settings for this request.",
    )


class FlowStatusRequest(FlowRef):
    """Body of ``POST /flows/statuses``."""

    parameters: dict[str, str] = Field(default_factory=dict)


class NodeStatus(BaseModel):
    """Whether a node computes on the sample; ``skipped`` for analyses and user code."""

    node_id: str
    status: Literal["ok", "error", "skipped"]
    error: NodeErrorInfo | None = None


class FlowStatuses(BaseModel):
    items: list[NodeStatus]


class AddStep(BaseModel):
    """An edit that adds a step: the server picks its id, kind and position."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["add_step"] = "add_step"
    operator: str = Field(min_length=1, max_length=100)
    inputs: list[str] = Field(default_factory=list, max_length=2)
    parameters: dict[str, Any] = Field(default_factory=dict)
    title: str = Field(default="", max_length=200)


class EditFlow(FlowRef):
    """Body of ``POST /flows/edits``: one edit, optionally saved to ``path``.

    ``edit.op`` is ``add_step`` (operator, inputs, parameters: a source, a transform, a join
    or concatenation with two inputs, an analysis, ``cast_columns`` for data types),
    ``add_node``, ``update_node``, ``delete_node``, ``set_parameters`` or ``set_settings``.
    """

    edit: dict[str, Any]
    save: StrictBool = Field(default=False, description="Also write the result to 'path'.")


class EditFlowResponse(BaseModel):
    """The document after the edit, the nodes whose results changed and the added node."""

    document: FlowDocument
    changed_nodes: list[str]
    node_id: str | None = Field(default=None, description="Id of the node an add created.")


class FlowReportRequest(FlowNodeRequest):
    """Body of ``POST /flows/report``: the insights report of a node on the sample."""

    target: str | None = Field(default=None, max_length=1000)


class ExportReportHtml(FlowReportRequest):
    """Body of ``POST /flows/report/html``."""

    output: str | None = Field(
        default=None,
        description="File-browser path of the .html file (default: beside the flow file).",
        json_schema_extra={"pattern": _HTML_OUTPUT},
    )
    overwrite: StrictBool = False


class ExportFlowCode(FlowNodeRequest):
    """Body of ``POST /flows/exports``: a Python script or notebook that reproduces the flow."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            **_DOCUMENT_OR_PATH,
            "if": {"required": ["format"], "properties": {"format": {"const": "notebook"}}},
            "then": {"properties": {"output": {"pattern": _NOTEBOOK_OUTPUT}}},
            "else": {"properties": {"output": {"pattern": _SCRIPT_OUTPUT}}},
        },
    )

    format: Literal["script", "notebook"] = "script"
    output: str | None = Field(
        default=None,
        description="File-browser path to write (default: beside the flow file, "
        "<flow>.py or <flow>.ipynb).",
    )
    overwrite: StrictBool = False


class ExportedFile(BaseModel):
    """A file written in the caller's files."""

    path: str
    format: str
    size_bytes: int


class RunFlow(BaseModel):
    """Body of ``POST /flows/runs``: run a saved flow on all rows as a ``flow`` job."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="File-browser path of the saved .flow file.")
    node_id: str | None = Field(default=None, description="Default: the flow's last step.")
    parameters: dict[str, str] = Field(default_factory=dict)
    output: str | None = Field(
        default=None,
        description="File-browser path of the .parquet or .csv output (default: the job's "
        "output folder).",
    )
    format: Literal["parquet", "csv"] | None = None
    overwrite: StrictBool = False
    output_store: ObjectStoreOutput | None = Field(
        default=None,
        description="Write the rows to an object store (s3://bucket/key.parquet) instead of "
        "'output'; credentials as ${ENV_VAR} references.",
    )
    report: StrictBool = Field(
        default=False, description="Also write the insights report on all rows."
    )
    report_target: str | None = None
    space_id: str | None = Field(default=None, description="Run in this space.")
    name: str | None = Field(default=None, max_length=200)


class TrainFromFlow(BaseModel):
    """Body of ``POST /flows/handoffs``: "Export and train"."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="File-browser path of the saved .flow file.")
    node_id: str | None = None
    target: str = Field(min_length=1, max_length=1000)
    parameters: dict[str, str] = Field(default_factory=dict)
    space_id: str | None = None


class AutoMLRequest(BaseModel):
    """The AutoML wizard's fields, pre-filled from a flow."""

    experiment_name: str
    data: str = Field(description="File-browser path of the training data (Parquet).")
    target: str
    space_id: str | None = None
    problem_type: Literal["auto", "binary", "multiclass", "regression"] = "auto"


class TrainFromFlowResponse(BaseModel):
    """The job writing the training data and pipeline, and the AutoML request to open."""

    job: DescribeJob
    automl_request: AutoMLRequest
    pipeline_path: str = Field(
        description="File-browser path where the job writes pipeline.json (the flow's "
        "transforms, kept beside the model so an endpoint takes raw rows)."
    )


class ListTransformsResponse(BaseModel):
    """The step picker's catalogue."""

    items: list[TransformInfo]
    families: list[str]


class OperatorInfo(BaseModel):
    """An analysis or a source type with its parameter form."""

    name: str
    title: str
    keywords: list[str] = Field(default_factory=list)
    parameters_schema: dict[str, Any]


class ListOperatorsResponse(BaseModel):
    items: list[OperatorInfo]
