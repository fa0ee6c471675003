"""Several users on one JupyterHub, one Studio domain and one store.

Every request goes through the proxy to the calling user's own server,
``/user/<name>/studio/api/...`` or ``/user/<name>/api/contents/...``, with that user's token.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

Hub = Any  # tests/hub/conftest.py:Hub (conftest modules are not importable)

pytestmark = pytest.mark.hub

JOB_TIMEOUT = 60  # a worker starts slowly on a loaded machine
# the folder-scope cache lasts 2 s; the rest is a margin for requests that are slow under load
SCOPE_CACHE_WINDOW = 10.0


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.url} -> {response.status_code}, expected {status}: "
        f"{response.text[:1000]}"
    )
    return response.json() if response.content else None


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert a Studio error: status, JSON ``code`` and a non-empty ``message``."""
    assert response.status_code == status, (
        f"{response.request.method} {response.url} -> {response.status_code}, expected {status}: "
        f"{response.text[:1000]}"
    )
    body = response.json()
    assert body.get("code") == code, body
    assert isinstance(body.get("message"), str) and body["message"], body
    return body


def put_ok(hub: Hub, user: str, path: str, text: str) -> dict[str, Any]:
    """Write a text file through ``user``'s contents API (201 created or 200 overwritten)."""
    response = hub.put_text(user, path, text)
    assert response.status_code in (200, 201), (
        f"PUT {response.url} -> {response.status_code}: {response.text[:1000]}"
    )
    return response.json()


def put_eventually(
    hub: Hub, user: str, path: str, text: str, within: float = SCOPE_CACHE_WINDOW
) -> None:
    """Write a file into a space the user has just been given, on a server that did not make the change.

    StudioContentsManager caches the caller's allowed folders for up to 2 s
    (jupyter_studio/server/contents.py SCOPE_CACHE_SECONDS), so another server may refuse the
    path for that long. Anything but that refusal fails at once.
    """
    deadline = time.monotonic() + within
    while True:
        response = hub.put_text(user, path, text)
        if response.status_code in (200, 201):
            return
        if response.status_code not in (403, 500) or time.monotonic() > deadline:
            raise AssertionError(
                f"PUT {response.url} -> {response.status_code}: {response.text[:1000]}"
            )
        time.sleep(0.2)


@pytest.fixture(scope="session")
def team_space(hub: Hub) -> dict[str, Any]:
    """A shared space "Team A" owned by alice with bob as a member, holding bob's notes.txt."""
    space = ok(
        hub.studio("alice", "POST", "spaces", json={"name": "Team A", "kind": "shared"}), 201
    )
    assert space["owner"] == "alice" and space["kind"] == "shared"
    assert space["members"] == ["alice"]
    assert space["path"].startswith("spaces/"), space
    space = ok(
        hub.studio(
            "alice", "POST", f"spaces/{space['space_id']}/members", json={"username": "bob"}
        ),
        201,
    )
    assert space["members"] == ["alice", "bob"]
    put_eventually(hub, "bob", f"{space['path']}/notes.txt", "hello from bob")
    return space


@pytest.fixture(scope="session")
def alice_private(hub: Hub) -> dict[str, Any]:
    space = ok(
        hub.studio("alice", "POST", "spaces", json={"name": "Alice only", "kind": "private"}), 201
    )
    assert space["kind"] == "private" and space["members"] == ["alice"]
    # Immediate use by the creator is asserted in test_new_space_is_usable_at_once_by_its_creator.
    put_eventually(hub, "alice", f"{space['path']}/x.py", "print('secret')\n")
    return space


def wait_job(hub: Hub, user: str, job_id: str, timeout: float = JOB_TIMEOUT) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = ok(hub.studio(user, "GET", f"jobs/{job_id}"))
        if job["status"] in ("Completed", "Failed", "Stopped") or time.monotonic() > deadline:
            return job
        time.sleep(0.3)


# --------------------------------------------------------------------------- tests
def test_every_server_shares_one_domain_and_store(hub: Hub) -> None:
    infos = {user: ok(hub.studio(user, "GET", "info")) for user in ("alice", "bob", "carol")}
    for user, info in infos.items():
        assert info["user"]["username"] == user, info
        assert info["user"]["is_admin"] is (user == "alice"), info
        assert info["domain"]["name"] == "hub-tests"
        assert info["domain"]["store"] == hub.store
        assert info["domain"]["domain_root"] == str(hub.domain_root.resolve())
        assert info["contents_root"] == str(hub.domain_root.resolve())
    assert len({info["domain"]["domain_id"] for info in infos.values()}) == 1
    domain = ok(hub.studio("bob", "GET", "domain"))
    assert domain["domain_id"] == infos["alice"]["domain"]["domain_id"]


