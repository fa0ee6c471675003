"""Processors from the Jobs panel without writing JSON: the "New job" menu has an entry per
processor, its form starts a SageMaker-style script with an input and an output, the job is
followed to Completed and its output lands in the user's files; bad input is shown next to the
field it names and the form is kept."""

from __future__ import annotations

import uuid

import pytest

from tests.ui.conftest import ARTIFACTS, LabServer, new_job_form, open_jobs, open_lab

pytestmark = pytest.mark.browser

# Written for SageMaker's processing container: only /opt/ml/processing paths, no Studio API.
SCRIPT = """\
import argparse, csv, os

parser = argparse.ArgumentParser()
parser.add_argument("--factor", type=int, default=1)
args = parser.parse_args()
with open("/opt/ml/processing/input/data/x.csv") as f:
    rows = list(csv.DictReader(f))
os.makedirs("/opt/ml/processing/output/result", exist_ok=True)
with open("/opt/ml/processing/output/result/y.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["x", "y"])
    for row in rows:
        out.writerow([row["x"], int(row["x"]) * args.factor])
print("processed", len(rows), "rows with", os.environ.get("MODE"))
"""


def _wait_for_status(page, name: str, status: str, timeout: int = 120_000) -> None:  # noqa: ANN001
    page.wait_for_function(
        "([name, status]) => [...document.querySelectorAll('[data-testid=studio-job-row]')]"
        ".some(r => r.textContent.includes(name) && r.dataset.status === status)",
        arg=[name, status],
        timeout=timeout,
    )


def _write_example(lab_server: LabServer, folder: str) -> None:
    target = lab_server.root / folder
    target.mkdir(parents=True, exist_ok=True)
    (target / "prep.py").write_text(SCRIPT)
    (target / "x.csv").write_text("x\n1\n2\n3\n")


def test_script_processor_form_runs_a_sagemaker_script(page, lab_server: LabServer) -> None:  # noqa: ANN001
    folder = f"proc-{uuid.uuid4().hex[:6]}"
    _write_example(lab_server, folder)
    name = f"prep-{uuid.uuid4().hex[:6]}"

    open_lab(page, lab_server)
    view = open_jobs(page)
    view.get_by_role("button", name="New job").click()
    menu = page.get_by_role("menu", name="Job kinds")
    menu.get_by_role("menuitem").first.wait_for()
    titles = [i.inner_text().split("\n")[0] for i in menu.get_by_role("menuitem").all()]
    for title in ("Script processor", "scikit-learn processor", "Framework processor"):
        assert title in titles, titles
    assert "Processor (SageMaker style)" not in titles  # one entry per processor instead
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_processing_menu.png"))
    page.keyboard.press("Escape")
    menu.wait_for(state="detached")

    form = new_job_form(page, "Script processor")
    assert form.get_attribute("data-kind") == "processor"
    form.get_by_text("New job: Script processor").wait_for()
    assert form.locator("#jp-studio-new-job-processor-framework-version").count() == 0

    code = form.get_by_label("Code", exact=True)
    # the picker offers the user's Python files
    page.wait_for_function(
        "p => [...document.querySelectorAll('datalist option')].some(o => o.value === p)",
        arg=f"{folder}/prep.py",
    )
    code.fill(f"{folder}/prep.py")
    form.get_by_role("button", name="Add argument").click()
    form.get_by_label("Argument 1", exact=True).fill("--factor")
    form.get_by_role("button", name="Add argument").click()
    form.get_by_label("Argument 2", exact=True).fill("10")

    form.get_by_role("button", name="Add input").click()
    destination = form.get_by_label("Input 1 destination")
    assert destination.get_attribute("placeholder") == "/opt/ml/processing/input/input-1"
    form.get_by_label("Input 1 name").fill("data")
    assert destination.get_attribute("placeholder") == "/opt/ml/processing/input/data"
    form.get_by_label("Input 1 source").fill(f"{folder}/x.csv")

    form.get_by_role("button", name="Add output").click()
    form.get_by_label("Output 1 name").fill("result")
    assert (
        form.get_by_label("Output 1 source").get_attribute("placeholder")
        == "/opt/ml/processing/output/result"
    )
    form.get_by_label("Output 1 destination").fill(f"{folder}/prepared")

    form.get_by_role("button", name="Add variable").click()
    form.get_by_label("Variable 1 name").fill("MODE")
    form.get_by_label("Variable 1 value").fill("fast")
    form.get_by_label("Job name").fill(name)
    form.get_by_label("Max runtime (minutes)").fill("10")
    page.screenshot(path=str(ARTIFACTS / "test_processing_form_filled.png"))

    form.get_by_role("button", name="Start job").click()
    form.wait_for(state="detached")

    # the new job is selected in the Jobs panel and followed to Completed
    detail = page.locator('[data-testid="studio-job-detail"]')
    detail.get_by_text(name).first.wait_for()
    _wait_for_status(page, name, "Completed")
    detail.locator('[data-testid="studio-job-log"]').get_by_text(
        "processed 3 rows with fast"
    ).wait_for(timeout=60_000)

    # the job page lists each input and output as "source → destination", not [object Object]
    shown = detail.locator('[data-testid="studio-job-parameters"]').inner_text()
    assert "→ /opt/ml/processing/input" in shown and "object Object" not in shown, shown

    output = lab_server.root / folder / "prepared" / "y.csv"
    assert output.read_text().splitlines() == ["x,y", "1,10", "2,20", "3,30"]
    assert not (lab_server.root / folder / "prepared" / "_PARTIAL").exists()

    code_, listing = lab_server.api("GET", "jobs?limit=500")
    assert code_ == 200
    job = next(j for j in listing["items"] if j["name"] == name)
    assert job["kind"] == "processor"
    assert job["max_runtime_seconds"] == 600
    params = job["parameters"]
    assert params["processor"] == "script"
    assert params["code"] == f"{folder}/prep.py"
    assert params["arguments"] == ["--factor", "10"]
    assert params["env"] == {"MODE": "fast"}
    assert params["inputs"] == [
        {
            "source": f"{folder}/x.csv",
            "destination": "/opt/ml/processing/input/data",
            "input_name": "data",
        }
    ]
    assert params["outputs"] == [
        {
            "source": "/opt/ml/processing/output/result",
            "destination": f"{folder}/prepared",
            "output_name": "result",
        }
    ]


