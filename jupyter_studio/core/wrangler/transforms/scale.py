"""Scale numeric columns: standard, min-max, robust, max-abs, log, power; binning and rounding."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import polars as pl
from pydantic import Field, model_validator

from .base import ColumnList, StepParams, register


class ScaleParams(StepParams):
    columns: ColumnList


class StandardParams(ScaleParams):
    with_mean: bool = Field(default=True, description="Subtract the mean.")
    with_std: bool = Field(default=True, description="Divide by the standard deviation.")


def standard_scale_fit(df, *, columns, **_):
    """Mean and standard deviation of each column."""
    row = (
        df.select(
            [pl.col(c).cast(pl.Float64).mean().alias(f"{c}\x00mean") for c in columns]
            + [pl.col(c).cast(pl.Float64).std(ddof=0).alias(f"{c}\x00std") for c in columns]
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )
    return {c: {"mean": row[f"{c}\x00mean"], "std": row[f"{c}\x00std"]} for c in columns}


@register(
    "standard_scale",
    "Standard scale (z-score)",
    "Scale numeric",
    ["standard", "z-score", "zscore", "normalize", "standardize", "scale", "mean", "std"],
    StandardParams,
    fit=standard_scale_fit,
)
def standard_scale(df, *, columns, with_mean=True, with_std=True, state=None):
    """Subtract each column's mean and divide by its standard deviation."""
    exprs = []
    for c in columns:
        s = (state or {}).get(c, {})
        expr = pl.col(c).cast(pl.Float64)
        if with_mean and s.get("mean") is not None:
            expr = expr - s["mean"]
        if with_std and s.get("std"):
            expr = expr / s["std"]
        exprs.append(expr.alias(c))
    return df.with_columns(exprs)


class MinMaxParams(ScaleParams):
    minimum: float = Field(default=0.0, description="Lowest value after scaling.")
    maximum: float = Field(default=1.0, description="Highest value after scaling.")

    @model_validator(mode="after")
    def _range(self) -> MinMaxParams:
        if self.maximum <= self.minimum:
            raise ValueError("maximum must be greater than minimum")
        return self


