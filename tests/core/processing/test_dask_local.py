"""A Dask cluster per job: local worker processes that compute and are gone after stop."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from jupyter_studio.core.processes import package_env
from jupyter_studio.core.processing.dask_local import DaskLocalCluster, DaskScheduler
from tests.support import LONG_WAIT, SHORT_WAIT, wait_until

pytest.importorskip("distributed")

pytestmark = pytest.mark.timeout(600)


def running(pids: list[int]) -> list[int]:
    """The pids that still belong to a live (non-zombie) process."""
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.Error:
            continue
    return alive


def test_two_workers_compute_then_stop_leaves_no_worker(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    local = tmp_path / "scratch"
    cluster = DaskLocalCluster(2, threads_per_worker=1, memory_limit="1GiB", local_directory=local)
    with cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        assert cluster.environment() == {"DASK_SCHEDULER_ADDRESS": cluster.scheduler_address}
        client = cluster.client()
        assert len(client.scheduler_info()["workers"]) == 2
        pids = cluster.pids
        assert len(running(pids)) == 2
        # The workers are processes of their own, each with its scratch space in local_directory.
        hosts = client.run(lambda dask_worker: dask_worker.local_directory)
        assert all(str(local) in folder for folder in hosts.values())
        frame = pd.DataFrame({"key": [i % 3 for i in range(300)], "value": range(300)})
        totals = dd.from_pandas(frame, npartitions=4).groupby("key").value.sum().compute()
        assert totals.to_dict() == frame.groupby("key").value.sum().to_dict()
        assert client.submit(sum, range(10)).result() == 45
    assert running(pids) == []
    assert not (local / "dask-scratch-space").exists()
    cluster.stop()  # a second stop is harmless


def test_dashboard_on_a_free_local_port(tmp_path: Path) -> None:
    pytest.importorskip("bokeh")
    import urllib.request

    with DaskLocalCluster(1, local_directory=tmp_path) as cluster:
        url = cluster.dashboard_url
        assert url is not None and url.startswith("http://127.0.0.1:")
        assert ":8787" not in url
        with urllib.request.urlopen(url, timeout=SHORT_WAIT) as response:
            assert response.status == 200


def test_connect_to_an_existing_scheduler_never_stops_it(tmp_path: Path) -> None:
    with DaskLocalCluster(1, local_directory=tmp_path) as cluster:
        with DaskScheduler(cluster.scheduler_address) as scheduler:
            assert scheduler.environment() == {"DASK_SCHEDULER_ADDRESS": cluster.scheduler_address}
            assert scheduler.client().submit(pow, 2, 10).result() == 1024
        # Closing the connection left the scheduler and its worker running.
        assert cluster.client().submit(pow, 3, 2).result() == 9
        assert len(running(cluster.pids)) == 1


def test_connect_to_a_scheduler_that_does_not_answer(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(OSError, match=f"no Dask scheduler answered at tcp://127.0.0.1:{port}"):
        DaskScheduler(f"127.0.0.1:{port}", start_timeout=3).start()


def test_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="workers must be a whole number of at least 1"):
        DaskLocalCluster(0, local_directory=tmp_path)
    with pytest.raises(ValueError, match="threads_per_worker must be at least 1"):
        DaskLocalCluster(1, threads_per_worker=0, local_directory=tmp_path)
    with pytest.raises(ValueError, match="tcp://host:8786"):
        DaskScheduler("nowhere")


OWNER_SCRIPT = """\
import sys, time
from pathlib import Path
from jupyter_studio.core.processing.dask_local import DaskLocalCluster

if __name__ == "__main__":
    cluster = DaskLocalCluster(2, local_directory=Path(sys.argv[1])).start()
    print("WORKERS", *cluster.pids, flush=True)
    time.sleep(3600)
"""


def test_workers_end_when_the_owner_is_killed(tmp_path: Path) -> None:
    (tmp_path / "owner.py").write_text(OWNER_SCRIPT)
    owner = subprocess.Popen(
        [sys.executable, str(tmp_path / "owner.py"), str(tmp_path / "scratch")],
        env=package_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in iter(owner.stdout.readline, ""):  # type: ignore[union-attr]
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []

    def workers() -> list[int]:
        while not lines.empty():
            seen.append(lines.get())
        assert owner.poll() is None, "\n".join(seen[-40:])
        started = [line for line in seen if line.startswith("WORKERS ")]
        return [int(pid) for pid in started[0].split()[1:]] if started else []

    try:
        pids = wait_until(workers, timeout=LONG_WAIT, what="the Dask workers")
        assert len(running(pids)) == 2
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=SHORT_WAIT)
        wait_until(lambda: running(pids) == [], what="the orphaned Dask workers ending")
    finally:
        if owner.poll() is None:
            owner.kill()
