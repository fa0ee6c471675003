"""The AutoML panel in a real browser: walk the wizard on a small CSV (fields checked as typed,
preview, target, algorithms, a one-minute limit), watch the leaderboard fill, open the best candidate's
results with their charts, deploy it and see the endpoint InService."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

from tests.core.automl.conftest import mixed_frame
from tests.ui.conftest import ARTIFACTS, LabServer, open_lab

pytestmark = pytest.mark.browser


@pytest.fixture
def endpoints_to_delete(lab_server: LabServer) -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        lab_server.api("DELETE", f"endpoints/{name}")


@pytest.fixture
def studio_errors(page) -> Iterator[list[str]]:  # noqa: ANN001
    errors: list[str] = []

    def record(error) -> None:  # noqa: ANN001
        stack = getattr(error, "stack", "") or ""
        if "jupyter-studio" in stack:
            errors.append(f"{error}\n{stack}")

    page.on("pageerror", record)
    yield errors
    assert not errors, "\n".join(errors)


@pytest.mark.slow
def test_wizard_leaderboard_results_and_deploy(
    page,  # noqa: ANN001
    lab_server: LabServer,
    endpoints_to_delete: list[str],
    studio_errors: list[str],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    name = f"ui-churn-{suffix}"
    endpoint = f"ui-churn-ep-{suffix}"
    endpoints_to_delete.append(endpoint)
    folder = lab_server.root / "automl-ui"
    folder.mkdir(exist_ok=True)
    mixed_frame(600).to_csv(folder / "churn.csv", index=False)
    mixed_frame(40).to_csv(folder / "tiny.csv", index=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    open_lab(page, lab_server)
    page.locator(".jp-LauncherCard", has_text=re.compile(r"^AutoML$")).click()
    view = page.locator(".jp-studio-AutoMLView")
    view.wait_for()
    view.locator('[data-testid="automl-new"]').click()
    wizard = view.locator('[data-testid="automl-wizard"]')
    wizard.wait_for()

    # Step 1: the name and the data file are checked by the server as they are typed.
    wizard.locator('[data-testid="automl-name"]').fill("bad_name!")
    wizard.locator('[data-testid="automl-error-experiment_name"]').get_by_text(
        "letters, digits and hyphens"
    ).wait_for()
    wizard.locator('[data-testid="automl-name"]').fill(name)
    wizard.locator('[data-testid="automl-error-experiment_name"]').wait_for(state="detached")
    wizard.locator('[data-testid="automl-data"]').fill("automl-ui/tiny.csv")
    wizard.locator('[data-testid="automl-error-data"]').get_by_text(
        "at least 100 are needed (the minimum is c.Studio.automl_min_rows)"
    ).wait_for()
    wizard.locator('[data-testid="automl-data"]').fill("automl-ui/churn.csv")
    preview = wizard.locator('[data-testid="automl-preview"]')
    preview.wait_for()
    preview.locator("th", has_text="review").wait_for()
    wizard.locator('[data-testid="automl-error-data"]').wait_for(state="detached")
    page.screenshot(path=str(ARTIFACTS / "automl_wizard_data.png"))

    # Step 2: the target; the server says which problem type it infers.
    wizard.locator('[data-testid="automl-next"]').click()
    wizard.locator('[data-testid="automl-target"]').select_option("y")
    wizard.locator('[data-testid="automl-problem-reason"]').get_by_text("binary").wait_for()
    wizard.get_by_label("Use shop").uncheck()  # an id-like column left out

    # Step 3: ensembling with three quick families.
    wizard.locator('[data-testid="automl-next"]').click()
    wizard.locator('[data-testid="automl-mode-ensembling"]').check()
    keep = {"lightgbm", "linear", "extra_trees"}
    for algorithm in (
        "catboost",
        "xgboost",
        "random_forest",
        "knn",
        "neural_network",
    ):
        wizard.locator(f'[data-testid="automl-algorithm-{algorithm}"]').uncheck()
    for algorithm in keep:
        assert wizard.locator(f'[data-testid="automl-algorithm-{algorithm}"]').is_checked()

    # Step 4: a short limit.
    wizard.locator('[data-testid="automl-next"]').click()
    wizard.locator('[data-testid="automl-max-runtime"]').fill("1")
    wizard.locator('[data-testid="automl-next"]').click()
    review = wizard.locator('[data-testid="automl-review"]')
    review.get_by_text("600 rows", exact=False).wait_for()
    # the review lists the columns left out, not only what is used
    assert review.locator('[data-testid="automl-review-excluded"]').inner_text() == "shop"
    page.screenshot(path=str(ARTIFACTS / "automl_wizard_review.png"))
    wizard.locator('[data-testid="automl-create"]').click()

    # The experiment page: the leaderboard fills while the job runs, then it completes.
    experiment = view.locator('[data-testid="automl-experiment"]')
    experiment.wait_for()
    experiment.get_by_role("heading", name=name).wait_for()
    rows = experiment.locator('[data-testid="automl-leaderboard-row"]')
    rows.first.wait_for(timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "automl_leaderboard_live.png"))
    # metrics and status first: the status is the third column, before the metrics
    headers = experiment.locator('[data-testid="automl-leaderboard"] th').all_inner_texts()
    assert [h.strip().lower() for h in headers[:3]] == ["#", "candidate", "status"], headers
    experiment.locator('.jp-studio-StatusBadge[data-status="Completed"]').wait_for(timeout=180_000)
    assert rows.count() >= 2
    # a candidate skipped for lack of time says so, readable in its row, and is not "Failed"
    skipped = experiment.locator('[data-testid="automl-leaderboard-row"][data-status="skipped"]')
    for i in range(skipped.count()):
        assert "Skipped" in skipped.nth(i).inner_text()
        assert skipped.nth(i).locator('[data-testid="automl-status-reason"]').is_visible()
    assert (
        experiment.locator('[data-testid="automl-leaderboard-row"][data-best="true"]').count() == 1
    )

    # Results of the best candidate: confusion matrix, ROC and PR curves, importance.
    results = experiment.locator('[data-testid="automl-results"]')
    results.wait_for(timeout=90_000)
    for chart in ("confusion", "roc", "pr", "importance"):
        experiment.locator(f'[data-testid="automl-chart-{chart}"]').wait_for(timeout=90_000)
    experiment.locator('[data-testid="automl-open-definition"]').wait_for()
    page.screenshot(path=str(ARTIFACTS / "automl_results.png"))
    experiment.locator('[data-testid="automl-chart-roc"]').scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "automl_charts.png"))

    # Another candidate's results; register it as a model version (the Models panel opens).
    # (lower-ranked candidates are saved while the job's budget lasts: take a saved one)
    saved_rows = experiment.locator(
        '[data-testid="automl-leaderboard-row"][data-best="false"][data-saved="true"]'
    )
    if saved_rows.count() == 0:  # a loaded machine saved only the best: register that one
        saved_rows = experiment.locator('[data-testid="automl-leaderboard-row"][data-best="true"]')
    other = saved_rows.first
    other_name = other.get_attribute("data-candidate")
    other.click()
    results.locator("dd", has_text=f"{other_name} (").first.wait_for()
    experiment.locator('[data-testid="automl-chart-roc"]').wait_for(timeout=90_000)
    experiment.locator('[data-testid="automl-register"]').click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill(f"ui-other-{suffix}")
    dialog.get_by_role("button", name="Register").click()
    dialog.wait_for(state="detached")
    page.locator(".jp-studio-ModelsView").wait_for()
    page.locator('[data-testid="studio-model-row"]', has_text=f"ui-other-{suffix}").wait_for()

    # Back to AutoML: deploy the best candidate; the Endpoints panel shows it InService.
    page.locator(".lm-TabBar-tab", has_text="AutoML").click()
    experiment.locator('[data-testid="automl-leaderboard-row"][data-best="true"]').click()
    results.locator("dd", has_text="— best").wait_for()
    experiment.locator('[data-testid="automl-deploy"]').click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill(endpoint)
    dialog.get_by_role("button", name="Deploy").click()
    dialog.wait_for(state="detached")
    page.locator(
        f'[data-testid="studio-endpoint-row"][data-name="{endpoint}"][data-status="InService"]'
    ).wait_for(timeout=120_000)


def test_home_opens_the_wizard_and_the_launcher_card_is_no_placeholder(
    page,  # noqa: ANN001
    lab_server: LabServer,
    studio_errors: list[str],
) -> None:
    from tests.ui.conftest import show_home

    open_lab(page, lab_server)
    home = show_home(page)
    home.locator('[data-testid="studio-home-create-automl"]').click()
    wizard = page.locator('.jp-studio-AutoMLView [data-testid="automl-wizard"]')
    wizard.wait_for()
    wizard.locator('[data-testid="automl-step-method"]').click()
    assert wizard.locator('[data-testid="automl-algorithm-knn"]').is_checked()
    wizard.locator('[data-testid="automl-mode-hpo"]').check()
    assert not wizard.locator('[data-testid="automl-algorithm-knn"]').is_checked()
    assert page.locator(".jp-studio-Placeholder", has_text="AutoML").count() == 0
