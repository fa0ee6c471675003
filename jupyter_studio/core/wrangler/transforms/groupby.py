"""Group-by aggregate, and group statistics added as columns."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from .base import ColumnList, ColumnName, StepParams, register

FUNCTIONS = Literal[
    "count",
    "sum",
    "mean",
    "median",
    "min",
    "max",
    "std",
    "var",
    "first",
    "last",
    "n_unique",
    "null_count",
]


def _aggregate(column, function):
    """The aggregation expression ``function`` of ``column``."""
    col = pl.col(column)
    return {
        "count": lambda: col.count(),
        "sum": lambda: col.sum(),
        "mean": lambda: col.mean(),
        "median": lambda: col.median(),
        "min": lambda: col.min(),
        "max": lambda: col.max(),
        "std": lambda: col.std(),
        "var": lambda: col.var(),
        "first": lambda: col.first(),
        "last": lambda: col.last(),
        "n_unique": lambda: col.n_unique(),
        "null_count": lambda: col.null_count(),
    }[function]()


class Aggregation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: ColumnName
    function: FUNCTIONS = "mean"
    name: str | None = Field(default=None, description="Output column; column_function by default.")


class GroupByParams(StepParams):
    keys: ColumnList
    aggregations: list[Aggregation] = Field(min_length=1)


@register(
    "group_by_aggregate",
    "Group by and aggregate",
    "Group-by aggregate",
    ["group by", "groupby", "aggregate", "summarize", "pivot", "sum", "mean", "count", "rollup"],
    GroupByParams,
    helpers=(_aggregate,),
)
def group_by_aggregate(df, *, keys, aggregations, state=None):
    """One row per group of the keys, with aggregated columns (sorted by the keys)."""
    exprs = [
        _aggregate(a["column"], a["function"]).alias(
            a.get("name") or f"{a['column']}_{a['function']}"
        )
        for a in aggregations
    ]
    return df.group_by(keys).agg(exprs).sort(keys, nulls_last=True)


class GroupStatisticParams(StepParams):
    keys: ColumnList
    column: ColumnName
    function: FUNCTIONS = "mean"
    name: str | None = Field(default=None, description="Output column; column_function_by_keys.")


@register(
    "group_statistic",
    "Add group statistic",
    "Group-by aggregate",
    ["group", "window", "over", "partition", "per group", "mean by", "statistic", "transform"],
    GroupStatisticParams,
    helpers=(_aggregate,),
)
def group_statistic(df, *, keys, column, function="mean", name=None, state=None):
    """Add a group's statistic (e.g. the mean price per customer) to each of its rows."""
    out = name or f"{column}_{function}_by_{'_'.join(keys)}"
    return df.with_columns(_aggregate(column, function).over(keys).alias(out))
