"""Pydantic models of Data Wrangler: the ``.flow`` document, previews, reports and edits.

The document is what ``docs/flow-format.md`` describes. Its structure (ids, inputs, no
cycles) is checked here; operators and their parameters are checked by the engine, node by
node, so a flow with one bad step still opens and that step shows what is wrong.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..schemas import Seed, StrictInt

__all__ = [
    "FORMAT_VERSION",
    "AnalysisOutput",
    "ColumnProfile",
    "FlowDocument",
    "FlowEdit",
    "FlowNode",
    "FlowParameter",
    "FlowSettings",
    "HistogramBin",
    "InsightsReport",
    "NodeErrorInfo",
    "NodePreview",
    "Position",
    "SampleSettings",
    "TrainingHandoff",
    "TransformInfo",
]

#: The version this code writes. Older files are migrated on load (see ``format.py``).
FORMAT_VERSION = 1
NODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_NODES = 2000
DEFAULT_SAMPLE_SIZE = 50_000

NodeKind = Literal["source", "transform", "analysis"]


class Position(BaseModel):
    """Where the graph editor draws a node (React Flow's ``position``)."""

    model_config = ConfigDict(extra="forbid")
    x: float = 0.0
    y: float = 0.0


class FlowNode(BaseModel):
    """One node: a source, a transform step (a join or concatenate has two inputs) or an analysis."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Unique within the flow: letters, digits, '-' and '_'.")
    kind: NodeKind
    operator: str = Field(
        min_length=1,
        max_length=100,
        description="What the node does: a source type (file, object_store, sql, duckdb), "
        "a transform name or an analysis name.",
    )
    operator_version: int = Field(
        default=1, ge=1, description="Version of the operator's parameters."
    )
    title: str = Field(default="", max_length=200)
    parameters: dict[str, Any] = Field(default_factory=dict)
    inputs: list[str] = Field(
        default_factory=list,
        max_length=2,
        description="Ids of the input nodes, in order (a join's left input, then its right).",
    )
    position: Position = Field(default_factory=Position)
    notes: str = Field(default="", max_length=10_000)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not NODE_ID.match(value):
            raise ValueError("a node id has 1 to 64 letters, digits, '-' or '_'")
        return value


class FlowParameter(BaseModel):
    """A named variable used as ``{name}`` in source paths, URLs, tables and queries."""

    model_config = ConfigDict(extra="forbid")
    name: str
    default: str = ""
    description: str = Field(default="", max_length=1000)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not PARAM_NAME.match(value):
            raise ValueError(
                "a parameter name is a letter or '_' followed by letters, digits or '_'"
            )
        return value


class SampleSettings(BaseModel):
    """How previews sample each source: its first ``size`` rows, or ``size`` rows at random."""

    model_config = ConfigDict(extra="forbid")
    method: Literal["first", "random"] = "first"
    size: StrictInt = Field(default=DEFAULT_SAMPLE_SIZE, ge=1, le=10_000_000)
    seed: Seed = 0


class FlowSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sample: SampleSettings = Field(default_factory=SampleSettings)


class FlowDocument(BaseModel):
    """A ``.flow`` file."""

    model_config = ConfigDict(extra="forbid")

    format_version: int = Field(default=FORMAT_VERSION, ge=1)
    name: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=10_000)
    parameters: list[FlowParameter] = Field(default_factory=list, max_length=100)
    settings: FlowSettings = Field(default_factory=FlowSettings)
    nodes: list[FlowNode] = Field(default_factory=list, max_length=MAX_NODES)
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Free data for editors (viewport, colours...)."
    )

    @model_validator(mode="after")
    def _structure(self) -> FlowDocument:
        ids: set[str] = set()
        for node in self.nodes:
            if node.id in ids:
                raise ValueError(f"two nodes have the id {node.id!r}")
            ids.add(node.id)
        names = [p.name for p in self.parameters]
        if len(names) != len(set(names)):
            raise ValueError("two flow parameters have the same name")
        for node in self.nodes:
            for source in node.inputs:
                if source not in ids:
                    raise ValueError(
                        f"node {node.id!r} reads from {source!r}, which is not in the flow"
                    )
                if source == node.id:
                    raise ValueError(f"node {node.id!r} reads from itself")
            if node.kind == "source" and node.inputs:
                raise ValueError(f"source node {node.id!r} cannot have inputs")
        by_id = {n.id: n for n in self.nodes}
        state: dict[str, int] = {}

        def visit(node_id: str) -> None:
            state[node_id] = 1
            for parent in by_id[node_id].inputs:
                if state.get(parent) == 1:
                    raise ValueError(f"the flow has a cycle through node {parent!r}")
                if parent not in state:
                    visit(parent)
            state[node_id] = 2

        for node_id in by_id:
            if node_id not in state:
                visit(node_id)
        return self

    def node(self, node_id: str) -> FlowNode:
        """The node called ``node_id`` (KeyError otherwise)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def children(self, node_id: str) -> list[FlowNode]:
        return [n for n in self.nodes if node_id in n.inputs]

    def ancestors(self, node_id: str) -> list[FlowNode]:
        """The node and everything it reads from, sources first (each node once)."""
        order: list[FlowNode] = []
        seen: set[str] = set()

        def visit(nid: str) -> None:
            if nid in seen:
                return
            seen.add(nid)
            node = self.node(nid)
            for parent in node.inputs:
                visit(parent)
            order.append(node)

        visit(node_id)
        return order


# -- previews --------------------------------------------------------------------------------


class NodeErrorInfo(BaseModel):
    """A node's failure as data: which node, what happened, what to do."""

    node_id: str | None
    code: str
    message: str
    hint: str = ""
    columns: list[str] = Field(default_factory=list)


class HistogramBin(BaseModel):
    """One bar of a column's mini histogram (numeric and datetime columns)."""

    start: float | str
    end: float | str
    count: int


class TopValue(BaseModel):
    value: str
    count: int


class ColumnProfile(BaseModel):
    """A column of a preview: type and the data of its mini histogram."""

    name: str
    dtype: str
    kind: Literal["numeric", "categorical", "text", "datetime", "boolean", "other"]
    missing: int
    unique: int | None = None
    min: float | str | None = None
    max: float | str | None = None
    mean: float | None = None
    histogram: list[HistogramBin] = Field(default_factory=list)
    top_values: list[TopValue] = Field(default_factory=list)


class AnalysisOutput(BaseModel):
    """What an analysis node shows: a Vega-Lite chart, a table, or both."""

    title: str = ""
    mime_type: str = "application/vnd.vegalite.v5+json"
    chart: dict[str, Any] | None = None
    table: list[dict[str, Any]] | None = None
    text: str = ""


class NodePreview(BaseModel):
    """A node computed on the sample: columns, rows and histograms, or the error."""

    node_id: str
    status: Literal["ok", "error"]
    error: NodeErrorInfo | None = None
    columns: list[ColumnProfile] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)
    row_count: int = 0
    rows_offset: int = 0
    sample: SampleSettings | None = None
    output: AnalysisOutput | None = None
    elapsed_seconds: float = 0.0


