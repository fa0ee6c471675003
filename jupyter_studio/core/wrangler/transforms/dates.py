"""Datetime steps: parse with a format, extract parts, differences, cyclical encoding, truncate."""

from __future__ import annotations

import math
from typing import Literal

import polars as pl
from pydantic import Field

from .base import ColumnList, ColumnName, OptionalColumn, StepParams, register


class ParseParams(StepParams):
    columns: ColumnList
    format: str | None = Field(
        default=None, description="strftime format such as %Y-%m-%d; guessed when empty."
    )
    to: Literal["datetime", "date"] = Field(default="datetime")
    on_error: Literal["fail", "null"] = Field(
        default="fail", description="Stop on text that does not parse, or make it missing."
    )


@register(
    "parse_datetime",
    "Parse dates and times",
    "Datetime",
    ["parse", "date", "datetime", "timestamp", "format", "strptime", "convert"],
    ParseParams,
)
def parse_datetime(df, *, columns, format=None, to="datetime", on_error="fail", state=None):
    """Turn text into dates or datetimes."""
    strict = on_error == "fail"
    exprs = []
    for c in columns:
        text = pl.col(c).cast(pl.String).str.strip_chars()
        if to == "date":
            exprs.append(text.str.to_date(format, strict=strict).alias(c))
        else:
            exprs.append(text.str.to_datetime(format, strict=strict, time_unit="us").alias(c))
    return df.with_columns(exprs)


PART = Literal[
    "year", "quarter", "month", "day", "weekday", "hour", "minute", "second", "day_of_year", "week"
]


class PartsParams(StepParams):
    column: ColumnName
    parts: list[PART] = Field(default_factory=lambda: ["year", "month", "day"], min_length=1)
    prefix: str = Field(
        default="", description="New columns are prefix_part (column_part by default)."
    )


def _part_expr(expr, part):
    """One calendar part of a datetime expression."""
    return {
        "year": lambda: expr.dt.year(),
        "quarter": lambda: expr.dt.quarter(),
        "month": lambda: expr.dt.month(),
        "day": lambda: expr.dt.day(),
        "weekday": lambda: expr.dt.weekday(),
        "hour": lambda: expr.dt.hour(),
        "minute": lambda: expr.dt.minute(),
        "second": lambda: expr.dt.second(),
        "day_of_year": lambda: expr.dt.ordinal_day(),
        "week": lambda: expr.dt.week(),
    }[part]()


@register(
    "extract_datetime_parts",
    "Extract date parts",
    "Datetime",
    ["year", "month", "day", "weekday", "hour", "quarter", "week", "extract", "date", "parts"],
    PartsParams,
    helpers=(_part_expr,),
)
def extract_datetime_parts(df, *, column, parts=("year", "month", "day"), prefix="", state=None):
    """Add columns with the year, month, day, weekday (Monday = 1), hour... of a date."""
    base = prefix or column
    return df.with_columns(_part_expr(pl.col(column), p).alias(f"{base}_{p}") for p in parts)


class DifferenceParams(StepParams):
    start_column: ColumnName
    end_column: OptionalColumn = Field(
        default=None, description="Later date; the reference date when empty."
    )
    reference: str | None = Field(
        default=None, description="A fixed date (ISO 8601) used when no end column is set."
    )
    unit: Literal["days", "hours", "minutes", "seconds"] = Field(default="days")
    output_column: str = Field(min_length=1)


@register(
    "datetime_difference",
    "Date difference",
    "Datetime",
    ["difference", "duration", "elapsed", "age", "days between", "delta", "date"],
    DifferenceParams,
)
def datetime_difference(
    df, *, start_column, end_column=None, reference=None, unit="days", output_column, state=None
):
    """Time from a start date to an end date (or a fixed date), in a unit."""
    start = pl.col(start_column).cast(pl.Datetime("us"))
    if end_column:
        end = pl.col(end_column).cast(pl.Datetime("us"))
    else:
        end = pl.lit(reference or "1970-01-01").str.to_datetime(time_unit="us")
    seconds = (end - start).dt.total_microseconds() / 1_000_000
    scale = {"days": 86400.0, "hours": 3600.0, "minutes": 60.0, "seconds": 1.0}[unit]
    return df.with_columns((seconds / scale).alias(output_column))


class CyclicalParams(StepParams):
    column: ColumnName
    part: Literal["month", "weekday", "hour", "day_of_year", "minute", "value"] = Field(
        default="month", description="Date part to encode, or 'value' for a number with a period."
    )
    period: float | None = Field(default=None, gt=0, description="Period of a 'value' column.")
    drop_original: bool = Field(default=False)


@register(
    "cyclical_encode",
    "Cyclical encode (sin/cos)",
    "Datetime",
    ["cyclical", "sin", "cos", "periodic", "season", "hour", "month", "weekday", "circular"],
    CyclicalParams,
    helpers=(_part_expr,),
)
def cyclical_encode(df, *, column, part="month", period=None, drop_original=False, state=None):
    """Encode a periodic value as its sine and cosine, so the end of a cycle meets its start."""
    periods = {"month": 12.0, "weekday": 7.0, "hour": 24.0, "day_of_year": 366.0, "minute": 60.0}
    if part == "value":
        value = pl.col(column).cast(pl.Float64)
        cycle = float(period or 1.0)
    else:
        value = _part_expr(pl.col(column), part).cast(pl.Float64)
        cycle = periods[part]
    angle = value * (2 * math.pi / cycle)
    name = column if part == "value" else f"{column}_{part}"
    out = df.with_columns(angle.sin().alias(f"{name}_sin"), angle.cos().alias(f"{name}_cos"))
    return out.drop(column) if drop_original else out


class TruncateParams(StepParams):
    columns: ColumnList
    every: Literal["1y", "1q", "1mo", "1w", "1d", "1h", "1m"] = Field(
        default="1d", description="Round dates down to the start of this period."
    )


@register(
    "truncate_datetime",
    "Truncate dates",
    "Datetime",
    ["truncate", "round", "floor", "period", "month start", "day", "date"],
    TruncateParams,
)
def truncate_datetime(df, *, columns, every="1d", state=None):
    """Round dates down to the start of a year, quarter, month, week, day, hour or minute."""
    return df.with_columns(pl.col(c).dt.truncate(every).alias(c) for c in columns)
