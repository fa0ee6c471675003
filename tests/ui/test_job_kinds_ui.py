"""Job kinds are plug-ins in the Jobs panel: the "New job" menu lists every kind the server has,
a kind's form is its registered one (processing) or is built from its parameters schema, and the
server's field errors are shown next to their fields."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from tests.ui.conftest import ARTIFACTS, LabServer, new_job_form, open_jobs, open_lab

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "processing"


def _wait_for_status(page, name: str, status: str, timeout: int = 90_000) -> None:  # noqa: ANN001
    page.wait_for_function(
        "([name, status]) => [...document.querySelectorAll('[data-testid=studio-job-row]')]"
        ".some(r => r.textContent.includes(name) && r.dataset.status === status)",
        arg=[name, status],
        timeout=timeout,
    )


def _job(lab_server: LabServer, name: str) -> dict:
    code, listing = lab_server.api("GET", "jobs?limit=500")
    assert code == 200
    return next(j for j in listing["items"] if j["name"] == name)


def test_processing_from_the_kind_chooser_runs_the_countdown_example(
    page, lab_server: LabServer
) -> None:  # noqa: ANN001
    target = lab_server.root / "examples" / "processing"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / "countdown.py", target / "countdown.py")
    name = f"countdown-{uuid.uuid4().hex[:6]}"

    open_lab(page, lab_server)
    view = open_jobs(page)
    # the kind filter lists every kind of the server
    kind_filter = view.get_by_label("Filter by kind")
    kind_filter.locator("option", has_text="Greeting").wait_for(state="attached")
    options = kind_filter.locator("option").all_inner_texts()
    assert options[0] == "All" and {"Processing script", "Greeting"} <= set(options)

    view.get_by_role("button", name="New job").click()
    menu = page.get_by_role("menu", name="Job kinds")
    items = menu.get_by_role("menuitem")
    items.first.wait_for()
    titles = [item.inner_text().split("\n")[0] for item in items.all()]
    assert {"Processing script", "Greeting"} <= set(titles), titles
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_kind_chooser_menu.png"))
    page.keyboard.press("Escape")
    menu.wait_for(state="detached")

    form = new_job_form(page, "Processing script")
    assert form.get_attribute("data-kind") == "processing"
    form.get_by_text("New job: Processing script").wait_for()
    form.get_by_label("Script path").fill("examples/processing/countdown.py")
    form.get_by_label("Arguments").fill("--steps 4 --delay 0.3")
    form.get_by_label("Job name").fill(name)
    form.get_by_role("button", name="Start job").click()
    form.wait_for(state="detached")

    _wait_for_status(page, name, "Completed")
    detail = page.locator('[data-testid="studio-job-detail"]')
    detail.locator('[data-testid="studio-job-artifacts"]').get_by_text("summary.json").wait_for(
        timeout=60_000
    )
    detail.locator('[data-testid="studio-job-log"]').get_by_text("wrote summary.json").wait_for(
        timeout=60_000
    )
    job = _job(lab_server, name)
    assert job["kind"] == "processing"
    assert job["parameters"] == {
        "script": "examples/processing/countdown.py",
        "arguments": ["--steps", "4", "--delay", "0.3"],
        "inputs": [],
        "environment": {},
    }
    assert job["progress"] == 1.0
    code, artifacts = lab_server.api("GET", f"jobs/{job['job_id']}/artifacts")
    assert code == 200
    assert [a["name"] for a in artifacts["items"]] == ["summary.json"]
    assert artifacts["items"][0]["path"].endswith("/summary.json")


def test_a_kind_without_a_form_gets_one_from_its_schema(page, lab_server: LabServer) -> None:  # noqa: ANN001
    name = f"greet-{uuid.uuid4().hex[:6]}"
    open_lab(page, lab_server)
    open_jobs(page)
    form = new_job_form(page, "Greeting")
    assert form.get_attribute("data-kind") == "greet"
    form.get_by_text("Greets someone a few times").wait_for()

    who = form.get_by_label("Who")
    times = form.get_by_label("Times")
    assert times.get_attribute("type") == "number"
    assert times.get_attribute("min") == "1" and times.get_attribute("max") == "5"
    assert times.input_value() == "2"  # the schema's default
    tone = form.get_by_label("Tone")
    assert tone.locator("option").all_inner_texts() == ["plain", "cheerful"]
    shout = form.get_by_label("Shout")
    assert shout.get_attribute("type") == "checkbox" and not shout.is_checked()
    extras = form.get_by_label("Extra lines")
    labels = form.get_by_label("Labels")
    assert extras.evaluate("e => e.tagName") == "TEXTAREA"
    assert labels.evaluate("e => e.tagName") == "TEXTAREA"
    form.get_by_text("Name of the one to greet.").wait_for()  # description as help

    # the form's own checks, next to their fields
    times.fill("9")
    labels.fill("no equals sign")
    form.get_by_role("button", name="Start job").click()
    errors = form.locator('[data-testid="studio-field-error"]')
    errors.first.wait_for()
    texts = errors.all_inner_texts()
    assert "Who is required." in texts
    assert "Times must be at most 5." in texts
    assert "Labels: line 1 is not KEY=VALUE." in texts
    assert who.get_attribute("aria-invalid") == "true"

    # the server's error for a field is shown next to that field
    who.fill("nobody")
    times.fill("3")
    labels.fill("team=ml\nstage = dev")
    form.get_by_role("button", name="Start job").click()
    who_error = form.locator('[data-field$="-who"] [data-testid="studio-field-error"]')
    who_error.get_by_text("greet somebody").wait_for()
    form.get_by_role("alert").get_by_text("parameters.who").wait_for()
    page.screenshot(path=str(ARTIFACTS / "test_schema_form_server_error.png"))

    who.fill("Ada")
    tone.select_option(label="cheerful")
    shout.check()
    extras.fill("first extra\n\nsecond extra\n")
    form.get_by_label("Job name").fill(name)
    form.get_by_role("button", name="Start job").click()
    form.wait_for(state="detached")
    _wait_for_status(page, name, "Completed")
    row = page.locator('[data-testid="studio-job-row"]', has_text=name)
    assert row.locator('[data-testid="studio-job-kind"]').inner_text() == "Greeting"

    job = _job(lab_server, name)
    assert job["kind"] == "greet"
    assert job["parameters"] == {
        "who": "Ada",
        "times": 3,
        "tone": "cheerful",
        "shout": True,
        "extras": ["first extra", "second extra"],
        "labels": {"team": "ml", "stage": "dev"},
    }
    text = (lab_server.root / job["output_path"] / "greetings.txt").read_text()
    assert text.splitlines()[0] == "HELLO ADA (CHEERFUL)"
