"""Join two inputs on keys, and concatenate two inputs."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, model_validator

from .base import ColumnList, RightColumnList, StepParams, register


class JoinParams(StepParams):
    left_on: ColumnList = Field(
        title="Left keys", description="Columns of the left input to match, in order."
    )
    right_on: RightColumnList = Field(
        title="Right keys", description="The matching columns of the right input, in order."
    )
    how: Literal["inner", "left", "right", "outer", "anti", "semi"] = Field(
        default="inner",
        description="inner: matching rows; left/right: all rows of one side; outer: all rows; "
        "anti: left rows without a match; semi: left rows with a match.",
    )
    suffix: str = Field(default="_right", description="Added to right columns whose name clashes.")

    @model_validator(mode="after")
    def _same_length(self) -> JoinParams:
        if len(self.left_on) != len(self.right_on):
            raise ValueError("left_on and right_on need the same number of columns")
        return self


@register(
    "join",
    "Join",
    "Join",
    ["join", "merge", "lookup", "inner", "left", "right", "outer", "anti", "semi", "keys"],
    JoinParams,
    inputs=2,
)
def join(left, right, *, left_on, right_on, how="inner", suffix="_right", state=None):
    """Join the left input with the right one on key columns."""
    return left.join(
        right,
        left_on=left_on,
        right_on=right_on,
        how="full" if how == "outer" else how,
        suffix=suffix,
        coalesce=True,
        maintain_order="left_right" if how in ("inner", "left", "outer") else "none",
    )


class ConcatParams(StepParams):
    how: Literal["by_name", "by_position"] = Field(
        default="by_name",
        description="Match columns by name (missing ones are filled with nulls) or by position.",
    )
    drop_duplicates: bool = Field(
        default=False, description="Remove rows that repeat after stacking."
    )


@register(
    "concatenate",
    "Concatenate",
    "Concatenate",
    ["concatenate", "union", "append", "stack", "rows", "combine"],
    ConcatParams,
    inputs=2,
)
def concatenate(left, right, *, how="by_name", drop_duplicates=False, state=None):
    """Stack the rows of the right input under the left one."""
    if how == "by_position":
        names = left.collect_schema().names()
        right = right.rename(dict(zip(right.collect_schema().names(), names, strict=False)))
        out = pl.concat([left, right], how="vertical_relaxed")
    else:
        out = pl.concat([left, right], how="diagonal_relaxed")
    return out.unique(maintain_order=True) if drop_duplicates else out
