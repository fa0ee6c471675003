"""A real Apache Spark standalone cluster started for one job, and stopped with nothing left behind.

The ``pyspark`` package carries Spark itself (``bin/spark-class``, ``bin/spark-submit``, the jars),
so no separate download is needed; Spark needs Java 17 or newer. A cluster is one master and N
workers on 127.0.0.1, each started in its own session and process group (a worker's executors run
in its group), with free ports, its logs in ``log_dir`` and all its scratch space under
``work_dir``.

Every process started here is recorded as plain data (pid, start time, process group, host): a
cluster given ``record_path`` keeps that record as JSON up to date as it starts processes, so when
the process that owns the cluster is killed with SIGKILL, :func:`stop_recorded` run later (by a
restarted server, or a job's cleanup) stops what is left. See ``build-notes.md``, "Spark, Dask and
job environments on these machines", for the measured behaviour this follows.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil

from jupyter_studio.core.processes import (
    THIS_HOST,
    ProcessHandle,
    find_process,
    group_members,
    signal_group,
    spawn_command,
)

#: Seconds a process group gets between SIGTERM and SIGKILL.
STOP_GRACE_SECONDS = 10.0
#: Default seconds to wait for the master and every worker to be ALIVE (a busy 2-core machine).
START_TIMEOUT = 180.0
#: JVM options of the master and worker daemons (not of drivers or executors): they only route
#: messages, and without the C2 compiler's threads (and with one GC thread) competing for the
#: cores, a master and 2 workers are ALIVE in about half the time on a busy 2-core machine
#: (measured 9-12 s instead of 18-24 s). The user's SPARK_DAEMON_JAVA_OPTS come after, so win.
DAEMON_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
#: Oldest Java that Spark 4 runs on.
JAVA_MIN_VERSION = 17

INSTALL_PYSPARK = (
    'Spark clusters need the "pyspark" package (it carries Apache Spark): '
    "install it with `pip install pyspark` in the environment that runs Jupyter Studio."
)
INSTALL_JAVA = (
    "Spark needs Java {minimum} or newer{found}. Install a Java 17 runtime: on Debian or Ubuntu "
    "`apt-get install openjdk-17-jre-headless`, on Fedora `dnf install java-17-openjdk-headless`, "
    "on macOS `brew install openjdk@17`, or in a conda environment "
    "`conda install -c conda-forge openjdk=17`; then put its `java` on PATH or set JAVA_HOME."
)
_MEMORY = re.compile(r"^[1-9][0-9]*[kKmMgGtT]?$")


class SparkUnavailableError(RuntimeError):
    """Spark cannot run on this machine: pyspark or Java is missing (the message says how to fix it)."""


class SparkClusterError(RuntimeError):
    """The cluster did not start (the message carries the end of the relevant log)."""


@dataclass(frozen=True)
class RecordedProcess:
    """One process of a cluster as plain data: enough to find and stop it from another process."""

    role: str
    pid: int
    started_at: float | None
    pgid: int
    host: str = THIS_HOST

    @property
    def handle(self) -> ProcessHandle:
        """The group leader's handle, as :mod:`jupyter_studio.core.processes` knows it."""
        return ProcessHandle(pid=self.pgid, started_at=self.started_at, host=self.host)


def spark_home() -> Path:
    """The Spark installation inside the ``pyspark`` package, found without importing it."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        raise SparkUnavailableError(INSTALL_PYSPARK)
    home = Path(spec.origin).resolve().parent
    if not (home / "bin" / "spark-class").is_file():
        raise SparkUnavailableError(
            f"{home} has no bin/spark-class: this pyspark is not a full Spark distribution. "
            + INSTALL_PYSPARK
        )
    return home


def java_executable() -> str:
    """The ``java`` Spark will run (JAVA_HOME first, then PATH), checked to be Java 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not os.access(candidate, os.X_OK):
        raise SparkUnavailableError(INSTALL_JAVA.format(minimum=JAVA_MIN_VERSION, found=""))
    version = _java_major_version(candidate)
    if version is not None and version < JAVA_MIN_VERSION:
        raise SparkUnavailableError(
            INSTALL_JAVA.format(minimum=JAVA_MIN_VERSION, found=f" ({candidate} is Java {version})")
        )
    return candidate


