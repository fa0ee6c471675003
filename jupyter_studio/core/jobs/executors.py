"""Executors start worker processes and can signal them; the runner decides when.

``LocalProcessExecutor`` (the default) starts one detached process per job on this
machine. Each worker leads its own process group, so stopping a job also stops
everything its script started, and a server restart does not kill running jobs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path

import psutil
from traitlets import Float
from traitlets.config import LoggingConfigurable

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

    def shutdown(self) -> None:
        """Release resources when Studio stops; running jobs keep running."""


class LocalProcessExecutor(Executor):
    """Runs each job in a new local process (its own session and process group)."""

    name = "local"
    tracks_processes = True
    create_time_tolerance = Float(
        1.0,
        config=True,
        help="Seconds of slack when matching a recorded pid to its process start time (guards pid reuse).",
    )

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)
        self._children: dict[int, subprocess.Popen[bytes]] = {}

    def launch(self, job_id: str, db_url: str, job_dir: Path) -> LaunchedProcess:
        job_dir.mkdir(parents=True, exist_ok=True)
        # The store URL may hold a password: pass it in the environment, not on the command line.
        env = {**os.environ, "PYTHONUNBUFFERED": "1", WORKER_DB_URL_ENV: db_url}
        # The worker must import the same jupyter_studio as this process, installed or not.
        package_parent = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
        with open(job_dir / "job.log", "ab") as log:
            child = subprocess.Popen(
                [sys.executable, "-m", "jupyter_studio.core.jobs.worker", "--job-id", job_id],
                cwd=job_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        self._children[child.pid] = child
        try:
            started = psutil.Process(child.pid).create_time()
        except psutil.Error:
            started = None
        return LaunchedProcess(pid=child.pid, pid_started_at=started, host=self.host)

    def _process(self, row: JobRow) -> psutil.Process | None:
        if row.pid is None:
            return None
        try:
            proc = psutil.Process(row.pid)
            if proc.status() == psutil.STATUS_ZOMBIE:
                return None
            if (
                row.pid_started_at is not None
                and abs(proc.create_time() - row.pid_started_at) > self.create_time_tolerance
            ):
                return None  # the pid was reused by another process
            return proc
        except psutil.Error:
            return None

    def is_alive(self, row: JobRow) -> bool | None:
        if row.host and row.host != self.host:
            return None
        if row.pid is None:
            return None
        self.reap()
        return self._process(row) is not None

    def _group_members(self, row: JobRow) -> list[psutil.Process]:
        """Processes still in the job's process group (the worker and whatever it started)."""
        if row.pid is None:
            return []
        members = []
        for proc in psutil.process_iter(["pid", "create_time"]):
            try:
                if os.getpgid(proc.pid) == row.pid and (
                    row.pid_started_at is None
                    or proc.info["create_time"] >= row.pid_started_at - self.create_time_tolerance
                ):
                    members.append(proc)
            except (ProcessLookupError, psutil.Error, OSError):
                continue
        return members

    def terminate(self, row: JobRow) -> None:
        if self._process(row) is None:
            return
        self._signal_group(row, signal.SIGTERM)

    def kill(self, row: JobRow) -> None:
        self._signal_group(row, signal.SIGKILL)
        self.reap()

    def _signal_group(self, row: JobRow, sig: signal.Signals) -> None:
        if row.host and row.host != self.host:
            return
        for proc in self._group_members(row):
            try:
                proc.send_signal(sig)
            except psutil.Error:
                continue

    def reap(self) -> None:
        for pid, child in list(self._children.items()):
            if child.poll() is not None:
                del self._children[pid]
