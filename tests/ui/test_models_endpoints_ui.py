"""Models and Endpoints panels in a real browser: register a model folder, deploy it, invoke the
endpoint with pasted CSV and with rows picked from a file, see the error that names a column,
delete the endpoint; and "Register model" on a job's MLflow model folder in the Jobs panel."""

from __future__ import annotations

import re
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import ARTIFACTS, LabServer, open_jobs, open_lab

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


COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


@pytest.fixture(scope="module")
def iris_model(lab_server: LabServer) -> Path:
    """A scikit-learn classifier saved as an MLflow model folder inside the server's root, with
    its training data (which also has the target column) beside it."""
    mlflow_sklearn = pytest.importorskip("mlflow.sklearn")
    datasets = pytest.importorskip("sklearn.datasets")
    linear = pytest.importorskip("sklearn.linear_model")

    frame = datasets.load_iris(as_frame=True)
    features = frame.data.copy()
    features.columns = COLUMNS
    model = linear.LogisticRegression(max_iter=500).fit(features, frame.target)
    folder = lab_server.root / "ui-models" / "iris-model"
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    mlflow_sklearn.save_model(
        model, str(folder), input_example=features.head(), serialization_format="cloudpickle"
    )
    features.assign(target=frame.target).to_csv(folder.parent / "iris.csv", index=False)
    return folder


@pytest.fixture
def endpoints_to_delete(lab_server: LabServer) -> Iterator[list[str]]:
    """Names of endpoints a test made: deleted at the end so no model server outlives the tests."""
    names: list[str] = []
    yield names
    for name in names:
        lab_server.api("DELETE", f"endpoints/{name}")


def open_card(page, label: str) -> None:  # noqa: ANN001
    page.locator(".jp-LauncherCard", has_text=re.compile(rf"^{re.escape(label)}$")).click()


