"""Handle missing values: drop, fill (constant, mean, median, mode, forward, backward), flag."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from .base import ColumnList, StepParams, register
from .helpers import missing_expr, schema_of


class DropMissingParams(StepParams):
    columns: list[str] = Field(
        default_factory=list,
        description="Columns to look at; all columns when empty.",
        json_schema_extra={"x-studio-widget": "columns"},
    )
    how: Literal["any", "all"] = Field(
        default="any", description="Drop a row when any (or all) of the columns is missing."
    )


@register(
    "drop_missing",
    "Drop rows with missing values",
    "Handle missing",
    ["drop", "missing", "null", "nan", "na", "remove", "empty"],
    DropMissingParams,
    helpers=(missing_expr, schema_of),
)
def drop_missing(df, *, columns=(), how="any", state=None):
    """Drop the rows where any (or all) of the columns is missing."""
    schema = schema_of(df)
    names = list(columns) or list(schema)
    flags = [missing_expr(c, schema[c]) for c in names]
    combine = pl.any_horizontal if how == "any" else pl.all_horizontal
    return df.filter(~combine(flags))


class FillMissingParams(StepParams):
    columns: ColumnList
    strategy: Literal["auto", "constant", "mean", "median", "mode"] = Field(
        default="auto",
        description="What replaces a missing value; auto: the median of a number column, the "
        "most frequent value of any other.",
    )
    value: float | int | str | bool | None = Field(
        default=None, description="The value used by the 'constant' strategy."
    )


def _fill_strategy(strategy, dtype):
    """The strategy of one column: auto is the median of numbers, the mode of anything else."""
    if strategy != "auto":
        return strategy
    return "median" if dtype.is_numeric() and dtype != pl.Boolean else "mode"


def fill_missing_fit(df, *, columns, strategy="auto", value=None, **_):
    """The value that fills each column (its mean, median or most frequent value)."""
    if strategy == "constant":
        return {}
    schema = schema_of(df)
    exprs = []
    for c in columns:
        chosen = _fill_strategy(strategy, schema[c])
        if chosen == "mode":
            exprs.append(pl.col(c).drop_nulls().mode().sort().first().alias(c))
        elif chosen == "mean":
            exprs.append(pl.col(c).fill_nan(None).mean().alias(c))
        else:
            exprs.append(pl.col(c).fill_nan(None).median().alias(c))
    row = df.select(exprs).collect(engine="streaming").row(0, named=True)
    return {"fill": {c: (v.isoformat() if hasattr(v, "isoformat") else v) for c, v in row.items()}}


def _fill_value(value, dtype):
    """``value`` converted to a column's type (a number for numbers, text for text)."""
    if value is None:
        return None
    if dtype == pl.String:
        return str(value)
    if dtype.is_integer():
        number = float(value)
        return int(number) if number.is_integer() else number
    if dtype.is_float():
        return float(value)
    if dtype == pl.Boolean and isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "t")
    return value


@register(
    "fill_missing",
    "Fill missing values",
    "Handle missing",
    ["fill", "impute", "missing", "null", "nan", "mean", "median", "mode", "constant", "replace"],
    FillMissingParams,
    fit=fill_missing_fit,
    helpers=(schema_of, _fill_value, _fill_strategy),
)
def fill_missing(df, *, columns, strategy="auto", value=None, state=None):
    """Replace missing values by a constant, or by the column's mean, median or mode."""
    schema = schema_of(df)
    fills = (state or {}).get("fill", {})
    exprs = []
    for c in columns:
        dtype = schema[c]
        fill = value if strategy == "constant" else fills.get(c)
        if (
            _fill_strategy(strategy, dtype) in ("mean", "median")
            and dtype.is_integer()
            and fill is not None
        ):
            fill = float(fill)
            expr = pl.col(c).cast(pl.Float64).fill_null(fill)
        else:
            fill = _fill_value(fill, dtype)
            expr = pl.col(c)
            if dtype.is_temporal() and isinstance(fill, str):
                expr = expr.fill_null(pl.lit(fill).str.to_datetime().cast(dtype))
            else:
                expr = expr.fill_null(pl.lit(fill, allow_object=False))
        if dtype.is_float():
            expr = expr.fill_nan(fill)
        exprs.append(expr.alias(c))
    return df.with_columns(exprs)


class DirectionalFillParams(StepParams):
    columns: ColumnList
    limit: int | None = Field(
        default=None, ge=1, description="Fill at most this many missing values in a row."
    )


@register(
    "fill_forward",
    "Forward fill",
    "Handle missing",
    ["forward", "ffill", "pad", "previous", "carry", "missing", "fill"],
    DirectionalFillParams,
)
def fill_forward(df, *, columns, limit=None, state=None):
    """Fill a missing value with the last value above it."""
    return df.with_columns(pl.col(c).fill_null(strategy="forward", limit=limit) for c in columns)


@register(
    "fill_backward",
    "Backward fill",
    "Handle missing",
    ["backward", "bfill", "next", "missing", "fill"],
    DirectionalFillParams,
)
def fill_backward(df, *, columns, limit=None, state=None):
    """Fill a missing value with the next value below it."""
    return df.with_columns(pl.col(c).fill_null(strategy="backward", limit=limit) for c in columns)


class IndicatorParams(StepParams):
    columns: ColumnList
    suffix: str = Field(default="_missing", min_length=1, description="Suffix of the new columns.")


@register(
    "missing_indicator",
    "Missing-value indicator",
    "Handle missing",
    ["indicator", "flag", "is null", "missing", "dummy"],
    IndicatorParams,
    helpers=(missing_expr, schema_of),
)
def missing_indicator(df, *, columns, suffix="_missing", state=None):
    """Add a 0/1 column per column that says where its value is missing."""
    schema = schema_of(df)
    return df.with_columns(
        missing_expr(c, schema[c]).cast(pl.Int8).alias(f"{c}{suffix}") for c in columns
    )


class DropSparseParams(StepParams):
    threshold: float = Field(
        default=0.5, gt=0, le=1, description="Drop a column when this fraction of it is missing."
    )


def drop_sparse_columns_fit(df, *, threshold=0.5, **_):
    """The columns whose missing fraction reaches the threshold."""
    schema = schema_of(df)
    row = (
        df.select([missing_expr(c, t).mean().alias(c) for c, t in schema.items()])
        .collect(engine="streaming")
        .row(0, named=True)
    )
    return {"drop": [c for c, frac in row.items() if frac is not None and frac >= threshold]}


@register(
    "drop_sparse_columns",
    "Drop mostly-missing columns",
    "Handle missing",
    ["sparse", "missing", "drop", "columns", "threshold", "empty"],
    DropSparseParams,
    fit=drop_sparse_columns_fit,
    helpers=(missing_expr, schema_of),
)
def drop_sparse_columns(df, *, threshold=0.5, state=None):
    """Drop the columns where at least ``threshold`` of the values are missing."""
    return df.drop((state or {}).get("drop", []), strict=False)
