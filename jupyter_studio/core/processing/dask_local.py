"""A Dask ``distributed`` cluster for one job: local worker processes, or an existing scheduler.

:class:`DaskLocalCluster` wraps :class:`distributed.LocalCluster` with worker processes on
127.0.0.1, the dashboard on a free port and all scratch space under ``local_directory`` (Dask's
``temporary-directory`` too, else ``/tmp/dask-scratch-space`` appears). :class:`DaskScheduler`
connects to a scheduler that someone else runs and never stops it. Both give the job the
``scheduler_address`` (also as ``DASK_SCHEDULER_ADDRESS``, which ``distributed.Client()`` reads)
and the ``dashboard_url``.

The worker processes are started with ``multiprocessing``'s spawn method: a script that starts a
local cluster must guard its top level with ``if __name__ == "__main__":``. Each worker process
ends by itself when the process that owns the cluster dies, even by SIGKILL (distributed watches
its parent through a pipe).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import psutil

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

#: Seconds to wait for the scheduler and every worker (a busy 2-core machine).
START_TIMEOUT = 120.0
#: Seconds the worker processes get to end after the cluster is closed.
STOP_TIMEOUT = 30.0

INSTALL_DASK = (
    'Dask clusters need the "distributed" package: install it with '
    '`pip install "dask[distributed]" "bokeh>=3.1"` (bokeh serves the dashboard) in the '
    "environment that runs Jupyter Studio."
)


class DaskUnavailableError(RuntimeError):
    """``dask.distributed`` is not installed (the message says how to install it)."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise DaskUnavailableError(INSTALL_DASK) from error
    return distributed


def _validate(workers: int, threads_per_worker: int) -> None:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(
            f"workers must be a whole number of at least 1 (got {workers!r}): "
            "a Dask cluster computes on its workers"
        )
    if isinstance(threads_per_worker, bool) or not isinstance(threads_per_worker, int):
        raise ValueError(f"threads_per_worker must be a whole number (got {threads_per_worker!r})")
    if threads_per_worker < 1:
        raise ValueError(f"threads_per_worker must be at least 1 (got {threads_per_worker})")


class DaskLocalCluster:
    """``workers`` Dask worker processes and a scheduler on 127.0.0.1, for one job.

    ``start()`` returns once every worker has joined; ``stop()`` closes the cluster, waits for
    the worker processes to end (killing any that do not) and deletes ``local_directory``'s
    scratch space. Used as a context manager, it starts on entry and stops on exit.
    """

    def __init__(
        self,
        workers: int,
        threads_per_worker: int = 1,
        memory_limit: str | int | None = "auto",
        *,
        local_directory: Path,
        dashboard: bool = True,
        start_timeout: float = START_TIMEOUT,
        env: Mapping[str, str] | None = None,
    ) -> None:
        _validate(workers, threads_per_worker)
        self.workers = workers
        self.threads_per_worker = threads_per_worker
        self.memory_limit = memory_limit
        self.local_directory = Path(local_directory).resolve()
        self.dashboard = dashboard
        self.start_timeout = start_timeout
        #: Variables the worker processes start with (before Python runs its startup hooks).
        self.env = dict(env or {})
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        self._pids: list[int] = []

    @property
    def scheduler_address(self) -> str:
        """The scheduler's ``tcp://127.0.0.1:port`` address."""
        if self._cluster is None:
            raise RuntimeError("the Dask cluster is not started")
        return str(self._cluster.scheduler_address)

    @property
    def dashboard_url(self) -> str | None:
        """The dashboard's status page, or None when it is off (or bokeh is missing)."""
        if self._cluster is None:
            raise RuntimeError("the Dask cluster is not started")
        if not self.dashboard:
            return None
        try:
            return str(self._cluster.dashboard_link) or None
        except Exception:
            return None

    @property
    def pids(self) -> list[int]:
        """The pids of the worker processes (as they were when the cluster started)."""
        return list(self._pids)

    def environment(self) -> dict[str, str]:
        """Variables that point a job's ``distributed.Client()`` at this cluster."""
        return {"DASK_SCHEDULER_ADDRESS": self.scheduler_address}

    def start(self, timeout: float | None = None) -> DaskLocalCluster:
        """Start the scheduler and the workers; return once all workers have joined."""
        if self._cluster is not None:
            return self
        distributed = _distributed()
        import dask

        timeout = self.start_timeout if timeout is None else timeout
        self.local_directory.mkdir(parents=True, exist_ok=True)
        dashboard_address = "127.0.0.1:0" if self.dashboard else None
        # Workers get the configuration in force when they are created: scratch space goes here.
        pre_spawn = {**(dask.config.get("distributed.nanny.pre-spawn-environ") or {}), **self.env}
        # The nanny prefers this process's variables to its pre-spawn-environ: set both.
        with (
            _environ(self.env),
            dask.config.set(
                {
                    "distributed.nanny.pre-spawn-environ": pre_spawn,
                    "temporary-directory": str(self.local_directory),
                    "distributed.comm.timeouts.connect": f"{max(timeout, 30):.0f}s",
                }
            ),
        ):
            self._cluster = distributed.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=self.threads_per_worker,
                processes=True,
                host="127.0.0.1",
                scheduler_port=0,
                dashboard_address=dashboard_address,
                memory_limit=self.memory_limit,
                local_directory=str(self.local_directory),
                silence_logs=40,
            )
        try:
            self._client = distributed.Client(self._cluster, timeout=f"{timeout:.0f}s")
            self._client.wait_for_workers(self.workers, timeout=timeout)
            self._pids = [
                w.process.pid
                for w in self._cluster.workers.values()
                if getattr(w, "process", None) is not None and w.process.pid
            ]
        except BaseException:
            self.stop()
            raise
        return self

    def client(self) -> Client:
        """A ``distributed.Client`` on this cluster (the one kept open by the cluster)."""
        if self._client is None:
            raise RuntimeError("the Dask cluster is not started")
        return self._client

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Close the cluster; wait for its worker processes to end, kill any left; clean up."""
        client, cluster, self._client, self._cluster = self._client, self._cluster, None, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=timeout)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=timeout)
        _end_processes(self._pids, timeout)
        self._pids = []
        shutil.rmtree(self.local_directory / "dask-scratch-space", ignore_errors=True)

    def __enter__(self) -> DaskLocalCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def _environ(variables: Mapping[str, str]) -> Iterator[None]:
    """Set ``variables`` in this process's environment for a while, then restore it."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _end_processes(pids: list[int], timeout: float) -> None:
    processes = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            processes.append(psutil.Process(pid))
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=5)


