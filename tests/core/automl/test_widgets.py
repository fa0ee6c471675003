"""The notebook display of AutoML.fit: the leaderboard fills and the bar ends green."""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_studio.automl import AutoML
from tests.core.automl.conftest import mixed_frame

pytest.importorskip("ipywidgets")


def test_the_leaderboard_table_marks_the_best() -> None:
    from jupyter_studio.widgets.automl import leaderboard_html

    rows = [
        {"candidate": "A", "algorithm": "linear", "status": "completed", "objective": 0.7,
         "objective_metric": "roc_auc", "training_seconds": 1.0},
        {"candidate": "B", "algorithm": "lightgbm", "status": "completed", "objective": 0.9,
         "objective_metric": "roc_auc", "training_seconds": 2.0},
        {"candidate": "C", "algorithm": "knn", "status": "failed", "objective": None,
         "objective_metric": "roc_auc"},
    ]  # fmt: skip
    table = leaderboard_html(rows)
    assert table.index("★ B") < table.index(">A<")
    assert "1 failed or skipped" in table
    assert "No candidate" in leaderboard_html([])


def test_fit_drives_the_live_display(monkeypatch: pytest.MonkeyPatch) -> None:
    import jupyter_studio.widgets.automl as widgets

    shown: list[Any] = []
    monkeypatch.setattr(widgets.LiveFit, "show", lambda self: shown.append(self) or self)
    seen: list[str] = []
    automl = AutoML(
        target="y",
        max_runtime=6,
        algorithms=["linear", "lightgbm"],
        progress=True,
        on_candidate=lambda row: seen.append(row["candidate"]),
    )
    result = automl.fit(mixed_frame(600))
    live = shown[0]
    assert seen and len(live.rows) == len(seen)  # the user's callback still runs
    assert live.bar.value == 1.0 and live.bar.bar_style == "success"
    assert result.best_candidate in live.table.value and "★" in live.table.value
    assert automl.hooks.on_candidate is not None
    # outside a notebook nothing is displayed
    assert AutoML(target="y")._live() is None
