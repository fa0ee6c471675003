"""A group-by + join as a PySpark job, a Dask job and a Polars job. Run:
python benchmarks/processing/groupby_join.py [--rows 20000000]

Generates ``--rows`` sales rows (customer, amount) and a customer table (customer, region; one
customer per 20 rows) once, as Parquet files in a temporary folder, then runs the same query (the
sales joined to their customers' region, summed and counted per region) as three processor jobs
of a temporary Studio: ``PySparkProcessor`` on a standalone cluster of 2 workers (1 core and
``--spark-memory`` each), ``DaskProcessor`` with 2 worker processes of 1 thread, and a
``ScriptProcessor`` running Polars in one process. Each job reads the Parquet files where they
are (given as an argument, no input copy).

Printed per job: the wall time of the job (queued to ended: worker start, cluster start and stop
included), the query's own time inside the job (read + join + group-by, measured by the script),
and the peak memory: the sum of the resident set sizes of the job's worker process and all its
descendants (cluster JVMs, executors, Dask workers, the script), sampled with psutil every 0.2 s.
The three results must agree (a check is printed). Numbers depend on what else runs here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from jupyter_studio.core.jobs.schemas import JobStatus  # noqa: E402
from jupyter_studio.core.studio import Studio  # noqa: E402
from jupyter_studio.processing import (  # noqa: E402
    DaskProcessor,
    PySparkProcessor,
    ScriptProcessor,
)

SPARK_APP = """\
import sys, time
from pyspark.sql import SparkSession, functions as F

data = sys.argv[1]
spark = SparkSession.builder.appName("groupby-join").getOrCreate()
began = time.perf_counter()
sales = spark.read.parquet(f"{data}/sales")
customers = spark.read.parquet(f"{data}/customers")
rows = (
    sales.join(customers, "customer")
    .groupBy("region")
    .agg(F.sum("amount").alias("total"), F.count("*").alias("n"))
    .collect()
)
print("QUERY_SECONDS", time.perf_counter() - began)
print("RESULT", len(rows), round(sum(r["total"] for r in rows), 2), sum(r["n"] for r in rows))
spark.stop()
"""

DASK_SCRIPT = """\
import sys, time
import dask.dataframe as dd
from distributed import Client

if __name__ == "__main__":
    data = sys.argv[1]
    client = Client()
    began = time.perf_counter()
    sales = dd.read_parquet(f"{data}/sales")
    customers = dd.read_parquet(f"{data}/customers")
    result = (
        sales.merge(customers, on="customer")
        .groupby("region")["amount"]
        .agg(["sum", "count"])
        .compute()
    )
    print("QUERY_SECONDS", time.perf_counter() - began)
    print("RESULT", len(result), round(float(result["sum"].sum()), 2), int(result["count"].sum()))
"""

POLARS_SCRIPT = """\
import sys, time
import polars as pl

