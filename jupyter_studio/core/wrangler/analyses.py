"""Analysis nodes: charts (Vega-Lite) and tables over a node's sample.

Each analysis has a pydantic parameter model (its form) and a function that takes the input
frame and returns an :class:`~.schemas.AnalysisOutput`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import charts
from .errors import NodeError, column_missing_error
from .modeling import prediction_power, quick_model, vif
from .profile import column_kind, json_value
from .schemas import AnalysisOutput, FlowNode
from .transforms.base import WIDGET

__all__ = ["ANALYSES", "Analysis", "run_analysis"]

COLUMN = {WIDGET: "column"}
COLUMNS = {WIDGET: "columns"}


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Analysis:
    name: str
    title: str
    keywords: tuple[str, ...]
    params: type[BaseModel]
    run: Callable[..., AnalysisOutput]


ANALYSES: dict[str, Analysis] = {}


def _analysis(
    name: str, title: str, keywords: list[str], params: type[BaseModel]
) -> Callable[[Callable[..., AnalysisOutput]], Callable[..., AnalysisOutput]]:
    def decorate(fn: Callable[..., AnalysisOutput]) -> Callable[..., AnalysisOutput]:
        ANALYSES[name] = Analysis(name, title, tuple(keywords), params, fn)
        return fn

    return decorate


class HistogramParams(_Params):
    column: str = Field(json_schema_extra=COLUMN)
    bins: int = Field(default=30, ge=2, le=200)


@_analysis("histogram", "Histogram", ["histogram", "distribution", "bins"], HistogramParams)
def _histogram(df: pl.DataFrame, p: HistogramParams) -> AnalysisOutput:
    return AnalysisOutput(
        title=f"Histogram of {p.column}", chart=charts.histogram(df[p.column], bins=p.bins)
    )


class ScatterParams(_Params):
    x: str = Field(json_schema_extra=COLUMN)
    y: str = Field(json_schema_extra=COLUMN)
    color: str | None = Field(default=None, json_schema_extra=COLUMN)
    max_points: int = Field(default=5000, ge=10, le=50_000)


@_analysis("scatter", "Scatter plot", ["scatter", "points", "relationship", "xy"], ScatterParams)
def _scatter(df: pl.DataFrame, p: ScatterParams) -> AnalysisOutput:
    return AnalysisOutput(
        title=f"{p.y} against {p.x}",
        chart=charts.scatter(df, p.x, p.y, color=p.color, max_points=p.max_points),
    )


class BarParams(_Params):
    x: str = Field(json_schema_extra=COLUMN, description="The categories.")
    y: str | None = Field(
        default=None,
        json_schema_extra=COLUMN,
        description="Value to aggregate; row counts when empty.",
    )
    aggregate: Literal["count", "sum", "mean", "median", "min", "max"] = "count"
    top: int = Field(default=30, ge=1, le=500)


@_analysis("bar", "Bar chart", ["bar", "count", "category", "frequency"], BarParams)
def _bar(df: pl.DataFrame, p: BarParams) -> AnalysisOutput:
    key = pl.col(p.x).cast(pl.String).fill_null("null").alias(p.x)
    if p.y is None or p.aggregate == "count":
        agg = pl.len().alias("value")
    else:
        agg = getattr(pl.col(p.y), p.aggregate)().alias("value")
    rows = df.group_by(key).agg(agg).sort("value", descending=True).head(p.top)
    label = "rows" if p.y is None or p.aggregate == "count" else f"{p.aggregate} of {p.y}"
    data = [{p.x: r[0], "value": r[1]} for r in rows.iter_rows()]
    return AnalysisOutput(
        title=f"{label} by {p.x}",
        chart=charts.bar_chart(data, p.x, "value", title=f"{label} by {p.x}", y_title=label),
        table=[{k: json_value(v) for k, v in r.items()} for r in data],
    )


class BoxParams(_Params):
    column: str = Field(json_schema_extra=COLUMN)
    group_by: str | None = Field(default=None, json_schema_extra=COLUMN)


@_analysis("box", "Box plot", ["box", "boxplot", "quartiles", "spread", "outliers"], BoxParams)
def _box(df: pl.DataFrame, p: BoxParams) -> AnalysisOutput:
    spec = charts.box_plot(df, p.column, group_by=p.group_by)
    return AnalysisOutput(title=spec["title"], chart=spec, table=spec["data"]["values"])


class CorrelationParams(_Params):
    columns: list[str] = Field(
        default_factory=list,
        json_schema_extra=COLUMNS,
        description="Numeric columns; all when empty.",
    )
    method: Literal["pearson", "spearman"] = "pearson"


def correlation_rows(
    df: pl.DataFrame,
    columns: list[str] | None = None,
    method: str = "pearson",
    max_columns: int = 40,
) -> tuple[list[str], np.ndarray]:
    names = columns or [c for c, t in df.schema.items() if t.is_numeric()]
    names = names[:max_columns]
    data = df.select(names).cast(pl.Float64)
    if method == "spearman":
        data = data.select(pl.all().rank())
    X = data.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        mask = np.isfinite(X)
        X = np.where(mask, X, np.nan)
        means = np.nanmean(X, axis=0)
        X = np.where(mask, X, means)
        corr = np.corrcoef(X, rowvar=False) if X.shape[1] > 1 else np.ones((1, 1))
    return names, np.atleast_2d(corr)


@_analysis(
    "correlation_matrix",
    "Correlation matrix",
    ["correlation", "pearson", "spearman", "matrix", "heatmap"],
    CorrelationParams,
)
def _correlation(df: pl.DataFrame, p: CorrelationParams) -> AnalysisOutput:
    names, corr = correlation_rows(df, p.columns, p.method)
    cells = [
        {
            "x": a,
            "y": b,
            "value": json_value(round(float(corr[i, j]), 4)) if np.isfinite(corr[i, j]) else None,
        }
        for i, a in enumerate(names)
        for j, b in enumerate(names)
    ]
    return AnalysisOutput(
        title=f"{p.method.title()} correlation",
        chart=charts.heatmap(cells, title=f"{p.method.title()} correlation"),
        table=cells,
    )


@_analysis(
    "table_summary", "Table summary", ["summary", "describe", "statistics", "overview"], _Params
)
def _summary(df: pl.DataFrame, p: _Params) -> AnalysisOutput:
    rows = []
    for name in df.columns:
        s = df[name]
        row: dict[str, Any] = {
            "column": name,
            "type": str(s.dtype),
            "kind": column_kind(s),
            "count": s.len() - s.null_count(),
            "missing": s.null_count(),
            "unique": s.n_unique(),
        }
        if s.dtype.is_numeric():
            f = s.cast(pl.Float64)
            row.update(mean=f.mean(), std=f.std(), min=f.min(), median=f.median(), max=f.max())
        rows.append({k: json_value(v) for k, v in row.items()})
    return AnalysisOutput(
        title="Table summary", table=rows, text=f"{df.height:,} rows × {df.width} columns"
    )


class TargetParams(_Params):
    target: str = Field(json_schema_extra=COLUMN)


@_analysis(
    "target_leakage",
    "Target leakage",
    ["leakage", "leak", "prediction power", "target"],
    TargetParams,
)
def _leakage(df: pl.DataFrame, p: TargetParams) -> AnalysisOutput:
    power, problem = prediction_power(df, p.target)
    rows = sorted(
        (
            {"feature": f, "prediction_power": round(v, 4), "suspect": v >= 0.9}
            for f, v in power.items()
        ),
        key=lambda r: -r["prediction_power"],
    )
    spec = charts.bar_chart(
        rows[:50],
        "feature",
        "prediction_power",
        title=f"Prediction power of each column alone for {p.target}",
        horizontal=True,
        color="suspect",
    )
    suspects = [r["feature"] for r in rows if r["suspect"]]
    text = (
        f"Possible leakage: {', '.join(suspects)} predict {p.target} almost perfectly on their own."
        if suspects
        else "No column predicts the target almost perfectly on its own."
    )
    return AnalysisOutput(title="Target leakage", chart=spec, table=rows, text=text)


class MulticollinearityParams(_Params):
    columns: list[str] = Field(default_factory=list, json_schema_extra=COLUMNS)


@_analysis(
    "multicollinearity",
    "Multicollinearity",
    ["multicollinearity", "vif", "collinear", "redundant"],
    MulticollinearityParams,
)
def _multicollinearity(df: pl.DataFrame, p: MulticollinearityParams) -> AnalysisOutput:
    factors = vif(df, p.columns or None)
    rows = sorted(
        (
            {
                "feature": f,
                "vif": json_value(round(v, 3)) if np.isfinite(v) else "Infinity",
                "collinear": (not np.isfinite(v)) or v > 10,
            }
            for f, v in factors.items()
        ),
        key=lambda r: -(float("inf") if r["vif"] == "Infinity" else r["vif"]),
    )
    chart_rows = [
        {**r, "vif": 1000.0 if r["vif"] == "Infinity" else min(float(r["vif"]), 1000.0)}
        for r in rows
    ]
    spec = charts.bar_chart(
        chart_rows,
        "feature",
        "vif",
        title="Variance inflation factor (capped at 1000)",
        horizontal=True,
        color="collinear",
    )
    return AnalysisOutput(
        title="Multicollinearity",
        chart=spec,
        table=rows,
        text="A VIF above 10 means the column is well explained by the others.",
    )


class QuickModelParams(TargetParams):
    folds: int = Field(default=3, ge=2, le=10)


@_analysis(
    "quick_model",
    "Quick model",
    ["model", "quick model", "feature importance", "baseline", "score"],
    QuickModelParams,
)
def _quick_model(df: pl.DataFrame, p: QuickModelParams) -> AnalysisOutput:
    result = quick_model(df, p.target, folds=p.folds)
    spec = charts.bar_chart(
        result["feature_importance"][:30],
        "feature",
        "importance",
        title=f"Feature importance ({result['model']}, {result['metric']} = {result['score']:.3f})",
        horizontal=True,
    )
    return AnalysisOutput(
        title="Quick model",
        chart=spec,
        table=result["feature_importance"],
        text=f"{result['folds']}-fold {result['metric']}: {result['score']:.4f} on {result['rows_used']:,} rows ({result['model']}).",
    )


class CustomAnalysisParams(_Params):
    code: str = Field(
        min_length=1,
        max_length=200_000,
        json_schema_extra={WIDGET: "code-python"},
        description="Python code over df (a Polars DataFrame); set chart to a Vega-Lite dict (or an Altair chart) and/or table to a list of dicts or a DataFrame.",
    )


@_analysis(
    "custom_analysis",
    "Custom analysis",
    ["custom", "code", "chart", "altair", "vega"],
    CustomAnalysisParams,
)
def _custom(df: pl.DataFrame, p: CustomAnalysisParams) -> AnalysisOutput:
    namespace: dict[str, Any] = {
        "df": df,
        "pl": pl,
        "np": np,
        "chart": None,
        "table": None,
        "text": "",
    }
    try:
        exec(compile(p.code, "<custom analysis>", "exec"), namespace)
    except Exception as exc:
        line = ""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename == "<custom analysis>":
                line = f" (line {frame.lineno} of your code)"
                break
        raise NodeError(
            None,
            f"Your code raised {type(exc).__name__}{line}: {exc}",
            "Fix the code of this analysis.",
            code="custom_code_failed",
        ) from None
    chart = namespace.get("chart")
    if chart is not None and hasattr(chart, "to_dict"):
        chart = chart.to_dict()
    if chart is not None and not isinstance(chart, dict):
        raise NodeError(
            None,
            f"chart must be a Vega-Lite dict or an Altair chart, not {type(chart).__name__}.",
            "Set chart = {...} (a Vega-Lite specification).",
            code="custom_code_failed",
        )
    table = namespace.get("table")
    if isinstance(table, pl.DataFrame):
        table = table.head(1000).to_dicts()
    elif table is not None and hasattr(table, "to_dict"):
        table = table.head(1000).to_dict("records")
    if table is not None:
        table = [{str(k): json_value(v) for k, v in row.items()} for row in table]
    return AnalysisOutput(
        title="Custom analysis", chart=chart, table=table, text=str(namespace.get("text") or "")
    )


def run_analysis(node: FlowNode, frame: pl.DataFrame) -> AnalysisOutput:
    """Run an analysis node on its input's sample."""
    analysis = ANALYSES.get(node.operator)
    if analysis is None:
        raise NodeError(
            node.id,
            f"Unknown analysis {node.operator!r}.",
            f"Use one of: {', '.join(ANALYSES)}.",
            code="unknown_operator",
        )
    try:
        params = analysis.params.model_validate(node.parameters)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err.get("loc", ()))
        raise NodeError(
            node.id,
            f"Invalid settings for {analysis.title}: {where + ': ' if where else ''}{err.get('msg')}.",
            "Fix the analysis settings.",
            code="invalid_parameters",
        ) from None
    from .transforms.base import _walk

    found: dict[int, list[str]] = {}
    _walk(params, found)
    missing = [c for c in found.get(0, []) if c not in frame.columns]
    if missing:
        raise column_missing_error(node.id, missing, frame.columns)
    try:
        out = analysis.run(frame, params)
    except NodeError as exc:
        raise exc.with_node(node.id) from None
    out.title = out.title or node.title or analysis.title
    return out
