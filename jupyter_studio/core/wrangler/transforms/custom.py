"""Custom steps: your own pandas, Polars or SQL code over the step's input."""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl
from pydantic import Field

from .base import StepParams, register


class CustomCodeParams(StepParams):
    code: str = Field(
        min_length=1,
        max_length=200_000,
        description="Python code; the input is the variable df, and df after the code is the output.",
        json_schema_extra={"x-studio-widget": "code-python"},
    )


@register(
    "custom_pandas",
    "Custom pandas code",
    "Custom",
    ["pandas", "custom", "code", "python", "script", "dataframe"],
    CustomCodeParams,
    streaming=False,
)
def custom_pandas(df, *, code, state=None):
    """Run pandas code on the input (``df`` is a pandas DataFrame; it is read into memory)."""
    import pandas as pd

    namespace = {"df": df.collect().to_pandas(), "pd": pd, "np": np, "pl": pl}
    exec(compile(code, "<custom pandas step>", "exec"), namespace)
    out = namespace.get("df")
    if not isinstance(out, pd.DataFrame):
        raise TypeError(f"after the code, df must be a pandas DataFrame, not {type(out).__name__}")
    return pl.from_pandas(out, include_index=False).lazy()


@register(
    "custom_polars",
    "Custom Polars code",
    "Custom",
    ["polars", "custom", "code", "python", "lazy", "expression"],
    CustomCodeParams,
)
def custom_polars(df, *, code, state=None):
    """Run Polars code on the input (``df`` is a LazyFrame; a DataFrame result is accepted)."""
    namespace = {"df": df, "pl": pl, "np": np}
    exec(compile(code, "<custom polars step>", "exec"), namespace)
    out = namespace.get("df")
    if isinstance(out, pl.DataFrame):
        return out.lazy()
    if not isinstance(out, pl.LazyFrame):
        raise TypeError(
            f"after the code, df must be a Polars DataFrame or LazyFrame, not {type(out).__name__}"
        )
    return out


class CustomSqlParams(StepParams):
    query: str = Field(
        min_length=1,
        max_length=200_000,
        description="A SELECT over the table df (the step's input).",
        json_schema_extra={"x-studio-widget": "code-sql"},
    )
    dialect: Literal["polars", "duckdb"] = Field(
        default="polars",
        description="Polars SQL stays lazy and streams; DuckDB SQL reads the input into memory.",
    )


@register(
    "custom_sql",
    "Custom SQL",
    "Custom",
    ["sql", "query", "select", "custom", "duckdb", "where", "group by"],
    CustomSqlParams,
)
def custom_sql(df, *, query, dialect="polars", state=None):
    """Run a SQL query over the input, which is the table ``df``."""
    if dialect == "duckdb":
        import duckdb

        con = duckdb.connect()
        try:
            con.execute("SET enable_external_access = false")
            con.register("df", df.collect().to_arrow())
            return pl.from_arrow(con.sql(query).to_arrow_table()).lazy()
        finally:
            con.close()
    return pl.SQLContext({"df": df}, eager=False).execute(query)
