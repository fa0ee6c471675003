"""Vega-Lite v5 specifications (plain dicts) for analyses and the insights report.

The data is aggregated in Polars first and embedded in the spec (a histogram's bins, a box
plot's quartiles), so a chart stays small whatever the number of rows; scatter plots embed a
sample of points. JupyterLab renders them through its rendermime registry under the mime type
:data:`VEGALITE_MIME`, the same as charts in notebooks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from .profile import json_value

__all__ = [
    "VEGALITE_MIME",
    "bar_chart",
    "box_plot",
    "heatmap",
    "histogram",
    "scatter",
]

VEGALITE_MIME = "application/vnd.vegalite.v5+json"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _spec(title: str, values: list[dict[str, Any]], **rest: Any) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": rest.pop("width", 360),
        "height": rest.pop("height", 220),
        "data": {"values": values},
        **rest,
    }


def histogram(series: pl.Series, *, bins: int = 30, title: str | None = None) -> dict[str, Any]:
    """Bars of counts over equal-width bins (numbers, dates) or the top values (text)."""
    name = series.name
    title = title or f"Histogram of {name}"
    values = series.drop_nulls()
    if values.dtype.is_numeric() or values.dtype.is_temporal():
        temporal = values.dtype.is_temporal()
        numbers = (
            values.cast(pl.Datetime("us")).dt.epoch("ms").cast(pl.Float64).to_numpy()
            if temporal
            else values.cast(pl.Float64).to_numpy()
        )
        numbers = numbers[np.isfinite(numbers)]
        if numbers.size == 0:
            return _spec(title, [], mark="bar")
        counts, edges = np.histogram(numbers, bins=bins)
        rows = [
            {"start": float(edges[i]), "end": float(edges[i + 1]), "count": int(c)}
            for i, c in enumerate(counts)
        ]
        kind = "temporal" if temporal else "quantitative"
        return _spec(
            title,
            rows,
            mark={"type": "bar", "tooltip": True},
            encoding={
                "x": {"field": "start", "type": kind, "bin": {"binned": True}, "title": name},
                "x2": {"field": "end"},
                "y": {"field": "count", "type": "quantitative", "title": "rows"},
            },
        )
    counts = values.cast(pl.String).value_counts(sort=True, name="count").head(bins)
    return bar_chart(
        [{"value": v, "count": int(n)} for v, n in counts.iter_rows()],
        "value",
        "count",
        title=title,
        x_title=name,
    )


def bar_chart(
    rows: list[dict[str, Any]],
    x: str,
    y: str,
    *,
    title: str,
    x_title: str | None = None,
    y_title: str | None = None,
    horizontal: bool = False,
    sort: bool = True,
    color: str | None = None,
) -> dict[str, Any]:
    """A bar chart of precomputed rows."""
    cat = {
        "field": x,
        "type": "nominal",
        "title": x_title or x,
        "sort": "-y" if sort and not horizontal else ("-x" if sort else None),
    }
    val = {"field": y, "type": "quantitative", "title": y_title or y}
    encoding = {"y": cat, "x": val} if horizontal else {"x": cat, "y": val}
    if color:
        encoding["color"] = {"field": color, "type": "nominal"}
    return _spec(
        title,
        [{k: json_value(v) for k, v in r.items()} for r in rows],
        mark={"type": "bar", "tooltip": True},
        encoding=encoding,
        height=max(160, 18 * len(rows)) if horizontal else 220,
    )


def scatter(
    frame: pl.DataFrame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    max_points: int = 5000,
    title: str | None = None,
) -> dict[str, Any]:
    """Points of two columns (a random sample of at most ``max_points``)."""
    columns = [c for c in dict.fromkeys([x, y, color]) if c]
    data = frame.select(columns).drop_nulls([x, y])
    if data.height > max_points:
        data = data.sample(max_points, seed=0)
    rows = [{k: json_value(v) for k, v in r.items()} for r in data.iter_rows(named=True)]

    def kind(c: str) -> str:
        t = frame.schema[c]
        return "quantitative" if t.is_numeric() else ("temporal" if t.is_temporal() else "nominal")

    encoding: dict[str, Any] = {
        "x": {"field": x, "type": kind(x), "scale": {"zero": False}},
        "y": {"field": y, "type": kind(y), "scale": {"zero": False}},
    }
    if color:
        encoding["color"] = {"field": color, "type": kind(color)}
    return _spec(
        title or f"{y} against {x}",
        rows,
        mark={"type": "point", "opacity": 0.6, "tooltip": True},
        encoding=encoding,
    )


def box_plot(
    frame: pl.DataFrame, column: str, *, group_by: str | None = None, title: str | None = None
) -> dict[str, Any]:
    """Quartiles, whiskers (1.5 IQR) and outlier counts, computed in Polars."""
    x = pl.col(column).cast(pl.Float64)
    aggs = [
        x.min().alias("min"),
        x.quantile(0.25, interpolation="linear").alias("q1"),
        x.median().alias("median"),
        x.quantile(0.75, interpolation="linear").alias("q3"),
        x.max().alias("max"),
        x.count().alias("count"),
    ]
    if group_by:
        stats = (
            frame.group_by(pl.col(group_by).cast(pl.String).fill_null("null").alias("group"))
            .agg(aggs)
            .sort("group")
            .head(50)
        )
    else:
        stats = frame.select(aggs).with_columns(pl.lit(column).alias("group"))
    rows = []
    for r in stats.iter_rows(named=True):
        if r["q1"] is None:
            continue
        iqr = r["q3"] - r["q1"]
        r["lower"] = max(r["min"], r["q1"] - 1.5 * iqr)
        r["upper"] = min(r["max"], r["q3"] + 1.5 * iqr)
        rows.append({k: json_value(v) for k, v in r.items()})
    y_enc = {"type": "quantitative", "title": column, "scale": {"zero": False}}
    xg = {"field": "group", "type": "nominal", "title": group_by or ""}
    return _spec(
        title or f"Box plot of {column}" + (f" by {group_by}" if group_by else ""),
        rows,
        encoding={"x": xg},
        layer=[
            {
                "mark": {"type": "rule"},
                "encoding": {"y": {"field": "lower", **y_enc}, "y2": {"field": "upper"}},
            },
            {
                "mark": {"type": "bar", "size": 28, "tooltip": True},
                "encoding": {"y": {"field": "q1", **y_enc}, "y2": {"field": "q3"}},
            },
            {
                "mark": {"type": "tick", "color": "white", "size": 28},
                "encoding": {"y": {"field": "median", **y_enc}},
            },
        ],
    )


def heatmap(matrix: list[dict[str, Any]], *, title: str, value: str = "value") -> dict[str, Any]:
    """A square matrix (rows {x, y, value}) as coloured cells with the value written in."""
    return _spec(
        title,
        matrix,
        width=max(200, 28 * int(len(matrix) ** 0.5)),
        height=max(200, 28 * int(len(matrix) ** 0.5)),
        encoding={
            "x": {"field": "x", "type": "nominal", "title": None, "sort": None},
            "y": {"field": "y", "type": "nominal", "title": None, "sort": None},
        },
        layer=[
            {
                "mark": {"type": "rect", "tooltip": True},
                "encoding": {
                    "color": {
                        "field": value,
                        "type": "quantitative",
                        "scale": {"domain": [-1, 1], "scheme": "redblue", "reverse": True},
                    }
                },
            },
            {
                "mark": {"type": "text", "fontSize": 9},
                "encoding": {"text": {"field": value, "type": "quantitative", "format": ".2f"}},
            },
        ],
    )
