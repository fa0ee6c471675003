"""Start and stop time of the per-job clusters. Run: python benchmarks/processing/clusters.py

Starts and stops a Spark standalone cluster (master + 2 workers, 1 core and 1g each) and a Dask
local cluster (2 worker processes, 1 thread each) ``--repeat`` times and prints one table: start is
until every worker is ALIVE (Spark) or has joined the scheduler (Dask); stop is until every process
of the cluster has ended. Numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from jupyter_studio.core.processing.dask_local import DaskLocalCluster  # noqa: E402
from jupyter_studio.core.processing.spark_standalone import SparkStandaloneCluster  # noqa: E402

#: The issue's aims for the start time (seconds).
AIMS = {"Spark standalone": 15.0, "Dask local": 5.0}


def measure(make: Callable[[Path], object], repeat: int) -> tuple[list[float], list[float]]:
    """Start and stop times (seconds) of ``repeat`` clusters made by ``make(folder)``."""
    starts, stops = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="studio-bench-") as tmp:
            cluster = make(Path(tmp))
            began = time.perf_counter()
            cluster.start()  # type: ignore[attr-defined]
            starts.append(time.perf_counter() - began)
            began = time.perf_counter()
            cluster.stop()  # type: ignore[attr-defined]
            stops.append(time.perf_counter() - began)
    return starts, stops


def spark(folder: Path) -> SparkStandaloneCluster:
    """Spark standalone: a master and 2 workers of 1 core and 1g."""
    return SparkStandaloneCluster(
        2, cores_per_worker=1, memory_per_worker="1g", work_dir=folder / "work", log_dir=folder
    )


def dask(folder: Path) -> DaskLocalCluster:
    """Dask: 2 worker processes of 1 thread."""
    return DaskLocalCluster(2, threads_per_worker=1, local_directory=folder)


def main() -> None:
    """Measure both clusters and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="clusters started per system")
    repeat = parser.parse_args().repeat
    rows = []
    for name, make in (("Spark standalone", spark), ("Dask local", dask)):
        starts, stops = measure(make, repeat)
        rows.append((name, statistics.median(starts), min(starts), statistics.median(stops)))
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.1f} at the end, {repeat} run(s) each\n")
    print("| Cluster (2 workers) | start, median (s) | start, best (s) | aim (s) | stop (s) |")
    print("|---|---:|---:|---:|---:|")
    for name, start, best, stop in rows:
        print(f"| {name} | {start:.1f} | {best:.1f} | < {AIMS[name]:g} | {stop:.1f} |")


if __name__ == "__main__":
    main()
