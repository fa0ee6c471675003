"""Text featurization: word counts, token counts (bag of words) and TF-IDF of the top terms."""

from __future__ import annotations

import math

import polars as pl
from pydantic import Field

from .base import ColumnList, ColumnName, StepParams, register

TOKEN = r"[a-z0-9]{2,}"


def _tokens(expr):
    """The tokens of a text expression: lowercase runs of 2+ letters or digits."""
    return expr.cast(pl.String).str.to_lowercase().str.extract_all(r"[a-z0-9]{2,}")


class WordCountParams(StepParams):
    columns: ColumnList
    suffix: str = Field(default="_words")


@register(
    "word_count",
    "Word count",
    "Text featurize",
    ["words", "tokens", "count", "length", "text", "nlp"],
    WordCountParams,
    helpers=(_tokens,),
)
def word_count(df, *, columns, suffix="_words", state=None):
    """Add the number of words of each text."""
    return df.with_columns(
        _tokens(pl.col(c)).list.len().fill_null(0).alias(f"{c}{suffix}") for c in columns
    )


class TermParams(StepParams):
    column: ColumnName
    max_terms: int = Field(default=20, ge=1, le=500, description="Vocabulary size.")
    min_document_frequency: int = Field(
        default=1, ge=1, description="Ignore terms found in fewer rows."
    )
    prefix: str = Field(
        default="", description="New columns are prefix_term (column_term by default)."
    )


def _vocabulary(df, column, max_terms, min_document_frequency):
    """The most frequent terms with the number of rows that contain each, and the row count."""
    docs = df.select(_tokens(pl.col(column)).list.unique().alias("t"))
    total = docs.select(pl.len()).collect(engine="streaming").item()
    counts = (
        docs.explode("t")
        .drop_nulls()
        .group_by("t")
        .agg(pl.len().alias("df"))
        .filter(pl.col("df") >= min_document_frequency)
        .sort(["df", "t"], descending=[True, False])
        .head(max_terms)
        .collect(engine="streaming")
    )
    return counts.rows(), total


def token_counts_fit(df, *, column, max_terms=20, min_document_frequency=1, **_):
    """The vocabulary: the terms found in most rows."""
    rows, _total = _vocabulary(df, column, max_terms, min_document_frequency)
    return {"terms": [t for t, _ in rows]}


@register(
    "token_counts",
    "Token counts (bag of words)",
    "Text featurize",
    ["bag of words", "count vectorizer", "tokens", "terms", "text", "nlp", "vocabulary"],
    TermParams,
    fit=token_counts_fit,
    helpers=(_tokens, _vocabulary),
)
def token_counts(df, *, column, max_terms=20, min_document_frequency=1, prefix="", state=None):
    """A column per vocabulary term with how often it occurs in the text."""
    base = prefix or column
    toks = _tokens(pl.col(column))
    return df.with_columns(
        toks.list.count_matches(term).fill_null(0).alias(f"{base}_{term}")
        for term in (state or {}).get("terms", [])
    )


def tfidf_top_terms_fit(df, *, column, max_terms=20, min_document_frequency=1, **_):
    """The vocabulary and the inverse document frequency of each term (smoothed, as scikit-learn)."""
    rows, total = _vocabulary(df, column, max_terms, min_document_frequency)
    return {"idf": {t: math.log((1 + total) / (1 + n)) + 1 for t, n in rows}}


@register(
    "tfidf_top_terms",
    "TF-IDF of top terms",
    "Text featurize",
    ["tf-idf", "tfidf", "term frequency", "text", "nlp", "vectorize", "terms"],
    TermParams,
    fit=tfidf_top_terms_fit,
    helpers=(_tokens, _vocabulary),
)
def tfidf_top_terms(df, *, column, max_terms=20, min_document_frequency=1, prefix="", state=None):
    """A column per top term: its frequency in the text times its inverse document frequency."""
    base = prefix or column
    toks = _tokens(pl.col(column))
    length = toks.list.len().cast(pl.Float64)
    return df.with_columns(
        pl.when(length > 0)
        .then(toks.list.count_matches(term).cast(pl.Float64) / length * idf)
        .otherwise(0.0)
        .alias(f"{base}_{term}")
        for term, idf in (state or {}).get("idf", {}).items()
    )