class TransformInfo(BaseModel):
    """A transform as the step picker lists it; ``parameters_schema`` drives its form."""

    name: str
    title: str
    family: str
    keywords: list[str]
    description: str
    inputs: int
    version: int
    streaming: bool
    parameters_schema: dict[str, Any]


# -- edits (what the UI sends) -----------------------------------------------------------------


class AddNode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: Literal["add_node"] = "add_node"
    node: FlowNode


class UpdateNode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: Literal["update_node"] = "update_node"
    node_id: str
    title: str | None = None
    parameters: dict[str, Any] | None = None
    inputs: list[str] | None = None
    position: Position | None = None
    notes: str | None = None


class DeleteNode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: Literal["delete_node"] = "delete_node"
    node_id: str
    reconnect: bool = Field(
        default=True, description="Connect the node's children to its first input."
    )


class SetFlowParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: Literal["set_parameters"] = "set_parameters"
    parameters: list[FlowParameter]


class SetSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: Literal["set_settings"] = "set_settings"
    settings: FlowSettings


FlowEdit = Annotated[
    AddNode | UpdateNode | DeleteNode | SetFlowParameters | SetSettings, Field(discriminator="op")
]


# -- insights report ---------------------------------------------------------------------------


class ReportIssue(BaseModel):
    """A problem the report found, with its severity and what to do about it."""

    code: str
    severity: Literal["high", "medium", "low"]
    title: str
    detail: str
    advice: str
    columns: list[str] = Field(default_factory=list)


class FeatureSummary(BaseModel):
    name: str
    dtype: str
    kind: str
    missing_fraction: float
    unique: int
    outlier_fraction: float | None = None
    prediction_power: float | None = Field(
        default=None, description="Cross-validated score of a model on this column alone (0..1)."
    )


class TargetSummary(BaseModel):
    name: str
    problem_type: Literal["binary", "multiclass", "regression"]
    missing: int
    distribution: list[dict[str, Any]]
    imbalance_ratio: float | None = None
    outlier_fraction: float | None = None


class QuickModel(BaseModel):
    model: str
    metric: str
    score: float
    folds: int
    rows_used: int
    feature_importance: list[dict[str, Any]]


class DatasetSummary(BaseModel):
    rows: int
    columns: int
    column_types: dict[str, int]
    missing_cells: int
    missing_fraction: float
    duplicate_rows: int
    memory_bytes: int


class InsightsReport(BaseModel):
    """The Data Quality and Insights report of a node."""

    node_id: str
    title: str
    scope: Literal["sample", "all"]
    summary: DatasetSummary
    target: TargetSummary | None = None
    quick_model: QuickModel | None = None
    features: list[FeatureSummary]
    issues: list[ReportIssue]
    charts: dict[str, dict[str, Any]] = Field(default_factory=dict)
    samples: list[dict[str, Any]] = Field(default_factory=list)
    definitions: dict[str, str] = Field(default_factory=dict)
    elapsed_seconds: float = 0.0


# -- training hand-off -------------------------------------------------------------------------


class TrainingHandoff(BaseModel):
    """What the AutoML wizard needs to train on a flow's output."""

    model_config = ConfigDict(protected_namespaces=())

    data_path: str = Field(description="Disk path of the flow's output (Parquet).")
    target: str
    node_id: str
    row_count: int
    columns: list[str]
    feature_columns: list[str]
    problem_type: Literal["binary", "multiclass", "regression"]
    pipeline_path: str = Field(
        description="Disk path of the serialised transform pipeline (JSON) that turns raw rows "
        "into the model's input."
    )
    pipeline: dict[str, Any]
