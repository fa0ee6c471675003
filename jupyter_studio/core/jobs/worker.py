"""The worker: runs one job to its end and records every state change itself.

Started as ``python -m jupyter_studio.core.jobs.worker --db-url URL --job-id ID`` by the
local executor, or called as :func:`run_job` inside a Dask worker. The server only
reads what the worker writes, so the job keeps going (and keeps its state honest)
when the server restarts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
import threading
import time
import traceback
from datetime import timezone
from pathlib import Path

import psutil

from ..store import Store
from ..store.orm import utcnow
from . import state
from .context import JobContext, JobLog
from .errors import JobFailed, JobStopped
from .kinds import import_kind
from .schemas import JobStatus
from .tables import JobRow

HEARTBEAT_SECONDS = 1.0
WORKER_DB_URL_ENV = "STUDIO_WORKER_DB_URL"
_EARLY_STOP = threading.Event()  # a SIGTERM that came before the job was set up


def _watch(
    ctx: JobContext,
    store: Store,
    job_id: str,
    started_at: float,
    max_runtime: float | None,
    done: threading.Event,
) -> None:
    """Save progress, beat the heart, and notice stop requests and the runtime limit."""
    saved_version = -1
    while not done.wait(HEARTBEAT_SECONDS if saved_version == ctx.progress.version else 0.25):
        progress = ctx.progress
        changed = progress.version != saved_version
        saved_version = progress.version
        try:
            status, stop_requested_at, message = state.heartbeat(
                store,
                job_id,
                progress=progress.fraction if changed else None,
                progress_message=progress.message if changed else None,
            )
        except Exception as exc:  # a locked or unreachable store must not kill the job
            ctx.log.studio(f"could not reach the metadata store: {exc}")
            continue
        if status == JobStatus.STOPPING.value or stop_requested_at is not None:
            ctx.request_stop(message or "Stopped by request")
        if max_runtime and time.time() > started_at + max_runtime and not ctx.should_stop:
            reason = f"Maximum runtime of {max_runtime:g} s exceeded"
            ctx.log.studio(reason + ": stopping the job")
            ctx.request_stop(reason)
            with contextlib.suppress(Exception):
                state.request_stop(store, job_id, reason)


def run_job(db_url: str, job_id: str, *, in_main_thread: bool = True) -> str:
    """Run job ``job_id`` to its end; returns the final status value."""
    store = Store(db_url, upgrade=False)
    try:
        with store.session() as session:
            row = session.get(JobRow, job_id)
            if row is None:
                raise SystemExit(f"job {job_id} not found in {db_url}")
            if row.status not in (JobStatus.IN_PROGRESS.value, JobStatus.PENDING.value):
                return row.status
            if row.status == JobStatus.PENDING.value:  # launched by an engine that does not claim
                row.status = JobStatus.IN_PROGRESS.value
                row.started_at = utcnow()
            proc = psutil.Process()
            row.pid, row.pid_started_at, row.host = (
                os.getpid(),
                proc.create_time(),
                socket.gethostname(),
            )
            row.heartbeat_at = utcnow()
            job_dir = Path(row.job_dir)
            kind_ref = row.spec.get("kind_ref", "")
            resolved = row.spec.get("resolved", {})
            grace = float(row.spec.get("grace_seconds", 10.0))
            raw_params, name, owner = dict(row.parameters), row.name, row.owner
            max_runtime = row.max_runtime_seconds
            started_at = (row.started_at or utcnow()).replace(tzinfo=timezone.utc).timestamp()

        (job_dir / "output").mkdir(parents=True, exist_ok=True)
        with open(job_dir / "job.log", "ab", buffering=0) as handle:
            log = JobLog(handle)
            return _run(
                store,
                job_id,
                log,
                kind_ref,
                raw_params,
                resolved,
                job_dir,
                name,
                owner,
                grace,
                started_at,
                max_runtime,
                in_main_thread,
            )
    finally:
        store.dispose()


def _run(
    store: Store,
    job_id: str,
    log: JobLog,
    kind_ref: str,
    raw_params: dict,
    resolved: dict,
    job_dir: Path,
    name: str,
    owner: str,
    grace: float,
    started_at: float,
    max_runtime: float | None,
    in_main_thread: bool,
) -> str:
    stop_event = threading.Event()
    try:
        kind = import_kind(kind_ref)()
        params = kind.validate_parameters(raw_params)
    except Exception as exc:
        log.studio(f"cannot load job kind {kind_ref!r}: {exc}")
        state.finish(store, job_id, JobStatus.FAILED, f"Cannot load job kind {kind_ref!r}: {exc}")
        return JobStatus.FAILED.value
    ctx = JobContext(
        job_id=job_id,
        name=name,
        owner=owner,
        parameters=params,
        resolved=resolved,
        job_dir=job_dir,
        log=log,
        stop_event=stop_event,
        grace_seconds=grace,
    )
    if in_main_thread:

        def _on_term(signum: int, _frame: object) -> None:
            ctx.request_stop("Stopped by request")

        signal.signal(signal.SIGTERM, _on_term)
        signal.signal(signal.SIGINT, _on_term)
        if _EARLY_STOP.is_set():
            ctx.request_stop("Stopped by request")
    done = threading.Event()
    watcher = threading.Thread(
        target=_watch, args=(ctx, store, job_id, started_at, max_runtime, done), daemon=True
    )
    watcher.start()
    log.studio(
        f"job {name!r} ({kind.name}) started in worker pid {os.getpid()} on {socket.gethostname()}"
    )
    status, message, exit_code = JobStatus.COMPLETED, None, None
    try:
        kind.run(ctx)
        exit_code = ctx.exit_code
        if ctx.should_stop:
            status, message = JobStatus.STOPPED, ctx.stop_reason
    except JobStopped as exc:
        status, message = JobStatus.STOPPED, ctx.stop_reason or str(exc) or "Stopped"
    except JobFailed as exc:
        status, message, exit_code = JobStatus.FAILED, str(exc), exc.exit_code
    except BaseException as exc:  # the job's own bug: keep the traceback in the log
        log.write_bytes(traceback.format_exc().encode())
        status, message = (
            JobStatus.FAILED,
            f"{type(exc).__name__}: {exc} (the traceback is in the log)",
        )
    finally:
        done.set()
        watcher.join(timeout=5)
    progress = 1.0 if status == JobStatus.COMPLETED else None
    try:
        row_status, _, row_message = state.heartbeat(
            store,
            job_id,
            progress=ctx.progress.fraction if progress is None else progress,
            progress_message=ctx.progress.message if ctx.progress.version else None,
        )
        if status == JobStatus.STOPPED and row_status == JobStatus.STOPPING.value and row_message:
            message = row_message  # who asked, or which limit, as recorded by the stopper
    except Exception:
        pass
    state.finish(store, job_id, status, message, exit_code=exit_code, progress=progress)
    log.studio(f"job ended: {status.value}" + (f" ({message})" if message else ""))
    return status.value


def main(argv: list[str] | None = None) -> int:
    # Catch a stop that arrives before the job is set up; _run turns it into a clean Stopped.
    signal.signal(signal.SIGTERM, lambda *_: _EARLY_STOP.set())
    parser = argparse.ArgumentParser(prog="jupyter_studio.core.jobs.worker", description=__doc__)
    parser.add_argument(
        "--db-url",
        default=os.environ.get(WORKER_DB_URL_ENV),
        help=f"Store URL (default: ${WORKER_DB_URL_ENV}).",
    )
    parser.add_argument("--job-id", required=True)
    args = parser.parse_args(argv)
    if not args.db_url:
        parser.error(f"give --db-url or set {WORKER_DB_URL_ENV}")
    status = run_job(args.db_url, args.job_id)
    return 0 if status == JobStatus.COMPLETED.value else 1


if __name__ == "__main__":
    sys.exit(main())