data = sys.argv[1]
began = time.perf_counter()
result = (
    pl.scan_parquet(f"{data}/sales/*.parquet")
    .join(pl.scan_parquet(f"{data}/customers/*.parquet"), on="customer")
    .group_by("region")
    .agg(pl.col("amount").sum().alias("total"), pl.len().alias("n"))
    .collect()
)
print("QUERY_SECONDS", time.perf_counter() - began)
print("RESULT", result.height, round(result["total"].sum(), 2), int(result["n"].sum()))
"""


def generate(folder: Path, rows: int, parts: int = 8) -> None:
    """``rows`` sales in ``parts`` Parquet files and their customers' table, seeded."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(18)
    customers = max(1, rows // 20)
    (folder / "sales").mkdir(parents=True)
    (folder / "customers").mkdir()
    pl.DataFrame(
        {
            "customer": np.arange(customers, dtype=np.int64),
            "region": [f"region-{i:02d}" for i in rng.integers(0, 50, customers)],
        }
    ).write_parquet(folder / "customers" / "part-0.parquet")
    step = -(-rows // parts)
    for part, start in enumerate(range(0, rows, step)):
        count = min(step, rows - start)
        pl.DataFrame(
            {
                "customer": rng.integers(0, customers, count, dtype=np.int64),
                "amount": np.round(rng.random(count) * 100, 2),
            }
        ).write_parquet(folder / "sales" / f"part-{part}.parquet")


@dataclass
class Result:
    name: str
    status: str
    wall: float
    query: float | None
    peak_rss: int
    result: str


class PeakMemory:
    """Samples the summed RSS of a job's worker process and its descendants."""

    def __init__(self, studio: Studio, job_id: str):
        self.studio, self.job_id, self.peak = studio, job_id, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        root: psutil.Process | None = None
        while not self._done.wait(0.2):
            if root is None:
                pid = self.studio.jobs._row(self.studio.caller(), self.job_id).pid
                if pid is None:
                    continue
                try:
                    root = psutil.Process(pid)
                except psutil.Error:
                    return
            total = 0
            try:
                family = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            for proc in family:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        self._done.set()
        self._thread.join(timeout=5)
        return self.peak


def run_job(studio: Studio, name: str, processor: Any, script: str, data: Path) -> Result:
    """Run one job to its end, measuring wall time and peak memory."""
    began = time.perf_counter()
    job = processor.run(script, arguments=[str(data)], wait=False)
    sampler = PeakMemory(studio, job.job_id)
    job = studio.wait(job.job_id, timeout=3 * 3600)
    wall = time.perf_counter() - began
    peak = sampler.stop()
    log = studio.job_logs(job.job_id).content
    query = next(
        (float(line.split()[1]) for line in log.splitlines() if line.startswith("QUERY_SECONDS")),
        None,
    )
    result = next((line[7:] for line in log.splitlines() if line.startswith("RESULT ")), "")
    if job.status != JobStatus.COMPLETED:
        print(f"--- {name} ended {job.status.value}: {job.status_message}\n{log[-3000:]}")
    return Result(name, job.status.value, wall, query, peak, result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000, help="sales rows (20M)")
    parser.add_argument("--spark-memory", default="2g", help="memory of each Spark worker")
    parser.add_argument(
        "--only", choices=["pyspark", "dask", "polars"], action="append", help="run only these"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="studio-groupby-join-") as tmp:
        root = Path(tmp)
        began = time.perf_counter()
        generate(root / "data", args.rows)
        generated = time.perf_counter() - began
        size = sum(p.stat().st_size for p in (root / "data").rglob("*.parquet"))
        files = root / "files"
        for name, text in (("spark_app.py", SPARK_APP), ("dask_job.py", DASK_SCRIPT)):
            (files / name).parent.mkdir(parents=True, exist_ok=True)
            (files / name).write_text(text)
        (files / "polars_job.py").write_text(POLARS_SCRIPT)
        studio = Studio(contents_root=str(files), poll_interval=0.2, default_user="bench")
        studio.start()
        common = {"studio": studio, "max_runtime_in_seconds": 3 * 3600}
        jobs = {
            "pyspark": (
                "PySpark, standalone, 2 workers",
                PySparkProcessor(instance_count=2, memory_per_worker=args.spark_memory, **common),
                "spark_app.py",
            ),
            "dask": (
                "Dask, 2 worker processes",
                DaskProcessor(instance_count=2, **common),
                "dask_job.py",
            ),
            "polars": ("Polars, 1 process", ScriptProcessor(**common), "polars_job.py"),
        }
        results = []
        try:
            for key, (name, processor, script) in jobs.items():
                if args.only and key not in args.only:
                    continue
                results.append(run_job(studio, name, processor, script, root / "data"))
        finally:
            studio.close()
    print_table(args.rows, size, generated, results)


def print_table(rows: int, size: int, generated: float, results: list[Result]) -> None:
    load = os.getloadavg()
    print(
        f"\n{rows:,} rows ({size / 2**20:.0f} MB of Parquet, generated in {generated:.1f} s); "
        f"{os.cpu_count()} cores; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end\n"
    )
    print("| Job | status | wall time (s) | query in the job (s) | peak RSS, all processes (MB) |")
    print("|---|---|---:|---:|---:|")
    for r in results:
        query = f"{r.query:.1f}" if r.query is not None else "-"
        print(f"| {r.name} | {r.status} | {r.wall:.1f} | {query} | {r.peak_rss / 2**20:.0f} |")
    answers = {r.result for r in results if r.result}
    print(
        "\nresults agree: "
        + ("yes" if len(answers) == 1 else "NO")
        + "".join(f"\n  {r.name}: {r.result}" for r in results)
    )


if __name__ == "__main__":
    main()
