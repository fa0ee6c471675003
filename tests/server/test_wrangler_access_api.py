"""Data Wrangler with several users: a flow reads, writes and runs only in its caller's folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.server.test_wrangler_api import SALES, flow, source, step


@pytest.fixture
def jp_server_config(multiuser_config):  # noqa: ANN001, ANN201
    return multiuser_config


async def test_another_users_files_are_refused(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    for user in ("alice", "bob"):
        code, _ = await api("GET", "info", user=user)
        assert code == 200
    home = jp_root_dir / "studio" / "users" / "alice"
    assert home.is_dir()
    (home / "sales.csv").write_text(SALES)
    doc = flow(
        source("src", "studio/users/alice/sales.csv"),
        step("fill", "fill_missing", ["src"], columns=["price"], strategy="median"),
    )
    (home / "sales.flow").write_text(json.dumps(doc))

    code, mine = await api(
        "POST", "flows/preview", {"document": doc, "node_id": "fill"}, user="alice"
    )
    assert code == 200 and mine["status"] == "ok", mine
    code, theirs = await api(
        "POST", "flows/preview", {"document": doc, "node_id": "fill"}, user="bob"
    )
    assert code == 200 and theirs["status"] == "error"
    assert theirs["error"]["code"] == "path_outside_space" and theirs["error"]["node_id"] == "src"
    assert "outside the folders you may use" in theirs["error"]["message"]

    for path, body in (
        ("flows/preview", {"path": "studio/users/alice/sales.flow", "node_id": "src"}),
        (
            "flows/exports",
            {"document": doc, "node_id": "src", "output": "studio/users/alice/x.py"},
        ),
        (
            "flows/report/html",
            {"document": doc, "node_id": "src", "output": "studio/users/alice/r.html"},
        ),
        (
            "flows/edits",
            {
                "path": "studio/users/alice/sales.flow",
                "save": True,
                "edit": {"op": "delete_node", "node_id": "fill"},
            },
        ),
        ("flows/runs", {"path": "studio/users/alice/sales.flow"}),
        ("flows/handoffs", {"path": "studio/users/alice/sales.flow", "target": "qty"}),
    ):
        code, error = await api("POST", path, body, user="bob")
        assert code == 403 and error["code"] == "path_outside_space", (path, error)
    assert json.loads((home / "sales.flow").read_text()) == doc
    assert not (home / "x.py").exists() and not (home / "r.html").exists()
