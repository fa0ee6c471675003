"""Encode categorical columns: one-hot, ordinal, target mean, rare-category grouping, frequency."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from .base import ColumnList, ColumnName, StepParams, register


def _category_label(value) -> str:
    """A category as text, the way new column names show it."""
    return "null" if value is None else str(value)


class OneHotParams(StepParams):
    columns: ColumnList
    max_categories: int = Field(
        default=50, ge=1, le=1000, description="Keep the most frequent categories up to this many."
    )
    drop_original: bool = Field(default=True, description="Remove the encoded columns.")
    separator: str = Field(default="_", max_length=5, description="Between column and category.")


def one_hot_encode_fit(df, *, columns, max_categories=50, **_):
    """The most frequent categories of each column, sorted."""
    categories = {}
    for c in columns:
        counts = (
            df.select(pl.col(c).cast(pl.String).alias("v"))
            .group_by("v")
            .agg(pl.len().alias("n"))
            .sort(["n", "v"], descending=[True, False], nulls_last=True)
            .head(max_categories)
            .collect(engine="streaming")
        )
        categories[c] = sorted(_category_label(v) for v in counts["v"].to_list())
    return {"categories": categories}


@register(
    "one_hot_encode",
    "One-hot encode",
    "Encode categorical",
    ["one-hot", "onehot", "dummy", "dummies", "indicator", "categorical", "encode"],
    OneHotParams,
    fit=one_hot_encode_fit,
    helpers=(_category_label,),
)
def one_hot_encode(
    df, *, columns, max_categories=50, drop_original=True, separator="_", state=None
):
    """A 0/1 column per category (unknown categories get 0 everywhere)."""
    exprs = []
    for c in columns:
        text = pl.col(c).cast(pl.String)
        for cat in (state or {}).get("categories", {}).get(c, []):
            hit = text.is_null() if cat == "null" else (text == cat).fill_null(False)
            exprs.append(hit.cast(pl.Int8).alias(f"{c}{separator}{cat}"))
    out = df.with_columns(exprs)
    return out.drop(columns) if drop_original else out


class OrdinalParams(StepParams):
    columns: ColumnList
    order: Literal["alphabetical", "frequency", "custom"] = Field(
        default="alphabetical", description="How categories are numbered from 0."
    )
    custom_order: list[str] = Field(
        default_factory=list, description="Categories in order, for the 'custom' order."
    )
    unknown_value: int = Field(default=-1, description="Code of categories not seen when fitting.")


def ordinal_encode_fit(df, *, columns, order="alphabetical", custom_order=(), **_):
    """The code of each category."""
    mapping = {}
    for c in columns:
        if order == "custom":
            cats = list(custom_order)
        else:
            counts = (
                df.select(pl.col(c).cast(pl.String).alias("v"))
                .drop_nulls()
                .group_by("v")
                .agg(pl.len().alias("n"))
                .collect(engine="streaming")
            )
            if order == "frequency":
                counts = counts.sort(["n", "v"], descending=[True, False])
            else:
                counts = counts.sort("v")
            cats = counts["v"].to_list()
        mapping[c] = {cat: i for i, cat in enumerate(cats)}
    return {"mapping": mapping}


@register(
    "ordinal_encode",
    "Ordinal encode",
    "Encode categorical",
    ["ordinal", "label", "integer", "codes", "categorical", "encode", "factorize"],
    OrdinalParams,
    fit=ordinal_encode_fit,
)
def ordinal_encode(
    df, *, columns, order="alphabetical", custom_order=(), unknown_value=-1, state=None
):
    """Replace each category by an integer code."""
    mapping = (state or {}).get("mapping", {})
    return df.with_columns(
        pl.col(c)
        .cast(pl.String)
        .replace_strict(mapping.get(c, {}), default=unknown_value, return_dtype=pl.Int64)
        .alias(c)
        for c in columns
    )


class TargetMeanParams(StepParams):
    columns: ColumnList
    target: ColumnName = Field(description="Numeric or 0/1 column whose mean encodes categories.")
    smoothing: float = Field(
        default=10.0, ge=0, description="Weight of the overall mean for rare categories."
    )
    suffix: str = Field(default="", description="Write to new columns with this suffix when set.")


def target_mean_encode_fit(df, *, columns, target, smoothing=10.0, **_):
    """Smoothed target mean of each category, and the overall mean for unknown ones."""
    y = pl.col(target).cast(pl.Float64)
    overall = df.select(y.mean()).collect(engine="streaming").item()
    means = {}
    for c in columns:
        stats = (
            df.select(pl.col(c).cast(pl.String).alias("v"), y.alias("y"))
            .group_by("v")
            .agg(pl.col("y").mean().alias("m"), pl.col("y").count().alias("n"))
            .collect(engine="streaming")
        )
        means[c] = {
            ("null" if v is None else v): (n * m + smoothing * overall) / (n + smoothing)
            if m is not None
            else overall
            for v, m, n in stats.iter_rows()
        }
    return {"overall": overall, "means": means}


@register(
    "target_mean_encode",
    "Target mean encode",
    "Encode categorical",
    ["target", "mean", "likelihood", "encode", "categorical", "impact"],
    TargetMeanParams,
    fit=target_mean_encode_fit,
)
def target_mean_encode(df, *, columns, target, smoothing=10.0, suffix="", state=None):
    """Replace each category by the (smoothed) mean of the target over its rows."""
    state = state or {}
    overall = state.get("overall")
    return df.with_columns(
        pl.col(c)
        .cast(pl.String)
        .fill_null("null")
        .replace_strict(state.get("means", {}).get(c, {}), default=overall, return_dtype=pl.Float64)
        .alias(f"{c}{suffix}")
        for c in columns
    )


class RareParams(StepParams):
    columns: ColumnList
    min_fraction: float = Field(
        default=0.01, gt=0, lt=1, description="Categories rarer than this fraction are grouped."
    )
    other_label: str = Field(default="Other", description="The label of grouped categories.")


def group_rare_categories_fit(df, *, columns, min_fraction=0.01, **_):
    """The categories frequent enough to keep."""
    keep = {}
    for c in columns:
        counts = (
            df.select(pl.col(c).cast(pl.String).alias("v"))
            .group_by("v")
            .agg(pl.len().alias("n"))
            .collect(engine="streaming")
        )
        total = counts["n"].sum() or 1
        keep[c] = sorted(
            v for v, n in counts.iter_rows() if v is not None and n / total >= min_fraction
        )
    return {"keep": keep}


@register(
    "group_rare_categories",
    "Group rare categories",
    "Encode categorical",
    ["rare", "other", "group", "infrequent", "categorical", "cardinality", "long tail"],
    RareParams,
    fit=group_rare_categories_fit,
)
def group_rare_categories(df, *, columns, min_fraction=0.01, other_label="Other", state=None):
    """Replace categories rarer than ``min_fraction`` by one label."""
    keep = (state or {}).get("keep", {})
    return df.with_columns(
        pl.when(pl.col(c).is_null())
        .then(None)
        .when(pl.col(c).cast(pl.String).is_in(keep.get(c, [])))
        .then(pl.col(c).cast(pl.String))
        .otherwise(pl.lit(other_label))
        .alias(c)
        for c in columns
    )


class FrequencyParams(StepParams):
    columns: ColumnList
    suffix: str = Field(default="_frequency", description="Suffix of the new columns.")


def frequency_encode_fit(df, *, columns, **_):
    """The fraction of rows of each category."""
    freq = {}
    for c in columns:
        counts = (
            df.select(pl.col(c).cast(pl.String).fill_null("null").alias("v"))
            .group_by("v")
            .agg(pl.len().alias("n"))
            .collect(engine="streaming")
        )
        total = counts["n"].sum() or 1
        freq[c] = {v: n / total for v, n in counts.iter_rows()}
    return {"frequency": freq}


@register(
    "frequency_encode",
    "Frequency encode",
    "Encode categorical",
    ["frequency", "count", "encode", "categorical"],
    FrequencyParams,
    fit=frequency_encode_fit,
)
def frequency_encode(df, *, columns, suffix="_frequency", state=None):
    """Add the fraction of rows that share each row's category."""
    freq = (state or {}).get("frequency", {})
    return df.with_columns(
        pl.col(c)
        .cast(pl.String)
        .fill_null("null")
        .replace_strict(freq.get(c, {}), default=0.0, return_dtype=pl.Float64)
        .alias(f"{c}{suffix}")
        for c in columns
    )
