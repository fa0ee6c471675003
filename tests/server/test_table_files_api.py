"""Users' table files over REST: one reader's answers in AutoML and Data Wrangler, 403 for another
user's file.

Found by a bad-file corpus and a second user: AutoML shifted the columns of a file whose rows
carry one field more than the header, refused a semicolon file with "no column 'y'", called a
header-only file "every value of the target is missing", and answered 400 (not the documented
403) for another user's data file; the wrangler previewed an unclosed quote as "ok, 0 rows".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.server.test_wrangler_api import flow, source

HEADER = "x,city,y"
ROWS = "".join(
    f"{i % 7}.5,{('Lyon', 'Paris')[i % 2]},{('no', 'yes')[i % 3 == 0]}\n" for i in range(600)
)


@pytest.fixture
def jp_server_config(multiuser_config, jp_server_authorizer):  # noqa: ANN001, ANN201
    config = multiuser_config
    config.ServerApp.authorizer_class = jp_server_authorizer
    return config


@pytest.fixture(autouse=True)
def allow_all(jp_server_authorizer, jp_server_auth_resources):  # noqa: ANN001, ANN201
    jp_server_authorizer.permissions = {
        "actions": ["read", "write", "execute"],
        "resources": sorted(set(jp_server_auth_resources.values())),
    }
    yield jp_server_authorizer
    jp_server_authorizer.permissions = {}


async def preview(jp_fetch, user: str, path: str) -> tuple[int, Any]:  # noqa: ANN001
    from tornado.httpclient import HTTPClientError

    try:
        reply = await jp_fetch(
            "studio",
            "api",
            "automl",
            "preview",
            params={"path": path, "rows": "3"},
            headers={"X-Studio-Test-User": user},
        )
    except HTTPClientError as error:
        return error.code, json.loads(error.response.body)
    return reply.code, json.loads(reply.body)


async def homes(api, root: Path) -> Path:  # noqa: ANN001
    for user in ("alice", "bob"):
        code, _ = await api("GET", "info", user=user)
        assert code == 200
    home = root / "studio" / "users" / "alice"
    assert home.is_dir()
    return home


def experiment(data: str) -> dict[str, Any]:
    return {"experiment_name": "files-1", "data": data, "target": "y", "max_runtime": 10}


async def test_broken_files_are_a_400_naming_file_and_line(
    api, jp_fetch, jp_root_dir: Path
) -> None:  # noqa: ANN001
    home = await homes(api, jp_root_dir)
    (home / "wide.csv").write_text(HEADER + "\n" + ROWS.replace("\n", ",1\n"))
    (home / "semi.csv").write_text((HEADER + "\n" + ROWS).replace(",", ";"))
    (home / "header.csv").write_text(HEADER + "\n")
    (home / "quote.csv").write_text(HEADER + '\n"' + ROWS)
    (home / "broken.parquet").write_bytes(b"PAR1" + b"\0" * 64)
    base = "studio/users/alice/"
    for name, words in (
        ("wide.csv", "wide.csv: line 2 has 4 fields where the header has 3"),
        ("header.csv", "header.csv: the file has a header (x, city, y) but no rows"),
        ("quote.csv", "quote.csv: the quote opened on line 2 is never closed"),
        ("broken.parquet", "broken.parquet: the file is not a readable Parquet file"),
    ):
        code, body = await api("POST", "automl/experiments", experiment(base + name), user="alice")
        assert code == 400 and words in body["message"], (name, body)
        assert body["detail"][0]["loc"] == ["data"] and "np." not in body["message"]
        code, body = await preview(jp_fetch, "alice", base + name)
        assert code == 400 and words in body["message"], (name, body)
        code, checked = await api("POST", "automl/validate", experiment(base + name), user="alice")
        assert code == 200 and words in checked["problems"][0]["msg"], checked
    code, shown = await preview(jp_fetch, "alice", base + "semi.csv")
    assert code == 200 and [c["name"] for c in shown["columns"]] == ["x", "city", "y"]
    code, checked = await api(
        "POST", "automl/validate", experiment(base + "semi.csv"), user="alice"
    )
    assert code == 200 and checked["valid"] and checked["rows"] == 600, checked
    code, jobs = await api("GET", "jobs", user="alice")
    assert jobs["total_count"] == 0

    doc = flow(source("src", base + "quote.csv"))
    code, shown = await api(
        "POST", "flows/preview", {"document": doc, "node_id": "src"}, user="alice"
    )
    assert code == 200 and shown["status"] == "error", shown
    assert shown["error"]["code"] == "unclosed_quote"
    assert "line 2 is never closed" in shown["error"]["message"]


async def test_another_users_data_file_is_403(api, jp_fetch, jp_root_dir: Path) -> None:  # noqa: ANN001
    home = await homes(api, jp_root_dir)
    (home / "churn.csv").write_text(HEADER + "\n" + ROWS)
    theirs = "studio/users/alice/churn.csv"
    code, checked = await api("POST", "automl/validate", experiment(theirs), user="alice")
    assert code == 200 and checked["valid"], checked  # alice may use it
    for field in ("data", "validation_data", "output"):
        mine = experiment("studio/users/bob/nothing.csv")
        mine[field] = theirs if field != "output" else "studio/users/alice"
        code, body = await api("POST", "automl/experiments", mine, user="bob")
        assert code == 403 and body["code"] == "path_outside_space", (field, body)
        assert "outside the folders you may use" in body["message"]
    code, body = await preview(jp_fetch, "bob", theirs)
    assert code == 403 and body["code"] == "path_outside_space"
    code, body = await api("POST", "automl/experiments", experiment("../../etc/x.csv"), user="bob")
    assert code == 400 and body["detail"][0]["loc"] == ["data"]  # a malformed path stays a 400
    code, jobs = await api("GET", "jobs", user="bob")
    assert jobs["total_count"] == 0
