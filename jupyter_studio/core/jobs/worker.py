"""The worker: runs one job to its end and records every state change itself.

Started as ``python -m jupyter_studio.core.jobs.worker --db-url URL --job-id ID`` by the
local executor, or called as :func:`run_job` inside a Dask worker. The server only
reads what the worker writes, so the job keeps going (and keeps its state honest)
when the server restarts.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import os
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any

import psutil

from ..store import Store
from ..store.orm import utcnow
from . import state
from .context import JobContext, JobLog
from .errors import JobFailed, JobStopped
from .kinds import JobKind, import_kind
from .schemas import JobStatus
from .tables import JobRow
from .tracked import kill_tracked

HEARTBEAT_SECONDS = 1.0
WORKER_DB_URL_ENV = "STUDIO_WORKER_DB_URL"
_EARLY_STOP = threading.Event()  # a SIGTERM that came before the job was set up


@dataclass
class JobSpec:
    """What the worker reads from the job's row before running it."""

    job_id: str
    name: str
    owner: str
    kind_ref: str
    raw_params: dict[str, Any]
    resolved: dict[str, Any]
    job_dir: Path
    grace_seconds: float
    started_at: float
    max_runtime: float | None


class JobWorker:
    """The lifecycle of one job in its worker: claim, run the kind, watch, record the end.

    The watcher thread saves progress, beats the heart, and turns a stop request or the
    runtime limit into a stop of the job's context.
    """

    def __init__(self, store: Store, spec: JobSpec, log: JobLog):
        self.store = store
        self.spec = spec
        self.log = log
        self.context: JobContext | None = None
        self._done = threading.Event()

    # ----------------------------------------------------------- set-up
    @staticmethod
    def claim(store: Store, job_id: str) -> JobSpec | str:
        """Mark the job as running in this process; its spec, or its status if not runnable."""
        with store.session() as session:
            row = session.get(JobRow, job_id)
            if row is None:
                raise SystemExit(f"job {job_id} not found in the store")
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
            return JobSpec(
                job_id=job_id,
                name=row.name,
                owner=row.owner,
                kind_ref=row.spec.get("kind_ref", ""),
                raw_params=dict(row.parameters),
                resolved=row.spec.get("resolved", {}),
                job_dir=Path(row.job_dir),
                grace_seconds=float(row.spec.get("grace_seconds", 10.0)),
                started_at=(row.started_at or utcnow()).replace(tzinfo=timezone.utc).timestamp(),
                max_runtime=row.max_runtime_seconds,
            )

    def _build_context(self) -> tuple[JobKind, JobContext]:
        spec = self.spec
        kind = import_kind(spec.kind_ref)()
        params = kind.validate_parameters(spec.raw_params)
        context = JobContext(
            job_id=spec.job_id,
            name=spec.name,
            owner=spec.owner,
            parameters=params,
            resolved=spec.resolved,
            job_dir=spec.job_dir,
            log=self.log,
            stop_event=threading.Event(),
            grace_seconds=spec.grace_seconds,
            started_at=spec.started_at,
        )
        return kind, context

    def _install_signal_handlers(self, context: JobContext) -> None:
        def on_term(signum: int, _frame: object) -> None:
            context.request_stop("Stopped by request")

        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, on_term)
        if _EARLY_STOP.is_set():
            context.request_stop("Stopped by request")

    # ---------------------------------------------------------- running
    def run(self, *, in_main_thread: bool = True) -> JobStatus:
        """Run the job to its end and record the outcome; returns the final status."""
        spec = self.spec
        try:
            kind, context = self._build_context()
        except Exception as exc:
            self.log.studio(f"cannot load job kind {spec.kind_ref!r}: {exc}")
            state.finish(
                self.store,
                spec.job_id,
                JobStatus.FAILED,
                f"Cannot load job kind {spec.kind_ref!r}: {exc}",
            )
            return JobStatus.FAILED
        self.context = context
        if in_main_thread:
            self._install_signal_handlers(context)
        watcher = threading.Thread(target=self._watch, daemon=True)
        watcher.start()
        self.log.studio(
            f"job {spec.name!r} ({kind.name}) started in worker pid {os.getpid()} on "
            f"{socket.gethostname()}"
        )
        try:
            status, message, exit_code = self._run_kind(kind, context)
        finally:
            self._done.set()
            watcher.join(timeout=5)
        return self._record_end(context, status, message, exit_code)

    def _run_kind(
        self, kind: JobKind, context: JobContext
    ) -> tuple[JobStatus, str | None, int | None]:
        try:
            kind.run(context)
            if context.should_stop:
                return JobStatus.STOPPED, context.stop_reason, context.exit_code
            return JobStatus.COMPLETED, None, context.exit_code
        except JobStopped as exc:
            return JobStatus.STOPPED, context.stop_reason or str(exc) or "Stopped", None
        except JobFailed as exc:
            return JobStatus.FAILED, str(exc), exc.exit_code
        except BaseException as exc:  # the job's own bug: keep the traceback in the log
            self.log.write_bytes(traceback.format_exc().encode())
            return (
                JobStatus.FAILED,
                f"{type(exc).__name__}: {exc} (the traceback is in the log)",
                None,
            )

    def _watch(self) -> None:
        """Save progress, beat the heart, and notice stop requests and the runtime limit."""
        context, spec = self.context, self.spec
        assert context is not None
        saved_version = -1
        while not self._done.wait(
            HEARTBEAT_SECONDS if saved_version == context.progress.version else 0.25
        ):
            progress = context.progress
            changed = progress.version != saved_version
            saved_version = progress.version
            try:
                status, stop_requested_at, message = state.heartbeat(
                    self.store,
                    spec.job_id,
                    progress=progress.fraction if changed else None,
                    progress_message=progress.message if changed else None,
                )
            except Exception as exc:  # a locked or unreachable store must not kill the job
                context.log.studio(f"could not reach the metadata store: {exc}")
                continue
            if status == JobStatus.STOPPING.value or stop_requested_at is not None:
                context.request_stop(message or "Stopped by request")
            over_time = spec.max_runtime and time.time() > spec.started_at + spec.max_runtime
            if over_time and not context.should_stop:
                reason = f"Maximum runtime of {spec.max_runtime:g} s exceeded"
                context.log.studio(reason + ": stopping the job")
                context.request_stop(reason)
                with contextlib.suppress(Exception):
                    state.request_stop(self.store, spec.job_id, reason)

    def _record_end(
        self, context: JobContext, status: JobStatus, message: str | None, exit_code: int | None
    ) -> JobStatus:
        progress = 1.0 if status == JobStatus.COMPLETED else None
        try:
            row_status, _, row_message = state.heartbeat(
                self.store,
                self.spec.job_id,
                progress=context.progress.fraction if progress is None else progress,
                progress_message=context.progress.message if context.progress.version else None,
            )
            if (
                status == JobStatus.STOPPED
                and row_status == JobStatus.STOPPING.value
                and row_message
            ):
                message = row_message  # who asked, or which limit, as recorded by the stopper
        except Exception:
            pass
        state.finish(
            self.store, self.spec.job_id, status, message, exit_code=exit_code, progress=progress
        )
        self.log.studio(f"job ended: {status.value}" + (f" ({message})" if message else ""))
        return status


