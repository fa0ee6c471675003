"""Studio in a real browser: launcher cards, the Jobs panel, a live job, the home panel and spaces."""

from __future__ import annotations

import re

import pytest

from tests.ui.conftest import LabServer, new_job_form, open_jobs, open_lab, show_home

pytestmark = pytest.mark.browser

LAUNCHER_CARDS = ["AutoML", "Model hub", "Data Wrangler", "Jobs", "Endpoints"]


def test_launcher_has_the_studio_cards(page, lab_server: LabServer) -> None:  # noqa: ANN001
    open_lab(page, lab_server)
    launcher = page.locator(".jp-Launcher")
    launcher.get_by_text("Studio", exact=True).first.wait_for()
    for label in LAUNCHER_CARDS:
        card = launcher.locator(".jp-LauncherCard", has_text=re.compile(rf"^{re.escape(label)}$"))
        assert card.count() == 1, f"no launcher card {label!r}"


def test_the_tool_cards_open_their_panels(page, lab_server: LabServer) -> None:  # noqa: ANN001
    """AutoML, Model hub and Data Wrangler are built: no card opens a placeholder any more."""
    open_lab(page, lab_server)
    page.locator(".jp-LauncherCard", has_text=re.compile(r"^AutoML$")).click()
    page.get_by_role("button", name="Create experiment").first.wait_for()
    page.locator(".lm-TabBar-addButton:visible").first.click()  # a new launcher
    page.locator(".jp-LauncherCard:visible", has_text=re.compile(r"^Model hub$")).first.click()
    page.locator('[data-testid="studio-modelhub"]').wait_for()
    page.locator(".lm-TabBar-addButton:visible").first.click()
    page.locator(".jp-LauncherCard:visible", has_text=re.compile(r"^Data Wrangler$")).first.click()
    page.locator('[data-testid="studio-wrangler"]').wait_for()
    assert page.locator('[data-testid="studio-placeholder"]:visible').count() == 0


def test_processing_job_from_the_jobs_panel_runs_and_shows_its_log(
    page, lab_server: LabServer
) -> None:  # noqa: ANN001
    # The job ends when the test has seen it run (the file `release` appears), not after a fixed
    # 3 s that a loaded machine can spend before the panel shows the job at all.
    release = lab_server.root / "ui_job.release"
    (lab_server.root / "ui_job.py").write_text(
        "import os, time\nfrom jupyter_studio.runtime import report_progress\n"
        "for i in range(5):\n    report_progress((i + 1) / 5, f'step {i + 1}')\n"
        "    print('working on step', i + 1, flush=True)\n    time.sleep(0.6)\n"
        f"while not os.path.exists({str(release)!r}):\n    time.sleep(0.1)\n"
        "open('result.txt', 'w').write('done')\nprint('all steps finished')\n"
    )
    open_lab(page, lab_server)
    open_jobs(page)
    new_job_form(page)
    page.get_by_label("Script path").fill("ui_job.py")
    page.get_by_label("Arguments").fill("--fast 'two words'")
    page.get_by_label("Job name").fill("ui-demo")
    page.get_by_role("button", name="Start job").click()

    row = page.locator('[data-testid="studio-job-row"]', has_text="ui-demo").first
    row.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=studio-job-row]')]"
        ".some(r => r.textContent.includes('ui-demo') && r.dataset.status === 'InProgress')",
        timeout=60_000,
    )
    row.click()
    log = page.locator('[data-testid="studio-job-log"]').first
    log.get_by_text("working on step").first.wait_for(timeout=60_000)
    release.touch()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=studio-job-row]')]"
        ".some(r => r.textContent.includes('ui-demo') && r.dataset.status === 'Completed')",
        timeout=60_000,
    )
    log.get_by_text("all steps finished").first.wait_for(timeout=60_000)

    status, listing = lab_server.api("GET", "jobs")
    job = next(j for j in listing["items"] if j["name"] == "ui-demo")
    assert job["status"] == "Completed" and job["parameters"]["arguments"] == [
        "--fast",
        "two words",
    ]
    assert job["progress"] == 1.0

    page.get_by_role("button", name="Retry job").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=studio-job-row]')]"
        ".filter(r => r.textContent.includes('ui-demo')).length === 2",
        timeout=60_000,
    )
    status, listing = lab_server.api("GET", "jobs")
    assert len([j for j in listing["items"] if j["name"] == "ui-demo"]) == 2


