"""The "export and train" hand-off: a flow's output, its target and a transform pipeline.

:func:`training_handoff` runs the flow on all rows into ``data.parquet`` and writes
``pipeline.json``: the steps between the raw source rows and the output, each with its
parameters and the state fitted on all rows. :func:`apply_pipeline` applies that pipeline to
raw rows, so an endpoint serving a model trained on ``data.parquet`` can take the rows in the
form the source had. Steps that only remove or add rows (filters, de-duplication, sampling,
outlier removal, class balancing) prepare training data and are skipped at inference; steps
that change the grain (group-by) or read a second input (join, concatenate) make the pipeline
unusable on raw rows, which ``pipeline["applicable"]`` says with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from ..errors import InvalidInput
from .format import atomic_write_text
from .modeling import infer_problem_type
from .schemas import TrainingHandoff
from .transforms import load_all

if TYPE_CHECKING:
    from .flow import Flow

__all__ = [
    "PIPELINE_FORMAT",
    "TRAINING_ONLY",
    "apply_pipeline",
    "load_pipeline",
    "training_handoff",
]

PIPELINE_FORMAT = "jupyter-studio/flow-pipeline"
PIPELINE_VERSION = 1
#: Steps that only drop or add rows: they shape training data and are skipped at inference.
TRAINING_ONLY = frozenset(
    {
        "drop_missing",
        "filter_rows",
        "filter_expression",
        "drop_duplicates",
        "sample_rows",
        "remove_outliers",
        "random_oversample",
        "random_undersample",
        "smote",
        "sort_rows",
    }
)
#: Steps a single raw row cannot go through.
NOT_ON_ROWS = frozenset(
    {"group_by_aggregate", "join", "concatenate", "custom_sql", "custom_pandas"}
)


def _simple_type(dtype: Any) -> str:
    """A source column's type as a cast-step type name."""
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_integer():
        return "int64"
    if dtype.is_float():
        return "float64"
    if dtype == pl.Date:
        return "date"
    if dtype.is_temporal():
        return "datetime"
    return "string"


def _pipeline(
    flow: Flow,
    node_id: str,
    target: str,
    states: dict[str, Any],
    source_schema: dict[str, Any],
    output_columns: list[str],
) -> dict[str, Any]:
    registry = load_all()
    chain = flow.engine.ancestors(flow.document, node_id)
    steps = []
    applicable, reason = True, ""
    sources = [n for n in chain if n.kind == "source"]
    if len(sources) != 1:
        applicable, reason = False, "the flow reads more than one source"
    for node in chain:
        if node.kind != "transform":
            continue
        transform = registry[node.operator]
        params = transform.kwargs(transform.parse(node.parameters))
        if node.operator in NOT_ON_ROWS:
            applicable, reason = (
                False,
                f"step {node.id} ({transform.title}) cannot run on single raw rows",
            )
        referenced = transform.parse(node.parameters).referenced_columns().get(0, [])
        inference = (
            "skip"
            if node.operator in TRAINING_ONLY
            or (target in referenced and node.operator not in ("target_mean_encode",))
            else "apply"
        )
        steps.append(
            {
                "node_id": node.id,
                "operator": node.operator,
                "operator_version": node.operator_version,
                "title": node.title or transform.title,
                "parameters": params,
                "state": states.get(node.id),
                "inference": inference,
            }
        )
    return {
        "format": PIPELINE_FORMAT,
        "version": PIPELINE_VERSION,
        "flow": flow.document.name,
        "node_id": node_id,
        "target": target,
        "input_columns": [c for c in source_schema if c != target],
        "input_types": {c: _simple_type(t) for c, t in source_schema.items() if c != target},
        "output_columns": output_columns,
        "feature_columns": [c for c in output_columns if c != target],
        "applicable": applicable,
        "reason": reason,
        "steps": steps,
    }


def training_handoff(
    flow: Flow, node_id: str, target: str, output_dir: Path, *, params: dict[str, Any] | None = None
) -> TrainingHandoff:
    """Run ``node_id`` on all rows and write ``data.parquet`` and ``pipeline.json`` in ``output_dir``."""
    output_dir.mkdir(parents=True, exist_ok=True)
    data_path = output_dir / "data.parquet"
    result = flow.engine.run(flow.document, node_id, data_path, params)
    if target not in result.columns:
        raise InvalidInput(
            f"The target {target!r} is not a column of the flow's output ({', '.join(result.columns[:20])}).",
            code="unknown_target",
        )
    chain = flow.engine.ancestors(flow.document, node_id)
    source = next(n for n in chain if n.kind == "source")
    source_schema = dict(flow.sample(source.id, params=params).schema)
    pipeline = _pipeline(flow, node_id, target, result.states, source_schema, result.columns)
    pipeline_path = output_dir / "pipeline.json"
    atomic_write_text(pipeline_path, json.dumps(pipeline, indent=2, default=str) + "\n")
    target_series = pl.scan_parquet(data_path).select(target).head(200_000).collect()[target]
    return TrainingHandoff(
        data_path=str(data_path),
        target=target,
        node_id=node_id,
        row_count=result.rows,
        columns=result.columns,
        feature_columns=pipeline["feature_columns"],
        problem_type=infer_problem_type(target_series),  # type: ignore[arg-type]
        pipeline_path=str(pipeline_path),
        pipeline=pipeline,
    )


def load_pipeline(path: str | Path) -> dict[str, Any]:
    """Read a ``pipeline.json`` written by :func:`training_handoff`."""
    data = json.loads(Path(path).read_text())
    if data.get("format") != PIPELINE_FORMAT:
        raise InvalidInput(
            "This file is not a Jupyter Studio flow pipeline.", code="invalid_pipeline"
        )
    if data.get("version", 0) > PIPELINE_VERSION:
        raise InvalidInput(
            "This pipeline was written by a newer Jupyter Studio.", code="invalid_pipeline"
        )
    return data


def apply_pipeline(pipeline: dict[str, Any], rows: Any) -> pl.DataFrame:
    """Turn raw rows (a Polars or pandas DataFrame, or a list of dicts) into model features."""
    if not pipeline.get("applicable", True):
        raise InvalidInput(
            f"This pipeline cannot run on raw rows: {pipeline.get('reason')}.",
            code="pipeline_not_applicable",
        )
    if isinstance(rows, pl.DataFrame):
        frame = rows
    elif isinstance(rows, list):
        frame = pl.DataFrame(rows)
    else:
        frame = pl.from_pandas(rows)
    missing = [c for c in pipeline["input_columns"] if c not in frame.columns]
    if missing:
        raise InvalidInput(
            f"The rows lack the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}.",
            code="missing_columns",
        )
    registry = load_all()
    from .transforms.columns import _cast_expr

    types = pipeline.get("input_types", {})
    lazy = frame.lazy().with_columns(
        _cast_expr(c, frame.schema[c], t, False).alias(c)
        for c, t in types.items()
        if str(frame.schema[c]) != str(t)
    )
    for step in pipeline["steps"]:
        if step["inference"] != "apply":
            continue
        transform = registry[step["operator"]]
        lazy = transform.apply(lazy, state=step["state"], **step["parameters"])
    out = lazy.collect()
    features = [c for c in pipeline["feature_columns"] if c in out.columns]
    return out.select(features)