def test_register_deploy_and_invoke_from_the_panels(
    page,  # noqa: ANN001
    lab_server: LabServer,
    iris_model: Path,
    endpoints_to_delete: list[str],
    studio_errors: list[str],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    model_name = f"iris-{suffix}"
    endpoint = f"ui-iris-{suffix}"
    endpoints_to_delete.append(endpoint)
    folder = iris_model.relative_to(lab_server.root).as_posix()

    open_lab(page, lab_server)
    open_card(page, "Models")
    view = page.locator(".jp-studio-ModelsView")
    view.wait_for()

    # Register the folder through the panel's dialog; the name is checked as typed.
    view.get_by_role("button", name="Register model").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("Model folder").fill(folder)
    dialog.get_by_label("Model name").fill("bad name")
    dialog.get_by_text("a space is not allowed").wait_for()
    assert dialog.get_by_role("button", name="Register").is_disabled()
    dialog.get_by_label("Model name").fill(model_name)
    dialog.get_by_label("Training data").fill(
        f"{iris_model.parent.relative_to(lab_server.root).as_posix()}/iris.csv"
    )
    dialog.get_by_role("button", name="Register").click()
    dialog.wait_for(state="detached")

    # The new version is selected: its schema, folder and Deploy button.
    detail = page.locator('[data-testid="studio-version-detail"]')
    detail.wait_for()
    schema = detail.locator('[data-testid="studio-input-schema"]')
    for column in COLUMNS:
        schema.get_by_text(column, exact=True).wait_for()
    assert (
        f"models/{model_name}/1"
        in detail.locator('[data-testid="studio-version-folder"]').inner_text()
    )
    row = view.locator('[data-testid="studio-model-row"]', has_text=model_name)
    assert row.count() == 1

    # Deploy: an invalid name disables the button, a valid one deploys and opens Endpoints.
    detail.get_by_role("button", name="Deploy").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("Endpoint name").fill("-bad-")
    dialog.get_by_text("start or end with a hyphen").wait_for()
    assert dialog.get_by_role("button", name="Deploy").is_disabled()
    dialog.get_by_label("Endpoint name").fill(endpoint)
    dialog.get_by_role("button", name="Deploy").click()
    dialog.wait_for(state="detached")

    endpoints = page.locator(".jp-studio-EndpointsView")
    endpoints.wait_for()
    page.locator(
        f'[data-testid="studio-endpoint-row"][data-name="{endpoint}"][data-status="InService"]'
    ).wait_for(timeout=120_000)
    panel = page.locator(f'[data-testid="studio-endpoint-detail"][data-name="{endpoint}"]')
    panel.wait_for()

    # Invoke with pasted CSV (no header, schema order): a table of predictions and the latency.
    box = panel.locator('[data-testid="studio-invoke-box"]')
    box.get_by_label("Request body").fill("5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n")
    box.get_by_role("button", name="Send", exact=True).click()
    result = box.locator('[data-testid="studio-invoke-result"][data-status="200"]')
    result.wait_for()
    table = result.locator('[data-testid="studio-invoke-table"]')
    headers = table.locator("th").all_inner_texts()
    assert [h.strip().lower() for h in headers][:3] == ["#", "prediction", "probability_0"]
    assert table.locator("tbody tr").count() == 2
    cells = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells[1] == "0"  # a setosa
    latency = result.locator('[data-testid="studio-invoke-latency"]').inner_text()
    assert re.fullmatch(r"\d+(\.\d)? ms", latency), latency

    # The traffic columns come from the polled statistics.
    page.wait_for_function(
        f"""() => {{
            const row = document.querySelector('[data-testid=studio-endpoint-row][data-name="{endpoint}"]');
            const cell = row && row.querySelector('[data-testid=studio-endpoint-requests]');
            return cell && Number(cell.textContent) >= 1;
        }}""",
        timeout=90_000,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "test_invoke_pasted_csv.png"))

    # Rows from a file: the header is kept, the target column left out; answered as CSV.
    data_path = f"{iris_model.parent.relative_to(lab_server.root).as_posix()}/iris.csv"
    box.get_by_label("CSV file path").fill(data_path)
    box.get_by_label("Number of rows").fill("3")
    box.get_by_role("button", name="Load rows").click()
    box.locator('[data-testid="studio-invoke-note"]').get_by_text("target").wait_for()
    body = box.get_by_label("Request body").input_value()
    assert body.splitlines()[0] == ",".join(COLUMNS) and len(body.splitlines()) == 4
    box.get_by_label("Accept", exact=True).select_option("text/csv")
    box.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=studio-invoke-table] tbody tr').length === 3"
    )
    assert "text/csv" in box.locator('[data-testid="studio-invoke-result"]').inner_text()

    # A missing column: the server's 400, naming the column, shown as returned.
    box.get_by_label("Accept", exact=True).select_option("application/json")
    box.get_by_label("Request body").fill("sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n")
    box.get_by_role("button", name="Send", exact=True).click()
    error = box.locator('[data-testid="studio-invoke-result"][data-status="400"]')
    error.wait_for()
    assert "petal_width" in error.get_by_role("alert").inner_text()

    # Update to a new version of the model: Updating, then InService on version 2.
    status, version = lab_server.api("POST", "models", {"path": folder, "name": model_name})
    assert status == 201 and version["version"] == 2, version
    panel.get_by_role("button", name="Update").click()
    dialog = page.locator(".jp-Dialog")
    assert dialog.get_by_role("combobox").input_value() == "2"
    dialog.get_by_role("button", name="Update").click()
    dialog.wait_for(state="detached")
    page.locator(
        f'[data-testid="studio-endpoint-row"][data-name="{endpoint}"][data-status="InService"]',
        has_text="v2",
    ).wait_for(timeout=120_000)
    panel.get_by_role("button", name=f"{model_name} · version 2").wait_for()

    # Delete (with confirmation): the row goes, and the server no longer knows the endpoint.
    panel.get_by_role("button", name="Delete").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Delete").click()
    page.locator(f'[data-testid="studio-endpoint-row"][data-name="{endpoint}"]').wait_for(
        state="detached", timeout=60_000
    )
    deadline = time.monotonic() + 60
    while lab_server.api("GET", f"endpoints/{endpoint}")[0] != 404:
        assert time.monotonic() < deadline, "the endpoint was not deleted"
        time.sleep(0.5)