@functools.lru_cache(maxsize=8)
def _java_major_version(java: str) -> int | None:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _validate(workers: int, cores_per_worker: int, memory_per_worker: str) -> None:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(
            f"workers must be a whole number of at least 1 (got {workers!r}): "
            "a Spark standalone cluster runs its executors on its workers"
        )
    if isinstance(cores_per_worker, bool) or not isinstance(cores_per_worker, int):
        raise ValueError(f"cores_per_worker must be a whole number (got {cores_per_worker!r})")
    if cores_per_worker < 1:
        raise ValueError(f"cores_per_worker must be at least 1 (got {cores_per_worker})")
    if not isinstance(memory_per_worker, str) or not _MEMORY.match(memory_per_worker):
        raise ValueError(
            f"memory_per_worker must be Spark's memory size such as '512m' or '2g' "
            f"(got {memory_per_worker!r})"
        )


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _read_json(url: str, timeout: float = 5.0) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.loads(response.read())
    except (OSError, urllib.error.URLError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class SparkStandaloneCluster:
    """A Spark standalone master and ``workers`` workers on 127.0.0.1, for one job.

    ``start()`` starts them and waits until all are ALIVE, ``submit()`` runs a PySpark app on the
    cluster (client mode) and ``stop()`` stops every process group and deletes the scratch space.
    Used as a context manager, it starts on entry and stops on exit. With ``record_path``, the
    processes are recorded as JSON there as they start, for :func:`stop_recorded`.
    """

    def __init__(
        self,
        workers: int,
        cores_per_worker: int = 1,
        memory_per_worker: str = "1g",
        *,
        work_dir: Path,
        log_dir: Path,
        record_path: Path | None = None,
        stop_grace: float = STOP_GRACE_SECONDS,
        start_timeout: float = START_TIMEOUT,
        on_record: Callable[[list[RecordedProcess]], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        _validate(workers, cores_per_worker, memory_per_worker)
        self.workers = workers
        self.cores_per_worker = cores_per_worker
        self.memory_per_worker = memory_per_worker
        self.work_dir = Path(work_dir).resolve()
        self.log_dir = Path(log_dir).resolve()
        self.record_path = Path(record_path) if record_path is not None else None
        self.stop_grace = stop_grace
        self.start_timeout = start_timeout
        #: Called with every process of the cluster each time that set changes (a job tracks them).
        self.on_record = on_record
        #: Once set, ``start`` gives up (SparkClusterError) and ``submit`` stops the driver.
        self.cancel = cancel
        self._children: list[subprocess.Popen[bytes]] = []
        self._processes: list[RecordedProcess] = []
        self._lock = threading.Lock()
        self._master_url: str | None = None
        self._ui_url: str | None = None
        self._spark_home: Path | None = None

    # -- properties -----------------------------------------------------------------------------

    @property
    def master_url(self) -> str:
        """The master's ``spark://host:port`` URL, as the master itself reports it."""
        if self._master_url is None:
            raise RuntimeError("the Spark cluster is not started")
        return self._master_url

    @property
    def ui_url(self) -> str:
        """The master's web UI (``http://127.0.0.1:port``)."""
        if self._ui_url is None:
            raise RuntimeError("the Spark cluster is not started")
        return self._ui_url

    @property
    def processes(self) -> list[RecordedProcess]:
        """Every process started for this cluster (master, workers, drivers), as plain data."""
        with self._lock:
            return list(self._processes)

    @property
    def pids(self) -> list[int]:
        """The pids of :attr:`processes`."""
        return [p.pid for p in self.processes]

    @property
    def local_dirs(self) -> list[Path]:
        """Scratch folders deleted by :meth:`stop` (``SPARK_LOCAL_DIRS`` and the workers' dirs)."""
        return [self.work_dir / "local", *self._worker_dirs()]

    def _worker_dirs(self) -> list[Path]:
        return [self.work_dir / f"worker-{n}" for n in range(1, self.workers + 1)]

    # -- start ----------------------------------------------------------------------------------

    def start(self, timeout: float | None = None) -> SparkStandaloneCluster:
        """Start the master, wait until it is ALIVE, then the workers; wait until all are ALIVE.

        Raises :class:`SparkUnavailableError` without pyspark or Java 17, and
        :class:`SparkClusterError` (after stopping what was started) when the cluster does not
        come up within ``timeout`` seconds.
        """
        if self._master_url is not None:
            return self
        home = spark_home()
        java_executable()
        self._spark_home = home
        deadline = time.monotonic() + (self.start_timeout if timeout is None else timeout)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        (self.work_dir / "local").mkdir(exist_ok=True)
        properties = self.work_dir / "spark-daemons.properties"
        # No REST submission server (it would take the shared port 6066); stand-alone, no history.
        properties.write_text("spark.master.rest.enabled false\n", encoding="utf-8")
        self._save_record()
        try:
            self._start_master(home, properties, deadline)
            for number in range(1, self.workers + 1):
                self._start_worker(home, properties, number)
            self._wait_for_workers(deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_master(self, home: Path, properties: Path, deadline: float) -> None:
        port, ui_port = free_port(), free_port()
        log = self.log_dir / "master.log"
        self._spawn(
            "master",
            [
                str(home / "bin" / "spark-class"),
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(ui_port),
                "--properties-file",
                str(properties),
            ],
            log,
        )
        master = self._children[0]
        while True:
            ui = self._master_ui_from_log(log) or f"http://127.0.0.1:{ui_port}"
            status = _read_json(f"{ui}/json/")
            if status and status.get("status") == "ALIVE" and status.get("url"):
                self._ui_url, self._master_url = ui, str(status["url"])
                return
            if master.poll() is not None:
                raise SparkClusterError(
                    f"the Spark master ended with code {master.returncode} before it was ALIVE; "
                    f"the end of {log}:\n{_tail(log)}"
                )
            self._check_cancel()
            if time.monotonic() > deadline:
                raise SparkClusterError(
                    f"the Spark master was not ALIVE in time; the end of {log}:\n{_tail(log)}"
                )
            time.sleep(0.25)

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise SparkClusterError("the start of the Spark cluster was cancelled")

    @staticmethod
    def _master_ui_from_log(log: Path) -> str | None:
        # A busy web UI port is replaced by the next one with only a WARN: the log says which.
        match = re.search(r"MasterWebUI.*?started at http://[^:\s/]+:(\d+)", _tail(log, 400))
        return f"http://127.0.0.1:{match.group(1)}" if match else None

    def _start_worker(self, home: Path, properties: Path, number: int) -> None:
        work = self.work_dir / f"worker-{number}"
        work.mkdir(parents=True, exist_ok=True)
        self._spawn(
            f"worker-{number}",
            [
                str(home / "bin" / "spark-class"),
                "org.apache.spark.deploy.worker.Worker",
                self.master_url,
                "--host",
                "127.0.0.1",
                "--cores",
                str(self.cores_per_worker),
                "--memory",
                self.memory_per_worker,
                "--webui-port",
                str(free_port()),
                "--work-dir",
                str(work),
                "--properties-file",
                str(properties),
            ],
            self.log_dir / f"worker-{number}.log",
        )

    def _wait_for_workers(self, deadline: float) -> None:
        while True:
            status = _read_json(f"{self.ui_url}/json/") or {}
            alive = [w for w in status.get("workers", []) if w.get("state") == "ALIVE"]
            if len(alive) >= self.workers:
                return
            for child, recorded in zip(self._children, self.processes, strict=False):
                if recorded.role.startswith("worker") and child.poll() is not None:
                    log = self.log_dir / f"{recorded.role}.log"
                    raise SparkClusterError(
                        f"Spark {recorded.role} ended with code {child.returncode}; "
                        f"the end of {log}:\n{_tail(log)}"
                    )
            self._check_cancel()
            if time.monotonic() > deadline:
                raise SparkClusterError(
                    f"{len(alive)} of {self.workers} Spark workers were ALIVE in time; "
                    f"the logs are in {self.log_dir}"
                )
            time.sleep(0.25)

    def environment(self, python: str | None = None) -> dict[str, str]:
        """The environment of every Spark process of this cluster (and of a driver)."""
        home = self._spark_home or spark_home()
        env = dict(os.environ)
        env.update(
            {
                "SPARK_HOME": str(home),
                "SPARK_LOCAL_IP": "127.0.0.1",
                "SPARK_LOCAL_DIRS": str(self.work_dir / "local"),
                "SPARK_LOG_DIR": str(self.log_dir),
                "SPARK_WORKER_DIR": str(self.work_dir),
                "PYSPARK_PYTHON": python or sys.executable,
                "PYTHONUNBUFFERED": "1",
                "SPARK_DAEMON_JAVA_OPTS": " ".join(
                    filter(None, [DAEMON_JAVA_OPTS, os.environ.get("SPARK_DAEMON_JAVA_OPTS")])
                ),
            }
        )
        return env

    def _spawn(
        self,
        role: str,
        command: Sequence[str],
        log: Path | None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start ``command`` in its own session and record it (output to ``log``, or a pipe)."""
        child, handle = spawn_command(
            command,
            cwd=cwd or self.work_dir,
            env=env if env is not None else self.environment(),
            log_path=log,
        )
        started = handle.started_at
        with self._lock:
            self._children.append(child)
            self._processes.append(RecordedProcess(role, child.pid, started, pgid=child.pid))
        self._save_record()
        return child

    # -- submit ---------------------------------------------------------------------------------

    def submit(
        self,
        app: Path,
        arguments: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        log: Callable[[str], None] | None = None,
        *,
        python: str | None = None,
        conf: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float | None = None,
    ) -> int:
        """Run ``spark-submit --master <this cluster> app arguments...``; return its exit code.

        The driver runs here (PySpark apps run in client mode on a standalone cluster) with the
        cluster's environment plus ``env``; each line it prints goes to ``log``. ``python`` is
        the interpreter of the driver and the executors (default: this one); ``cwd`` the
        driver's folder (default: ``work_dir``). After ``timeout`` seconds the driver is stopped
        and :class:`TimeoutError` raised (a driver whose last worker died waits for ever). Once
        :attr:`cancel` is set, the driver is stopped and its exit code returned.
        """
        home = self._spark_home or spark_home()
        command = [str(home / "bin" / "spark-submit"), "--master", self.master_url]
        settings = {
            "spark.executor.memory": self._executor_memory(),
            # The cluster was started for this app: let its first job wait for every executor.
            "spark.scheduler.minRegisteredResourcesRatio": "1.0",
            "spark.scheduler.maxRegisteredResourcesWaitingTime": "120s",
            **(conf or {}),
        }
        for key, value in settings.items():
            command += ["--conf", f"{key}={value}"]
        command += [str(Path(app).resolve()), *map(str, arguments)]
        full_env = {**self.environment(python), **(env or {})}
        child = self._spawn("driver", command, None, env=full_env, cwd=cwd)
        lines = _pump(child, log or (lambda line: None))
        driver = [p for p in self.processes if p.pid == child.pid]
        try:
            code = self._wait_driver(child, timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(
                f"the Spark app {app} did not end within {timeout} s and was stopped"
            ) from None
        finally:
            # Also what the driver started (the app's Python), were it interrupted or timed out.
            self._stop_groups(driver)
            lines.join(timeout=10)
            self._forget(child.pid)
        return code

    def _wait_driver(self, child: subprocess.Popen[bytes], timeout: float | None) -> int:
        """The driver's exit code; on :attr:`cancel`, stop its group and return what it gives."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = 0.25 if deadline is None else max(0.0, min(0.25, deadline - time.monotonic()))
            try:
                return child.wait(timeout=step)
            except subprocess.TimeoutExpired:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
            if self.cancel is not None and self.cancel.is_set():
                self._stop_groups([p for p in self.processes if p.pid == child.pid])
                code = child.poll()
                return -signal.SIGTERM if code is None else code

    def _executor_memory(self) -> str:
        # An executor must fit in its worker's memory, and the JVM needs some of it for itself.
        return self.memory_per_worker

    def _forget(self, pid: int) -> None:
        with self._lock:
            self._children = [c for c in self._children if c.pid != pid]
            self._processes = [p for p in self._processes if p.pid != pid]
        self._save_record()

    # -- stop -----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every process group of the cluster (TERM, then KILL after the grace period).

        Executor logs are copied into ``log_dir/executors`` first; then the scratch space
        (``local_dirs``) is deleted. Safe to call more than once.
        """
        self._stop_groups(self.processes)
        for child in list(self._children):
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=1)
        with self._lock:
            self._children.clear()
            self._processes.clear()
        _keep_executor_logs(self._worker_dirs(), self.log_dir / "executors")
        for folder in self.local_dirs:
            shutil.rmtree(folder, ignore_errors=True)
        self._master_url = self._ui_url = None
        if self.record_path is not None:
            self.record_path.unlink(missing_ok=True)
        if self.on_record is not None:
            self.on_record([])

    def _stop_groups(self, processes: Iterable[RecordedProcess]) -> None:
        stop_processes(list(processes), self.stop_grace, self._children)

    def _save_record(self) -> None:
        if self.on_record is not None:
            self.on_record(self.processes)
        if self.record_path is None:
            return
        record = {
            "kind": "spark-standalone",
            "work_dir": str(self.work_dir),
            "local_dirs": [str(d) for d in self.local_dirs],
            "processes": [asdict(p) for p in self.processes],
        }
        self.record_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.record_path.with_name(self.record_path.name + ".tmp")
        temporary.write_text(json.dumps(record, indent=1), encoding="utf-8")
        os.replace(temporary, self.record_path)

    def __enter__(self) -> SparkStandaloneCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _pump(child: subprocess.Popen[bytes], log: Callable[[str], None]) -> threading.Thread:
    """Pass each line the child prints to ``log``, in a thread (the pipe must not fill up)."""

    def run() -> None:
        assert child.stdout is not None
        with child.stdout:
            for raw in iter(child.stdout.readline, b""):
                with contextlib.suppress(Exception):
                    log(raw.decode("utf-8", errors="replace").rstrip("\n"))

    thread = threading.Thread(target=run, name=f"spark-driver-{child.pid}", daemon=True)
    thread.start()
    return thread


def _keep_executor_logs(worker_dirs: Iterable[Path], destination: Path) -> None:
    """Copy each executor's ``stdout``/``stderr`` (``worker-N/app-*/ID/``) to ``destination``."""
    for worker in worker_dirs:
        for path in sorted(worker.glob("app-*/*/std*")):
            app, executor = path.parent.parent.name, path.parent.name
            target = destination / app / f"{worker.name}-executor-{executor}-{path.name}.log"
            with contextlib.suppress(OSError):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def _alive_members(process: RecordedProcess) -> list[psutil.Process]:
    members = []
    for proc in group_members(process.handle):
        with contextlib.suppress(psutil.Error):
            if proc.status() != psutil.STATUS_ZOMBIE:
                members.append(proc)
    return members


def stop_processes(
    processes: Sequence[RecordedProcess],
    grace: float = STOP_GRACE_SECONDS,
    children: Sequence[subprocess.Popen[bytes]] = (),
) -> int:
    """SIGTERM each recorded process group, SIGKILL what is left after ``grace`` s.

    Returns how many processes were still running when this began. ``children`` (Popen objects
    of this process) are reaped while waiting, so they do not linger as zombies.
    """
    live = [p for p in processes if find_process(p.handle) is not None or _alive_members(p)]
    count = sum(len(_alive_members(p)) for p in live)
    for process in live:
        signal_group(process.handle, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while live and time.monotonic() < deadline:
        for child in children:
            child.poll()
        live = [p for p in live if _alive_members(p)]
        if live:
            time.sleep(0.1)
    for process in live:
        signal_group(process.handle, signal.SIGKILL)
    end = time.monotonic() + max(grace, 5.0)
    while live and time.monotonic() < end:
        for child in children:
            child.poll()
        live = [p for p in live if _alive_members(p)]
        if live:
            time.sleep(0.1)
    return count


def _under(text: str, folder: str) -> bool:
    return text == folder or text.startswith(folder + os.sep)


def java_processes_in(work_dir: Path) -> list[psutil.Process]:
    """Live Java processes whose folder or a command-line argument lies in ``work_dir``.

    A cluster's master, workers and executors all do (their properties file, work dirs and
    folders are there), so this finds a JVM even when its record is missing.
    """
    folder = str(Path(work_dir).resolve())
    found = []
    for proc in psutil.process_iter(["name", "cmdline", "cwd", "status"]):
        info = proc.info
        if info["name"] != "java" or info["status"] == psutil.STATUS_ZOMBIE:
            continue
        if _under(info["cwd"] or "", folder) or any(
            _under(a, folder) for a in info["cmdline"] or []
        ):
            found.append(proc)
    return found


def stop_recorded(path: Path, grace: float = STOP_GRACE_SECONDS) -> int:
    """Stop whatever is left of a cluster recorded at ``path`` (its owner may have been killed).

    Stops every recorded process group still running (matched by pid and start time, so a reused
    pid is never signalled), then the process group of any Java process still working in the
    recorded ``work_dir`` (one started in the instant before it was recorded), deletes the recorded scratch folders and
    the record. Returns how many processes were still running. No record: nothing to stop (0).
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    processes = [RecordedProcess(**entry) for entry in record.get("processes", [])]
    count = stop_processes(processes, grace)
    if record.get("work_dir"):
        # Their whole process groups: a driver's JVM leads the group its app's Python is in.
        groups = set()
        for proc in java_processes_in(Path(record["work_dir"])):
            with contextlib.suppress(OSError):
                groups.add(os.getpgid(proc.pid))
        groups.discard(os.getpgrp())
        found = [RecordedProcess("found", pgid, None, pgid) for pgid in sorted(groups)]
        count += stop_processes(found, grace)
    for folder in record.get("local_dirs", []):
        shutil.rmtree(folder, ignore_errors=True)
    path.unlink(missing_ok=True)
    return count
