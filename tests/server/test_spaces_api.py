"""REST API for the domain, profiles and spaces, with several users."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def jp_server_config(multiuser_config):  # noqa: ANN001, ANN201
    return multiuser_config


async def test_space_lifecycle_over_rest(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    code, space = await api("POST", "spaces", {"name": "Churn study"}, user="alice")
    assert code == 201 and space["kind"] == "private" and space["owner"] == "alice"
    folder = jp_root_dir / space["path"]
    assert folder.is_dir()
    (folder / "data.csv").write_text("a\n1\n")
    code, renamed = await api(
        "PATCH", f"spaces/{space['space_id']}", {"name": "Churn v2"}, user="alice"
    )
    assert code == 200 and renamed["name"] == "Churn v2" and renamed["path"] == space["path"]
    code, listing = await api("GET", "spaces", user="alice")
    assert [s["name"] for s in listing["items"]] == ["Churn v2"]
    code, _ = await api("DELETE", f"spaces/{space['space_id']}", user="alice")
    assert code == 204 and not folder.exists()
    trashed = list((jp_root_dir / "studio" / ".trash").glob("*/data.csv"))
    assert [p.read_text() for p in trashed] == ["a\n1\n"]
    code, error = await api("GET", f"spaces/{space['space_id']}", user="alice")
    assert code == 404 and error["code"] == "space_not_found"


async def test_shared_space_members_and_outsiders(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    code, shared = await api("POST", "spaces", {"name": "Team A", "kind": "shared"}, user="alice")
    sid = shared["space_id"]
    code, updated = await api("POST", f"spaces/{sid}/members", {"username": "bob"}, user="alice")
    assert code == 201 and updated["members"] == ["alice", "bob"]

    code, bob_view = await api("GET", "spaces", user="bob")
    assert [s["name"] for s in bob_view["items"]] == ["Team A"]

    code, carol_view = await api("GET", "spaces", user="carol")
    assert (
        code == 200 and "Team A" not in json.dumps(carol_view) and sid not in json.dumps(carol_view)
    )
    code, error = await api("GET", f"spaces/{sid}", user="carol")
    assert code == 403 and error["code"] == "not_a_member"

    code, error = await api("POST", f"spaces/{sid}/members", {"username": "carol"}, user="bob")
    assert code == 403 and error["code"] == "owner_only"
    code, error = await api("DELETE", f"spaces/{sid}", user="bob")
    assert code == 403

    # bob runs a job in the shared space; alice sees it, carol does not
    (jp_root_dir / shared["path"] / "hello.py").write_text("print('from bob')")
    code, job = await api(
        "POST",
        "jobs",
        {
            "kind": "processing",
            "space_id": sid,
            "parameters": {"script": f"{shared['path']}/hello.py"},
        },
        user="bob",
    )
    assert code == 201, job
    code, seen = await api("GET", f"jobs/{job['job_id']}", user="alice")
    assert code == 200 and seen["owner"] == "bob"
    code, error = await api("GET", f"jobs/{job['job_id']}", user="carol")
    assert code == 403
    code, carol_jobs = await api("GET", "jobs", user="carol")
    assert carol_jobs["items"] == []
    code, error = await api(
        "POST",
        "jobs",
        {"kind": "processing", "parameters": {"script": f"{shared['path']}/hello.py"}},
        user="carol",
    )
    assert code == 403 and error["code"] == "path_outside_space"

    code, _ = await api("DELETE", f"spaces/{sid}/members/bob", user="alice")
    assert code == 204
    code, error = await api("GET", f"spaces/{sid}", user="bob")
    assert code == 403


async def test_bad_space_requests(api) -> None:  # noqa: ANN001
    cases = [
        ({"name": ""}, "validation_error"),
        ({"name": "a/b"}, "validation_error"),
        ({"name": "x", "kind": "public"}, "validation_error"),
        ({"name": "x", "members": ["../bob"]}, "validation_error"),
        ({"name": "x", "kind": "private", "members": ["bob"]}, "private_space_members"),
        ({"name": "x", "owner": "mallory"}, "validation_error"),
    ]
    for body, error_code in cases:
        code, error = await api("POST", "spaces", body, user="alice")
        assert code == 400 and error["code"] == error_code, (body, error)
    code, _ = await api("POST", "spaces", {"name": "dup"}, user="alice")
    code, error = await api("POST", "spaces", {"name": "dup"}, user="alice")
    assert code == 409 and error["code"] == "space_exists"
    code, error = await api("PATCH", "spaces/unknown", {"name": "x"}, user="alice")
    assert code == 404


async def test_profiles_admin_only(api) -> None:  # noqa: ANN001
    code, me = await api("GET", "profiles/me", user="bob")
    assert code == 200 and me["username"] == "bob" and me["is_admin"] is False
    code, error = await api("GET", "profiles", user="bob")
    assert code == 403 and error["code"] == "admin_only"
    code, listing = await api("GET", "profiles", user="admin")
    assert code == 200 and {"admin", "bob"} <= {p["username"] for p in listing["items"]}
    code, created = await api(
        "POST", "profiles", {"username": "dave", "display_name": "Dave"}, user="admin"
    )
    assert code == 201 and created["home_path"] == "studio/users/dave"
    code, error = await api("POST", "profiles", {"username": "dave"}, user="admin")
    assert code == 409
    code, error = await api("POST", "profiles", {"username": "../evil"}, user="admin")
    assert code == 400
    code, patched = await api(
        "PATCH", "profiles/bob", {"settings": {"default_max_runtime_seconds": 600}}, user="admin"
    )
    assert code == 200 and patched["settings"]["default_max_runtime_seconds"] == 600
    code, error = await api("PATCH", "profiles/bob", {"is_admin": True}, user="bob")
    assert code == 403
    code, error = await api("GET", "profiles/nobody", user="admin")
    assert code == 404
    code, domain = await api("GET", "domain", user="bob")
    assert code == 200 and domain["store"] == "sqlite"
