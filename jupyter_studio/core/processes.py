"""Detached local processes that outlive the server: start, find again after a restart, signal.

Job workers and model servers both run this way. Each process leads its own session and process
group, so signalling the group reaches everything it started, and a server restart (or kill -9)
does not take it down. A process is recorded as a :class:`ProcessHandle` (pid, start time, host);
the start time guards against a recycled pid being mistaken for the original process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

#: Seconds of slack when matching a recorded pid to its process start time.
CREATE_TIME_TOLERANCE = 1.0
THIS_HOST = socket.gethostname()


@dataclass(frozen=True)
class ProcessHandle:
    """What is recorded in the store to find a detached process again."""

    pid: int | None
    started_at: float | None
    host: str = THIS_HOST


def package_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment, set so a child imports the same ``jupyter_studio``."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra or {})}
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    return env


def spawn_detached(
    module: str,
    arguments: Sequence[str],
    *,
    cwd: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], ProcessHandle]:
    """Start ``python -m module arguments...`` in its own session, output appended to ``log_path``."""
    cwd.mkdir(parents=True, exist_ok=True)
    return spawn_command(
        [sys.executable, "-m", module, *arguments],
        cwd=cwd,
        env=package_env(env),
        log_path=log_path,
    )


def spawn_command(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log_path: Path | None = None,
) -> tuple[subprocess.Popen[bytes], ProcessHandle]:
    """Start ``command`` in its own session (and process group) with exactly ``env``; its output
    is appended to ``log_path``, or readable from a pipe without one."""
    with contextlib.ExitStack() as stack:
        out: Any = subprocess.PIPE
        if log_path is not None:
            out = stack.enter_context(open(log_path, "ab"))
        child = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    try:
        started: float | None = psutil.Process(child.pid).create_time()
    except psutil.Error:
        started = None
    return child, ProcessHandle(pid=child.pid, started_at=started)


def find_process(
    handle: ProcessHandle, tolerance: float = CREATE_TIME_TOLERANCE
) -> psutil.Process | None:
    """The live process behind ``handle`` on this host, or None (ended, zombie, or pid reused)."""
    if handle.pid is None or (handle.host and handle.host != THIS_HOST):
        return None
    try:
        proc = psutil.Process(handle.pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        if (
            handle.started_at is not None
            and abs(proc.create_time() - handle.started_at) > tolerance
        ):
            return None
        return proc
    except psutil.Error:
        return None


def group_members(
    handle: ProcessHandle, tolerance: float = CREATE_TIME_TOLERANCE
) -> list[psutil.Process]:
    """Processes still in the handle's process group (the leader and whatever it started)."""
    if handle.pid is None or (handle.host and handle.host != THIS_HOST):
        return []
    members = []
    for proc in psutil.process_iter(["pid", "create_time"]):
        try:
            if os.getpgid(proc.pid) == handle.pid and (
                handle.started_at is None
                or proc.info["create_time"] >= handle.started_at - tolerance
            ):
                members.append(proc)
        except (ProcessLookupError, psutil.Error, OSError):
            continue
    return members


def signal_group(
    handle: ProcessHandle, sig: signal.Signals, tolerance: float = CREATE_TIME_TOLERANCE
) -> int:
    """Send ``sig`` to every process of the handle's group; returns how many got it."""
    sent = 0
    for proc in group_members(handle, tolerance):
        try:
            proc.send_signal(sig)
            sent += 1
        except psutil.Error:
            continue
    return sent


class ChildReaper:
    """Keeps the Popen objects of children started here and collects them when they end."""

    #: How many exit statuses are remembered (the oldest are forgotten first).
    REMEMBERED_EXITS = 256

    def __init__(self) -> None:
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        self._exits: dict[int, int] = {}

    def add(self, child: subprocess.Popen[bytes]) -> None:
        self._children[child.pid] = child
        self._exits.pop(child.pid, None)

    def reap(self) -> None:
        for pid, child in list(self._children.items()):
            code = child.poll()
            if code is not None:
                del self._children[pid]
                self._exits[pid] = code
                while len(self._exits) > self.REMEMBERED_EXITS:
                    del self._exits[next(iter(self._exits))]

    def exit_code(self, pid: int | None, wait: float = 0.0) -> int | None:
        """How a child started here ended (negative: the signal that ended it), if known.

        ``wait``: seconds to wait for a child still being collected. A killed multi-threaded
        process shows as a zombie while its other threads are still exiting, and only then can
        its status be read.
        """
        if pid is None:
            return None
        child = self._children.get(pid)
        if child is not None and wait > 0:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=wait)
            self.reap()
        return self._exits.get(pid)


def describe_exit(code: int | None) -> str:
    """How a process ended, in words a user can act on ('' when unknown)."""
    if code is None:
        return ""
    if code >= 0:
        return f"it exited with code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    if name == "SIGKILL":
        return (
            "it was killed by SIGKILL (by someone, or by the system's out-of-memory killer "
            "when memory ran out)"
        )
    if name in ("SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGFPE"):
        return f"it crashed ({name}, a fault in native code; the log has its traceback)"
    return f"it was ended by {name}"