def test_member_writes_and_owner_reads_in_shared_space(
    hub: Hub, team_space: dict[str, Any]
) -> None:
    path = f"{team_space['path']}/notes.txt"
    model = ok(hub.contents("alice", "GET", path, params={"type": "file", "format": "text"}))
    assert model["content"] == "hello from bob"
    # bob's server sees the space in his own listing too
    assert any(
        space["space_id"] == team_space["space_id"]
        for space in ok(hub.studio("bob", "GET", "spaces"))["items"]
    )


def test_non_member_sees_nothing_of_the_shared_space(hub: Hub, team_space: dict[str, Any]) -> None:
    listing = hub.studio("carol", "GET", "spaces")
    assert ok(listing)["total_count"] == 0
    assert "Team A" not in listing.text
    assert team_space["space_id"] not in listing.text

    error(hub.studio("carol", "GET", f"spaces/{team_space['space_id']}"), 403, "not_a_member")
    error(
        hub.studio(
            "carol", "POST", f"spaces/{team_space['space_id']}/members", json={"username": "carol"}
        ),
        403,
        "not_a_member",
    )

    path = f"{team_space['path']}/notes.txt"
    assert hub.contents("carol", "GET", path).status_code == 403
    assert hub.put_text("carol", path, "overwritten by carol").status_code == 403
    assert hub.contents("carol", "GET", team_space["path"]).status_code == 403

    folder = ok(hub.contents("carol", "GET", "spaces"))
    names = [item["name"] for item in folder["content"]]
    assert team_space["path"].split("/")[-1] not in names, names
    # bob's file is untouched
    model = ok(hub.contents("alice", "GET", path, params={"type": "file", "format": "text"}))
    assert model["content"] == "hello from bob"


def test_homes_are_private(hub: Hub) -> None:
    put_ok(hub, "alice", "users/alice/diary.txt", "dear diary")
    assert hub.contents("bob", "GET", "users/alice/diary.txt").status_code == 403
    assert hub.contents("bob", "GET", "users/alice").status_code == 403
    names = [item["name"] for item in ok(hub.contents("bob", "GET", "users"))["content"]]
    assert names == ["bob"], names
    put_ok(hub, "bob", "users/bob/mine.txt", "bob's")


def test_private_space_is_hidden_from_others(hub: Hub, alice_private: dict[str, Any]) -> None:
    listing = hub.studio("bob", "GET", "spaces")
    ok(listing)
    assert alice_private["space_id"] not in listing.text
    assert "Alice only" not in listing.text
    error(hub.studio("bob", "GET", f"spaces/{alice_private['space_id']}"), 403, "not_a_member")
    assert hub.contents("bob", "GET", f"{alice_private['path']}/x.py").status_code == 403
    # alice sees both of her spaces
    mine = {space["space_id"] for space in ok(hub.studio("alice", "GET", "spaces"))["items"]}
    assert alice_private["space_id"] in mine


def test_new_space_is_usable_at_once_by_its_creator(hub: Hub) -> None:
    """Create a space and open it straight away (what the UI does), on the same server.

    The contents manager's scope cache must not make the creator's own server refuse the
    new folder for its first seconds.
    """
    put_ok(hub, "alice", "users/alice/warm.txt", "fills the contents manager's scope cache")
    space = ok(
        hub.studio("alice", "POST", "spaces", json={"name": "Fresh", "kind": "private"}), 201
    )
    response = hub.put_text("alice", f"{space['path']}/first.txt", "at once")
    assert response.status_code == 201, (response.status_code, response.text[:500])
    listing = ok(hub.contents("alice", "GET", space["path"]))
    assert [item["name"] for item in listing["content"]] == ["first.txt"]


def test_space_job_is_shared_with_members_only(hub: Hub, team_space: dict[str, Any]) -> None:
    script = f"{team_space['path']}/hello.py"
    put_ok(
        hub,
        "alice",
        script,
        "import os\nprint('hello from the team job', os.environ['STUDIO_JOB_ID'])\n"
        "open('out.txt', 'w').write('done')\n",
    )
    job = ok(
        hub.studio(
            "alice",
            "POST",
            "jobs",
            json={
                "kind": "processing",
                "space_id": team_space["space_id"],
                "parameters": {"script": script},
            },
        ),
        201,
    )
    assert job["owner"] == "alice" and job["space_id"] == team_space["space_id"]
    assert job["status"] == "Pending"
    done = wait_job(hub, "alice", job["job_id"])
    assert done["status"] == "Completed", done
    assert done["exit_code"] == 0

    # bob (member) sees it through his own server and reads its log and artifacts
    bob_jobs = ok(hub.studio("bob", "GET", "jobs"))
    assert job["job_id"] in [item["job_id"] for item in bob_jobs["items"]]
    assert ok(hub.studio("bob", "GET", f"jobs/{job['job_id']}"))["status"] == "Completed"
    logs = ok(hub.studio("bob", "GET", f"jobs/{job['job_id']}/logs"))
    assert f"hello from the team job {job['job_id']}" in logs["content"]
    assert logs["complete"] is True
    artifacts = ok(hub.studio("bob", "GET", f"jobs/{job['job_id']}/artifacts"))
    assert [item["name"] for item in artifacts["items"]] == ["out.txt"]
    # the log is a file in the space, readable by bob through the contents API
    assert done["log_path"] and done["log_path"].startswith(team_space["path"] + "/")
    model = ok(
        hub.contents("bob", "GET", done["log_path"], params={"type": "file", "format": "text"})
    )
    assert "hello from the team job" in model["content"]

    # carol (not a member) cannot
    error(hub.studio("carol", "GET", f"jobs/{job['job_id']}"), 403, "job_forbidden")
    error(hub.studio("carol", "GET", f"jobs/{job['job_id']}/logs"), 403, "job_forbidden")
    error(hub.studio("carol", "POST", f"jobs/{job['job_id']}/stop"), 403, "job_forbidden")
    carol_jobs = hub.studio("carol", "GET", "jobs")
    assert job["job_id"] not in [item["job_id"] for item in ok(carol_jobs)["items"]]
    assert job["job_id"] not in carol_jobs.text
    # ... nor start a job in the space
    error(
        hub.studio(
            "carol",
            "POST",
            "jobs",
            json={
                "kind": "processing",
                "space_id": team_space["space_id"],
                "parameters": {"script": script},
            },
        ),
        403,
        "not_a_member",
    )


