"""String steps: case, strip, pad, regex replace and extract, split, length, contains, combine."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from .base import ColumnList, ColumnName, StepParams, register


class CaseParams(StepParams):
    columns: ColumnList
    case: Literal["lower", "upper", "title"] = Field(default="lower", description="The new case.")


@register(
    "change_case",
    "Change case",
    "Strings",
    ["lower", "upper", "title", "case", "lowercase", "uppercase", "capitalize", "string"],
    CaseParams,
)
def change_case(df, *, columns, case="lower", state=None):
    """Convert text to lower, upper or title case."""

    def convert(expr):
        if case == "lower":
            return expr.str.to_lowercase()
        if case == "upper":
            return expr.str.to_uppercase()
        return expr.str.to_titlecase()

    return df.with_columns(convert(pl.col(c).cast(pl.String)).alias(c) for c in columns)


class StripParams(StepParams):
    columns: ColumnList
    side: Literal["both", "left", "right"] = Field(default="both")
    characters: str | None = Field(
        default=None, description="Characters to remove; whitespace when empty."
    )


@register(
    "strip_text",
    "Strip spaces or characters",
    "Strings",
    ["strip", "trim", "whitespace", "spaces", "clean", "string"],
    StripParams,
)
def strip_text(df, *, columns, side="both", characters=None, state=None):
    """Remove leading and/or trailing whitespace (or the given characters)."""
    chars = characters or None
    exprs = []
    for c in columns:
        s = pl.col(c).cast(pl.String).str
        if side == "both":
            e = s.strip_chars(chars)
        elif side == "left":
            e = s.strip_chars_start(chars)
        else:
            e = s.strip_chars_end(chars)
        exprs.append(e.alias(c))
    return df.with_columns(exprs)


class PadParams(StepParams):
    columns: ColumnList
    width: int = Field(ge=1, le=10_000, description="Length after padding.")
    side: Literal["left", "right"] = Field(default="left")
    fill_char: str = Field(default=" ", min_length=1, max_length=1)


@register(
    "pad_text",
    "Pad text",
    "Strings",
    ["pad", "zero-fill", "zfill", "justify", "width", "string"],
    PadParams,
)
def pad_text(df, *, columns, width, side="left", fill_char=" ", state=None):
    """Pad text to a width with a fill character."""
    return df.with_columns(
        (
            pl.col(c).cast(pl.String).str.pad_start(width, fill_char)
            if side == "left"
            else pl.col(c).cast(pl.String).str.pad_end(width, fill_char)
        ).alias(c)
        for c in columns
    )


class RegexReplaceParams(StepParams):
    columns: ColumnList
    pattern: str = Field(min_length=1, description="Regular expression (or text when literal).")
    replacement: str = Field(default="", description="Replacement; $1 refers to a group.")
    literal: bool = Field(default=False, description="Treat the pattern as plain text.")


@register(
    "regex_replace",
    "Replace text (regex)",
    "Strings",
    ["replace", "regex", "regular expression", "substitute", "sub", "pattern", "string"],
    RegexReplaceParams,
)
def regex_replace(df, *, columns, pattern, replacement="", literal=False, state=None):
    """Replace every match of a pattern."""
    return df.with_columns(
        pl.col(c).cast(pl.String).str.replace_all(pattern, replacement, literal=literal).alias(c)
        for c in columns
    )


class RegexExtractParams(StepParams):
    column: ColumnName
    pattern: str = Field(min_length=1, description="Regular expression with a capture group.")
    group: int = Field(default=1, ge=0, description="The group to keep (0: the whole match).")
    output_column: str = Field(min_length=1, description="Name of the new column.")


@register(
    "regex_extract",
    "Extract text (regex)",
    "Strings",
    ["extract", "regex", "capture", "group", "pattern", "parse", "string"],
    RegexExtractParams,
)
def regex_extract(df, *, column, pattern, group=1, output_column, state=None):
    """Extract the first match of a capture group into a new column."""
    return df.with_columns(
        pl.col(column).cast(pl.String).str.extract(pattern, group).alias(output_column)
    )


class SplitParams(StepParams):
    column: ColumnName
    delimiter: str = Field(min_length=1, description="Text between the parts.")
    parts: int = Field(default=2, ge=1, le=100, description="Number of new columns.")
    prefix: str = Field(default="", description="New columns are prefix_1, prefix_2, ...")


@register(
    "split_text",
    "Split into columns",
    "Strings",
    ["split", "delimiter", "separate", "columns", "explode", "tokens", "string"],
    SplitParams,
)
def split_text(df, *, column, delimiter, parts=2, prefix="", state=None):
    """Split text on a delimiter into a fixed number of columns (the last one keeps the rest)."""
    base = prefix or column
    names = [f"{base}_{i + 1}" for i in range(parts)]
    return df.with_columns(
        pl.col(column)
        .cast(pl.String)
        .str.splitn(delimiter, parts)
        .struct.rename_fields(names)
        .alias("__split")
    ).unnest("__split")


class LengthParams(StepParams):
    columns: ColumnList
    suffix: str = Field(default="_length", description="Suffix of the new columns.")


@register(
    "text_length",
    "Text length",
    "Strings",
    ["length", "len", "characters", "count", "size", "string"],
    LengthParams,
)
def text_length(df, *, columns, suffix="_length", state=None):
    """Add the number of characters of each value."""
    return df.with_columns(
        pl.col(c).cast(pl.String).str.len_chars().alias(f"{c}{suffix}") for c in columns
    )


class ContainsParams(StepParams):
    column: ColumnName
    pattern: str = Field(min_length=1)
    literal: bool = Field(default=True, description="Plain text (or a regular expression).")
    case_sensitive: bool = Field(default=True)
    output_column: str = Field(min_length=1)


@register(
    "contains_text",
    "Flag text that contains",
    "Strings",
    ["contains", "match", "search", "find", "flag", "regex", "string"],
    ContainsParams,
)
def contains_text(
    df, *, column, pattern, literal=True, case_sensitive=True, output_column, state=None
):
    """Add a true/false column: does the text contain the pattern?"""
    text = pl.col(column).cast(pl.String)
    if not case_sensitive:
        text = text.str.to_lowercase()
        pattern = pattern.lower() if literal else "(?i)" + pattern
    return df.with_columns(text.str.contains(pattern, literal=literal).alias(output_column))


class CombineParams(StepParams):
    columns: ColumnList
    separator: str = Field(default=" ")
    output_column: str = Field(min_length=1)
    skip_missing: bool = Field(default=True, description="Leave missing values out.")


@register(
    "combine_columns",
    "Combine text columns",
    "Strings",
    ["combine", "concatenate", "join", "merge", "columns", "string"],
    CombineParams,
)
def combine_columns(df, *, columns, separator=" ", output_column, skip_missing=True, state=None):
    """Join the text of several columns into one."""
    return df.with_columns(
        pl.concat_str(
            [pl.col(c).cast(pl.String) for c in columns],
            separator=separator,
            ignore_nulls=skip_missing,
        ).alias(output_column)
    )


class ReplaceValuesParams(StepParams):
    column: ColumnName
    mapping: dict[str, str] = Field(description="Old value -> new value.")


@register(
    "replace_values",
    "Replace values",
    "Strings",
    ["replace", "map", "recode", "rename values", "lookup", "string"],
    ReplaceValuesParams,
)
def replace_values(df, *, column, mapping, state=None):
    """Replace exact values by others (other values stay)."""
    return df.with_columns(pl.col(column).cast(pl.String).replace(mapping).alias(column))
