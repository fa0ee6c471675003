"""The Experiments panel in a real browser: runs logged with plain ``mlflow`` by a processing job,
sortable columns built from their params and metrics, an MLflow filter (its error shown inline),
and the comparison of two runs with a table and Vega-Lite charts."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.ui.conftest import ARTIFACTS, LabServer, open_lab

pytestmark = pytest.mark.browser


@pytest.fixture
def studio_errors(page) -> Iterator[list[str]]:  # noqa: ANN001
    """Uncaught errors thrown by Studio's own code in the page: none may happen."""
    errors: list[str] = []

    def record(error) -> None:  # noqa: ANN001
        stack = getattr(error, "stack", "") or ""
        if "jupyter-studio" in stack:
            errors.append(f"{error}\n{stack}")

    page.on("pageerror", record)
    yield errors
    assert not errors, "\n".join(errors)


SCRIPT = """\
import sys
import mlflow

mlflow.set_experiment(sys.argv[1])
for name, lr, depth in [("slow", 0.01, 3), ("fast", 0.3, 5)]:
    with mlflow.start_run(run_name=name):
        mlflow.log_params({"lr": lr, "depth": depth, "model": "gbm"})
        for step in range(6):
            mlflow.log_metric("loss", 1.0 / (1.0 + lr * 10 * step), step=step)
        mlflow.log_metric("rmse", 0.9 - lr)
        mlflow.log_text("hello", "notes.txt")
print("logged")
"""


@pytest.fixture(scope="module")
def experiment(lab_server: LabServer) -> dict:
    """Two runs logged with plain ``mlflow`` by a Studio processing job."""
    pytest.importorskip("mlflow")
    name = f"ui-study-{uuid.uuid4().hex[:6]}"
    (lab_server.root / "ui_log_runs.py").write_text(SCRIPT)
    status, job = lab_server.api(
        "POST",
        "jobs",
        {
            "kind": "processing",
            "name": name,
            "parameters": {"script": "ui_log_runs.py", "arguments": [name]},
        },
    )
    assert status == 201, job
    deadline = time.monotonic() + 180
    while job["status"] not in ("Completed", "Failed", "Stopped"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = lab_server.api("GET", f"jobs/{job['job_id']}")[1]
    log = lab_server.api("GET", f"jobs/{job['job_id']}/logs")[1]["content"]
    assert job["status"] == "Completed", log
    experiments = lab_server.api("GET", "experiments")[1]["items"]
    found = next(e for e in experiments if e["name"] == name)
    assert found["run_count"] == 2
    return {"name": name, "experiment_id": found["experiment_id"], "job": job}


def open_experiment(page, lab_server: LabServer, experiment: dict):  # noqa: ANN001, ANN201
    open_lab(page, lab_server)
    page.locator(".jp-LauncherCard", has_text=re.compile(r"^Experiments$")).click()
    view = page.locator(".jp-studio-ExperimentsView")
    view.wait_for()
    view.locator(
        f'[data-testid="studio-experiment-item"][data-experiment-id="{experiment["experiment_id"]}"]'
    ).click()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=studio-run-row]').length === 2"
    )
    return view


def run_names(view) -> list[str]:  # noqa: ANN001
    return view.locator('[data-testid="studio-run-row"]').evaluate_all(
        "rows => rows.map(r => r.dataset.name)"
    )


def test_compare_two_runs(
    page, lab_server: LabServer, experiment: dict, studio_errors: list[str]
) -> None:  # noqa: ANN001
    view = open_experiment(page, lab_server, experiment)
    table = view.locator('[data-testid="studio-runs-table"]')
    # Columns come from the runs: every param and metric key.
    for column in ("params.lr", "params.depth", "params.model", "metrics.loss", "metrics.rmse"):
        assert table.locator(f'th[data-column="{column}"]').count() == 1, column
    # The job that logged them is linked from each run.
    assert table.get_by_role("button", name="job").count() == 2
    # Each run's artifact folder opens in the file browser.
    artifacts = table.get_by_role("button", name="Open the artifacts of slow")
    artifacts.click()
    page.locator(".jp-DirListing-item", has_text="notes.txt").wait_for()

    compare = view.get_by_role("button", name="Compare")
    view.get_by_role("checkbox", name="Select run slow").check()
    assert compare.is_disabled()
    view.get_by_role("checkbox", name="Select run fast").check()
    assert view.locator('[data-testid="studio-runs-selected"]').inner_text() == "2 selected"
    compare.click()

    comparison = view.locator('[data-testid="studio-comparison"]')
    comparison.wait_for()
    columns = comparison.locator('[data-testid="studio-compare-run"]').all_inner_texts()
    assert sorted(columns) == ["fast", "slow"]
    # Params that differ are marked; the same model is not.
    assert (
        comparison.locator('[data-testid="studio-compare-param"][data-key="lr"]').get_attribute(
            "data-differs"
        )
        == "true"
    )
    assert (
        comparison.locator('[data-testid="studio-compare-param"][data-key="model"]').get_attribute(
            "data-differs"
        )
        == "false"
    )
    rmse = comparison.locator('[data-testid="studio-compare-metric"][data-key="rmse"]')
    assert {"0.89", "0.6"} <= set(rmse.locator("td").all_inner_texts())

    # A line chart of each metric over steps, drawn by JupyterLab's Vega-Lite renderer.
    chart = comparison.locator('[data-testid="studio-metric-chart"][aria-label="loss over steps"]')
    chart.wait_for()
    chart.locator("canvas, svg.marks").first.wait_for(timeout=90_000)
    width = chart.locator("canvas, svg.marks").first.evaluate(
        "e => e.getBoundingClientRect().width"
    )
    assert width > 200, width
    chart.scroll_into_view_if_needed()

    # Only the params that differ.
    comparison.get_by_label("Only parameters that differ").check()
    assert comparison.locator('[data-testid="studio-compare-param"][data-key="model"]').count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_compare_two_runs_charts.png"), full_page=True)

    # Back to the runs, with the selection kept.
    view.get_by_role("button", name="← Runs").click()
    assert view.get_by_role("checkbox", name="Select run fast").is_checked()


def test_sort_and_filter_runs(
    page, lab_server: LabServer, experiment: dict, studio_errors: list[str]
) -> None:  # noqa: ANN001
    view = open_experiment(page, lab_server, experiment)
    header = view.locator('th[data-column="metrics.rmse"]')
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert run_names(view) == ["fast", "slow"]
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert run_names(view) == ["slow", "fast"]
    view.locator('th[data-column="params.lr"]').get_by_role("button").click()
    assert run_names(view) == ["slow", "fast"]  # 0.01 before 0.3, as numbers

    # An MLflow filter; a bad one shows the server's error inline.
    view.get_by_label("Filter runs").fill("params.lr = '0.3'")
    view.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=studio-run-row]').length === 1"
    )
    assert run_names(view) == ["fast"]
    view.get_by_label("Filter runs").fill("metrics.rmse <<< 1")
    view.get_by_role("button", name="Filter", exact=True).click()
    error = view.locator('[data-testid="studio-runs-error"]')
    error.wait_for()
    assert "<<<" in error.inner_text()
    assert view.locator('[data-testid="studio-run-row"]').count() == 0
    view.get_by_role("button", name="Clear", exact=True).click()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=studio-run-row]').length === 2"
    )