def test_bad_script_path_shows_the_server_message(page, lab_server: LabServer) -> None:  # noqa: ANN001
    open_lab(page, lab_server)
    open_jobs(page)
    new_job_form(page)
    page.get_by_label("Script path").fill("../outside.py")
    page.get_by_role("button", name="Start job").click()
    page.get_by_text(re.compile("climbs out of its folder")).first.wait_for()


def test_stop_a_running_job_from_the_home_panel(page, lab_server: LabServer) -> None:  # noqa: ANN001
    (lab_server.root / "ui_forever.py").write_text(
        "import time\nprint('running', flush=True)\ntime.sleep(300)\n"
    )
    code, job = lab_server.api(
        "POST",
        "jobs",
        {"kind": "processing", "name": "ui-forever", "parameters": {"script": "ui_forever.py"}},
    )
    assert code == 201
    open_lab(page, lab_server)
    home = show_home(page)
    home.get_by_text("ui-forever").first.wait_for()
    home.get_by_role("button", name="Stop job").first.click()
    page.wait_for_function(
        f"async () => (await (await fetch('/studio/api/jobs/{job['job_id']}?token={lab_server_token()}')).json())"
        ".status === 'Stopped'",
        timeout=60_000,
    )


def lab_server_token() -> str:
    from tests.ui.conftest import TOKEN

    return TOKEN


def test_create_and_open_a_space_from_the_home_panel(page, lab_server: LabServer) -> None:  # noqa: ANN001
    open_lab(page, lab_server)
    home = show_home(page)
    spaces = home.locator('[data-testid="studio-spaces"]')
    spaces.wait_for()
    spaces.get_by_role("button", name=re.compile("New space", re.I)).click()
    page.get_by_label("Space name").fill("Browser space")
    page.locator(".jp-Dialog").get_by_role("button", name=re.compile("^(Create|OK)$", re.I)).click()
    row = spaces.locator('[data-testid="studio-space-row"]', has_text="Browser space")
    row.wait_for()
    code, listing = lab_server.api("GET", "spaces")
    space = next(s for s in listing["items"] if s["name"] == "Browser space")
    assert (lab_server.root / space["path"]).is_dir()
    row.get_by_role("button", name=re.compile("^Open", re.I)).first.click()
    # the file browser now shows the space's folder
    page.wait_for_function(
        "(path) => { const crumbs = document.querySelector('.jp-BreadCrumbs');"
        " return crumbs && crumbs.textContent.includes(path.split('/').pop()); }",
        arg=space["path"],
        timeout=60_000,
    )


def test_home_panel_shows_a_live_log(page, lab_server: LabServer) -> None:  # noqa: ANN001
    (lab_server.root / "ui_chatty.py").write_text(
        # three minutes of ticks: still running when a loaded machine has drawn the page
        "import time\nfor i in range(600):\n    print('tick', i, flush=True)\n    time.sleep(0.3)\n"
    )
    code, job = lab_server.api(
        "POST",
        "jobs",
        {"kind": "processing", "name": "ui-chatty", "parameters": {"script": "ui_chatty.py"}},
    )
    assert code == 201
    open_lab(page, lab_server)
    home = show_home(page)
    item = home.locator(f'[data-testid="studio-home-job"][data-job-id="{job["job_id"]}"]')
    item.wait_for()
    item.get_by_role("button", name="Show log").click()
    log = item.locator('[data-testid="studio-job-log"]')
    log.get_by_text("tick 1").first.wait_for(timeout=60_000)
    log.get_by_text("tick 5").first.wait_for(timeout=60_000)  # it keeps following the job
    item.get_by_role("button", name="Stop job").click()