def test_profiles_are_admin_only(hub: Hub) -> None:
    ok(hub.studio("bob", "GET", "profiles/me"))  # profiles are created on first use
    profiles = ok(hub.studio("alice", "GET", "profiles"))
    names = [item["username"] for item in profiles["items"]]
    assert {"alice", "bob"} <= set(names), names
    assert next(p for p in profiles["items"] if p["username"] == "alice")["is_admin"] is True

    error(hub.studio("bob", "GET", "profiles"), 403, "admin_only")
    error(hub.studio("bob", "GET", "profiles/alice"), 403, "admin_only")
    error(hub.studio("bob", "POST", "profiles", json={"username": "mallory"}), 403, "admin_only")
    error(hub.studio("bob", "PATCH", "profiles/bob", json={"is_admin": True}), 403, "admin_only")

    dave = ok(
        hub.studio("alice", "POST", "profiles", json={"username": "dave", "display_name": "Dave"}),
        201,
    )
    assert dave["username"] == "dave" and dave["is_admin"] is False
    error(hub.studio("alice", "POST", "profiles", json={"username": "dave"}), 409, "profile_exists")

    bob = ok(
        hub.studio(
            "alice",
            "PATCH",
            "profiles/bob",
            json={"settings": {"default_max_runtime_seconds": 600}},
        )
    )
    assert bob["settings"] == {"default_max_runtime_seconds": 600}
    # the change made on alice's server applies on bob's server: his next job gets the limit
    assert ok(hub.studio("bob", "GET", "profiles/me"))["settings"] == {
        "default_max_runtime_seconds": 600
    }
    put_ok(hub, "bob", "users/bob/quick.py", "print('quick')\n")
    job = ok(
        hub.studio(
            "bob",
            "POST",
            "jobs",
            json={"kind": "processing", "parameters": {"script": "users/bob/quick.py"}},
        ),
        201,
    )
    assert job["max_runtime_seconds"] == 600
    assert wait_job(hub, "bob", job["job_id"])["status"] == "Completed"


@pytest.mark.parametrize("script", ["private", "users/alice/diary.txt", "users/alice/x.py"])
def test_job_paths_outside_callers_spaces_are_refused(
    hub: Hub, alice_private: dict[str, Any], script: str
) -> None:
    if script == "private":
        script = f"{alice_private['path']}/x.py"
    if script == "users/alice/x.py":
        put_ok(hub, "alice", script, "print('alice')\n")
    before = ok(hub.studio("bob", "GET", "jobs"))["total_count"]
    body = error(
        hub.studio(
            "bob", "POST", "jobs", json={"kind": "processing", "parameters": {"script": script}}
        ),
        403,
        "path_outside_space",
    )
    assert script in body["message"]
    # ... also as an input, and nothing was recorded
    put_ok(hub, "bob", "users/bob/ok.py", "print('ok')\n")
    error(
        hub.studio(
            "bob",
            "POST",
            "jobs",
            json={
                "kind": "processing",
                "parameters": {"script": "users/bob/ok.py", "inputs": [script]},
            },
        ),
        403,
        "path_outside_space",
    )
    assert ok(hub.studio("bob", "GET", "jobs"))["total_count"] == before


def test_space_id_of_foreign_private_space_is_refused(
    hub: Hub, alice_private: dict[str, Any]
) -> None:
    put_ok(hub, "bob", "users/bob/ok.py", "print('ok')\n")
    error(
        hub.studio(
            "bob",
            "POST",
            "jobs",
            json={
                "kind": "processing",
                "space_id": alice_private["space_id"],
                "parameters": {"script": "users/bob/ok.py"},
            },
        ),
        403,
        "not_a_member",
    )
