"""report.json: the best candidate's charts and importance, every other candidate's charts."""

from __future__ import annotations

import json
import time

import pytest

from jupyter_studio.automl import AutoML
from jupyter_studio.core.automl.report import run_report
from tests.core.automl.conftest import mixed_frame


@pytest.mark.slow
def test_every_finished_candidate_gets_its_charts() -> None:
    result = AutoML(
        target="y", max_runtime=8, algorithms=["linear", "lightgbm"], progress=False
    ).fit(mixed_frame(600))
    started = time.monotonic()
    report = run_report(result, importance_seconds=3)
    assert time.monotonic() - started < 30
    json.dumps(report)
    best = report["best"]
    assert best["candidate"] == result.best_candidate and best["feature_importance"]
    others = report["candidates"]
    assert set(others) == set(result.candidate_names()) - {result.best_candidate}
    for name, item in others.items():
        assert item["candidate"] == name
        assert item["roc_curve"] and item["pr_curve"] and item["confusion_matrix"]
    # importance: the best first, then the next ranks while the shared allowance lasts
    ranked = [n for n in result.candidate_names() if n != result.best_candidate]
    explained = [n for n in ranked if "feature_importance" in others[n]]
    assert explained == ranked[: len(explained)] and len(explained) <= 2
    generous = run_report(result, importance_seconds=60)
    assert all("feature_importance" in generous["candidates"][n] for n in ranked[:2]), (
        "time was left: the two runners-up are explained too"
    )
    assert all("feature_importance" not in generous["candidates"][n] for n in ranked[2:])
    quick = run_report(result, importance=False, candidates=False)
    assert "candidates" not in quick and "feature_importance" not in quick["best"]
