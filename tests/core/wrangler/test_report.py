"""The insights report: issues flagged on crafted data, and the standalone HTML file."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from jupyter_studio.core.wrangler import report as report_module
from jupyter_studio.core.wrangler.flow import Flow
from jupyter_studio.core.wrangler.report import build_report, render_html


@pytest.fixture(scope="module")
def crafted() -> pl.DataFrame:
    """95/5 classes, a leaked column, a constant column, an ID column, 40 duplicated rows."""
    rng = np.random.default_rng(7)
    n = 2000
    y = (rng.random(n) < 0.05).astype(int)
    frame = pl.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "age": rng.integers(18, 90, n),
            "income": rng.lognormal(10, 1, n),
            "refund_issued": y * 100 + rng.normal(0, 0.1, n),  # known only after churn: leaked
            "country": ["FR"] * n,  # constant
            "sparse": [None if i % 3 else 1.0 for i in range(n)],
            "churned": y,
        }
    )
    return pl.concat([frame, frame.head(40)])


@pytest.fixture(scope="module")
def report(crafted: pl.DataFrame):
    return build_report(crafted, node_id="n1", target="churned", title="crafted")


def codes(report) -> dict[str, list]:
    out: dict[str, list] = {}
    for issue in report.issues:
        out.setdefault(issue.code, []).append(issue)
    return out


def test_report_flags_the_crafted_problems(report) -> None:
    found = codes(report)
    assert (
        found["target_leakage"][0].columns == ["refund_issued"]
        and found["target_leakage"][0].severity == "high"
    )
    assert (
        found["class_imbalance"][0].severity == "high"
        and "0.05" in found["class_imbalance"][0].detail
        or "5." in found["class_imbalance"][0].detail
    )
    assert found["duplicate_rows"][0].detail.startswith("40 rows")
    assert found["constant_column"][0].columns == ["country"]
    assert "id_like" in found and found["id_like"][0].columns == ["customer_id"]
    assert (
        found["heavy_missing"][0].columns == ["sparse"]
        and found["heavy_missing"][0].severity == "high"
    )
    assert "skew" in found or "outliers" in found
    for issue in report.issues:
        assert issue.advice and issue.detail


def test_report_sections(report) -> None:
    assert report.summary.rows == 2040 and report.summary.duplicate_rows == 40
    assert report.target.problem_type == "binary" and report.target.imbalance_ratio < 0.1  # type: ignore[union-attr]
    assert (
        report.quick_model is not None
        and report.quick_model.metric == "roc_auc"
        and report.quick_model.score > 0.9
    )
    assert report.quick_model.feature_importance[0]["feature"] == "refund_issued"
    powers = {f.name: f.prediction_power for f in report.features}
    assert powers["refund_issued"] > 0.95 and powers["age"] < 0.3
    assert {"target", "feature_importance", "prediction_power"} <= set(report.charts)
    assert len(report.samples) == 10 and "prediction power" in report.definitions
    assert report.issues[0].severity == "high"


def test_clean_data_has_no_high_issues() -> None:
    rng = np.random.default_rng(1)
    frame = pl.DataFrame(
        {"a": rng.normal(size=500), "b": rng.normal(size=500), "y": rng.integers(0, 2, 500)}
    )
    report = build_report(frame, node_id="n", target="y")
    assert not [i for i in report.issues if i.severity == "high"]


def test_html_is_standalone_with_embedded_vega(report) -> None:
    pytest.importorskip("vl_convert")
    text = render_html(report)
    assert "vegaEmbed(" in text and "refund_issued" in text
    assert not re.search(r"<script[^>]+src=", text)  # nothing fetched from the network
    assert "Possible target leakage" in text


def test_html_falls_back_to_inline_svg(report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_module, "vega_bundle", lambda: None)
    text = render_html(report)
    assert "<svg" in text and "<script" not in text


def test_report_of_a_flow_node(tmp_path: Path, crafted: pl.DataFrame) -> None:
    crafted.write_parquet(tmp_path / "c.parquet")
    flow = Flow.new(root=tmp_path)
    src = flow.add_source("c.parquet")
    dropped = flow.add_step(src, "drop_columns", columns=["refund_issued"])
    rep = flow.report(dropped, target="churned")
    assert "target_leakage" not in codes(rep) and rep.scope == "sample"
    assert flow.report(dropped, target="churned", scope="all").scope == "all"
