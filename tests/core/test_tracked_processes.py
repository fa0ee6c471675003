"""Processes a job starts in their own process groups are recorded and never orphaned.

The job kind below starts a Python process in its own session (out of reach of the runner's
kill of the worker's group), registers it with ``context.track_processes``, and waits. Killing
the worker with SIGKILL, or a job that ends without stopping it, must leave it stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from pydantic import BaseModel, ConfigDict

from jupyter_studio.core.jobs.context import JobContext
from jupyter_studio.core.jobs.kinds import JobKind
from jupyter_studio.core.jobs.schemas import JobStatus
from jupyter_studio.core.jobs.tracked import (
    TRACKED_FILE,
    TrackedProcess,
    kill_tracked,
    read_tracked,
    write_tracked,
)
from jupyter_studio.core.studio import Studio
from tests.support import SHORT_WAIT, wait_until

KIND = "tests.core.test_tracked_processes:DetachedChildJob"
MARKER = "studio-tracked-child"


class DetachedParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    leave_running: bool = False


class DetachedChildJob(JobKind[DetachedParameters]):
    """Starts a process in its own session, tracks it, and waits (or returns at once)."""

    name = "test-detached-child"
    Parameters = DetachedParameters

    def run(self, context: JobContext) -> None:
        params = self.parameters_of(context)
        child = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(600)", MARKER, str(context.job_dir)],
            start_new_session=True,
        )
        started = psutil.Process(child.pid).create_time()
        context.track_processes("child", [TrackedProcess(child.pid, started, label="sleeper")])
        context.log.studio(f"DETACHED-READY {child.pid}")
        if params.leave_running:
            return  # a kind that forgets its process: the worker's safety net stops it
        while not context.should_stop:
            time.sleep(0.1)


def children_of(job_dir: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmdline = proc.info["cmdline"] or []
        alive = proc.info["status"] != psutil.STATUS_ZOMBIE
        if alive and MARKER in cmdline and str(job_dir) in cmdline:
            found.append(proc)
    return found


@pytest.fixture
def engine(contents_root: Path) -> Iterator[Studio]:
    studio = Studio(
        contents_root=str(contents_root),
        poll_interval=0.1,
        stop_grace_seconds=2.0,
        default_user="alice",
        extra_job_kinds=[KIND],
    )
    studio.start()
    try:
        yield studio
    finally:
        studio.close()


def _started(engine: Studio, parameters: dict[str, bool]) -> tuple[str, Path]:
    job = engine.submit_job(DetachedChildJob.name, parameters)
    wait_until(
        lambda: "DETACHED-READY" in engine.job_logs(job.job_id).content,
        timeout=SHORT_WAIT,
        what="the detached child",
    )
    row = engine.jobs._row(engine.caller(), job.job_id)
    return job.job_id, Path(row.job_dir)


def test_kill_9_of_the_worker_stops_the_tracked_process(engine: Studio) -> None:
    job_id, job_dir = _started(engine, {})
    assert len(children_of(job_dir)) == 1
    assert read_tracked(job_dir)["child"]["processes"][0]["label"] == "sleeper"
    row = engine.jobs._row(engine.caller(), job_id)
    os.kill(row.pid, signal.SIGKILL)
    assert engine.wait(job_id, timeout=SHORT_WAIT).status == JobStatus.FAILED
    wait_until(lambda: children_of(job_dir) == [], timeout=SHORT_WAIT, what="no child left")
    assert not (job_dir / TRACKED_FILE).exists()


def test_a_job_that_leaves_its_process_running_has_it_stopped(engine: Studio) -> None:
    job_id, job_dir = _started(engine, {"leave_running": True})
    assert engine.wait(job_id, timeout=SHORT_WAIT).status == JobStatus.COMPLETED
    wait_until(lambda: children_of(job_dir) == [], timeout=SHORT_WAIT, what="no child left")
    # The worker writes this once the job has ended (it stops leftovers after recording the end).
    wait_until(
        lambda: "process(es) the job had left running" in engine.job_logs(job_id).content,
        timeout=SHORT_WAIT,
        what="the log line",
    )


def test_a_reused_pid_is_never_signalled(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True
    )
    try:
        started = psutil.Process(child.pid).create_time()
        # Recorded with another start time: the pid now belongs to "someone else".
        write_tracked(tmp_path, "x", [TrackedProcess(child.pid, started - 3600)])
        assert kill_tracked(tmp_path) == 0
        assert child.poll() is None and not (tmp_path / TRACKED_FILE).exists()
        write_tracked(tmp_path, "x", [TrackedProcess(child.pid, started)], scratch=[tmp_path / "s"])
        (tmp_path / "s").mkdir()
        assert kill_tracked(tmp_path) == 1
        assert child.wait(timeout=SHORT_WAIT) == -signal.SIGKILL
        assert not (tmp_path / "s").exists()
    finally:
        if child.poll() is None:
            child.kill()


def test_entries_are_kept_by_key_and_removed_when_empty(tmp_path: Path) -> None:
    write_tracked(tmp_path, "a", [TrackedProcess(1234, 1.0)])
    write_tracked(tmp_path, "b", [], folders=[tmp_path])
    assert set(read_tracked(tmp_path)) == {"a", "b"}
    write_tracked(tmp_path, "a", [])
    write_tracked(tmp_path, "b", [])
    assert not (tmp_path / TRACKED_FILE).exists()
