"""Processes a job started outside its worker's process group, recorded so none is orphaned.

The runner stops a job by signalling its worker's process group. A job kind that starts
processes in their own sessions (a Spark master and its workers, each leading its group) puts
them out of that reach, so it registers them through :meth:`JobContext.track_processes
<jupyter_studio.core.jobs.context.JobContext.track_processes>`: they are written, as plain data,
to ``<job folder>/processes.json``. Whenever the worker is gone without cleaning up (kill -9, a
crash, a stop that outlasted its grace period, a server restart that finds it dead), the runner
calls :func:`kill_tracked`, which SIGKILLs every recorded process group still running (a pid and
its start time must match, so a reused pid is never signalled), and the groups of processes still
working in the recorded folders (one started in the instant before it was recorded), then deletes
the recorded scratch folders and the record. The worker calls it too when a job ends, as a safety
net for a kind that left something running.

The record is keyed (``"spark"``, ``"dask"``...) so several parts of a job can each keep theirs::

    {"spark": {"processes": [{"pid": 123, "started_at": 1.7e9, "group": true, "host": "h",
                              "label": "master"}],
               "folders": ["/.../spark/work"], "names": ["java"], "scratch": ["/.../local"]}}
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from ..processes import (
    CREATE_TIME_TOLERANCE,
    THIS_HOST,
    ProcessHandle,
    find_process,
    group_members,
    signal_group,
)

__all__ = ["TRACKED_FILE", "TrackedProcess", "kill_tracked", "read_tracked", "write_tracked"]

#: The record's name in the job folder.
TRACKED_FILE = "processes.json"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class TrackedProcess:
    """A process a job started: with ``group``, it leads a process group that is stopped whole."""

    pid: int
    started_at: float | None
    group: bool = True
    host: str = THIS_HOST
    label: str = ""

    @property
    def handle(self) -> ProcessHandle:
        return ProcessHandle(pid=self.pid, started_at=self.started_at, host=self.host)


def read_tracked(job_dir: Path) -> dict[str, dict[str, Any]]:
    """The job's record (empty when there is none or it cannot be read)."""
    try:
        data = json.loads((Path(job_dir) / TRACKED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_tracked(
    job_dir: Path,
    key: str,
    processes: Iterable[TrackedProcess],
    *,
    folders: Sequence[Path | str] = (),
    names: Sequence[str] = (),
    scratch: Sequence[Path | str] = (),
) -> None:
    """Replace the entry ``key`` of the job's record (no processes and no folders: remove it).

    ``folders``: processes whose working folder or a command-line argument lies in one of them
    belong to the job too (only those called one of ``names``, when given); ``scratch``: folders
    deleted once they are stopped.
    """
    path = Path(job_dir) / TRACKED_FILE
    entry = {
        "processes": [asdict(p) for p in processes],
        "folders": [str(f) for f in folders],
        "names": list(names),
        "scratch": [str(s) for s in scratch],
    }
    with _LOCK:
        record = read_tracked(job_dir)
        if entry["processes"] or entry["folders"]:
            record[key] = entry
        else:
            record.pop(key, None)
        if not record:
            path.unlink(missing_ok=True)
            return
        temporary = path.with_name(f"{TRACKED_FILE}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(record, indent=1), encoding="utf-8")
        os.replace(temporary, path)


def _mentions(text: str, folder: str) -> bool:
    return text == folder or (folder + os.sep) in text or text.endswith("=" + folder)


def processes_in(folders: Sequence[str], names: Sequence[str] = ()) -> list[psutil.Process]:
    """Live processes working in one of ``folders`` (cwd or an argument), named as ``names``."""
    folders = [str(Path(f).resolve()) for f in folders if f]
    if not folders:
        return []
    found = []
    for proc in psutil.process_iter(["name", "cmdline", "cwd", "status"]):
        info = proc.info
        if info["status"] == psutil.STATUS_ZOMBIE or (names and info["name"] not in names):
            continue
        texts = [info["cwd"] or "", *(info["cmdline"] or [])]
        if any(_mentions(text, folder) for folder in folders for text in texts):
            found.append(proc)
    return found


def _targets(record: dict[str, dict[str, Any]], exclude_groups: set[int]) -> list[TrackedProcess]:
    """Every recorded process still to stop, plus the group leaders found in the folders."""
    targets: list[TrackedProcess] = []
    folders: list[str] = []
    names: set[str] = set()
    for entry in record.values():
        for raw in entry.get("processes", []):
            with contextlib.suppress(TypeError):
                targets.append(TrackedProcess(**raw))
        folders += entry.get("folders", [])
        names |= set(entry.get("names", []))
    groups = set()
    for proc in processes_in(folders, sorted(names)):
        with contextlib.suppress(OSError):
            groups.add(os.getpgid(proc.pid))
    targets += [TrackedProcess(pgid, None, label="found") for pgid in sorted(groups)]
    return [
        t
        for t in targets
        if not (t.group and t.pid in exclude_groups) and t.pid not in (os.getpid(), 1)
    ]


def _reused(target: TrackedProcess) -> bool:
    """Another process has the group leader's pid now (its start time differs).

    While any member of a group lives, Linux does not give its id to a new process; so a dead
    leader with members left is still the recorded group, and a live pid must match.
    """
    if target.started_at is None or target.host != THIS_HOST:
        return False
    try:
        started = psutil.Process(target.pid).create_time()
    except psutil.Error:
        return False
    return abs(started - target.started_at) > CREATE_TIME_TOLERANCE


def _members(target: TrackedProcess) -> list[psutil.Process]:
    if not target.group:
        proc = find_process(target.handle)
        return [proc] if proc is not None else []
    return [] if _reused(target) else group_members(target.handle)


def _alive(target: TrackedProcess) -> list[psutil.Process]:
    members = _members(target)
    alive = []
    for proc in members:
        with contextlib.suppress(psutil.Error):
            if proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
    return alive


def _send(target: TrackedProcess, sig: signal.Signals) -> None:
    if target.group:
        if not _reused(target):
            signal_group(target.handle, sig)
        return
    for proc in _members(target):
        with contextlib.suppress(psutil.Error):
            proc.send_signal(sig)


def kill_tracked(
    job_dir: Path, grace: float = 0.0, *, exclude_groups: Iterable[int] = (), wait: float = 5.0
) -> int:
    """Stop what the job's record names; returns how many processes were still running.

    With ``grace``, SIGTERM first and SIGKILL what is left after ``grace`` seconds; without,
    SIGKILL at once. Waits up to ``wait`` seconds for them to end, then deletes the scratch
    folders and the record. ``exclude_groups`` (and this process's own group) are never signalled.
    """
    record = read_tracked(job_dir)
    if not record:
        return 0
    excluded = {os.getpgrp(), *exclude_groups}
    live = [t for t in _targets(record, excluded) if _alive(t)]
    count = sum(len(_alive(t)) for t in live)
    signals = [(signal.SIGTERM, grace), (signal.SIGKILL, wait)] if grace > 0 else []
    for sig, seconds in signals or [(signal.SIGKILL, wait)]:
        for target in live:
            _send(target, sig)
        deadline = time.monotonic() + seconds
        while live and time.monotonic() < deadline:
            time.sleep(0.1)
            live = [t for t in live if _alive(t)]
        if not live:
            break
    for entry in record.values():
        for folder in entry.get("scratch", []):
            shutil.rmtree(folder, ignore_errors=True)
    (Path(job_dir) / TRACKED_FILE).unlink(missing_ok=True)
    return count
