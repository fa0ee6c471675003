"""Manage columns: rename, drop, keep, duplicate, move, change types, derive by expression."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, field_validator

from .base import (
    WIDGET,
    ColumnList,
    ColumnMap,
    ColumnName,
    OptionalColumn,
    StepParams,
    register,
)


class RenameParams(StepParams):
    mapping: ColumnMap = Field(description="Old name -> new name.", min_length=1)

    @field_validator("mapping")
    @classmethod
    def _names(cls, value: dict) -> dict:
        for new in value.values():
            if not isinstance(new, str) or not new:
                raise ValueError("new names must be non-empty text")
        return value


@register(
    "rename_columns",
    "Rename columns",
    "Manage columns",
    ["rename", "name", "header", "columns", "alias"],
    RenameParams,
)
def rename_columns(df, *, mapping, state=None):
    """Give columns new names."""
    return df.rename(mapping)


class ColumnsParams(StepParams):
    columns: ColumnList


@register(
    "drop_columns",
    "Drop columns",
    "Manage columns",
    ["drop", "remove", "delete", "columns", "exclude"],
    ColumnsParams,
)
def drop_columns(df, *, columns, state=None):
    """Remove columns."""
    return df.drop(columns)


@register(
    "select_columns",
    "Keep columns",
    "Manage columns",
    ["select", "keep", "project", "columns", "subset", "reorder"],
    ColumnsParams,
)
def select_columns(df, *, columns, state=None):
    """Keep only these columns, in this order."""
    return df.select(columns)


class DuplicateParams(StepParams):
    column: ColumnName
    new_name: str = Field(min_length=1)


@register(
    "duplicate_column",
    "Duplicate column",
    "Manage columns",
    ["duplicate", "copy", "clone", "column"],
    DuplicateParams,
)
def duplicate_column(df, *, column, new_name, state=None):
    """Copy a column under a new name."""
    return df.with_columns(pl.col(column).alias(new_name))


class MoveParams(StepParams):
    column: ColumnName
    position: Literal["first", "last", "before", "after"] = Field(default="first")
    anchor: OptionalColumn = Field(default=None, description="For 'before' and 'after'.")


@register(
    "move_column",
    "Move column",
    "Manage columns",
    ["move", "reorder", "position", "first", "last", "column"],
    MoveParams,
)
def move_column(df, *, column, position="first", anchor=None, state=None):
    """Move a column to the start, the end, or next to another column."""
    names = [n for n in df.collect_schema().names() if n != column]
    if position == "first":
        order = [column, *names]
    elif position == "last":
        order = [*names, column]
    else:
        at = names.index(anchor) + (1 if position == "after" else 0)
        order = names[:at] + [column] + names[at:]
    return df.select(order)


TYPE_NAMES = Literal[
    "int64", "int32", "float64", "float32", "string", "boolean", "date", "datetime", "categorical"
]


def _dtype(name):
    """The Polars type called ``name`` in a cast step."""
    return {
        "int64": pl.Int64,
        "int32": pl.Int32,
        "float64": pl.Float64,
        "float32": pl.Float32,
        "string": pl.String,
        "boolean": pl.Boolean,
        "date": pl.Date,
        "datetime": pl.Datetime("us"),
        "categorical": pl.Categorical,
    }[name]


def _cast_expr(name, source, target, strict):
    """Cast column ``name`` of type ``source`` to the type called ``target``."""
    col = pl.col(name)
    if source == pl.String:
        text = col.str.strip_chars()
        if target == "boolean":
            low = text.str.to_lowercase()
            out = (
                pl.when(low.is_in(["true", "t", "yes", "y", "1"]))
                .then(True)
                .when(low.is_in(["false", "f", "no", "n", "0"]))
                .then(False)
                .otherwise(None)
            )
            if strict:
                out = (
                    pl.when(low.is_null() | out.is_not_null())
                    .then(out)
                    .otherwise(text.cast(pl.Int8, strict=True).cast(pl.Boolean))
                )
            return out
        if target == "date":
            return text.str.to_date(strict=strict)
        if target == "datetime":
            return text.str.to_datetime(strict=strict, time_unit="us")
        return text.cast(_dtype(target), strict=strict)
    return col.cast(_dtype(target), strict=strict)


class CastParams(StepParams):
    types: ColumnMap = Field(
        description="Column -> new type (int64, int32, float64, float32, string, boolean, date, "
        "datetime, categorical).",
        min_length=1,
        json_schema_extra={
            WIDGET: "column-map",
            "additionalProperties": {"type": "string", "enum": list(TYPE_NAMES.__args__)},  # type: ignore[attr-defined]
        },
    )
    on_error: Literal["fail", "null"] = Field(
        default="fail", description="Stop on values that do not convert, or make them missing."
    )

    @field_validator("types")
    @classmethod
    def _types(cls, value: dict) -> dict:
        allowed = set(TYPE_NAMES.__args__)  # type: ignore[attr-defined]
        for column, name in value.items():
            if name not in allowed:
                raise ValueError(
                    f"unknown type {name!r} for column {column!r}; use one of {', '.join(sorted(allowed))}"
                )
        return value


@register(
    "cast_columns",
    "Change data types",
    "Manage columns",
    [
        "cast",
        "type",
        "dtype",
        "data type",
        "convert",
        "integer",
        "float",
        "string",
        "date",
        "boolean",
    ],
    CastParams,
    helpers=(_dtype, _cast_expr),
)
def cast_columns(df, *, types, on_error="fail", state=None):
    """Change the type of columns (text to numbers, dates, booleans...)."""
    schema = df.collect_schema()
    strict = on_error == "fail"
    return df.with_columns(_cast_expr(c, schema[c], t, strict).alias(c) for c, t in types.items())


class DeriveParams(StepParams):
    name: str = Field(min_length=1, description="Name of the new (or replaced) column.")
    expression: str = Field(
        min_length=1,
        description="A SQL expression over the columns, e.g. price * quantity or "
        "CASE WHEN age > 60 THEN 'senior' ELSE 'adult' END.",
    )


@register(
    "derive_column",
    "Derive column (expression)",
    "Manage columns",
    ["derive", "formula", "expression", "compute", "calculate", "new column", "sql"],
    DeriveParams,
)
def derive_column(df, *, name, expression, state=None):
    """Compute a new column from a SQL expression over the others."""
    return df.with_columns(pl.sql_expr(expression).alias(name))
