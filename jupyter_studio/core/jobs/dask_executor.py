"""Run job workers on a Dask cluster instead of local processes.

``c.Studio.executor_class = "jupyter_studio.core.jobs.dask_executor.DaskExecutor"`` and
``c.DaskExecutor.scheduler_address = "tcp://scheduler:8786"`` (empty: a local cluster of
worker processes). The job code is the same :func:`~.worker.run_job`; it records state in
the shared metadata store, notices stop requests there and beats a heartbeat, so the
runner can follow jobs it cannot see as processes. Dask workers need the same
filesystem (the domain root) and access to the same store (use PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from traitlets import Int, Unicode

from .executors import Executor, LaunchedProcess
from .tables import JobRow
from .worker import run_job


def _run_job_in_dask(db_url: str, job_id: str) -> str:
    return run_job(db_url, job_id, in_main_thread=False)


class DaskExecutor(Executor):
    """Submits each job to a Dask cluster as one task."""

    name = "dask"
    scheduler_address = Unicode(
        "", config=True, help="Address of a running Dask scheduler; empty starts a local cluster."
    )
    local_workers = Int(
        2, config=True, help="Worker processes of the local cluster (when no address is set)."
    )

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._client: Any = None
        self._cluster: Any = None
        self._futures: dict[str, Any] = {}

    @property
    def client(self) -> Any:
        if self._client is None:
            from distributed import Client, LocalCluster

            if self.scheduler_address:
                self._client = Client(self.scheduler_address)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.local_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)
        return self._client

    def launch(self, job_id: str, db_url: str, job_dir: Path) -> LaunchedProcess:
        future = self.client.submit(
            _run_job_in_dask, db_url, job_id, key=f"studio-job-{job_id}", pure=False
        )
        self._futures[job_id] = future
        return LaunchedProcess(pid=None, pid_started_at=None, host="")

    def is_alive(self, row: JobRow) -> bool | None:
        future = self._futures.get(row.job_id)
        if future is None:
            return None  # launched by an earlier server: follow its heartbeat
        if future.done():
            self._futures.pop(row.job_id, None)
            return False
        return True

    def terminate(self, row: JobRow) -> None:
        """Nothing to signal: the job sees the Stopping status in the store within a second."""

    def kill(self, row: JobRow) -> None:
        future = self._futures.pop(row.job_id, None)
        if future is not None:
            self.client.cancel(future, force=True)

    def shutdown(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None
