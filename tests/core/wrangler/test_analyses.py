"""Analyses: each returns a Vega-Lite v5 spec (or a table) computed on the node's sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from jupyter_studio.core.wrangler.analyses import ANALYSES
from jupyter_studio.core.wrangler.flow import Flow


@pytest.fixture
def flow_and_node(tmp_path: Path) -> tuple[Flow, str]:
    rng = np.random.default_rng(0)
    n = 400
    x = rng.normal(size=n)
    pl.DataFrame(
        {
            "x": x,
            "x_copy": x * 2 + 1,
            "z": rng.normal(size=n),
            "group": rng.choice(["a", "b", "c"], n),
            "when": pl.date_range(pl.date(2026, 1, 1), pl.date(2027, 2, 4), eager=True)[:n],
            "y": (x > 0).astype(int),
        }
    ).write_parquet(tmp_path / "d.parquet")
    flow = Flow.new(root=tmp_path)
    return flow, flow.add_source("d.parquet")


CASES = {
    "histogram": {"column": "x"},
    "scatter": {"x": "x", "y": "z", "color": "group"},
    "bar": {"x": "group", "y": "x", "aggregate": "mean"},
    "box": {"column": "x", "group_by": "group"},
    "correlation_matrix": {},
    "table_summary": {},
    "target_leakage": {"target": "y"},
    "multicollinearity": {},
    "quick_model": {"target": "y"},
    "custom_analysis": {
        "code": "table = df.group_by('group').len().sort('group')\nchart = {'mark': 'bar', 'data': {'values': table.to_dicts()}, 'encoding': {'x': {'field': 'group'}, 'y': {'field': 'len', 'type': 'quantitative'}}}"
    },
}


def test_every_analysis_has_a_case() -> None:
    assert set(CASES) == set(ANALYSES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_analysis(flow_and_node: tuple[Flow, str], name: str) -> None:
    flow, src = flow_and_node
    node = flow.add_analysis(src, name, **CASES[name])
    preview = flow.preview(node)
    assert preview.status == "ok", preview.error
    out = preview.output
    assert out is not None and out.mime_type == "application/vnd.vegalite.v5+json"
    assert out.chart is not None or out.table
    if out.chart is not None and name != "custom_analysis":
        assert out.chart["$schema"].endswith("vega-lite/v5.json")
        assert "values" in out.chart["data"]


def test_analyses_find_what_they_should(flow_and_node: tuple[Flow, str]) -> None:
    flow, src = flow_and_node
    leak = flow.preview(flow.add_analysis(src, "target_leakage", target="y")).output
    assert leak is not None and leak.table is not None
    top = leak.table[0]
    assert top["feature"] in ("x", "x_copy") and top["suspect"]
    vif = flow.preview(flow.add_analysis(src, "multicollinearity")).output
    assert vif is not None and vif.table is not None
    assert {r["feature"] for r in vif.table if r["collinear"]} >= {"x", "x_copy"}
    hist = flow.preview(flow.add_analysis(src, "histogram", column="when")).output
    assert hist is not None and hist.chart["encoding"]["x"]["type"] == "temporal"  # type: ignore[index]


def test_analysis_errors_name_the_node(flow_and_node: tuple[Flow, str]) -> None:
    flow, src = flow_and_node
    missing = flow.add_analysis(src, "histogram", column="nope")
    assert flow.preview(missing).error.code == "column_missing"  # type: ignore[union-attr]
    broken = flow.add_analysis(src, "custom_analysis", code="chart = 1 / 0")
    error = flow.preview(broken).error
    assert error is not None and error.node_id == broken and "ZeroDivisionError" in error.message