def test_processor_form_shows_bad_input_next_to_its_field(page, lab_server: LabServer) -> None:  # noqa: ANN001
    folder = f"proc-{uuid.uuid4().hex[:6]}"
    _write_example(lab_server, folder)
    name = f"bad-{uuid.uuid4().hex[:6]}"

    open_lab(page, lab_server)
    open_jobs(page)
    form = new_job_form(page, "Script processor")

    # the form's own check: no code
    form.get_by_role("button", name="Start job").click()
    form.locator('[data-field$="-code"] [data-testid="studio-field-error"]').get_by_text(
        "Choose the Python script"
    ).wait_for()

    form.get_by_label("Code", exact=True).fill(f"{folder}/prep.py")
    form.get_by_role("button", name="Add input").click()
    form.get_by_label("Input 1 name").fill("data")
    source = form.get_by_label("Input 1 source")
    source.fill(f"{folder}/missing.csv")
    form.get_by_label("Job name").fill(name)
    form.get_by_role("button", name="Start job").click()

    # the server's 404 names the input: its message is shown by that field, the form is kept
    message = f"The input '{folder}/missing.csv' does not exist."
    form.get_by_role("alert").get_by_text(message).wait_for()
    cell_error = source.locator("xpath=..").locator('[data-testid="studio-field-error"]')
    assert cell_error.inner_text() == message
    assert source.get_attribute("aria-invalid") == "true"
    assert source.input_value() == f"{folder}/missing.csv"
    page.screenshot(path=str(ARTIFACTS / "test_processing_form_bad_input.png"))
    code_, listing = lab_server.api("GET", "jobs?limit=500")
    assert code_ == 200 and not any(j["name"] == name for j in listing["items"])

    # the scikit-learn processor asks for a version: only the installed one runs
    form.get_by_role("button", name="Cancel").click()
    form.wait_for(state="detached")
    form = new_job_form(page, "scikit-learn processor")
    form.get_by_text("Only the version installed on the server runs").wait_for()
    form.get_by_label("Code", exact=True).fill(f"{folder}/prep.py")
    version = form.get_by_label("Framework version")
    version.fill("0.1")
    form.get_by_role("button", name="Start job").click()
    version_error = form.locator(
        '[data-field$="-framework-version"] [data-testid="studio-field-error"]'
    )
    version_error.get_by_text("is not available").wait_for()
    assert version.get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(ARTIFACTS / "test_processing_form_sklearn_version.png"))
