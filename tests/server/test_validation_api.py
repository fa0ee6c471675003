"""Nothing a user sends makes the REST API answer 500: bad input is a 400 naming the field."""

from __future__ import annotations

from pathlib import Path

from tests.server.test_jobs_api import wait_status


async def test_retry_of_a_job_with_a_long_default_name(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    stem = "n" * 230
    (jp_root_dir / f"{stem}.py").write_text("raise SystemExit(2)\n")
    code, job = await api(
        "POST", "jobs", {"kind": "processing", "parameters": {"script": f"{stem}.py"}}
    )
    assert code == 201 and len(job["name"]) == 200
    await wait_status(api, job["job_id"], {"Failed"})
    code, again = await api("POST", f"jobs/{job['job_id']}/retry")
    assert code == 201 and again["name"] == job["name"]


async def test_a_long_job_name_is_a_400(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    (jp_root_dir / "a.py").write_text("print(1)")
    code, error = await api(
        "POST", "jobs", {"kind": "processing", "name": "x" * 230, "parameters": {"script": "a.py"}}
    )
    assert code == 400 and error["detail"][0]["loc"] == ["name"]


async def test_parameter_aliases_are_gone(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    (jp_root_dir / "a.py").write_text("print(1)")
    code, error = await api(
        "POST", "jobs", {"kind": "processing", "parameters": {"script_path": "a.py"}}
    )
    assert code == 400 and error["code"] == "unknown_parameters"
    assert "script_path" in error["message"]


async def test_profile_settings_are_validated_when_an_admin_writes_them(api) -> None:  # noqa: ANN001
    for value in (-5, 1e9):
        code, error = await api(
            "PATCH", "profiles/me-not", {"settings": {"default_max_runtime_seconds": value}}
        )
        assert code == 400, error
        assert error["detail"][0]["loc"] == ["settings", "default_max_runtime_seconds"]
    code, created = await api(
        "POST", "profiles", {"username": "dana", "settings": {"default_max_runtime_seconds": 600}}
    )
    assert code == 201 and created["settings"] == {"default_max_runtime_seconds": 600}
    code, error = await api("POST", "profiles", {"username": "erin", "settings": {"x": 1}})
    assert code == 400 and error["detail"][0]["loc"] == ["settings", "x"]


async def test_info_and_lists_have_documented_response_models(api) -> None:  # noqa: ANN001
    code, spec = await api("GET", "openapi.json")
    assert code == 200
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith("2") and status != "204":
                    assert "content" in response, f"{method.upper()} {path} has no response model"
    code, info = await api("GET", "info")
    assert code == 200 and set(info["domain"]) == {"domain_id", "name", "domain_root", "store"}
