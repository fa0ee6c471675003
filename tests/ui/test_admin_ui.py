"""Domain administrators manage user profiles from the "User profiles" section of the Studio home panel."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import LabServer, open_lab, show_home

pytestmark = pytest.mark.browser


def _open_users(page, lab_server: LabServer):  # noqa: ANN001, ANN202
    open_lab(page, lab_server)
    home = show_home(page)
    users = home.locator('[data-testid="studio-users"]')
    users.wait_for()
    return users


def _fill_user_dialog(page, *, username=None, display_name=None, admin=None, minutes=None):  # noqa: ANN001, ANN202
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("Username").wait_for()
    if username is not None:
        dialog.get_by_label("Username").fill(username)
    if display_name is not None:
        dialog.get_by_label("Display name").fill(display_name)
    if admin is not None:
        dialog.get_by_label("Administrator").set_checked(admin)
    if minutes is not None:
        dialog.get_by_label("Default max runtime (minutes)").fill(minutes)
    return dialog


def test_admin_adds_and_edits_a_user(page, lab_server: LabServer) -> None:  # noqa: ANN001
    code, me = lab_server.api("GET", "profiles/me")
    assert code == 200 and me["is_admin"], "the test server's user must be a domain admin"
    users = _open_users(page, lab_server)
    # the admin's own profile is listed, with its badge
    own = users.locator(f'[data-testid="studio-user-row"][data-username="{me["username"]}"]')
    own.wait_for()
    assert "admin" in own.inner_text()

    # add dana with a 10-minute default runtime
    users.get_by_role("button", name="Add profile").click()
    dialog = _fill_user_dialog(page, username="dana", display_name="Dana D", minutes="10")
    page.screenshot(path=str(_artifact("test_admin_add_user_dialog")))
    dialog.get_by_role("button", name="Add", exact=True).click()
    row = users.locator('[data-testid="studio-user-row"][data-username="dana"]')
    row.wait_for()
    assert "Dana D" in row.inner_text()
    row.get_by_text("runtime limit: 10 min").wait_for()
    assert "admin" not in row.inner_text().split()
    code, dana = lab_server.api("GET", "profiles/dana")
    assert code == 200
    assert dana["display_name"] == "Dana D" and dana["is_admin"] is False
    assert dana["settings"]["default_max_runtime_seconds"] == 600

    # edit dana: 20 minutes; the dialog is prefilled and the username read-only
    row.get_by_role("button", name="Edit").click()
    dialog = page.locator(".jp-Dialog")
    username = dialog.get_by_label("Username")
    username.wait_for()
    assert username.input_value() == "dana"
    assert not username.is_editable()
    assert dialog.get_by_label("Display name").input_value() == "Dana D"
    minutes = dialog.get_by_label("Default max runtime (minutes)")
    assert minutes.input_value() == "10"
    minutes.fill("20")
    dialog.get_by_role("button", name="Save", exact=True).click()
    row.get_by_text("runtime limit: 20 min").wait_for()
    code, dana = lab_server.api("GET", "profiles/dana")
    assert code == 200 and dana["settings"]["default_max_runtime_seconds"] == 1200
    assert dana["display_name"] == "Dana D" and dana["is_admin"] is False

    # adding dana again shows the server's 409 message
    users.get_by_role("button", name="Add profile").click()
    dialog = _fill_user_dialog(page, username="dana", minutes="5")
    dialog.get_by_role("button", name="Add", exact=True).click()
    error = page.locator(".jp-Dialog", has_text=re.compile("already exists"))
    error.wait_for()
    assert "Cannot add the user profile" in error.inner_text()
    page.screenshot(path=str(_artifact("test_admin_add_existing_user_error")))
    error.get_by_role("button", name=re.compile("^(Close|Dismiss|OK)$", re.I)).click()
    # the form comes back with the values kept; cancel it
    dialog = page.locator(".jp-Dialog")
    assert dialog.get_by_label("Username").input_value() == "dana"
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached")
    code, dana = lab_server.api("GET", "profiles/dana")
    assert dana["settings"]["default_max_runtime_seconds"] == 1200
    assert users.locator('[data-testid="studio-user-row"][data-username="dana"]').count() == 1


def test_users_section_collapses_and_clears_a_limit(page, lab_server: LabServer) -> None:  # noqa: ANN001
    code, _ = lab_server.api(
        "POST",
        "profiles",
        {"username": "erin", "settings": {"default_max_runtime_seconds": 90}},
    )
    assert code in (201, 409)
    users = _open_users(page, lab_server)
    row = users.locator('[data-testid="studio-user-row"][data-username="erin"]')
    row.get_by_text("runtime limit: 1.5 min").wait_for()

    toggle = users.get_by_role("button", name=re.compile("^User profiles"))
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    row.wait_for(state="detached")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    row.wait_for()

    # more than the server allows (7 days): its message is shown, nothing changes
    row.get_by_role("button", name="Edit").click()
    dialog = page.locator(".jp-Dialog")
    minutes = dialog.get_by_label("Default max runtime (minutes)")
    minutes.fill("100000")
    expect(minutes).to_have_value("100000")
    dialog.get_by_role("button", name="Save", exact=True).click()
    error = page.locator(".jp-Dialog", has_text="Cannot change the user profile")
    # to_contain_text names the text it found if the message is not the one expected
    expect(error).to_contain_text(re.compile("default_max_runtime_seconds"), timeout=90_000)
    page.screenshot(path=str(_artifact("test_admin_runtime_limit_too_long")))
    error.get_by_role("button", name=re.compile("^(Close|Dismiss|OK)$", re.I)).click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("Default max runtime (minutes)").wait_for()

    # an empty runtime clears the limit (the server gets null)
    dialog.get_by_label("Default max runtime (minutes)").fill("")
    dialog.get_by_role("button", name="Save", exact=True).click()
    row.get_by_text("runtime limit: default").wait_for()
    code, erin = lab_server.api("GET", "profiles/erin")
    assert code == 200 and erin["settings"] == {"default_max_runtime_seconds": None}


def _artifact(name: str):  # noqa: ANN202
    from tests.ui.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