def _stop_leftovers(spec: JobSpec, log: JobLog) -> None:
    """Stop what the job recorded in processes.json and did not stop itself (a safety net)."""
    try:
        count = kill_tracked(spec.job_dir, grace=spec.grace_seconds)
    except Exception as exc:
        log.studio(f"could not stop the processes the job recorded: {exc}")
        return
    if count:
        log.studio(f"stopped {count} process(es) the job had left running")


def run_job(db_url: str, job_id: str, *, in_main_thread: bool = True) -> str:
    """Run job ``job_id`` to its end; returns the final status value."""
    store = Store(db_url, upgrade=False)
    try:
        spec = JobWorker.claim(store, job_id)
        if isinstance(spec, str):
            return spec
        (spec.job_dir / "output").mkdir(parents=True, exist_ok=True)
        with open(spec.job_dir / "job.log", "ab", buffering=0) as handle:
            worker = JobWorker(store, spec, JobLog(handle))
            try:
                return worker.run(in_main_thread=in_main_thread).value
            finally:
                _stop_leftovers(spec, worker.log)
    finally:
        store.dispose()


def main(argv: list[str] | None = None) -> int:
    # A crash in native code (a segfault in a model library) leaves its Python stack in job.log.
    faulthandler.enable()
    # Catch a stop that arrives before the job is set up; JobWorker turns it into a clean Stopped.
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
