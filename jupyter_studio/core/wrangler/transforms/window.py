"""Window features: lags and leads, rolling aggregates, differences, cumulative values, ranks."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from .base import ColumnList, StepParams, register


class WindowParams(StepParams):
    columns: ColumnList
    order_by: list[str] = Field(
        default_factory=list,
        description="Order of rows inside the window; the row order when empty.",
        json_schema_extra={"x-studio-widget": "columns"},
    )
    partition_by: list[str] = Field(
        default_factory=list,
        description="Compute separately per group of these columns.",
        json_schema_extra={"x-studio-widget": "columns"},
    )


def _windowed(expr, order_by, partition_by):
    """``expr`` computed per partition in the given order, results kept in row order."""
    if not order_by and not partition_by:
        return expr
    if partition_by:
        return expr.over(partition_by, order_by=order_by or None)
    return expr.over(pl.lit(0), order_by=order_by)


class LagParams(WindowParams):
    lags: list[int] = Field(
        default_factory=lambda: [1],
        min_length=1,
        description="Positive: previous rows; negative: next rows.",
    )


@register(
    "lag_features",
    "Lag / lead features",
    "Window features",
    ["lag", "lead", "shift", "previous", "next", "time series", "window"],
    LagParams,
    helpers=(_windowed,),
)
def lag_features(df, *, columns, lags=(1,), order_by=(), partition_by=(), state=None):
    """Add the value of earlier (or later) rows."""
    return df.with_columns(
        _windowed(pl.col(c).shift(k), list(order_by), list(partition_by)).alias(
            f"{c}_lag{k}" if k >= 0 else f"{c}_lead{-k}"
        )
        for c in columns
        for k in lags
    )


class RollingParams(WindowParams):
    window: int = Field(default=3, ge=1, le=100_000, description="Rows in the window.")
    function: Literal["mean", "sum", "min", "max", "std", "median"] = "mean"
    min_rows: int = Field(
        default=1, ge=1, description="Fewer rows than this gives a missing value."
    )


@register(
    "rolling_aggregate",
    "Rolling window",
    "Window features",
    ["rolling", "moving average", "window", "sliding", "trailing", "time series", "smooth"],
    RollingParams,
    helpers=(_windowed,),
)
def rolling_aggregate(
    df, *, columns, window=3, function="mean", min_rows=1, order_by=(), partition_by=(), state=None
):
    """Add a rolling mean, sum, min, max, std or median over the last ``window`` rows."""

    def rolling(col):
        x = pl.col(col).cast(pl.Float64)
        kwargs = {"window_size": window, "min_samples": min(min_rows, window)}
        return getattr(x, f"rolling_{function}")(**kwargs)

    return df.with_columns(
        _windowed(rolling(c), list(order_by), list(partition_by)).alias(
            f"{c}_rolling_{function}{window}"
        )
        for c in columns
    )


class DiffParams(WindowParams):
    periods: int = Field(default=1, ge=1)


@register(
    "difference",
    "Difference from previous row",
    "Window features",
    ["difference", "diff", "change", "delta", "time series", "window"],
    DiffParams,
    helpers=(_windowed,),
)
def difference(df, *, columns, periods=1, order_by=(), partition_by=(), state=None):
    """Add the change from ``periods`` rows before."""
    return df.with_columns(
        _windowed(pl.col(c).diff(periods), list(order_by), list(partition_by)).alias(
            f"{c}_diff{periods}"
        )
        for c in columns
    )


class CumulativeParams(WindowParams):
    function: Literal["sum", "max", "min", "count", "product"] = "sum"


@register(
    "cumulative",
    "Cumulative value",
    "Window features",
    ["cumulative", "running total", "cumsum", "expanding", "window"],
    CumulativeParams,
    helpers=(_windowed,),
)
def cumulative(df, *, columns, function="sum", order_by=(), partition_by=(), state=None):
    """Add a running sum, max, min, count or product."""
    return df.with_columns(
        _windowed(
            getattr(pl.col(c), f"cum_{'prod' if function == 'product' else function}")(),
            list(order_by),
            list(partition_by),
        ).alias(f"{c}_cum_{function}")
        for c in columns
    )


class RankParams(WindowParams):
    method: Literal["average", "min", "max", "dense", "ordinal"] = "average"
    descending: bool = False


@register(
    "rank_values",
    "Rank",
    "Window features",
    ["rank", "percentile", "order", "position", "window"],
    RankParams,
)
def rank_values(
    df, *, columns, method="average", descending=False, order_by=(), partition_by=(), state=None
):
    """Add each value's rank (within its group when partitioned)."""
    exprs = []
    for c in columns:
        expr = pl.col(c).rank(method=method, descending=descending)
        if partition_by:
            expr = expr.over(list(partition_by))
        exprs.append(expr.alias(f"{c}_rank"))
    return df.with_columns(exprs)
