"""The batch_transform and model_monitor job kinds: prepare with a stand-in registry, then run."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from jupyter_studio.core.endpoints.batch.job import BatchTransformJob
from jupyter_studio.core.endpoints.monitor.baseline import compute_baseline, save_baseline
from jupyter_studio.core.endpoints.monitor.drift import DriftReport
from jupyter_studio.core.endpoints.monitor.job import ModelMonitorJob
from jupyter_studio.core.endpoints.runtime.capture import DataCapture
from jupyter_studio.core.errors import Conflict, InvalidInput, NotFound, StudioError
from jupyter_studio.core.jobs.context import JobContext, JobLog
from jupyter_studio.core.jobs.errors import JobFailed, JobStopped
from jupyter_studio.core.jobs.kinds import JobKind, PrepareContext
from jupyter_studio.core.spaces.paths import scope_for
from jupyter_studio.core.spaces.service import Caller

from .conftest import customers

SCHEMA = [
    SimpleNamespace(name="age", type="long", required=True),
    SimpleNamespace(name="income", type="double", required=True),
    SimpleNamespace(name="city", type="string", required=True),
]


@dataclass
class StandInVersion:
    """What the registry's ``resolve_version`` answers."""

    name: str
    version: int
    model_dir: Path
    baseline_path: Path | None
    input_schema: list[Any]


@dataclass
class StandInRegistry:
    """``services.models`` as the job kinds use it."""

    versions: list[StandInVersion] = field(default_factory=list)
    calls: list[tuple[str, str, int | None]] = field(default_factory=list)

    def resolve_version(self, caller: Caller, name: str, version: int | None = None) -> Any:
        self.calls.append((caller.username, name, version))
        found = [v for v in self.versions if v.name == name]
        if version is not None:
            found = [v for v in found if v.version == version]
        if not found:
            raise NotFound(f"No model {name!r} version {version}.", code="model_not_found")
        return max(found, key=lambda v: v.version)


@dataclass
class Domain:
    files: Path
    registry: StandInRegistry
    context: PrepareContext


@pytest.fixture
def domain(tmp_path: Path, classifier: Path, training: pd.DataFrame) -> Domain:
    files = tmp_path / "files"
    (files / "data").mkdir(parents=True)
    (tmp_path / "domain").mkdir()
    baseline = save_baseline(
        compute_baseline(training, [{"name": c.name, "type": c.type} for c in SCHEMA]),
        tmp_path / "baseline.json",
    )
    registry = StandInRegistry(
        [
            StandInVersion("churn", 1, classifier, None, SCHEMA),
            StandInVersion("churn", 2, classifier, baseline, SCHEMA),
        ]
    )
    context = PrepareContext(
        caller=Caller("alice"),
        scope=scope_for(files, tmp_path / "domain", [files], True),
        job_dir=files / "jobs" / "job-1",
        services=SimpleNamespace(models=registry),
    )
    return Domain(files, registry, context)


def prepare(kind: JobKind, raw: dict[str, Any], context: PrepareContext) -> dict[str, Any]:
    resolved = kind.prepare(kind.validate_parameters(raw), context)
    return json.loads(json.dumps(resolved))  # stored as JSON with the job


@pytest.fixture
def run_job() -> Iterator[Any]:
    handles = contextlib.ExitStack()

    def run(
        kind: JobKind,
        raw: dict[str, Any],
        resolved: dict[str, Any],
        job_dir: Path,
        *,
        stop: bool = False,
    ) -> JobContext:
        (job_dir / "output").mkdir(parents=True, exist_ok=True)
        handle = handles.enter_context((job_dir / "job.log").open("ab"))
        context = JobContext(
            job_id="job-1",
            name="test",
            owner="alice",
            parameters=kind.validate_parameters(raw),
            resolved=resolved,
            job_dir=job_dir,
            log=JobLog(handle),
            stop_event=threading.Event(),
            grace_seconds=1.0,
        )
        if stop:
            context.request_stop("Stopped by request")
        kind.run(context)
        return context

    with handles:
        yield run


# -------------------------------------------------------------------------- batch transform


