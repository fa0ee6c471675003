"""Executors start worker processes and can signal them; the runner decides when.

``LocalProcessExecutor`` (the default) starts one detached process per job on this
machine. Each worker leads its own process group, so stopping a job also stops
everything its script started, and a server restart does not kill running jobs.
"""

from __future__ import annotations

import signal
import socket
from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path

from traitlets import Float
from traitlets.config import LoggingConfigurable

from ..processes import (
    CREATE_TIME_TOLERANCE,
    ChildReaper,
    ProcessHandle,
    describe_exit,
    find_process,
    signal_group,
    spawn_detached,
)
from .tables import JobRow
from .worker import WORKER_DB_URL_ENV


@dataclass(frozen=True)
class LaunchedProcess:
    pid: int | None
    pid_started_at: float | None
    host: str


class Executor(LoggingConfigurable):
    """Where workers run. Subclasses decide how to start, probe and signal them."""

    name = "base"
    tracks_processes = False  # True when it records and probes a pid per job

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)
        self.host = socket.gethostname()  # the machine this executor launches from

    @abstractmethod
    def launch(self, job_id: str, db_url: str, job_dir: Path) -> LaunchedProcess:
        """Start the worker for ``job_id``; it reads everything else from the store."""

    @abstractmethod
    def is_alive(self, row: JobRow) -> bool | None:
        """True/False when this executor can tell, None when it cannot (another host)."""

    @abstractmethod
    def terminate(self, row: JobRow) -> None:
        """Ask the worker to stop gracefully."""

    @abstractmethod
    def kill(self, row: JobRow) -> None:
        """Stop the worker and everything it started, now."""

    def reap(self) -> None:
        """Collect finished children (no zombies)."""

    def exit_description(self, row: JobRow) -> str:
        """How the job's worker process ended, in words, when this executor saw it end."""
        return ""

    def shutdown(self) -> None:
        """Release resources when Studio stops; running jobs keep running."""


#: Seconds to wait for a vanished worker's exit status (it shows as a zombie a moment before).
EXIT_STATUS_WAIT = 2.0


class LocalProcessExecutor(Executor):
    """Runs each job in a new local process (its own session and process group)."""

    name = "local"
    tracks_processes = True
    create_time_tolerance = Float(
        CREATE_TIME_TOLERANCE,
        config=True,
        help="Seconds of slack when matching a recorded pid to its process start time (guards pid reuse).",
    )

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)
        self._children = ChildReaper()

    def launch(self, job_id: str, db_url: str, job_dir: Path) -> LaunchedProcess:
        # The store URL may hold a password: pass it in the environment, not on the command line.
        child, handle = spawn_detached(
            "jupyter_studio.core.jobs.worker",
            ["--job-id", job_id],
            cwd=job_dir,
            log_path=job_dir / "job.log",
            env={WORKER_DB_URL_ENV: db_url},
        )
        self._children.add(child)
        return LaunchedProcess(pid=handle.pid, pid_started_at=handle.started_at, host=self.host)

    @staticmethod
    def _handle(row: JobRow) -> ProcessHandle:
        return ProcessHandle(pid=row.pid, started_at=row.pid_started_at, host=row.host or "")

    def is_alive(self, row: JobRow) -> bool | None:
        if row.host and row.host != self.host:
            return None
        if row.pid is None:
            return None
        self.reap()
        return find_process(self._handle(row), self.create_time_tolerance) is not None

    def terminate(self, row: JobRow) -> None:
        if row.host and row.host != self.host:
            return
        if find_process(self._handle(row), self.create_time_tolerance) is None:
            return
        signal_group(self._handle(row), signal.SIGTERM, self.create_time_tolerance)

    def kill(self, row: JobRow) -> None:
        if not (row.host and row.host != self.host):
            signal_group(self._handle(row), signal.SIGKILL, self.create_time_tolerance)
        self.reap()

    def reap(self) -> None:
        self._children.reap()

    def exit_description(self, row: JobRow) -> str:
        if row.host and row.host != self.host:
            return ""
        return describe_exit(self._children.exit_code(row.pid, wait=EXIT_STATUS_WAIT))
