"""The drift report as a standalone HTML file and as JSON."""

from __future__ import annotations

import json
import re
from html import escape as html_escape
from pathlib import Path

from jupyter_studio.core.endpoints.monitor.baseline import compute_baseline
from jupyter_studio.core.endpoints.monitor.drift import DriftReport, drift_report
from jupyter_studio.core.endpoints.monitor.report import render_html, write_report

from .conftest import customers


def test_html_report_is_standalone_and_json_round_trips(tmp_path: Path) -> None:
    training = customers(2000, seed=1).rename(columns={"city": "<b>city</b>"})
    current = customers(800, seed=9, shift=1.0, cities=[0.1, 0.1, 0.8]).rename(
        columns={"city": "<b>city</b>"}
    )
    current = current.drop(columns=["age"])
    report = drift_report(
        compute_baseline(training), current, model_name="churn", model_version=3, data="cap/"
    )
    html_path, json_path = write_report(report, tmp_path / "out")
    html = html_path.read_text()

    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", html), "the report must not load anything"
    assert "<script" not in html and "<link" not in html and " src=" not in html
    assert html.count("<svg") == 2  # income and city have charts; age is missing
    assert "&lt;b&gt;city&lt;/b&gt;" in html and "<b>city</b>" not in html
    assert "churn version 3" in html and "missing" in html
    for feature in report.features:
        for flag in feature.flags:
            assert html_escape(flag.message) in html

    loaded = DriftReport.model_validate(json.loads(json_path.read_text()))
    assert loaded == report
    assert json.loads(json_path.read_text())["features"][0]["drifted"] is True
    assert render_html(loaded) == html
