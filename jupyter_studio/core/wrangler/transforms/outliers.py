"""Outliers: clip or remove values beyond std-dev, quantile or IQR bounds."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from .base import ColumnList, StepParams, register


class OutlierParams(StepParams):
    columns: ColumnList
    method: Literal["std", "quantile", "iqr"] = Field(
        default="iqr", description="How the bounds are found."
    )
    threshold: float = Field(
        default=1.5,
        gt=0,
        description="Standard deviations from the mean (std), or IQRs beyond the quartiles (iqr).",
    )
    lower_quantile: float = Field(default=0.01, ge=0, lt=1, description="For 'quantile'.")
    upper_quantile: float = Field(default=0.99, gt=0, le=1, description="For 'quantile'.")


def outlier_bounds(
    df, *, columns, method="iqr", threshold=1.5, lower_quantile=0.01, upper_quantile=0.99, **_
):
    """Lower and upper bound of each column."""
    exprs = []
    for c in columns:
        x = pl.col(c).cast(pl.Float64).fill_nan(None)
        if method == "std":
            exprs += [x.mean().alias(f"{c}\x00a"), x.std().alias(f"{c}\x00b")]
        elif method == "quantile":
            exprs += [
                x.quantile(lower_quantile, interpolation="linear").alias(f"{c}\x00a"),
                x.quantile(upper_quantile, interpolation="linear").alias(f"{c}\x00b"),
            ]
        else:
            exprs += [
                x.quantile(0.25, interpolation="linear").alias(f"{c}\x00a"),
                x.quantile(0.75, interpolation="linear").alias(f"{c}\x00b"),
            ]
    row = df.select(exprs).collect(engine="streaming").row(0, named=True)
    bounds = {}
    for c in columns:
        a, b = row[f"{c}\x00a"], row[f"{c}\x00b"]
        if a is None or b is None:
            bounds[c] = [None, None]
        elif method == "std":
            bounds[c] = [a - threshold * b, a + threshold * b]
        elif method == "quantile":
            bounds[c] = [a, b]
        else:
            bounds[c] = [a - threshold * (b - a), b + threshold * (b - a)]
    return {"bounds": bounds}


@register(
    "clip_outliers",
    "Clip outliers",
    "Outliers",
    ["clip", "cap", "winsorize", "outlier", "std", "quantile", "iqr", "extreme"],
    OutlierParams,
    fit=outlier_bounds,
)
def clip_outliers(
    df,
    *,
    columns,
    method="iqr",
    threshold=1.5,
    lower_quantile=0.01,
    upper_quantile=0.99,
    state=None,
):
    """Clip values to the bounds (values beyond become the bound)."""
    bounds = (state or {}).get("bounds", {})
    exprs = []
    for c in columns:
        lo, hi = bounds.get(c, [None, None])
        if lo is None:
            continue
        exprs.append(pl.col(c).cast(pl.Float64).clip(lo, hi).alias(c))
    return df.with_columns(exprs) if exprs else df


@register(
    "remove_outliers",
    "Remove outliers",
    "Outliers",
    ["remove", "drop", "filter", "outlier", "std", "quantile", "iqr", "extreme"],
    OutlierParams,
    fit=outlier_bounds,
)
def remove_outliers(
    df,
    *,
    columns,
    method="iqr",
    threshold=1.5,
    lower_quantile=0.01,
    upper_quantile=0.99,
    state=None,
):
    """Drop the rows with a value beyond the bounds (missing values are kept)."""
    bounds = (state or {}).get("bounds", {})
    keep = pl.lit(True)
    for c in columns:
        lo, hi = bounds.get(c, [None, None])
        if lo is None:
            continue
        x = pl.col(c).cast(pl.Float64)
        keep = keep & (x.is_null() | x.is_nan() | x.is_between(lo, hi))
    return df.filter(keep)