def test_register_model_from_a_job_artifact(
    page,  # noqa: ANN001
    lab_server: LabServer,
    iris_model: Path,
    studio_errors: list[str],
) -> None:
    """A job that writes an MLflow model folder offers "Register model" on it."""
    name = f"job-model-{uuid.uuid4().hex[:6]}"
    script = lab_server.root / "ui_copy_model.py"
    script.write_text(
        "import shutil, sys\nshutil.copytree(sys.argv[1], 'model')\nprint('model written')\n"
    )
    status, job = lab_server.api(
        "POST",
        "jobs",
        {
            "kind": "processing",
            "name": name,
            "parameters": {"script": script.name, "arguments": [str(iris_model)]},
        },
    )
    assert status == 201, job
    deadline = time.monotonic() + 60
    while job["status"] not in ("Completed", "Failed", "Stopped"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
        job = lab_server.api("GET", f"jobs/{job['job_id']}")[1]
    assert job["status"] == "Completed", job

    open_lab(page, lab_server)
    open_jobs(page)
    page.locator('[data-testid="studio-job-row"]', has_text=name).first.click()
    folders = page.locator('[data-testid="studio-job-model-folders"]')
    folders.wait_for()
    folders.get_by_role("button", name="Register model model").click()

    dialog = page.locator(".jp-Dialog")
    assert dialog.get_by_label("Model folder").input_value() == f"{job['output_path']}/model"
    assert dialog.get_by_label("Model name").input_value() == name  # from the job's name
    dialog.get_by_role("button", name="Register").click()
    dialog.wait_for(state="detached")

    detail = page.locator('[data-testid="studio-version-detail"]')
    detail.wait_for()
    # The registry found the job holding the folder: the version links back to it.
    detail.get_by_role("button", name=re.compile(rf"job {job['job_id'][:8]}")).wait_for()
    status, versions = lab_server.api("GET", f"models/{name}/versions")
    assert status == 200 and versions["items"][0]["job_id"] == job["job_id"]


def test_a_failed_endpoint_shows_why_with_its_log(
    page,  # noqa: ANN001
    lab_server: LabServer,
    iris_model: Path,
    endpoints_to_delete: list[str],
    studio_errors: list[str],
) -> None:
    """A model whose files are corrupt: the endpoint is Failed, with the end of the server log."""
    suffix = uuid.uuid4().hex[:6]
    name = f"broken-{suffix}"
    folder = iris_model.relative_to(lab_server.root).as_posix()
    status, version = lab_server.api("POST", "models", {"path": folder, "name": name})
    assert status == 201, version
    (lab_server.root / version["path"] / "model.pkl").write_bytes(b"not a pickle")
    endpoints_to_delete.append(name)
    status, created = lab_server.api(
        "POST", "endpoints", {"endpoint_name": name, "model_name": name}
    )
    assert status == 201, created

    open_lab(page, lab_server)
    open_card(page, "Endpoints")
    row = page.locator(f'[data-testid="studio-endpoint-row"][data-name="{name}"]')
    page.locator(
        f'[data-testid="studio-endpoint-row"][data-name="{name}"][data-status="Failed"]'
    ).wait_for(timeout=120_000)
    assert "Failed" in row.locator(".jp-studio-StatusBadge").inner_text()
    page.locator('[data-testid="studio-endpoint-failure"]').first.wait_for()
    row.click()
    panel = page.locator(f'[data-testid="studio-endpoint-detail"][data-name="{name}"]')
    message = panel.locator('[data-testid="studio-endpoint-status-message"]')
    assert "model server log" in message.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_failed_endpoint_panel.png"))
    panel.get_by_role("button", name="Open the server log").click()
    page.locator(".jp-FileEditor, .jp-Document", has_text="cannot load the model").first.wait_for()
