"""Small functions shared by transforms; the code exporter copies them with the transforms."""

from __future__ import annotations

import polars as pl

__all__ = ["missing_expr", "schema_of", "numeric_columns"]


def schema_of(df: pl.LazyFrame) -> dict:
    """Column name -> Polars type of a lazy frame (no data is read)."""
    return dict(df.collect_schema())


def missing_expr(name: str, dtype) -> pl.Expr:
    """True where a value is missing: null, or NaN in a float column."""
    expr = pl.col(name).is_null()
    if dtype in (pl.Float32, pl.Float64):
        expr = expr | pl.col(name).is_nan()
    return expr


def numeric_columns(df: pl.LazyFrame) -> list:
    """Names of the numeric columns."""
    return [name for name, dtype in df.collect_schema().items() if dtype.is_numeric()]
