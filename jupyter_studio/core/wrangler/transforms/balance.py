"""Balance classes: random over-sampling, random under-sampling, SMOTE-style synthesis."""

from __future__ import annotations

import numpy as np
import polars as pl
from pydantic import Field

from .base import ColumnName, StepParams, register


class BalanceParams(StepParams):
    target: ColumnName = Field(description="The class column.")
    ratio: float = Field(
        default=1.0,
        gt=0,
        le=1,
        description="Each class is brought to this fraction of the largest.",
    )
    seed: int = Field(default=0, ge=0)


def class_counts_fit(df, *, target, **_):
    """Rows per class."""
    counts = df.group_by(target).agg(pl.len().alias("n")).collect(engine="streaming")
    return {"counts": [[k, n] for k, n in counts.sort(target, nulls_last=True).iter_rows()]}


@register(
    "random_oversample",
    "Random over-sample",
    "Balance classes",
    ["oversample", "over-sample", "balance", "imbalance", "minority", "upsample", "class"],
    BalanceParams,
    fit=class_counts_fit,
    streaming=False,
)
def random_oversample(df, *, target, ratio=1.0, seed=0, state=None):
    """Repeat random rows of smaller classes until each has ``ratio`` times the largest's rows."""
    counts = (state or {}).get("counts", [])
    if not counts:
        return df
    largest = max(n for _, n in counts)
    extra = []
    for i, (label, n) in enumerate(counts):
        want = int(round(largest * ratio)) - n
        if want <= 0 or label is None:
            continue
        rows = df.filter(pl.col(target) == label).collect()
        if rows.height:
            extra.append(rows.sample(want, with_replacement=True, seed=seed + i).lazy())
    return pl.concat([df, *extra], how="vertical_relaxed") if extra else df


@register(
    "random_undersample",
    "Random under-sample",
    "Balance classes",
    ["undersample", "under-sample", "balance", "imbalance", "majority", "downsample", "class"],
    BalanceParams,
    fit=class_counts_fit,
    streaming=False,
)
def random_undersample(df, *, target, ratio=1.0, seed=0, state=None):
    """Drop random rows of larger classes until none has more than the smallest / ``ratio``."""
    counts = (state or {}).get("counts", [])
    if not counts:
        return df
    smallest = min(n for _, n in counts)
    cap = int(round(smallest / ratio))
    keep = pl.int_range(pl.len()).shuffle(seed=seed).over(target) < cap
    return df.filter(keep)


class SmoteParams(BalanceParams):
    k_neighbors: int = Field(default=5, ge=1, le=50)


@register(
    "smote",
    "SMOTE (synthetic minority rows)",
    "Balance classes",
    ["smote", "synthetic", "oversample", "balance", "imbalance", "minority", "interpolate"],
    SmoteParams,
    fit=class_counts_fit,
    streaming=False,
)
def smote(df, *, target, ratio=1.0, seed=0, k_neighbors=5, state=None):
    """Add synthetic rows to smaller classes, between a row and one of its nearest neighbours.

    Numeric columns are interpolated; other columns are copied from the starting row.
    """
    from sklearn.neighbors import NearestNeighbors

    counts = (state or {}).get("counts", [])
    if not counts:
        return df
    schema = df.collect_schema()
    numeric = [c for c, t in schema.items() if c != target and t.is_numeric()]
    largest = max(n for _, n in counts)
    rng = np.random.default_rng(seed)
    extra = []
    for label, n in counts:
        want = int(round(largest * ratio)) - n
        if want <= 0 or label is None:
            continue
        rows = df.filter(pl.col(target) == label).collect()
        if rows.height < 2 or not numeric:
            extra.append(rows.sample(want, with_replacement=True, seed=seed).lazy())
            continue
        x = rows.select(numeric).cast(pl.Float64).fill_null(0.0).fill_nan(0.0).to_numpy()
        k = min(k_neighbors, rows.height - 1)
        _, neighbours = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x)
        start = rng.integers(0, rows.height, size=want)
        pick = neighbours[start, rng.integers(1, k + 1, size=want)]
        gap = rng.random((want, 1))
        synthetic = x[start] + gap * (x[pick] - x[start])
        base = rows[start.tolist()]
        new = base.with_columns(
            pl.Series(c, synthetic[:, j]).cast(schema[c], strict=False)
            for j, c in enumerate(numeric)
        )
        extra.append(new.lazy())
    return pl.concat([df, *extra], how="vertical_relaxed") if extra else df
