"""Jobs in spaces, in a real browser: the "Space" select of the new-job form, the Space column,
the Space filter and the job detail."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.ui.conftest import ARTIFACTS, LabServer, new_job_form, open_jobs, open_lab, show_home

pytestmark = pytest.mark.browser


def _wait_for_row_status(page, name: str, status: str, timeout: int = 90_000) -> None:  # noqa: ANN001
    page.wait_for_function(
        "([name, status]) => [...document.querySelectorAll('[data-testid=studio-job-row]')]"
        ".some(r => r.textContent.includes(name) && r.dataset.status === status)",
        arg=[name, status],
        timeout=timeout,
    )


def test_a_job_started_in_a_space_keeps_its_folder_in_the_space(
    page, lab_server: LabServer
) -> None:  # noqa: ANN001
    suffix = uuid.uuid4().hex[:6]
    code, space = lab_server.api(
        "POST", "spaces", {"name": f"Jobs space {suffix}", "kind": "shared", "members": []}
    )
    assert code == 201, space
    (lab_server.root / space["path"] / "script.py").write_text(
        "print('hello from the space', flush=True)\nopen('space-result.txt', 'w').write('ok')\n"
    )
    job_name = f"space-job-{suffix}"

    open_lab(page, lab_server)
    open_jobs(page)
    new_job_form(page)
    form = page.get_by_role("form", name="New processing job")
    space_select = form.get_by_label("Space", exact=True)
    # the select offers "My home (no space)" and the new space, marked as shared
    form.locator("option", has_text=f"Jobs space {suffix} (shared)").wait_for(state="attached")
    assert space_select.locator("option").first.inner_text() == "My home (no space)"
    space_select.select_option(label=f"Jobs space {suffix} (shared)")
    form.get_by_text(f"kept in {space['path']}").wait_for()
    page.get_by_label("Script path").fill(f"{space['path']}/script.py")
    page.get_by_label("Job name").fill(job_name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_a_job_started_in_a_space_form.png"))
    page.get_by_role("button", name="Start job").click()

    row = page.locator('[data-testid="studio-job-row"]', has_text=job_name).first
    row.wait_for()
    _wait_for_row_status(page, job_name, "Completed")
    # the Space column names the space; the detail pane too
    assert row.locator('[data-testid="studio-job-space"]').inner_text() == f"Jobs space {suffix}"
    detail = page.locator('[data-testid="studio-job-detail"]')
    detail.locator('[data-testid="studio-job-detail-space"]').get_by_text(
        f"Jobs space {suffix}"
    ).wait_for()
    page.locator('[data-testid="studio-job-log"]').first.get_by_text(
        "hello from the space"
    ).first.wait_for(timeout=60_000)

    code, listing = lab_server.api("GET", "jobs")
    assert code == 200
    job = next(j for j in listing["items"] if j["name"] == job_name)
    assert job["status"] == "Completed"
    assert job["space_id"] == space["space_id"]
    assert job["output_path"].startswith(space["path"] + "/")
    assert (lab_server.root / job["output_path"] / "space-result.txt").read_text() == "ok"


def test_space_filter_and_column_in_the_jobs_table(page, lab_server: LabServer) -> None:  # noqa: ANN001
    suffix = uuid.uuid4().hex[:6]
    code, space = lab_server.api(
        "POST", "spaces", {"name": f"Filter space {suffix}", "kind": "private"}
    )
    assert code == 201, space
    (lab_server.root / space["path"] / "quick.py").write_text("print('quick')\n")
    (lab_server.root / f"home_{suffix}.py").write_text("print('home')\n")
    code, in_space = lab_server.api(
        "POST",
        "jobs",
        {
            "kind": "processing",
            "name": f"in-space-{suffix}",
            "space_id": space["space_id"],
            "parameters": {"script": f"{space['path']}/quick.py"},
        },
    )
    assert code == 201, in_space
    code, at_home = lab_server.api(
        "POST",
        "jobs",
        {
            "kind": "processing",
            "name": f"at-home-{suffix}",
            "parameters": {"script": f"home_{suffix}.py"},
        },
    )
    assert code == 201, at_home

    open_lab(page, lab_server)
    page.locator(".jp-LauncherCard", has_text=re.compile(r"^Jobs$")).click()
    table = page.locator('[data-testid="studio-jobs-table"]')
    home_row = table.locator('[data-testid="studio-job-row"]', has_text=f"at-home-{suffix}")
    space_row = table.locator('[data-testid="studio-job-row"]', has_text=f"in-space-{suffix}")
    home_row.wait_for()
    space_row.wait_for()
    page.wait_for_function(
        "(name) => [...document.querySelectorAll('[data-testid=studio-job-space]')]"
        ".some(c => c.textContent === name)",
        arg=f"Filter space {suffix}",
        timeout=60_000,
    )
    assert home_row.locator('[data-testid="studio-job-space"]').inner_text() == "Home"

    page.get_by_label("Filter by space").select_option(label=f"Filter space {suffix}")
    home_row.wait_for(state="detached")
    space_row.wait_for()
    rows = table.locator('[data-testid="studio-job-row"]')
    assert rows.count() == 1
    page.get_by_label("Filter by space").select_option(label="All")
    home_row.wait_for()


def test_new_job_form_defaults_to_the_active_space(page, lab_server: LabServer) -> None:  # noqa: ANN001
    suffix = uuid.uuid4().hex[:6]
    name = f"Active space {suffix}"
    code, space = lab_server.api("POST", "spaces", {"name": name, "kind": "private"})
    assert code == 201, space
    open_lab(page, lab_server)
    home = show_home(page)
    row = home.locator(
        '[data-testid="studio-spaces"] [data-testid="studio-space-row"]', has_text=name
    )
    row.wait_for()
    row.get_by_role("button", name=re.compile("^Open", re.I)).first.click()
    page.wait_for_function(
        "(id) => document.querySelector('[data-testid=studio-active-space]')?.dataset.spaceId === id",
        arg=space["space_id"],
        timeout=60_000,
    )
    home = show_home(page)  # "Open" switched the left area to the file browser
    # "New job" in the home panel, with no script selected: the active space is preselected
    home.locator('[data-testid="studio-home-jobs"]').get_by_role("button", name="New job").click()
    form = page.get_by_role("form", name="New processing job")
    form.wait_for()
    page.wait_for_function(
        "(id) => document.querySelector('[data-testid=studio-new-job-space]')?.value === id",
        arg=space["space_id"],
        timeout=60_000,
    )
    assert form.get_by_label("Space", exact=True).locator("option:checked").inner_text() == name
    form.get_by_role("button", name="Cancel").click()
    # leave no active space behind for other tests
    page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.includes('studio'))"
        ".forEach(k => localStorage.removeItem(k))"
    )


def test_run_as_studio_job_uses_the_active_space_only_for_its_scripts(
    page, lab_server: LabServer
) -> None:  # noqa: ANN001
    suffix = uuid.uuid4().hex[:6]
    name = f"Run space {suffix}"
    code, space = lab_server.api("POST", "spaces", {"name": name, "kind": "private"})
    assert code == 201, space
    (lab_server.root / space["path"] / f"inside_{suffix}.py").write_text("print('inside')\n")
    open_lab(page, lab_server)
    home = show_home(page)
    row = home.locator('[data-testid="studio-space-row"]', has_text=name)
    row.get_by_role("button", name=re.compile("^Open", re.I)).first.click()
    page.wait_for_function(
        "(id) => document.querySelector('[data-testid=studio-active-space]')?.dataset.spaceId === id",
        arg=space["space_id"],
        timeout=60_000,
    )

    def run_as_job(file_name: str) -> dict:
        item = page.locator(".jp-DirListing-item", has_text=file_name).first
        item.click()
        item.click(button="right")
        page.locator(".lm-Menu .lm-Menu-item", has_text="Run as Studio job").first.click()
        page.locator(
            '[data-testid="studio-job-row"]', has_text=file_name.removesuffix(".py")
        ).first.wait_for()
        _, listing = lab_server.api("GET", "jobs")
        return next(j for j in listing["items"] if j["parameters"]["script"].endswith(file_name))

    inside = run_as_job(f"inside_{suffix}.py")
    assert inside["space_id"] == space["space_id"]
    assert inside["output_path"].startswith(space["path"] + "/")

    # a script outside the active space's folder runs in the user's home
    (lab_server.root / f"outside_{suffix}.py").write_text("print('outside')\n")
    page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").first.click()
    outside = run_as_job(f"outside_{suffix}.py")
    assert outside["space_id"] is None
    assert not outside["output_path"].startswith(space["path"])
