"""REST API for jobs: happy path, tailing, stop, and every error as JSON 4xx."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest


async def wait_status(api, job_id: str, statuses: set[str], timeout: float = 60):  # noqa: ANN001, ANN201
    for _ in range(int(timeout / 0.2)):
        code, job = await api("GET", f"jobs/{job_id}")
        assert code == 200
        if job["status"] in statuses:
            return job
        await asyncio.sleep(0.2)
    raise AssertionError(f"job stayed {job['status']}")


async def test_info_handshake(api) -> None:  # noqa: ANN001
    code, info = await api("GET", "info")
    assert code == 200
    assert (
        info["version"] and info["user"]["is_admin"] is True and "processing" in info["job_kinds"]
    )
    assert info["domain"]["store"] == "sqlite"


async def test_processing_job_end_to_end(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    (jp_root_dir / "train.py").write_text(
        "import sys\nfrom jupyter_studio.runtime import report_progress\nreport_progress(0.5, 'half')\n"
        "print('hello', *sys.argv[1:])\nopen('out.csv', 'w').write('a\\n1\\n')\n"
    )
    code, job = await api(
        "POST",
        "jobs",
        {
            "kind": "processing",
            "name": "My training",
            "parameters": {"script": "train.py", "arguments": ["x", "y"]},
        },
    )
    assert code == 201, job
    assert (
        job["status"] == "Pending" and job["name"] == "My training" and job["kind"] == "processing"
    )
    done = await wait_status(api, job["job_id"], {"Completed", "Failed"})
    assert done["status"] == "Completed", done["status_message"]
    assert done["progress"] == 1.0 and done["elapsed_seconds"] > 0
    code, logs = await api("GET", f"jobs/{job['job_id']}/logs", offset="0")
    assert code == 200 and "hello x y" in logs["content"] and logs["complete"] is True
    code, tail = await api("GET", f"jobs/{job['job_id']}/logs", offset=str(logs["next_offset"]))
    assert tail["content"] == "" and tail["complete"] is True
    code, artifacts = await api("GET", f"jobs/{job['job_id']}/artifacts")
    assert [a["name"] for a in artifacts["items"]] == ["out.csv"]
    assert (jp_root_dir / artifacts["items"][0]["path"]).read_text() == "a\n1\n"
    code, listing = await api("GET", "jobs", status="Completed", kind="processing")
    assert (
        code == 200
        and listing["total_count"] == 1
        and listing["items"][0]["job_id"] == job["job_id"]
    )
    code, listing = await api("GET", "jobs", status="Failed,Stopped")
    assert listing["items"] == []


async def test_stop_a_running_job(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    (jp_root_dir / "slow.py").write_text("import time\nprint('go', flush=True)\ntime.sleep(60)\n")
    code, job = await api(
        "POST", "jobs", {"kind": "processing", "parameters": {"script": "slow.py"}}
    )
    await wait_status(api, job["job_id"], {"InProgress"})
    code, stopping = await api("POST", f"jobs/{job['job_id']}/stop")
    assert code == 202 and stopping["status"] in ("Stopping", "Stopped")
    done = await wait_status(api, job["job_id"], {"Stopped"})
    assert "Stopped by" in done["status_message"]
    code, error = await api("POST", f"jobs/{job['job_id']}/stop")
    assert code == 409 and error["code"] == "job_already_ended"


@pytest.mark.parametrize(
    ("body", "code", "error_code", "text"),
    [
        ({"kind": "nope", "parameters": {}}, 404, "unknown_job_kind", "Known kinds: "),
        ({"parameters": {}}, 400, "validation_error", "kind"),
        ({"kind": "processing"}, 400, "invalid_parameters", "script"),
        ({"kind": "processing", "parameters": {"script": 5}}, 400, "invalid_parameters", "script"),
        (
            {"kind": "processing", "parameters": {"script": "missing.py"}},
            404,
            "path_not_found",
            "does not exist",
        ),
        (
            {"kind": "processing", "parameters": {"script": "."}},
            409,
            "not_a_file",
            "is not a file",
        ),
        (
            {"kind": "processing", "parameters": {"script": "../../etc/passwd"}},
            400,
            "invalid_path",
            "climbs out",
        ),
        (
            {"kind": "processing", "parameters": {"script": "/etc/passwd"}},
            400,
            "invalid_path",
            "absolute",
        ),
        (
            {"kind": "processing", "parameters": {"script": "%2e%2e/x.py"}},
            400,
            "invalid_path",
            "climbs out",
        ),
        (
            {"kind": "processing", "parameters": {"script": "studio/studio.db"}},
            403,
            "path_outside_space",
            "outside",
        ),
        (
            {"kind": "processing", "max_runtime_seconds": -1, "parameters": {"script": "a.py"}},
            400,
            "validation_error",
            "max_runtime_seconds",
        ),
        (
            {"kind": "processing", "extra": 1, "parameters": {"script": "a.py"}},
            400,
            "validation_error",
            "extra",
        ),
        (
            {"kind": "processing", "space_id": "nope", "parameters": {"script": "a.py"}},
            404,
            "space_not_found",
            "No space",
        ),
    ],
)
async def test_bad_job_requests_are_clear_4xx(
    api, jp_root_dir: Path, body, code, error_code, text
) -> None:  # noqa: ANN001
    (jp_root_dir / "a.py").write_text("print(1)")
    status, error = await api("POST", "jobs", body)
    assert status == code, error
    assert error["code"] == error_code and text in error["message"] and error["reason"]
    _, listing = await api("GET", "jobs")
    assert listing["total_count"] == 0  # nothing written


async def test_malformed_bodies(api) -> None:  # noqa: ANN001
    for raw, code in (
        (b"{not json", "invalid_json"),
        (b"[1, 2]", "invalid_body"),
        (b"", "missing_body"),
        (b"\xff\xfe", "invalid_json"),
    ):
        status, error = await api("POST", "jobs", raw=raw)
        assert status == 400 and error["code"] == code, (raw, error)


async def test_unknown_ids_and_routes_are_json_404(api) -> None:  # noqa: ANN001
    for method, path in (
        ("GET", "jobs/nope"),
        ("POST", "jobs/nope/stop"),
        ("GET", "jobs/nope/logs"),
        ("GET", "jobs/nope/artifacts"),
        ("GET", "nothing/here"),
    ):
        status, error = await api(method, path)
        assert status == 404 and error["message"], (path, error)


async def test_bad_query_arguments(api) -> None:  # noqa: ANN001
    assert (await api("GET", "jobs", status="Sleeping"))[0] == 400
    assert (await api("GET", "jobs", limit="many"))[0] == 400
    assert (await api("GET", "jobs", limit="0"))[0] == 400
    assert (await api("GET", "jobs", next_token="abc"))[0] == 400
    (status, error) = await api("GET", "jobs/x/logs", offset="abc")
    assert status == 400 and "offset" in error["message"]


async def test_job_kinds_and_openapi(api) -> None:  # noqa: ANN001
    code, kinds = await api("GET", "job_kinds")
    processing = next(k for k in kinds["items"] if k["name"] == "processing")
    assert "script" in processing["parameters_schema"]["properties"]
    code, spec = await api("GET", "openapi.json")
    assert code == 200 and "/studio/api/jobs/{job_id}/stop" in spec["paths"]


def test_every_route_is_in_the_openapi_document_and_the_docs() -> None:
    from jupyter_studio import __version__
    from jupyter_studio.server.openapi import build_openapi
    from jupyter_studio.server.routes import ROUTES

    spec = build_openapi(ROUTES, __version__)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "rest-api.md").read_text()
    for route in ROUTES:
        item = spec["paths"][route.prefix + route.path]
        for method in route.operations:
            assert method in item
            for handler_method in (method,):
                assert callable(getattr(route.handler, handler_method)), (route.path, method)
        if route.path != "/openapi.json":
            assert route.path.split("{")[0].rstrip("/") in docs, route.path


async def test_retry_runs_an_ended_job_again(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    (jp_root_dir / "flaky.py").write_text(
        "import os, sys\nsys.exit(0 if os.path.exists('../../ok') else 4)\n"
    )
    code, job = await api(
        "POST",
        "jobs",
        {
            "kind": "processing",
            "name": "flaky",
            "parameters": {"script": "flaky.py", "arguments": ["x"]},
        },
    )
    assert (
        code == 201
        and job["parameters"]["script"] == "flaky.py"
        and job["parameters"]["arguments"] == ["x"]
    )
    failed = await wait_status(api, job["job_id"], {"Failed"})
    assert "code 4" in failed["status_message"]
    code, again = await api("POST", f"jobs/{job['job_id']}/retry")
    assert code == 201 and again["job_id"] != job["job_id"] and again["name"] == "flaky"
    assert again["parameters"] == failed["parameters"]
    await wait_status(api, again["job_id"], {"Failed", "Completed"})
    code, error = await api("POST", "jobs/nope/retry")
    assert code == 404