def test_batch_transform_end_to_end(domain: Domain, run_job: Any, classifier: Path) -> None:
    rows = customers(3_000, seed=21)
    rows.to_csv(domain.files / "data" / "new.csv", index=False)
    kind = BatchTransformJob()
    raw = {"model_name": "churn", "input": "data/new.csv", "chunk_rows": 1_000}
    resolved = prepare(kind, raw, domain.context)
    assert domain.registry.calls == [("alice", "churn", None)]
    assert resolved["model_version"] == 2 and resolved["model_dir"] == str(classifier)
    job_dir = domain.context.job_dir
    assert resolved["output"] == str(job_dir / "output" / "predictions.parquet")
    assert resolved["output_path"] == "jobs/job-1/output/predictions.parquet"

    context = run_job(kind, raw, resolved, job_dir)
    out = pd.read_parquet(job_dir / "output" / "predictions.parquet")
    assert len(out) == 3_000 and list(out.columns[:3]) == ["age", "income", "city"]
    assert set(out["prediction"]) <= {"yes", "no"}
    assert context.progress.fraction == 1.0 and context.progress.message == "3,000 rows scored"
    summary = json.loads((job_dir / "output" / "transform.json").read_text())
    assert summary["rows"] == 3_000 and summary["model_version"] == 2
    assert "wrote 3000 rows" in (job_dir / "job.log").read_text()


def test_batch_transform_output_rules(domain: Domain, run_job: Any) -> None:
    customers(50, seed=2).to_parquet(domain.files / "data" / "a.parquet")
    kind = BatchTransformJob()
    raw = {
        "model_name": "churn",
        "model_version": 1,
        "input": "data",
        "output": "results/scored.csv",
    }
    resolved = prepare(kind, raw, domain.context)
    assert domain.registry.calls[-1] == ("alice", "churn", 1)
    run_job(kind, raw, resolved, domain.context.job_dir)
    scored = domain.files / "results" / "scored.csv"
    assert len(pd.read_csv(scored)) == 50

    with pytest.raises(Conflict, match="already exists") as caught:
        prepare(kind, raw, domain.context)
    assert caught.value.code == "output_exists"
    with pytest.raises(JobFailed, match="set overwrite"):
        run_job(kind, raw, resolved, domain.context.job_dir)
    scored.write_text("old")
    again = {**raw, "overwrite": True}
    run_job(kind, again, prepare(kind, again, domain.context), domain.context.job_dir)
    assert len(pd.read_csv(scored)) == 50

    refusals = [
        ({"input": "data/none.csv"}, "path_not_found"),
        ({"input": "results/../../outside.csv"}, "invalid_path"),
        ({"output": "data/scored.parquet"}, "output_inside_input"),
        ({"output": "results/scored.json"}, "invalid_output"),
        ({"output": "results"}, "output_is_folder"),
        ({"model_name": "unknown"}, "model_not_found"),
        ({"model_version": 0}, "invalid_parameters"),
        ({"chunk_size": 10}, "unknown_parameters"),
    ]
    fresh = {**raw, "output": "results/fresh.csv"}
    for change, code in refusals:
        with pytest.raises(StudioError) as caught:
            prepare(kind, {**fresh, **change}, domain.context)
        assert caught.value.code == code, (change, caught.value.message)
    (domain.files / "notes.txt").write_text("x")
    with pytest.raises(InvalidInput, match="notes.txt is not a CSV or Parquet file"):
        prepare(kind, {**raw, "input": "notes.txt"}, domain.context)
    no_registry = PrepareContext(
        caller=domain.context.caller, scope=domain.context.scope, job_dir=domain.context.job_dir
    )
    with pytest.raises(InvalidInput) as caught:
        prepare(kind, {**raw, "output": "results/other.csv"}, no_registry)
    assert caught.value.code == "model_registry_unavailable"


def test_batch_transform_fails_or_stops_cleanly(domain: Domain, run_job: Any) -> None:
    rows = customers(500, seed=3).astype({"income": object})
    rows.loc[420, "income"] = "n/a"
    rows.to_csv(domain.files / "data" / "bad.csv", index=False)
    kind = BatchTransformJob()
    raw = {"model_name": "churn", "input": "data/bad.csv", "chunk_rows": 100}
    resolved = prepare(kind, raw, domain.context)
    with pytest.raises(JobFailed, match=r"bad\.csv: column 'income'.*'n/a' in row 421"):
        run_job(kind, raw, resolved, domain.context.job_dir)
    with pytest.raises(JobStopped, match="Stopped by request"):
        run_job(kind, raw, resolved, domain.context.job_dir, stop=True)
    assert list((domain.context.job_dir / "output").iterdir()) == []


# ---------------------------------------------------------------------------- model monitor


