"""Job lifecycle in worker processes: completion, failure, stop, time limits, restarts."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from jupyter_studio.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from jupyter_studio.core.jobs.schemas import CreateJob, JobStatus, ListJobsQuery
from jupyter_studio.core.jobs.tables import JobRow
from jupyter_studio.core.spaces.schemas import CreateSpace, SpaceKind
from jupyter_studio.core.studio import Studio
from tests.conftest import write_script
from tests.support import SHORT_WAIT, wait_until

PROGRESS_SCRIPT = """
import sys, time
from jupyter_studio.runtime import report_progress
print("args", sys.argv[1:], flush=True)
for i in range(4):
    report_progress((i + 1) / 4, f"step {i + 1} of 4")
    time.sleep(0.1)
with open("model.txt", "w") as handle:
    handle.write("trained")
print("done", flush=True)
"""

SLOW_SCRIPT = """
import time
print("SCRIPT-READY", flush=True)
for i in range(600):
    time.sleep(0.1)
"""

STUBBORN_SCRIPT = """
import signal, time
signal.signal(signal.SIGTERM, lambda *a: print("ignoring SIGTERM", flush=True))
print("SCRIPT-READY", flush=True)
while True:
    time.sleep(0.1)
"""


def job_rows(studio: Studio) -> int:
    with studio.store.session() as session:
        return session.scalar(select(func.count()).select_from(JobRow)) or 0


def test_processing_job_runs_to_completion(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "train.py", PROGRESS_SCRIPT)
    job = studio.submit_job(
        "processing", {"script": "train.py", "arguments": ["--epochs", "3", "two words"]}
    )
    assert job.status == JobStatus.PENDING and job.owner == "alice" and job.name == "train"
    done = studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.COMPLETED, done.status_message
    assert done.progress == 1.0 and done.progress_message == "step 4 of 4"
    assert done.exit_code == 0 and done.started_at and done.ended_at and done.elapsed_seconds > 0
    log = studio.job_logs(job.job_id).content
    assert "args ['--epochs', '3', 'two words']" in log and "done" in log
    artifacts = studio.jobs.artifacts(studio.caller(), job.job_id)
    assert [a.name for a in artifacts] == ["model.txt"]
    assert (contents_root / artifacts[0].path).read_text() == "trained"
    assert (contents_root / done.output_path).is_dir() and (contents_root / done.log_path).is_file()


def test_failure_keeps_the_traceback_in_the_log(studio: Studio, contents_root: Path) -> None:
    write_script(
        contents_root, "bad.py", "def f():\n    raise ValueError('bad column: price')\nf()\n"
    )
    job = studio.submit_job("processing", {"script": "bad.py"})
    done = studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.FAILED
    assert (
        "exited with code 1: ValueError: bad column: price" in done.status_message
        and done.exit_code == 1
    )
    log = studio.job_logs(job.job_id).content
    assert "Traceback (most recent call last)" in log and "ValueError: bad column: price" in log


def test_stop_is_graceful_when_the_script_obeys(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "slow.py", SLOW_SCRIPT)
    job = studio.submit_job("processing", {"script": "slow.py"})
    wait_until(lambda: "SCRIPT-READY" in studio.job_logs(job.job_id).content)
    stopping = studio.stop_job(job.job_id)
    assert stopping.status in (JobStatus.STOPPING, JobStatus.STOPPED)
    done = studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.STOPPED
    assert done.status_message == "Stopped by alice"
    with pytest.raises(Conflict):
        studio.stop_job(job.job_id)


def test_stop_kills_after_the_grace_period(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "stubborn.py", STUBBORN_SCRIPT)
    job = studio.submit_job("processing", {"script": "stubborn.py"})
    wait_until(lambda: "SCRIPT-READY" in studio.job_logs(job.job_id).content)
    pid = studio.jobs._row(studio.caller(), job.job_id).pid
    started = time.monotonic()
    studio.stop_job(job.job_id)
    done = studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.STOPPED
    elapsed = time.monotonic() - started
    assert elapsed >= 1.5, (
        elapsed,
        done.status_message,
        studio.job_logs(job.job_id).content,
    )  # grace honoured
    assert done.status_message.startswith("Stopped by alice")
    wait_until(
        lambda: not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    )
    script = str(contents_root / "stubborn.py")
    leftovers = [
        p for p in psutil.process_iter(["cmdline"]) if script in " ".join(p.info["cmdline"] or [])
    ]
    assert leftovers == []  # the script the worker started is gone too


def test_max_runtime_stops_the_job_on_time(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "slow.py", SLOW_SCRIPT)
    job = studio.submit_job("processing", {"script": "slow.py"}, max_runtime_seconds=1.5)
    done = studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.STOPPED
    assert "Maximum runtime of 1.5 s exceeded" in done.status_message
    # On time: the job's own runtime (from its start, as the limit counts), not the wall time
    # since submission, which includes the worker's start-up and grows on a busy machine. The
    # script would run 60 s; 1.5 s + a heartbeat + the stop is far below 15 s even when loaded.
    assert done.elapsed_seconds < 15, done.elapsed_seconds


def test_a_pending_job_can_be_stopped_before_it_starts(contents_root: Path) -> None:
    write_script(contents_root, "slow.py", SLOW_SCRIPT)
    with Studio(
        contents_root=str(contents_root),
        max_workers=1,
        poll_interval=0.1,
        stop_grace_seconds=1,
        default_user="alice",
    ) as engine:
        first = engine.submit_job("processing", {"script": "slow.py"})
        second = engine.submit_job("processing", {"script": "slow.py"})
        wait_until(lambda: engine.get_job(first.job_id).status == JobStatus.IN_PROGRESS)
        assert (
            engine.get_job(second.job_id).status == JobStatus.PENDING
        )  # queued behind max_workers=1
        assert engine.stop_job(second.job_id).status == JobStatus.STOPPED
        engine.stop_job(first.job_id)
        assert engine.wait(first.job_id, timeout=SHORT_WAIT).status == JobStatus.STOPPED


def test_killed_worker_is_marked_failed_after_restart(contents_root: Path) -> None:
    write_script(contents_root, "slow.py", SLOW_SCRIPT)
    engine = Studio(contents_root=str(contents_root), poll_interval=0.1, default_user="alice")
    job = engine.submit_job("processing", {"script": "slow.py"})
    wait_until(lambda: "SCRIPT-READY" in engine.job_logs(job.job_id).content)
    row = engine.jobs._row(engine.caller(), job.job_id)
    engine.close()  # the "server" goes away; the worker keeps running on its own
    assert engine.get_job(job.job_id).status == JobStatus.IN_PROGRESS
    os.kill(row.pid, signal.SIGKILL)
    wait_until(
        lambda: (
            not psutil.pid_exists(row.pid)
            or psutil.Process(row.pid).status() == psutil.STATUS_ZOMBIE
        )
    )

    with Studio(
        contents_root=str(contents_root), poll_interval=0.1, default_user="alice"
    ) as restarted:
        restarted.start()  # reconcile runs first
        failed = restarted.get_job(job.job_id)
        assert failed.status == JobStatus.FAILED
        assert (
            f"pid {row.pid}" in failed.status_message
            and "killed or crashed" in failed.status_message
        )
        assert "SCRIPT-READY" in restarted.job_logs(job.job_id).content  # the log survived
        leftovers = [
            p
            for p in psutil.process_iter(["cmdline"])
            if "slow.py" in " ".join(p.info["cmdline"] or [])
            and str(contents_root) in " ".join(p.info["cmdline"] or [])
        ]
        assert leftovers == []  # the orphaned script was cleaned up


def test_a_worker_killed_while_the_server_watches_says_how_it_ended(contents_root: Path) -> None:
    """A worker that dies under a running server (the out-of-memory killer, a native crash) is
    Failed with the signal that ended it, so the user knows where to look."""
    write_script(contents_root, "slow.py", SLOW_SCRIPT)
    with Studio(
        contents_root=str(contents_root), poll_interval=0.1, default_user="alice"
    ) as engine:
        engine.start()
        job = engine.submit_job("processing", {"script": "slow.py"})
        wait_until(lambda: "SCRIPT-READY" in engine.job_logs(job.job_id).content)
        row = engine.jobs._row(engine.caller(), job.job_id)
        os.kill(row.pid, signal.SIGKILL)
        failed = engine.wait(job.job_id, timeout=SHORT_WAIT)
        assert failed.status == JobStatus.FAILED
        assert "killed by SIGKILL" in failed.status_message
        assert "out-of-memory" in failed.status_message


def test_job_survives_a_server_restart_and_finishes(contents_root: Path) -> None:
    go = contents_root.parent / "go"
    write_script(
        contents_root,
        "short.py",
        # it finishes when the test says (the file `go` appears), not after a fixed time that a
        # slow restart on a busy machine could outlast
        "import os, time\nprint('SCRIPT-READY', flush=True)\n"
        f"while not os.path.exists({str(go)!r}):\n    time.sleep(0.05)\nprint('finished')\n",
    )
    engine = Studio(contents_root=str(contents_root), poll_interval=0.1, default_user="alice")
    job = engine.submit_job("processing", {"script": "short.py"})
    wait_until(lambda: "SCRIPT-READY" in engine.job_logs(job.job_id).content)
    engine.close()
    with Studio(
        contents_root=str(contents_root), poll_interval=0.1, default_user="alice"
    ) as restarted:
        restarted.start()
        assert restarted.get_job(job.job_id).status == JobStatus.IN_PROGRESS  # adopted, not failed
        go.touch()
        done = restarted.wait(job.job_id, timeout=SHORT_WAIT)
        assert done.status == JobStatus.COMPLETED
        assert "finished" in restarted.job_logs(job.job_id).content


def test_bad_requests_write_nothing(studio: Studio, contents_root: Path) -> None:
    (contents_root.parent / "outside.py").write_text("print('no')")
    write_script(contents_root, "ok.py", "print(1)")
    alice = studio.caller("alice")
    cases = [
        (CreateJob(kind="nope"), InvalidInput, "Unknown job kind 'nope'"),
        (
            CreateJob(kind="processing", parameters={}),
            InvalidInput,
            "parameters.script: Field required",
        ),
        (
            CreateJob(kind="processing", parameters={"script": "ok.py", "bogus": 1}),
            InvalidInput,
            "bogus",
        ),
        (
            CreateJob(kind="processing", parameters={"script": "ok.py", "arguments": "not a list"}),
            InvalidInput,
            "arguments",
        ),
        (
            CreateJob(kind="processing", parameters={"script": "missing.py"}),
            InvalidInput,
            "does not exist",
        ),
        (
            CreateJob(kind="processing", parameters={"script": "../outside.py"}),
            InvalidInput,
            "climbs out",
        ),
        (
            CreateJob(
                kind="processing", parameters={"script": str(contents_root.parent / "outside.py")}
            ),
            InvalidInput,
            "absolute",
        ),
        (
            CreateJob(kind="processing", parameters={"script": "ok.py", "inputs": ["nope.csv"]}),
            InvalidInput,
            "does not exist",
        ),
        (
            CreateJob(
                kind="processing", parameters={"script": "ok.py", "environment": {"BAD NAME": "x"}}
            ),
            InvalidInput,
            "environment",
        ),
        (
            CreateJob(kind="processing", space_id="nope", parameters={"script": "ok.py"}),
            NotFound,
            "space",
        ),
    ]
    for body, error, text in cases:
        with pytest.raises(error) as info:
            studio.jobs.create(alice, body)
        assert text in info.value.message, (body, info.value.message)
    assert job_rows(studio) == 0
    assert not list((Path(studio.domain_root) / "users" / "alice").glob("jobs/*"))


def test_unknown_job_ids_are_not_found(studio: Studio) -> None:
    for call in (studio.get_job, studio.stop_job, studio.job_logs):
        with pytest.raises(NotFound):
            call("does-not-exist")


def test_jobs_in_a_shared_space_are_visible_to_members_only(
    studio: Studio, contents_root: Path
) -> None:
    alice, bob, carol = (studio.caller(n) for n in ("alice", "bob", "carol"))
    space = studio.spaces.create_space(
        alice, CreateSpace(name="Team", kind=SpaceKind.SHARED, members=["bob"])
    )
    write_script(contents_root / space.path, "hello.py", "print('hello team')")
    job = studio.jobs.create(
        alice,
        CreateJob(
            kind="processing",
            space_id=space.space_id,
            parameters={"script": f"{space.path}/hello.py"},
        ),
    )
    assert job.output_path.startswith(space.path + "/jobs/")
    studio.start()
    assert studio.wait(job.job_id, timeout=SHORT_WAIT).status == JobStatus.COMPLETED
    assert studio.jobs.get(bob, job.job_id).status == JobStatus.COMPLETED
    assert "hello team" in studio.jobs.logs(bob, job.job_id).content
    assert [j.job_id for j in studio.jobs.list(bob, ListJobsQuery()).items] == [job.job_id]
    assert studio.jobs.list(carol, ListJobsQuery()).items == []
    with pytest.raises(Forbidden):
        studio.jobs.get(carol, job.job_id)
    with pytest.raises(Forbidden):
        studio.jobs.create(
            carol, CreateJob(kind="processing", parameters={"script": f"{space.path}/hello.py"})
        )


def test_list_filters_and_pages(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "ok.py", "print(1)")
    write_script(contents_root, "bad.py", "raise SystemExit(3)")
    ids = [
        studio.submit_job("processing", {"script": name}).job_id
        for name in ("ok.py", "bad.py", "ok.py")
    ]
    for job_id in ids:
        studio.wait(job_id, timeout=SHORT_WAIT)
    alice = studio.caller()
    failed = studio.jobs.list(alice, ListJobsQuery(status=[JobStatus.FAILED]))
    assert [j.job_id for j in failed.items] == [ids[1]] and failed.items[0].exit_code == 3
    page1 = studio.jobs.list(alice, ListJobsQuery(limit=2))
    assert page1.total_count == 3 and len(page1.items) == 2 and page1.next_token
    page2 = studio.jobs.list(alice, ListJobsQuery(limit=2, next_token=page1.next_token))
    assert [j.job_id for j in page1.items + page2.items] == ids[::-1] and page2.next_token is None
    with pytest.raises(ValidationError, match="next_token"):  # the query model refuses it
        ListJobsQuery(next_token="garbage")
    with pytest.raises(
        InvalidInput, match="next_token"
    ):  # and so does the service, built around it
        studio.jobs.list(alice, ListJobsQuery.model_construct(next_token="garbage", limit=50))


def test_logs_can_be_tailed_by_offset(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "utf.py", "print('caf\\u00e9 \\u2713 ' * 50)\n")
    job = studio.submit_job("processing", {"script": "utf.py"})
    studio.wait(job.job_id, timeout=SHORT_WAIT)
    alice = studio.caller()
    whole = studio.jobs.logs(alice, job.job_id).content
    pieces, offset = [], 0
    while True:
        chunk = studio.jobs.logs(
            alice, job.job_id, offset=offset, limit=7
        )  # cuts through UTF-8 characters
        pieces.append(chunk.content)
        offset = chunk.next_offset
        if chunk.complete:
            break
    assert "".join(pieces) == whole and "café ✓" in whole
    with pytest.raises(InvalidInput):
        studio.jobs.logs(alice, job.job_id, offset=-1)


def test_inputs_are_copied_and_environment_is_set(studio: Studio, contents_root: Path) -> None:
    (contents_root / "data.csv").write_text("a,b\n1,2\n")
    write_script(
        contents_root,
        "env.py",
        "import os\nprint(open(os.path.join(os.environ['STUDIO_INPUT_DIR'], "
        "'data.csv')).read())\nprint('MODE', os.environ['MODE'])\n",
    )
    job = studio.submit_job(
        "processing", {"script": "env.py", "inputs": ["data.csv"], "environment": {"MODE": "fast"}}
    )
    assert studio.wait(job.job_id, timeout=SHORT_WAIT).status == JobStatus.COMPLETED
    log = studio.job_logs(job.job_id).content
    assert "a,b" in log and "MODE fast" in log


def test_profile_default_max_runtime_applies(studio: Studio, contents_root: Path) -> None:
    from jupyter_studio.core.spaces.schemas import UpdateProfile

    write_script(contents_root, "ok.py", "print(1)")
    studio.caller("alice")
    studio.spaces.update_profile(
        studio.caller("admin"), "alice", UpdateProfile(settings={"default_max_runtime_seconds": 42})
    )
    assert studio.submit_job("processing", {"script": "ok.py"}).max_runtime_seconds == 42


def test_a_space_with_running_jobs_cannot_be_deleted(studio: Studio, contents_root: Path) -> None:
    alice = studio.caller("alice")
    space = studio.spaces.create_space(alice, CreateSpace(name="Busy"))
    write_script(contents_root / space.path, "slow.py", SLOW_SCRIPT)
    job = studio.jobs.create(
        alice,
        CreateJob(
            kind="processing",
            space_id=space.space_id,
            parameters={"script": f"{space.path}/slow.py"},
        ),
    )
    with pytest.raises(Conflict, match="still running"):
        studio.spaces.delete_space(alice, space.space_id)
    assert (contents_root / space.path).is_dir()
    studio.stop_job(job.job_id)
    studio.wait(job.job_id, timeout=SHORT_WAIT)
    studio.spaces.delete_space(alice, space.space_id)
    assert not (contents_root / space.path).exists()


def test_retry_needs_an_ended_job(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "slow.py", SLOW_SCRIPT)
    job = studio.submit_job("processing", {"script": "slow.py"})
    with pytest.raises(Conflict, match="still"):
        studio.retry_job(job.job_id)
    studio.stop_job(job.job_id)
    studio.wait(job.job_id, timeout=SHORT_WAIT)
    again = studio.retry_job(job.job_id)
    assert again.job_id != job.job_id and again.parameters == studio.get_job(job.job_id).parameters
    studio.stop_job(again.job_id)
    assert studio.wait(again.job_id, timeout=SHORT_WAIT).status == JobStatus.STOPPED


def test_a_stop_right_after_launch_ends_stopped_not_failed(
    studio: Studio, contents_root: Path
) -> None:
    """SIGTERM can reach a worker while Python is still starting: the job must end Stopped."""
    write_script(contents_root, "slow.py", SLOW_SCRIPT)
    for _ in range(4):
        job = studio.submit_job("processing", {"script": "slow.py"})
        wait_until(
            lambda job=job: studio.get_job(job.job_id).status != JobStatus.PENDING,
            timeout=SHORT_WAIT,
        )
        studio.stop_job(job.job_id)
        done = studio.wait(job.job_id, timeout=SHORT_WAIT)
        assert done.status == JobStatus.STOPPED, done.status_message
        assert done.status_message.startswith("Stopped by alice")