class DaskScheduler:
    """An existing Dask scheduler that a job connects to; Studio never stops it.

    It offers the same ``scheduler_address``, ``dashboard_url``, ``environment()``, ``client()``
    and context manager as :class:`DaskLocalCluster`; ``stop()`` only closes the connection.
    """

    def __init__(self, address: str, *, start_timeout: float = 30.0) -> None:
        if not isinstance(address, str) or ("://" not in address and ":" not in address):
            raise ValueError(
                f"a Dask scheduler address looks like 'tcp://host:8786' (got {address!r})"
            )
        self.address = address if "://" in address else f"tcp://{address}"
        self.start_timeout = start_timeout
        self._client: Client | None = None

    @property
    def scheduler_address(self) -> str:
        """The scheduler's address, as given."""
        return self.address

    @property
    def dashboard_url(self) -> str | None:
        """The scheduler's dashboard, as it reports it (None before ``start()`` or without one)."""
        if self._client is None:
            return None
        try:
            return str(self._client.dashboard_link) or None
        except Exception:
            return None

    def environment(self) -> dict[str, str]:
        """Variables that point a job's ``distributed.Client()`` at this scheduler."""
        return {"DASK_SCHEDULER_ADDRESS": self.address}

    def start(self, timeout: float | None = None) -> DaskScheduler:
        """Connect; raise ``OSError`` with the address when the scheduler does not answer."""
        if self._client is not None:
            return self
        distributed = _distributed()
        timeout = self.start_timeout if timeout is None else timeout
        began = time.monotonic()
        try:
            self._client = distributed.Client(self.address, timeout=f"{timeout:.0f}s")
        except (OSError, TimeoutError) as error:
            raise OSError(
                f"no Dask scheduler answered at {self.address} within "
                f"{time.monotonic() - began:.0f} s: {error}"
            ) from error
        return self

    def client(self) -> Client:
        """The connection opened by ``start()``."""
        if self._client is None:
            raise RuntimeError("not connected to the Dask scheduler")
        return self._client

    def stop(self) -> None:
        """Close the connection (the scheduler and its workers keep running)."""
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()

    def __enter__(self) -> DaskScheduler:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
