"""REST API for processors: POST /studio/api/processing/jobs round trip, bad input as JSON 4xx."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

SCRIPT = (
    "import pandas as pd\n"
    "df = pd.read_csv('/opt/ml/processing/input/data/x.csv')\n"
    "df['y'] = df['x'] * 2\n"
    "df.to_csv('/opt/ml/processing/output/result/y.csv', index=False)\n"
    "print('rows', len(df))\n"
)


async def wait_final(api, job_id: str, timeout: float = 60) -> dict[str, Any]:  # noqa: ANN001
    job: dict[str, Any] = {}
    for _ in range(int(timeout / 0.2)):
        code, job = await api("GET", f"jobs/{job_id}")
        assert code == 200
        if job["status"] in {"Completed", "Failed", "Stopped"}:
            return job
        await asyncio.sleep(0.2)
    raise AssertionError(f"job stayed {job.get('status')}")


async def test_processor_round_trip(api, jp_root_dir: Path) -> None:  # noqa: ANN001
    (jp_root_dir / "prep.py").write_text(SCRIPT)
    (jp_root_dir / "x.csv").write_text("x\n1\n2\n")
    code, job = await api(
        "POST",
        "processing/jobs",
        {
            "processor": "script",
            "code": "prep.py",
            "inputs": [{"source": "x.csv", "input_name": "data"}],
            "outputs": [{"output_name": "result", "destination": "prepared"}],
            "base_job_name": "prep-rest",
            "max_runtime_in_seconds": 300,
        },
    )
    assert code == 201, job
    assert job["kind"] == "processor" and job["name"] == "prep-rest"
    assert job["max_runtime_seconds"] == 300
    done = await wait_final(api, job["job_id"])
    assert done["status"] == "Completed", done["status_message"]
    assert (jp_root_dir / "prepared/y.csv").read_text() == "x,y\n1,2\n2,4\n"
    code, logs = await api("GET", f"jobs/{job['job_id']}/logs")
    assert code == 200 and "rows 2" in logs["content"]


async def test_bad_processor_requests_are_4xx_naming_the_problem(
    api,  # noqa: ANN001
    jp_root_dir: Path,
) -> None:
    (jp_root_dir / "ok.py").write_text("print('ok')\n")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"code": "missing.py"}, 404, "missing.py"),
        ({"code": "ok.py", "inputs": [{"source": "nope.csv"}]}, 404, "nope.csv"),
        ({"code": "ok.py", "inputs": [{"source": "s3://x"}]}, 400, "s3://bucket/key"),
        ({"code": "ok.py", "instance_count": 2}, 400, "instance_count"),
        ({"code": "ok.py", "instance_count": True}, 400, "instance_count"),
        (
            {"code": "ok.py", "processor": "sklearn", "framework_version": "0.1"},
            400,
            "not available",
        ),
        ({"code": "ok.py", "processor": "spark"}, 400, "processor"),
        ({"code": "ok.py", "processor": "pyspark", "instance_count": 0}, 400, "at least 1 worker"),
        ({"code": "ok.py", "processor": "dask", "instance_count": 0}, 400, "at least 1 worker"),
        (
            {"code": "ok.py", "processor": "pyspark", "instance_count": 5},
            400,
            "Studio.processing_max_instances",
        ),
        (
            {"code": "ok.py", "processor": "dask", "instance_count": 99},
            400,
            "Studio.processing_max_instances",
        ),
        ({"code": "ok.py", "processor": "dask", "memory_per_worker": "1 TB"}, 400, "memory"),
        ({"code": "ok.py", "unknown": 1}, 400, "unknown"),
    ]
    for body, status, words in cases:
        code, error = await api("POST", "processing/jobs", body)
        assert code == status, (body, error)
        assert words in error["message"] + str(error.get("detail")), (body, error)
    # an input's problem is located at that input, so a form shows it beside the row
    body = {"code": "ok.py", "inputs": [{"source": "ok.py"}, {"source": "nope.csv"}]}
    code, error = await api("POST", "processing/jobs", body)
    assert code == 404 and error["detail"][0]["loc"] == ["inputs", 1, "source"], error
    code, jobs = await api("GET", "jobs")
    assert code == 200 and jobs["total_count"] == 0


async def test_the_kind_is_listed_with_its_parameters(api) -> None:  # noqa: ANN001
    code, kinds = await api("GET", "job_kinds")
    assert code == 200
    processor = next(k for k in kinds["items"] if k["name"] == "processor")
    assert "inputs" in processor["parameters_schema"]["properties"]
