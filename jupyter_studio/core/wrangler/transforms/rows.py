"""Manage rows: filter by conditions or an expression, sort, drop duplicates, sample."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .base import WIDGET, ColumnName, StepParams, register

OPERATORS = Literal[
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "is_null",
    "is_not_null",
    "contains",
    "starts_with",
    "in",
    "not_in",
]


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: ColumnName
    operator: OPERATORS = "=="
    value: float | int | str | bool | list[float | int | str | bool] | None = None


def _literal(value, dtype):
    """A condition's value as a literal of the column's type."""
    if isinstance(value, list):
        return [_literal(v, dtype) for v in value]
    if value is None:
        return None
    if dtype.is_numeric() and not isinstance(value, bool):
        return (
            float(value)
            if dtype.is_float()
            else (int(float(value)) if float(value).is_integer() else float(value))
        )
    if dtype == pl.String:
        return str(value)
    if dtype == pl.Date and isinstance(value, str):
        return pl.lit(value).str.to_date()
    if dtype.is_temporal() and isinstance(value, str):
        return pl.lit(value).str.to_datetime().cast(dtype)
    return value


def _condition(cond, dtype):
    """The boolean expression of one condition."""
    col = pl.col(cond["column"])
    op = cond["operator"]
    if op == "is_null":
        return col.is_null()
    if op == "is_not_null":
        return col.is_not_null()
    value = _literal(cond["value"], dtype)
    if op == "contains":
        return col.cast(pl.String).str.contains(str(cond["value"]), literal=True)
    if op == "starts_with":
        return col.cast(pl.String).str.starts_with(str(cond["value"]))
    if op in ("in", "not_in"):
        values = value if isinstance(value, list) else [value]
        expr = col.is_in(values)
        return ~expr if op == "not_in" else expr
    return {
        "==": lambda: col == value,
        "!=": lambda: col != value,
        "<": lambda: col < value,
        "<=": lambda: col <= value,
        ">": lambda: col > value,
        ">=": lambda: col >= value,
    }[op]()


class FilterParams(StepParams):
    conditions: list[Condition] = Field(
        min_length=1,
        description="Column, operator and value of each condition.",
        json_schema_extra={WIDGET: "conditions"},
    )
    combine: Literal["all", "any"] = Field(default="all", description="Keep rows matching all/any.")
    keep: bool = Field(default=True, description="Keep the matching rows (or remove them).")


@register(
    "filter_rows",
    "Filter rows",
    "Manage rows",
    ["filter", "where", "condition", "keep", "remove", "rows", "subset", "query"],
    FilterParams,
    helpers=(_literal, _condition),
)
def filter_rows(df, *, conditions, combine="all", keep=True, state=None):
    """Keep (or remove) the rows that match conditions on columns."""
    schema = df.collect_schema()
    exprs = [_condition(c, schema[c["column"]]) for c in conditions]
    mask = pl.all_horizontal(exprs) if combine == "all" else pl.any_horizontal(exprs)
    mask = mask.fill_null(False)
    return df.filter(mask if keep else ~mask)


class FilterExpressionParams(StepParams):
    expression: str = Field(
        min_length=1, description="A SQL condition, e.g. age >= 18 AND country = 'FR'."
    )


@register(
    "filter_expression",
    "Filter rows (expression)",
    "Manage rows",
    ["filter", "where", "sql", "expression", "condition", "query"],
    FilterExpressionParams,
)
def filter_expression(df, *, expression, state=None):
    """Keep the rows where a SQL condition holds."""
    return df.filter(pl.sql_expr(expression).fill_null(False))


class SortKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: ColumnName
    descending: bool = False


class SortParams(StepParams):
    by: list[SortKey] = Field(min_length=1, title="Sort by", description="Columns, in order.")
    nulls_last: bool = True


@register(
    "sort_rows",
    "Sort rows",
    "Manage rows",
    ["sort", "order", "order by", "ascending", "descending", "rank"],
    SortParams,
)
def sort_rows(df, *, by, nulls_last=True, state=None):
    """Sort rows by one or more columns."""
    return df.sort(
        [k["column"] for k in by],
        descending=[k["descending"] for k in by],
        nulls_last=nulls_last,
        maintain_order=True,
    )


class DuplicatesParams(StepParams):
    columns: list[str] = Field(
        default_factory=list,
        description="Columns that define a duplicate; all columns when empty.",
        json_schema_extra={"x-studio-widget": "columns"},
    )
    keep: Literal["first", "last", "none"] = Field(default="first")


@register(
    "drop_duplicates",
    "Drop duplicate rows",
    "Manage rows",
    ["duplicates", "dedupe", "distinct", "unique", "drop", "rows"],
    DuplicatesParams,
)
def drop_duplicates(df, *, columns=(), keep="first", state=None):
    """Remove repeated rows, keeping the first, the last or none of each group."""
    return df.unique(subset=list(columns) or None, keep=keep, maintain_order=True)


class SampleParams(StepParams):
    method: Literal["random", "first"] = Field(default="random")
    size: int | None = Field(default=None, ge=1, description="Number of rows.")
    fraction: float | None = Field(default=None, gt=0, le=1, description="Or a fraction of rows.")
    seed: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _one(self) -> SampleParams:
        if (self.size is None) == (self.fraction is None):
            raise ValueError("give either size or fraction")
        return self


@register(
    "sample_rows",
    "Sample rows",
    "Manage rows",
    ["sample", "random", "subset", "head", "first", "limit", "downsample"],
    SampleParams,
)
def sample_rows(df, *, method="random", size=None, fraction=None, seed=0, state=None):
    """Keep a random (or the first) number or fraction of rows."""
    if method == "first":
        if size is not None:
            return df.head(size)
        return df.filter(pl.int_range(pl.len()) < (pl.len() * fraction).ceil())
    if fraction is not None:
        draw = pl.int_range(pl.len()).hash(seed) % 1_000_000
        return df.filter(draw < int(fraction * 1_000_000))
    return df.filter(pl.int_range(pl.len()).shuffle(seed=seed) < size)
