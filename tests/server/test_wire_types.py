"""The TypeScript wire types mirror the pydantic models the server sends and accepts.

Each exported interface of ``labextension/src/api/*.ts`` is compared with its model's JSON schema
(``model_json_schema()``): the same field names, the same types (``string``, ``number``,
``boolean``, ``X[]``, ``Record<string, X>``, string literal unions for enums, nested interfaces
for nested models, ``unknown`` for ``Any``), ``| null`` exactly where the model allows ``None``,
and a TypeScript ``?`` only on fields the model gives a default.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from jupyter_studio.core.automl.schemas import (
    AutoDeployState,
    AutoMLLeaderboard,
    AutoMLNotebooks,
    AutoMLValidation,
    CandidateResults,
    ColumnPreview,
    ConfusionMatrix,
    CreateAutoMLExperiment,
    DataPreview,
    DeployCandidate,
    DeployedCandidate,
    DescribeAutoMLExperiment,
    FeatureImportance,
    FieldProblem,
    LeaderboardRow,
    RegisterCandidate,
    Residuals,
    ValidateAutoMLExperiment,
)
from jupyter_studio.core.endpoints.schemas import (
    CreateEndpoint,
    DescribeEndpoint,
    EndpointStats,
    UpdateEndpoint,
)
from jupyter_studio.core.experiments.schemas import (
    ComparedMetric,
    ComparedParam,
    CompareRunsQuery,
    CreateExperiment,
    DescribeExperiment,
    DescribeRun,
    ListRunsQuery,
    ListRunsResponse,
    MetricHistory,
    MetricPoint,
    RunComparison,
)
from jupyter_studio.core.jobs.processing import ProcessingParameters
from jupyter_studio.core.jobs.schemas import (
    CreateJob,
    DescribeJob,
    JobArtifact,
    JobKindInfo,
    JobLogs,
)
from jupyter_studio.core.modelhub.evaluate import EvaluationResult, EvaluationRow
from jupyter_studio.core.modelhub.finetune import LossCurve, LossPoint
from jupyter_studio.core.modelhub.schemas import (
    Acceptance,
    DeployModel,
    GenerationSettings,
    ListTemplatesResponse,
    ModelCard,
    ModelDetail,
    Notebook,
    PromptTemplate,
    SaveTemplate,
)
from jupyter_studio.core.modelhub.schemas import ListModelsQuery as ModelHubModelsQuery
from jupyter_studio.core.modelhub.schemas import ListModelsResponse as ModelHubModelList
from jupyter_studio.core.modelhub.solutions import LaunchedSolution, LaunchSolution, Solution
from jupyter_studio.core.modelhub.training_service import EvaluateRequest, FinetuneRequest
from jupyter_studio.core.models.schemas import (
    DescribeModel,
    DescribeModelVersion,
    InputColumn,
    ListModelsQuery,
    ListModelVersionsResponse,
    ModelOutput,
    RegisterModelFromPath,
    UpdateModel,
)
from jupyter_studio.core.spaces.schemas import (
    CreateProfile,
    CreateSpace,
    DescribeDomain,
    DescribeProfile,
    DescribeSpace,
    ProfileSettings,
    UpdateProfile,
    UpdateSpace,
)
from jupyter_studio.core.wrangler import requests as flow_requests
from jupyter_studio.core.wrangler import schemas as flow_schemas
from jupyter_studio.server.handlers.info import DescribeInfo, InfoDomain, InfoUser

API = Path(__file__).resolve().parents[2] / "labextension" / "src" / "api"

# TypeScript interface -> the pydantic model it mirrors (nested ones are matched by this too).
PAIRS: dict[str, type[BaseModel]] = {
    "IJob": DescribeJob,
    "ICreateJob": CreateJob,
    "ILogChunk": JobLogs,
    "IArtifact": JobArtifact,
    "IJobKind": JobKindInfo,
    "IProcessingParameters": ProcessingParameters,
    "ISpace": DescribeSpace,
    "ICreateSpace": CreateSpace,
    "IUpdateSpace": UpdateSpace,
    "IProfile": DescribeProfile,
    "ICreateProfile": CreateProfile,
    "IUpdateProfile": UpdateProfile,
    "IProfileSettings": ProfileSettings,
    "IDomain": DescribeDomain,
    "IDomainSummary": InfoDomain,
    "IStudioUser": InfoUser,
    "IStudioInfo": DescribeInfo,
    "IModel": DescribeModel,
    "IModelVersion": DescribeModelVersion,
    "IModelVersionList": ListModelVersionsResponse,
    "IInputColumn": InputColumn,
    "IModelOutput": ModelOutput,
    "IRegisterModel": RegisterModelFromPath,
    "IUpdateModel": UpdateModel,
    "IListModelsQuery": ListModelsQuery,
    "IExperiment": DescribeExperiment,
    "ICreateExperiment": CreateExperiment,
    "IRun": DescribeRun,
    "IListRunsQuery": ListRunsQuery,
    "IRunList": ListRunsResponse,
    "IMetricPoint": MetricPoint,
    "IMetricHistory": MetricHistory,
    "IComparedParam": ComparedParam,
    "IComparedMetric": ComparedMetric,
    "IRunComparison": RunComparison,
    "ICompareRuns": CompareRunsQuery,
    "IEndpoint": DescribeEndpoint,
    "ICreateEndpoint": CreateEndpoint,
    "IUpdateEndpoint": UpdateEndpoint,
    "IEndpointStats": EndpointStats,
    "ICreateAutoMLExperiment": CreateAutoMLExperiment,
    "IValidateAutoMLExperiment": ValidateAutoMLExperiment,
    "IFieldProblem": FieldProblem,
    "IAutoMLValidation": AutoMLValidation,
    "IColumnPreview": ColumnPreview,
    "IDataPreview": DataPreview,
    "IAutoDeployState": AutoDeployState,
    "IAutoMLNotebooks": AutoMLNotebooks,
    "IAutoMLExperiment": DescribeAutoMLExperiment,
    "ILeaderboardRow": LeaderboardRow,
    "IAutoMLLeaderboard": AutoMLLeaderboard,
    "IConfusionMatrix": ConfusionMatrix,
    "IResiduals": Residuals,
    "IFeatureImportance": FeatureImportance,
    "ICandidateResults": CandidateResults,
    "IRegisterCandidate": RegisterCandidate,
    "IDeployCandidate": DeployCandidate,
    "IDeployedCandidate": DeployedCandidate,
    "IPosition": flow_schemas.Position,
    "IFlowNode": flow_schemas.FlowNode,
    "IFlowParameter": flow_schemas.FlowParameter,
    "ISampleSettings": flow_schemas.SampleSettings,
    "IFlowSettings": flow_schemas.FlowSettings,
    "IFlowDocument": flow_schemas.FlowDocument,
    "INodeError": flow_schemas.NodeErrorInfo,
    "IHistogramBin": flow_schemas.HistogramBin,
    "ITopValue": flow_schemas.TopValue,
    "IColumnProfile": flow_schemas.ColumnProfile,
    "IAnalysisOutput": flow_schemas.AnalysisOutput,
    "INodePreview": flow_schemas.NodePreview,
    "ITransformInfo": flow_schemas.TransformInfo,
    "IReportIssue": flow_schemas.ReportIssue,
    "IFeatureSummary": flow_schemas.FeatureSummary,
    "ITargetSummary": flow_schemas.TargetSummary,
    "IQuickModel": flow_schemas.QuickModel,
    "IDatasetSummary": flow_schemas.DatasetSummary,
    "IInsightsReport": flow_schemas.InsightsReport,
    "IListTransforms": flow_requests.ListTransformsResponse,
    "IOperatorInfo": flow_requests.OperatorInfo,
    "IListOperators": flow_requests.ListOperatorsResponse,
    "IPreviewFlowNode": flow_requests.PreviewFlowNode,
    "IEditFlow": flow_requests.EditFlow,
    "IEditFlowResponse": flow_requests.EditFlowResponse,
    "IFlowReportRequest": flow_requests.FlowReportRequest,
    "IExportReportHtml": flow_requests.ExportReportHtml,
    "IExportFlowCode": flow_requests.ExportFlowCode,
    "IExportedFile": flow_requests.ExportedFile,
    "IRunFlow": flow_requests.RunFlow,
    "IFlowStatusRequest": flow_requests.FlowStatusRequest,
    "INodeStatus": flow_requests.NodeStatus,
    "IFlowStatuses": flow_requests.FlowStatuses,
    "IObjectStoreOutput": flow_requests.ObjectStoreOutput,
    "ITrainFromFlow": flow_requests.TrainFromFlow,
    "IAutoMLRequest": flow_requests.AutoMLRequest,
    "ITrainFromFlowResponse": flow_requests.TrainFromFlowResponse,
    "IModelHubModelCard": ModelCard,
    "IModelHubModelDetail": ModelDetail,
    "IModelHubNotebook": Notebook,
    "IModelHubAcceptance": Acceptance,
    "IModelHubModelsQuery": ModelHubModelsQuery,
    "IModelHubModelList": ModelHubModelList,
    "IModelHubDeploy": DeployModel,
    "IGenerationSettings": GenerationSettings,
    "ISaveTemplate": SaveTemplate,
    "IPromptTemplate": PromptTemplate,
    "IPromptTemplateList": ListTemplatesResponse,
    "IFinetuneRequest": FinetuneRequest,
    "IEvaluateRequest": EvaluateRequest,
    "IEvaluationRow": EvaluationRow,
    "IEvaluationResult": EvaluationResult,
    "ISolution": Solution,
    "ILaunchSolution": LaunchSolution,
    "ISolutionLaunch": LaunchedSolution,
    "ILossPoint": LossPoint,
    "IFinetuneLoss": LossCurve,
}

# A type is a frozenset of atoms: "string", "number", "boolean", "null", "any",
# ("literal", value), ("array", type), ("record", type), ("model", name, partial).
Atom = Any
Type = frozenset


# ------------------------------------------------------------------ TypeScript side


def _strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)


@cache
def ts_declarations() -> tuple[dict[str, tuple[str | None, str]], dict[str, str]]:
    """Every exported interface (base, body) and type alias (body) of the API clients."""
    interfaces: dict[str, tuple[str | None, str]] = {}
    aliases: dict[str, str] = {}
    for file in sorted(API.glob("*.ts")):
        source = _strip_comments(file.read_text())
        for match in re.finditer(
            r"export interface (\w+)(?:<[^>]*>)?(?:\s+extends\s+(\w+))?\s*\{(.*?)\n\}", source, re.S
        ):
            interfaces[match.group(1)] = (match.group(2), match.group(3))
        for match in re.finditer(r"export type (\w+)\s*=\s*(.*?);", source, re.S):
            aliases[match.group(1)] = match.group(2)
    return interfaces, aliases


def ts_fields(interface: str) -> dict[str, tuple[bool, str]]:
    """``{name: (optional, type text)}`` of an interface, with the fields of the one it extends."""
    interfaces, _ = ts_declarations()
    assert interface in interfaces, f"interface {interface} not found in {API}"
    base, body = interfaces[interface]
    fields = ts_fields(base) if base else {}
    for match in re.finditer(r"(?:readonly\s+)?(\w+)(\??)\s*:\s*([^;]+);", body):
        fields[match.group(1)] = (match.group(2) == "?", " ".join(match.group(3).split()))
    return fields


def _split_union(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _generic(text: str, name: str) -> list[str] | None:
    """The arguments of ``name<...>``, split on top-level commas, or None."""
    if not (text.startswith(name + "<") and text.endswith(">")):
        return None
    inner, args, depth, current = text[len(name) + 1 : -1], [], 0, ""
    for ch in inner:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == "," and depth == 0:
            args.append(current.strip())
            current = ""
        else:
            current += ch
    args.append(current.strip())
    return args


def ts_type(text: str) -> Type:
    """Atoms of a TypeScript type expression."""
    interfaces, aliases = ts_declarations()
    atoms: set[Atom] = set()
    for part in _split_union(text):
        if part.startswith("(") and part.endswith(")"):
            atoms |= ts_type(part[1:-1])
        elif part in ("string", "number", "boolean", "null"):
            atoms.add(part)
        elif part in ("unknown", "any"):
            atoms.add("any")
        elif re.fullmatch(r"'[^']*'|\"[^\"]*\"", part):
            atoms.add(("literal", part[1:-1]))
        elif part.endswith("[]"):
            atoms.add(("array", ts_type(part[:-2])))
        elif (args := _generic(part, "Array")) is not None:
            atoms.add(("array", ts_type(args[0])))
        elif (args := _generic(part, "Record")) is not None:
            assert args[0] == "string", f"Record keys must be strings: {part}"
            atoms.add(("record", ts_type(args[1])))
        elif (args := _generic(part, "Partial")) is not None:
            atoms.add(("model", args[0], True))
        elif part in aliases:
            atoms |= ts_type(aliases[part])
        elif part in interfaces:
            atoms.add(("model", part, False))
        else:
            raise AssertionError(f"cannot read the TypeScript type {part!r}")
    if "string" in atoms:  # 'a' | string is string
        atoms = {a for a in atoms if not (isinstance(a, tuple) and a[0] == "literal")}
    return frozenset(atoms)


# ------------------------------------------------------------------ JSON schema side


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return name, defs[name]
    return None, schema


def py_type(schema: dict[str, Any], defs: dict[str, Any]) -> Type:
    """Atoms of a JSON schema written by pydantic."""
    name, schema = _resolve(schema, defs)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return frozenset().union(*(py_type(s, defs) for s in schema[key]))
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return py_type(schema["allOf"][0], defs)
    if "enum" in schema:
        return frozenset(("literal", v) if v is not None else "null" for v in schema["enum"])
    if "const" in schema:
        return frozenset({("literal", schema["const"])})
    types = schema.get("type")
    if types is None:
        return frozenset({"any"})
    atoms: set[Atom] = set()
    for kind in types if isinstance(types, list) else [types]:
        if kind in ("integer", "number"):
            atoms.add("number")
        elif kind in ("string", "boolean", "null"):
            atoms.add(kind)
        elif kind == "array":
            atoms.add(("array", py_type(schema.get("items", {}), defs)))
        elif kind == "object" and "properties" in schema:
            atoms.add(("model", name or schema.get("title"), False))
        elif kind == "object" and isinstance(schema.get("patternProperties"), dict):
            # keys with a pattern (tag keys): the values are those of every pattern
            values = schema["patternProperties"].values()
            atoms.add(("record", frozenset().union(*(py_type(v, defs) for v in values))))
        elif kind == "object":
            extra = schema.get("additionalProperties", True)
            atoms.add(("record", py_type(extra if isinstance(extra, dict) else {}, defs)))
        else:
            raise AssertionError(f"unexpected JSON schema type {kind!r}")
    return frozenset(atoms)


# ------------------------------------------------------------------ comparison


def _show(atoms: Type) -> str:
    def one(atom: Atom) -> str:
        if isinstance(atom, str):
            return atom
        if atom[0] == "literal":
            return repr(atom[1])
        if atom[0] == "model":
            return f"Partial<{atom[1]}>" if atom[2] else atom[1]
        return f"{atom[0]}<{_show(atom[1])}>"

    return " | ".join(sorted(one(a) for a in atoms))


def compare_types(ts: Type, py: Type, defs: dict[str, Any], where: str) -> list[str]:
    """Problems between a TypeScript type and a JSON schema type (nested models compared too)."""
    problems: list[str] = []
    ts_models = [a for a in ts if isinstance(a, tuple) and a[0] == "model"]
    py_models = [a for a in py if isinstance(a, tuple) and a[0] == "model"]
    for ts_model in ts_models:
        expected = PAIRS.get(ts_model[1])
        match = next((p for p in py_models if expected and p[1] == expected.__name__), None)
        if match is None:
            problems.append(f"{where}: {ts_model[1]} but the model has {_show(py) or 'nothing'}")
            continue
        problems += compare_object(ts_model[1], ts_model[2], defs[match[1]], defs, where)
    if len(ts_models) != len(py_models):
        problems.append(f"{where}: {_show(ts)} but the model has {_show(py)}")

    def plain(atoms: Type) -> set[Atom]:
        return {
            a for a in atoms if not (isinstance(a, tuple) and a[0] in ("model", "array", "record"))
        }

    if plain(ts) != plain(py):
        problems.append(f"{where}: {_show(ts)} but the model has {_show(py)}")
    for container in ("array", "record"):
        ts_inner = [a[1] for a in ts if isinstance(a, tuple) and a[0] == container]
        py_inner = [a[1] for a in py if isinstance(a, tuple) and a[0] == container]
        if len(ts_inner) != len(py_inner):
            problems.append(f"{where}: {_show(ts)} but the model has {_show(py)}")
        for t, p in zip(ts_inner, py_inner, strict=False):
            problems += compare_types(t, p, defs, f"{where}[]")
    return problems


def compare_object(
    interface: str, partial: bool, schema: dict[str, Any], defs: dict[str, Any], where: str = ""
) -> list[str]:
    """Problems between a TypeScript interface and an object JSON schema."""
    prefix = f"{where}." if where else ""
    fields = ts_fields(interface)
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    problems = []
    for name in sorted(set(fields) - set(properties)):
        problems.append(f"{prefix}{name}: in {interface} but not in the model")
    for name in sorted(set(properties) - set(fields)):
        problems.append(f"{prefix}{name}: in the model but not in {interface}")
    for name in sorted(set(fields) & set(properties)):
        optional, text = fields[name]
        if (optional or partial) and name in required:
            problems.append(f"{prefix}{name}: optional in {interface}, required by the model")
        problems += compare_types(
            ts_type(text), py_type(properties[name], defs), defs, prefix + name
        )
    return problems


@pytest.mark.parametrize(("interface", "model"), sorted(PAIRS.items()), ids=sorted(PAIRS))
def test_typescript_interface_matches_the_model(interface: str, model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    problems = compare_object(interface, False, schema, schema.get("$defs", {}))
    assert not problems, f"{interface} drifted from {model.__name__}:\n" + "\n".join(problems)


# ------------------------------------------------------------------ the checker itself


def test_the_checker_reads_typescript_types() -> None:
    assert ts_type("string | null") == {"string", "null"}
    assert ts_type("Record<string, unknown>") == {("record", frozenset({"any"}))}
    assert ts_type("string[] | null") == {("array", frozenset({"string"})), "null"}
    assert ts_type("'sqlite' | 'postgresql' | string") == {"string"}
    assert ts_type("Partial<IProfileSettings> | null") == {
        ("model", "IProfileSettings", True),
        "null",
    }
    assert ts_type("JobStatus") == {
        ("literal", s)
        for s in ("Pending", "InProgress", "Completed", "Failed", "Stopping", "Stopped")
    }


def test_the_checker_finds_drift() -> None:
    class Model(BaseModel):
        required: str
        maybe: int | None = None
        names: list[str] = []
        settings: ProfileSettings

    schema = Model.model_json_schema()
    defs = schema["$defs"]
    props = schema["properties"]
    assert compare_types(ts_type("string"), py_type(props["required"], defs), defs, "x") == []
    # `| null` missing, a wrong type, a wrong item type
    assert compare_types(ts_type("number"), py_type(props["maybe"], defs), defs, "x")
    assert compare_types(ts_type("string | null"), py_type(props["maybe"], defs), defs, "x")
    assert compare_types(ts_type("number[]"), py_type(props["names"], defs), defs, "x")
    # a nested interface is compared field by field
    assert (
        compare_types(ts_type("IProfileSettings"), py_type(props["settings"], defs), defs, "x")
        == []
    )
    assert compare_types(ts_type("IStudioUser"), py_type(props["settings"], defs), defs, "x")
