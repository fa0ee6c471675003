"""The runner: starts queued jobs, enforces stops and time limits, and repairs state.

One runner lives in each Studio process that launches jobs (the server, or a
notebook's ``Studio``). Its ``tick`` is idempotent and safe to run from several
processes at once: every transition is a conditional update.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from ..store import Store
from ..store.orm import utcnow
from . import state
from .executors import Executor
from .schemas import JobStatus
from .tables import JobRow
from .tracked import kill_tracked

log = logging.getLogger(__name__)

WORKER_START_TIMEOUT = timedelta(seconds=60)


class JobRunner:
    """Drives jobs of one executor on this machine."""

    def __init__(
        self,
        store: Store,
        executor: Executor,
        *,
        db_url: str,
        max_workers: int,
        grace_seconds: float,
        poll_interval: float = 1.0,
        heartbeat_timeout: float = 120.0,
        owner: str | None = None,
        logger: logging.Logger | None = None,
    ):
        self.store = store
        self.executor = executor
        self.db_url = db_url
        self.max_workers = max_workers
        self.grace_seconds = grace_seconds
        self.poll_interval = poll_interval
        self.heartbeat_timeout = heartbeat_timeout
        self.owner = owner  # when set, only this user's queued jobs are launched here
        self.log = logger or log
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Repair state left by a previous run, then keep ticking in a daemon thread."""
        if self._thread is not None:
            return
        self.tick()
        self._stopped.clear()
        self._thread = threading.Thread(target=self._loop, name="studio-job-runner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(self.poll_interval)
            self._wake.clear()
            if self._stopped.is_set():
                break
            try:
                self.tick()
            except Exception:  # keep the runner alive; the next tick retries
                self.log.exception("Studio job runner tick failed")

    # ----------------------------------------------------------------- tick
    def tick(self) -> None:
        """One pass: reconcile active jobs, enforce stops and limits, launch queued jobs."""
        with self._lock:
            self.executor.reap()
            self._check_active()
            self._launch_pending()

    def _active_rows(self) -> list[JobRow]:
        with self.store.session() as session:
            query = select(JobRow).where(
                JobRow.status.in_([JobStatus.IN_PROGRESS.value, JobStatus.STOPPING.value]),
                JobRow.executor == self.executor.name,
            )
            return list(session.scalars(query).all())

    def _check_active(self) -> None:
        now = utcnow()
        for row in self._active_rows():
            alive = self.executor.is_alive(row)
            if alive is False:
                self._worker_gone(row)
            elif alive is None:
                self._check_unobservable(row, now)
            else:
                self._enforce_limits(row, now)

    def _kill(self, row: JobRow) -> None:
        """Kill the worker's process group and what the job recorded outside it (processes.json)."""
        self.executor.kill(row)
        try:
            count = kill_tracked(Path(row.job_dir))
        except Exception:  # the runner goes on; the next restart finds the record again
            self.log.exception("Could not stop the processes recorded by Studio job %s", row.job_id)
            return
        if count:
            self.log.warning("Studio job %s: killed %d recorded process(es)", row.job_id, count)

    def _worker_gone(self, row: JobRow) -> None:
        self._kill(row)  # whatever the dead worker started must not linger
        how = self.executor.exit_description(row) or (
            "it was killed or crashed, or the machine restarted"
        )
        message = (
            f"The worker process (pid {row.pid}) ended without reporting a result: {how}. "
            "Output written before that is kept; see the log."
        )
        # Decide on the row as it is now, not on the snapshot: a stop may have come in meanwhile.
        ended = state.finish_lost_worker(self.store, row.job_id, message)
        if ended == JobStatus.FAILED:
            self._append_log(row, message)
            self.log.warning("Studio job %s marked Failed: worker %s is gone", row.job_id, row.pid)

    def _check_unobservable(self, row: JobRow, now: datetime) -> None:
        if self.executor.tracks_processes and row.pid is None and row.host == self.executor.host:
            started = row.started_at or row.created_at
            if now - started > WORKER_START_TIMEOUT:
                message = "The worker process never started: see the log for the reason."
                state.finish(self.store, row.job_id, JobStatus.FAILED, message)
            return
        beat = row.heartbeat_at or row.started_at or row.created_at
        if (now - beat).total_seconds() > self.heartbeat_timeout:
            message = (
                f"No heartbeat from the worker on {row.host or 'an unknown host'} for "
                f"{self.heartbeat_timeout:g} s: it was lost."
            )
            if state.finish(self.store, row.job_id, JobStatus.FAILED, message):
                self._append_log(row, message)

    def _enforce_limits(self, row: JobRow, now: datetime) -> None:
        if row.status == JobStatus.STOPPING.value:
            requested = row.stop_requested_at or now
            if (now - requested).total_seconds() > self.grace_seconds:
                self._kill(row)
                message = f"{row.status_message or 'Stopped'} (killed after the {self.grace_seconds:g} s grace period)"
                if state.finish(self.store, row.job_id, JobStatus.STOPPED, message):
                    self._append_log(row, message)
            return
        if row.max_runtime_seconds and row.started_at:
            overdue = (now - row.started_at).total_seconds() - row.max_runtime_seconds
            if overdue > min(5.0, self.grace_seconds):  # the worker normally stops itself on time
                reason = f"Maximum runtime of {row.max_runtime_seconds:g} s exceeded"
                if state.request_stop(self.store, row.job_id, reason):
                    self.executor.terminate(row)

    def _launch_pending(self) -> None:
        host = self.executor.host
        with self.store.session() as session:
            busy = (
                session.scalar(
                    select(func.count())
                    .select_from(JobRow)
                    .where(
                        JobRow.status.in_([JobStatus.IN_PROGRESS.value, JobStatus.STOPPING.value]),
                        JobRow.executor == self.executor.name,
                        *([JobRow.host == host] if host else []),
                    )
                )
                or 0
            )
            free = self.max_workers - busy
            if free <= 0:
                return
            query = select(JobRow).where(JobRow.status == JobStatus.PENDING.value)
            if self.owner is not None:
                query = query.where(JobRow.owner == self.owner)
            pending = list(session.scalars(query.order_by(JobRow.created_at).limit(free)).all())
        for row in pending:
            self._launch(row)

    def _launch(self, row: JobRow) -> None:
        host = self.executor.host
        if not state.claim_pending(self.store, row.job_id, host=host, executor=self.executor.name):
            return
        try:
            launched = self.executor.launch(row.job_id, self.db_url, Path(row.job_dir))
        except Exception as exc:
            self.log.exception("Could not start Studio job %s", row.job_id)
            state.finish(
                self.store, row.job_id, JobStatus.FAILED, f"Could not start the worker: {exc}"
            )
            return
        if launched.pid is not None:
            state.record_process(
                self.store,
                row.job_id,
                pid=launched.pid,
                pid_started_at=launched.pid_started_at,
                host=launched.host,
            )

    @staticmethod
    def _append_log(row: JobRow, message: str) -> None:
        try:
            stamp = datetime.now(timezone.utc).strftime("%H:%M:%S")
            with open(Path(row.job_dir) / "job.log", "a", encoding="utf-8") as handle:
                handle.write(f"[studio {stamp}] {message}\n")
        except OSError:
            pass