def min_max_scale_fit(df, *, columns, **_):
    """Minimum and maximum of each column."""
    row = (
        df.select(
            [pl.col(c).cast(pl.Float64).min().alias(f"{c}\x00min") for c in columns]
            + [pl.col(c).cast(pl.Float64).max().alias(f"{c}\x00max") for c in columns]
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )
    return {c: {"min": row[f"{c}\x00min"], "max": row[f"{c}\x00max"]} for c in columns}


@register(
    "min_max_scale",
    "Min-max scale",
    "Scale numeric",
    ["min-max", "minmax", "normalize", "rescale", "range", "scale", "0-1"],
    MinMaxParams,
    fit=min_max_scale_fit,
)
def min_max_scale(df, *, columns, minimum=0.0, maximum=1.0, state=None):
    """Map each column's range onto [minimum, maximum]."""
    exprs = []
    for c in columns:
        s = (state or {}).get(c, {})
        lo, hi = s.get("min"), s.get("max")
        expr = pl.col(c).cast(pl.Float64)
        if lo is not None and hi is not None and hi > lo:
            expr = (expr - lo) / (hi - lo) * (maximum - minimum) + minimum
        elif lo is not None:
            expr = expr * 0 + minimum
        exprs.append(expr.alias(c))
    return df.with_columns(exprs)


def robust_scale_fit(df, *, columns, **_):
    """Median and inter-quartile range of each column."""
    exprs = []
    for c in columns:
        x = pl.col(c).cast(pl.Float64)
        exprs += [
            x.median().alias(f"{c}\x00median"),
            x.quantile(0.25, interpolation="linear").alias(f"{c}\x00q1"),
            x.quantile(0.75, interpolation="linear").alias(f"{c}\x00q3"),
        ]
    row = df.select(exprs).collect(engine="streaming").row(0, named=True)
    return {
        c: {
            "median": row[f"{c}\x00median"],
            "iqr": (row[f"{c}\x00q3"] or 0) - (row[f"{c}\x00q1"] or 0),
        }
        for c in columns
    }


@register(
    "robust_scale",
    "Robust scale",
    "Scale numeric",
    ["robust", "median", "iqr", "quartile", "scale", "outlier-resistant"],
    ScaleParams,
    fit=robust_scale_fit,
)
def robust_scale(df, *, columns, state=None):
    """Subtract the median and divide by the inter-quartile range."""
    exprs = []
    for c in columns:
        s = (state or {}).get(c, {})
        expr = pl.col(c).cast(pl.Float64)
        if s.get("median") is not None:
            expr = expr - s["median"]
        if s.get("iqr"):
            expr = expr / s["iqr"]
        exprs.append(expr.alias(c))
    return df.with_columns(exprs)


def max_abs_scale_fit(df, *, columns, **_):
    """Largest absolute value of each column."""
    row = (
        df.select([pl.col(c).cast(pl.Float64).abs().max().alias(c) for c in columns])
        .collect(engine="streaming")
        .row(0, named=True)
    )
    return {"max_abs": row}


@register(
    "max_abs_scale",
    "Max-abs scale",
    "Scale numeric",
    ["max abs", "maxabs", "scale", "sparse", "-1 1"],
    ScaleParams,
    fit=max_abs_scale_fit,
)
def max_abs_scale(df, *, columns, state=None):
    """Divide by the largest absolute value, so values fall in [-1, 1]."""
    m = (state or {}).get("max_abs", {})
    return df.with_columns(
        (pl.col(c).cast(pl.Float64) / (m.get(c) or 1.0)).alias(c) for c in columns
    )


class LogParams(ScaleParams):
    base: Literal["e", "2", "10"] = Field(default="e", description="Base of the logarithm.")
    plus_one: bool = Field(default=True, description="Take log(1 + x), so 0 stays 0.")


@register(
    "log_transform",
    "Log transform",
    "Scale numeric",
    ["log", "logarithm", "log1p", "skew", "transform"],
    LogParams,
)
def log_transform(df, *, columns, base="e", plus_one=True, state=None):
    """Take the logarithm; values it cannot take (x <= 0, or x <= -1 with plus one) become missing."""
    b = {"e": math.e, "2": 2.0, "10": 10.0}[base]
    exprs = []
    for c in columns:
        x = pl.col(c).cast(pl.Float64) + (1.0 if plus_one else 0.0)
        exprs.append(pl.when(x > 0).then(x.log(b)).otherwise(None).alias(c))
    return df.with_columns(exprs)


class PowerParams(ScaleParams):
    method: Literal["yeo-johnson", "box-cox"] = Field(
        default="yeo-johnson", description="Box-Cox needs positive values; Yeo-Johnson takes any."
    )
    standardize: bool = Field(default=True, description="Standard-scale the result.")


def _power_expr(x, method, lam):
    """Yeo-Johnson or Box-Cox of the expression ``x`` with parameter ``lam``."""
    if method == "box-cox":
        inner = x.log() if abs(lam) < 1e-12 else (x.pow(lam) - 1) / lam
        return pl.when(x > 0).then(inner).otherwise(None)
    pos = (x + 1).log() if abs(lam) < 1e-12 else ((x + 1).pow(lam) - 1) / lam
    neg = -((-x + 1).log()) if abs(lam - 2) < 1e-12 else -(((-x + 1).pow(2 - lam) - 1) / (2 - lam))
    return pl.when(x >= 0).then(pos).otherwise(neg)


def power_transform_fit(df, *, columns, method="yeo-johnson", standardize=True, **_):
    """The power parameter of each column (maximum likelihood on up to 100,000 rows)."""
    from scipy import stats

    out = {}
    sample = df.select(columns).head(100_000).collect(engine="streaming")
    for c in columns:
        values = sample[c].cast(pl.Float64).drop_nulls().drop_nans().to_numpy()
        if method == "box-cox":
            values = values[values > 0]
        if len(values) < 2 or np.all(values == values[0]):
            out[c] = {"lambda": 1.0, "mean": 0.0, "std": 1.0}
            continue
        if method == "box-cox":
            transformed, lam = stats.boxcox(values)
        else:
            transformed, lam = stats.yeojohnson(values)
        out[c] = {
            "lambda": float(lam),
            "mean": float(np.mean(transformed)),
            "std": float(np.std(transformed)) or 1.0,
        }
    return out


@register(
    "power_transform",
    "Power transform",
    "Scale numeric",
    ["power", "yeo-johnson", "box-cox", "gaussian", "normal", "skew", "transform"],
    PowerParams,
    fit=power_transform_fit,
    helpers=(_power_expr,),
)
def power_transform(df, *, columns, method="yeo-johnson", standardize=True, state=None):
    """Make a column more Gaussian-like with a Yeo-Johnson or Box-Cox transform."""
    exprs = []
    for c in columns:
        s = (state or {}).get(c, {"lambda": 1.0, "mean": 0.0, "std": 1.0})
        expr = _power_expr(pl.col(c).cast(pl.Float64), method, s["lambda"])
        if standardize:
            expr = (expr - s["mean"]) / s["std"]
        exprs.append(expr.alias(c))
    return df.with_columns(exprs)


class BinParams(ScaleParams):
    bins: int = Field(default=5, ge=2, le=100, description="Number of bins.")
    strategy: Literal["uniform", "quantile"] = Field(
        default="quantile", description="Equal-width bins, or bins with equal numbers of rows."
    )
    suffix: str = Field(default="_bin", description="Suffix of the new columns; '' replaces.")


def bin_numeric_fit(df, *, columns, bins=5, strategy="quantile", **_):
    """The inner bin edges of each column."""
    edges = {}
    for c in columns:
        x = pl.col(c).cast(pl.Float64)
        if strategy == "uniform":
            lo, hi = (
                df.select(x.min().alias("lo"), x.max().alias("hi"))
                .collect(engine="streaming")
                .row(0)
            )
            points = [] if lo is None else [lo + (hi - lo) * i / bins for i in range(1, bins)]
        else:
            qs = [i / bins for i in range(1, bins)]
            row = df.select([x.quantile(q, interpolation="linear").alias(str(q)) for q in qs])
            points = [v for v in row.collect(engine="streaming").row(0) if v is not None]
        edges[c] = sorted(set(points))
    return {"edges": edges}


@register(
    "bin_numeric",
    "Bin (discretize)",
    "Scale numeric",
    ["bin", "bucket", "discretize", "quantile", "cut", "histogram"],
    BinParams,
    fit=bin_numeric_fit,
)
def bin_numeric(df, *, columns, bins=5, strategy="quantile", suffix="_bin", state=None):
    """Replace numbers by the index (0, 1, ...) of the bin they fall in."""
    edges = (state or {}).get("edges", {})
    exprs = []
    for c in columns:
        x = pl.col(c).cast(pl.Float64)
        index = pl.lit(0, dtype=pl.Int32)
        for edge in edges.get(c, []):
            index = index + (x > edge).cast(pl.Int32)
        exprs.append(pl.when(x.is_null()).then(None).otherwise(index).alias(f"{c}{suffix}"))
    return df.with_columns(exprs)


class RoundParams(ScaleParams):
    decimals: int = Field(default=0, ge=0, le=15, description="Digits after the decimal point.")


@register(
    "round_numeric",
    "Round numbers",
    "Scale numeric",
    ["round", "decimals", "precision", "truncate"],
    RoundParams,
)
def round_numeric(df, *, columns, decimals=0, state=None):
    """Round numbers to a number of decimals."""
    return df.with_columns(pl.col(c).cast(pl.Float64).round(decimals).alias(c) for c in columns)
