"""Column profiles of a preview: types, missing values and mini-histogram data."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from .schemas import ColumnProfile, HistogramBin, TopValue

__all__ = ["column_kind", "json_value", "profile_columns", "rows_as_json"]

BINS = 20
TOP = 10


def column_kind(series: pl.Series) -> str:
    """numeric, boolean, datetime, categorical, text or other."""
    dtype = series.dtype
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_numeric():
        return "numeric"
    if dtype.is_temporal():
        return "datetime"
    if dtype in (pl.Categorical, pl.Enum) or isinstance(dtype, pl.Enum | pl.Categorical):
        return "categorical"
    if dtype == pl.String:
        non_null = series.len() - series.null_count()
        if non_null == 0:
            return "categorical"
        unique = series.n_unique()
        if unique <= max(50, int(0.05 * non_null)):
            return "categorical"
        return "text"
    return "other"


def json_value(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text, NaN and infinities as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return json_value(value.item())
    return str(value)


def rows_as_json(frame: pl.DataFrame, offset: int = 0, limit: int = 100) -> list[list[Any]]:
    """Rows ``offset`` to ``offset + limit`` as JSON-safe lists."""
    return [[json_value(v) for v in row] for row in frame.slice(offset, limit).iter_rows()]


def _numeric_histogram(values: np.ndarray) -> list[HistogramBin]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return []
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return [HistogramBin(start=lo, end=hi, count=int(values.size))]
    counts, edges = np.histogram(values, bins=BINS, range=(lo, hi))
    return [
        HistogramBin(start=float(edges[i]), end=float(edges[i + 1]), count=int(c))
        for i, c in enumerate(counts)
    ]


def profile_series(series: pl.Series) -> ColumnProfile:
    """The profile of one column."""
    kind = column_kind(series)
    profile = ColumnProfile(
        name=series.name,
        dtype=str(series.dtype),
        kind=kind,  # type: ignore[arg-type]
        missing=int(
            series.null_count() + (series.is_nan().sum() if series.dtype.is_float() else 0)
        ),
    )
    non_null = series.drop_nulls()
    if kind == "numeric":
        values = non_null.cast(pl.Float64).to_numpy()
        finite = values[np.isfinite(values)]
        if finite.size:
            profile.min, profile.max = float(finite.min()), float(finite.max())
            profile.mean = float(finite.mean())
        profile.histogram = _numeric_histogram(values)
        profile.unique = int(non_null.n_unique())
    elif kind == "datetime":
        if non_null.len():
            epoch = non_null.cast(pl.Datetime("us")).dt.epoch("us").to_numpy().astype(np.float64)
            bins = _numeric_histogram(epoch)
            profile.histogram = [
                HistogramBin(start=_iso(b.start), end=_iso(b.end), count=b.count) for b in bins
            ]
            profile.min, profile.max = _iso(float(epoch.min())), _iso(float(epoch.max()))
        profile.unique = int(non_null.n_unique())
    elif kind in ("categorical", "text", "boolean"):
        counts = non_null.cast(pl.String).value_counts(sort=True, name="n").head(TOP)
        profile.top_values = [TopValue(value=str(v), count=int(n)) for v, n in counts.iter_rows()]
        profile.unique = int(non_null.n_unique())
    return profile


def _iso(epoch_us: float | str) -> str:
    return (dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=float(epoch_us))).isoformat()


def profile_columns(frame: pl.DataFrame) -> list[ColumnProfile]:
    """The profile of every column of a preview."""
    return [profile_series(frame.get_column(name)) for name in frame.columns]