def capture(folder: Path, frame: pd.DataFrame, *, per_request: int = 50) -> None:
    """Invocations of ``frame`` as an endpoint would capture them, half CSV and half JSON."""
    writer = DataCapture(folder, 100, max_bytes=20_000, endpoint="churn", model_version="churn/2")
    for number, start in enumerate(range(0, len(frame), per_request)):
        part = frame.iloc[start : start + per_request]
        if number % 2:
            body, content_type = part.to_csv(index=False, header=False), "text/csv"
        else:
            split = {"columns": list(part.columns), "data": part.to_numpy().tolist()}
            body, content_type = json.dumps({"dataframe_split": split}), "application/json"
        writer.record(
            started_at=time.time(),
            request_body=body.encode(),
            request_type=content_type,
            response_body=b"{}",
            response_type="application/json",
            status=200,
            latency_ms=1.0,
        )
    writer.close()


def test_model_monitor_end_to_end(domain: Domain, run_job: Any) -> None:
    shifted = customers(2_000, seed=31, shift=0.7, cities=[0.2, 0.3, 0.5])
    capture(domain.files / "endpoints" / "churn" / "capture", shifted)
    kind = ModelMonitorJob()
    raw = {"model_name": "churn", "data": "endpoints/churn/capture", "psi_threshold": 0.25}
    resolved = prepare(kind, raw, domain.context)
    assert resolved["baseline_path"].endswith("baseline.json")
    context = run_job(kind, raw, resolved, domain.context.job_dir)

    output = domain.context.job_dir / "output"
    report = DriftReport.model_validate_json((output / "report.json").read_text())
    assert report.model_name == "churn" and report.model_version == 2
    assert report.data == "endpoints/churn/capture"
    assert report.summary.current_rows == 2_000
    assert report.summary.drifted_features == ["income", "city"]
    assert report.thresholds.psi == 0.25
    html = (output / "report.html").read_text()
    assert "churn version 2" in html and "http" not in html
    assert context.progress.fraction == 1.0
    assert context.progress.message == "Drift in 2 of 3 features"
    log = (domain.context.job_dir / "job.log").read_text()
    assert "read 2000 rows" in log and "2 of 3 features drifted" in log

    customers(1_000, seed=32).to_parquet(domain.files / "data" / "same.parquet")
    calm = {"model_name": "churn", "model_version": 2, "data": "data/same.parquet"}
    context = run_job(kind, calm, prepare(kind, calm, domain.context), domain.context.job_dir)
    assert context.progress.message == "No drift in 3 features"


def test_model_monitor_refusals(domain: Domain, run_job: Any) -> None:
    customers(100, seed=4).to_csv(domain.files / "data" / "rows.csv", index=False)
    kind = ModelMonitorJob()
    raw = {"model_name": "churn", "model_version": 1, "data": "data/rows.csv"}
    with pytest.raises(InvalidInput, match="no training-data baseline") as caught:
        prepare(kind, raw, domain.context)
    assert caught.value.code == "no_baseline"
    assert "Register the version again with its training data" in caught.value.message

    latest = {**raw, "model_version": 2}
    resolved = prepare(kind, latest, domain.context)
    with pytest.raises(JobFailed, match="no training-data baseline"):
        run_job(kind, latest, {**resolved, "baseline_path": None}, domain.context.job_dir)
    with pytest.raises(JobStopped):
        run_job(kind, latest, resolved, domain.context.job_dir, stop=True)

    (domain.files / "data" / "empty.jsonl").write_text("not json\n")
    unreadable = {**latest, "data": "data/empty.jsonl"}
    with pytest.raises(JobFailed, match="No rows could be read"):
        run_job(kind, unreadable, prepare(kind, unreadable, domain.context), domain.context.job_dir)
    for change, code in [
        ({"data": "data/none"}, "path_not_found"),
        ({"p_threshold": 1.5}, "invalid_parameters"),
        ({"threshold": 0.1}, "unknown_parameters"),
    ]:
        with pytest.raises(StudioError) as caught:
            prepare(kind, {**latest, **change}, domain.context)
        assert caught.value.code == code, (change, caught.value.message)
    (domain.files / "docs").mkdir()
    (domain.files / "docs" / "readme.md").write_text("x")
    with pytest.raises(InvalidInput, match="has no CSV, Parquet or capture") as caught:
        prepare(kind, {**latest, "data": "docs"}, domain.context)
    assert caught.value.code == "invalid_data"
