"""The ``flow`` job kind: a flow runs on all rows in a worker, with progress and a summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from jupyter_studio.core.errors import StudioError
from jupyter_studio.core.wrangler.flow import Flow
from jupyter_studio.core.wrangler.job import FlowJob

KIND = FlowJob.import_path()


@pytest.fixture
def studio(contents_root: Path) -> Iterator:
    from jupyter_studio.core.studio import Studio

    engine = Studio(
        contents_root=str(contents_root),
        poll_interval=0.1,
        stop_grace_seconds=2.0,
        default_user="alice",
        admin_users={"admin"},
        extra_job_kinds=[KIND],
    )
    try:
        yield engine
    finally:
        engine.close()


def test_kind_is_importable_by_path() -> None:
    assert KIND == "jupyter_studio.core.wrangler.job:FlowJob" and FlowJob.name == "flow"


def test_flow_job_runs_on_all_rows(studio, contents_root: Path) -> None:
    (contents_root / "in" / "2026-11-02").mkdir(parents=True)
    pl.DataFrame({"v": [1.0, None, 3.0] * 100, "k": ["a", "b", "c"] * 100}).write_csv(
        contents_root / "in" / "2026-11-02" / "data.csv"
    )
    flow = Flow.new("job test", root=contents_root, sample_size=10)
    flow.add_parameter("date", "2026-11-01")
    src = flow.add_source("in/{date}/data.csv")
    step = flow.add_step(src, "fill_missing", columns=["v"], strategy="mean")
    flow.save(contents_root / "my.flow")
    job = studio.submit_job(
        "flow",
        {
            "flow": "my.flow",
            "parameters": {"date": "2026-11-02"},
            "output": "out/result.parquet",
            "report_target": "k",
        },
    )
    job = studio.wait(job.job_id, timeout=120)
    assert job.status == "Completed", studio.job_logs(job.job_id).content
    result = pl.read_parquet(contents_root / "out" / "result.parquet")
    assert result.height == 300 and result["v"].null_count() == 0
    output = contents_root / job.output_path
    summary = json.loads((output / "run.json").read_text())
    assert summary["rows"] == 300 and summary["node"] == step
    assert (output / "report.html").exists() and json.loads((output / "report.json").read_text())[
        "scope"
    ] == "all"
    assert job.progress == 1.0


def test_flow_job_refuses_paths_outside_the_users_files(
    studio, contents_root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n")
    flow = Flow.new(root=contents_root)
    flow.add_source(str(outside))
    flow.save(contents_root / "evil.flow")
    with pytest.raises(StudioError, match="absolute"):
        studio.submit_job("flow", {"flow": "evil.flow"})
    with pytest.raises(StudioError, match="does not exist"):
        studio.submit_job("flow", {"flow": "missing.flow"})


def test_a_failing_node_fails_the_job_with_its_message(studio, contents_root: Path) -> None:
    (contents_root / "d.csv").write_text("n\n1\nx\n")
    flow = Flow.new(root=contents_root)
    src = flow.add_source("d.csv", csv={"infer_rows": None})
    cast = flow.add_step(src, "cast_columns", types={"n": "int64"})
    flow.save(contents_root / "bad.flow")
    job = studio.wait(studio.submit_job("flow", {"flow": "bad.flow"}).job_id, timeout=120)
    assert (
        job.status == "Failed"
        and cast in (job.status_message or "")
        and "converted" in (job.status_message or "")
    )
