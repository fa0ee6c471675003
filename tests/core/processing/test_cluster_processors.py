"""PySparkProcessor and DaskProcessor: a cluster per job, inputs in, outputs out, nothing left.

The Spark tests start real standalone clusters (a master and JVM workers on 2 busy cores): they
are few, marked slow, and count the Java processes that mention the job's folder.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import psutil
import pytest

from jupyter_studio.core.errors import InvalidInput
from jupyter_studio.core.jobs.schemas import DescribeJob, JobStatus
from jupyter_studio.core.jobs.tracked import TRACKED_FILE, processes_in
from jupyter_studio.core.processing import spark_launcher
from jupyter_studio.core.studio import Studio
from jupyter_studio.processing import (
    DaskProcessor,
    ProcessingInput,
    ProcessingOutput,
    PySparkProcessor,
    spark_properties,
)
from tests.conftest import write_script
from tests.core.processing.test_spark_standalone import real_spark
from tests.support import LONG_WAIT, SHORT_WAIT, wait_until

SPARK_APP = """\
import sys
from pyspark.sql import SparkSession, functions as F

spark = SparkSession.builder.appName("studio-pyspark-processor").getOrCreate()
frame = spark.read.csv("/opt/ml/processing/input/sales", header=True, inferSchema=True)
totals = frame.groupBy("city").agg(F.sum("amount").alias("total")).orderBy("city")
totals.coalesce(1).write.csv("/opt/ml/processing/output/totals", header=True, mode="overwrite")
executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1
with open("/opt/ml/processing/output/report/executors.txt", "w") as handle:
    handle.write(f"{executors} {sys.argv[1:]}")
print("SPARK APP DONE", flush=True)
spark.stop()
"""

FAILING_SPARK_APP = """\
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
spark.range(10).count()
raise ValueError("boom from the PySpark job")
"""

RUNNING_SPARK_APP = """\
import time
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
spark.range(100).count()
print("APP RUNNING", flush=True)
time.sleep(3600)
"""

DASK_SCRIPT = """\
import os
import dask.dataframe as dd
from distributed import Client

if __name__ == "__main__":
    client = Client()  # DASK_SCHEDULER_ADDRESS points at the job's cluster
    workers = len(client.scheduler_info()["workers"])
    # fsspec's glob does not follow the container paths: name the files (the workers open them)
    folder = "/opt/ml/processing/input/sales"
    frame = dd.read_csv([f"{folder}/{name}" for name in sorted(os.listdir(folder))])
    totals = frame.groupby("city")["amount"].sum().compute().sort_index()
    totals.to_csv("/opt/ml/processing/output/totals/totals.csv")
    print("DASK WORKERS", workers, flush=True)
"""


def _sales(folder: Path) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    lines, expected = ["city,amount"], {}
    for i in range(300):
        city = ["Lyon", "Oslo", "Porto"][i % 3]
        lines.append(f"{city},{i}")
        expected[city] = expected.get(city, 0) + i
    (folder / "part-1.csv").write_text("\n".join(lines) + "\n")
    return expected


def _totals(folder: Path) -> dict[str, int]:
    rows = []
    for path in sorted(folder.glob("*.csv")):
        rows += path.read_text().splitlines()[1:]
    return {city: int(float(total)) for city, total in (row.split(",") for row in rows)}


def job_java(job_dir: Path) -> list[psutil.Process]:
    """Live Java processes whose command line or folder mentions the job's folder."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline", "cwd", "status"]):
        info = proc.info
        if info["name"] != "java" or info["status"] == psutil.STATUS_ZOMBIE:
            continue
        if str(job_dir) in " ".join(info["cmdline"] or []) or str(info["cwd"] or "").startswith(
            str(job_dir)
        ):
            found.append(proc)
    return found


def _job_dir(studio: Studio, job: DescribeJob) -> Path:
    return Path(studio.jobs._row(studio.caller(), job.job_id).job_dir)


def _no_java_left(job_dir: Path) -> None:
    wait_until(lambda: job_java(job_dir) == [], timeout=SHORT_WAIT, what="no JVM of the job left")
    assert not (job_dir / TRACKED_FILE).exists()


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("processor", [PySparkProcessor, DaskProcessor])
def test_instance_count_zero_or_above_the_maximum_is_refused(
    studio: Studio, contents_root: Path, processor: type
) -> None:
    write_script(contents_root, "app.py", "print('hi')\n")
    with pytest.raises(InvalidInput, match="at least 1 worker"):
        processor(instance_count=0, studio=studio).run("app.py", wait=False)
    with pytest.raises(InvalidInput, match=r"at most 4 .*Studio\.processing_max_instances"):
        processor(instance_count=5, studio=studio).run("app.py", wait=False)
    studio.processing_max_instances = 8
    spec = processor(instance_count=5, memory_per_worker="512m", studio=studio).spec("app.py")
    assert spec.instance_count == 5 and spec.memory_per_worker == "512m"
    with pytest.raises(InvalidInput, match="memory_per_worker"):
        processor(memory_per_worker="lots", studio=studio).spec("app.py")
    assert studio.list_jobs().total_count == 0


def test_spark_configuration_takes_the_sdk_form() -> None:
    sdk = [{"Classification": "spark-defaults", "Properties": {"spark.executor.cores": 1}}]
    assert spark_properties(sdk) == {"spark.executor.cores": "1"}
    assert spark_properties({"spark.sql.shuffle.partitions": "4"}) == {
        "spark.sql.shuffle.partitions": "4"
    }
    with pytest.raises(InvalidInput, match="only 'spark-defaults'"):
        spark_properties([{"Classification": "yarn-site", "Properties": {}}])


def test_spark_only_fields_are_refused_for_dask(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "app.py", "print('hi')\n")
    body = DaskProcessor(studio=studio).spec("app.py", spark_conf={"spark.x": "1"})
    with pytest.raises(InvalidInput, match="pyspark processor only"):
        studio.processing.create(studio.caller(), body)


def test_the_spark_launcher_maps_container_paths_in_path_arguments(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STUDIO_PROCESSING_ROOT", str(tmp_path))

    class Reader:
        def csv(self, path: object, schema: object = None, **options: object) -> object:
            return path, schema, options

    spark_launcher._wrap(Reader, "csv", spark_launcher._translator())
    reader = Reader()
    got = reader.csv("/opt/ml/processing/input/a.csv", "x INT", header=True)
    assert got == (f"{tmp_path}/input/a.csv", "x INT", {"header": True})
    assert reader.csv(path=["/opt/ml/processing/b", "s3://x/y"])[0] == [f"{tmp_path}/b", "s3://x/y"]
    assert reader.csv("/opt/ml/processingX")[0] == "/opt/ml/processingX"


# ---------------------------------------------------------------------------- Dask


@pytest.mark.slow
def test_dask_processor_runs_on_two_workers(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "group_by.py", DASK_SCRIPT)
    expected = _sales(contents_root / "sales")
    job = DaskProcessor(instance_count=2, base_job_name="dask-group-by", studio=studio).run(
        "group_by.py",
        inputs=[ProcessingInput(source="sales", input_name="sales")],
        outputs=[ProcessingOutput(output_name="totals", destination="results/dask")],
        logs=False,
    )
    log = studio.job_logs(job.job_id).content
    assert job.status == JobStatus.COMPLETED, log
    assert "DASK WORKERS 2" in log and "dashboard http://127.0.0.1:" in log
    assert _totals(contents_root / "results/dask") == expected
    job_dir = _job_dir(studio, job)
    assert not (job_dir / TRACKED_FILE).exists()
    assert not (job_dir / "dask" / "dask-scratch-space").exists()


@pytest.mark.slow
def test_a_dask_job_over_its_max_runtime_stops_with_its_cluster(
    studio: Studio, contents_root: Path
) -> None:
    write_script(
        contents_root,
        "forever.py",
        "import time\nprint('READY', flush=True)\ntime.sleep(600)\n",
    )
    studio.start()
    job = DaskProcessor(instance_count=2, max_runtime_in_seconds=20, studio=studio).run(
        "forever.py", wait=False
    )
    wait_until(
        lambda: "READY" in studio.job_logs(job.job_id).content, timeout=LONG_WAIT, what="READY"
    )
    log = studio.job_logs(job.job_id).content
    pids = [int(p) for p in re.findall(r"pids \[([\d, ]+)\]", log)[0].split(",")]
    assert len(pids) == 2 and all(psutil.pid_exists(pid) for pid in pids)
    wait_until(  # the worker saves its progress with its next heartbeat
        lambda: "dashboard: http://127.0.0.1:" in studio.get_job(job.job_id).progress_message,
        timeout=SHORT_WAIT,
        what="the dashboard in the progress message",
    )
    ended = studio.wait(job.job_id, timeout=LONG_WAIT)
    assert ended.status == JobStatus.STOPPED
    assert "Maximum runtime" in (ended.status_message or "")

    def gone(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    wait_until(lambda: all(gone(pid) for pid in pids), timeout=SHORT_WAIT, what="workers gone")


def test_dask_processor_with_an_unreachable_scheduler_fails(
    studio: Studio, contents_root: Path
) -> None:
    write_script(contents_root, "app.py", "print('hi')\n")
    studio.dask_scheduler_address = "tcp://127.0.0.1:9"
    job = DaskProcessor(studio=studio).run("app.py", logs=False)
    assert job.status == JobStatus.FAILED
    assert "The Dask cluster did not start" in (job.status_message or "")
    assert "tcp://127.0.0.1:9" in (job.status_message or "")


# ---------------------------------------------------------------------------- Spark


@real_spark
def test_pyspark_processor_with_two_workers(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "code/totals.py", SPARK_APP)
    expected = _sales(contents_root / "sales")
    processor = PySparkProcessor(
        instance_count=2, base_job_name="spark-totals", max_runtime_in_seconds=900, studio=studio
    )
    job = processor.run(
        submit_app="code/totals.py",
        inputs=[ProcessingInput(source="sales", input_name="sales")],
        outputs=[
            ProcessingOutput(output_name="totals", destination="results/spark"),
            ProcessingOutput(output_name="report"),
        ],
        arguments=["--day", "1"],
        configuration=[
            {"Classification": "spark-defaults", "Properties": {"spark.sql.shuffle.partitions": 4}}
        ],
        logs=False,
    )
    log = studio.job_logs(job.job_id).content
    assert job.status == JobStatus.COMPLETED, log[-5000:]
    assert _totals(contents_root / "results/spark") == expected
    job_dir = _job_dir(studio, job)
    assert (job_dir / "output/report/executors.txt").read_text() == "2 ['--day', '1']"
    assert "SPARK APP DONE" in log and "master UI http://127.0.0.1:" in log
    assert "executor log spark/logs/executors/" in log  # the executors' logs too
    _no_java_left(job_dir)
    assert not (job_dir / "spark/work/local").exists()


@real_spark
def test_a_failing_spark_app_fails_the_job_with_its_traceback(
    studio: Studio, contents_root: Path
) -> None:
    write_script(contents_root, "fail.py", FAILING_SPARK_APP)
    job = PySparkProcessor(instance_count=1, studio=studio).run("fail.py", logs=False)
    log = studio.job_logs(job.job_id).content
    assert job.status == JobStatus.FAILED
    assert "ValueError: boom from the PySpark job" in (job.status_message or ""), log[-3000:]
    assert "Traceback (most recent call last)" in log
    _no_java_left(_job_dir(studio, job))


def _running_spark_job(studio: Studio, contents_root: Path) -> tuple[DescribeJob, Path]:
    write_script(contents_root, "forever.py", RUNNING_SPARK_APP)
    job = PySparkProcessor(instance_count=1, studio=studio).run("forever.py", wait=False)
    wait_until(
        lambda: "APP RUNNING" in studio.job_logs(job.job_id).content,
        timeout=LONG_WAIT,
        what="the Spark app running",
    )
    wait_until(  # the worker saves its progress with its next heartbeat
        lambda: "Spark master UI: http://" in studio.get_job(job.job_id).progress_message,
        timeout=SHORT_WAIT,
        what="the master UI in the progress message",
    )
    job_dir = _job_dir(studio, job)
    assert len(job_java(job_dir)) >= 3  # master, worker, executor (and the driver)
    return job, job_dir


@real_spark
def test_stopping_a_pyspark_job_leaves_no_jvm(studio: Studio, contents_root: Path) -> None:
    studio.start()
    job, job_dir = _running_spark_job(studio, contents_root)
    studio.stop_job(job.job_id)
    assert studio.wait(job.job_id, timeout=LONG_WAIT).status == JobStatus.STOPPED
    _no_java_left(job_dir)


@real_spark
def test_kill_9_of_a_pyspark_worker_process_leaves_no_jvm(
    studio: Studio, contents_root: Path
) -> None:
    studio.start()
    job, job_dir = _running_spark_job(studio, contents_root)
    # Every JVM of the job (master, worker, executor, driver) is found by its folder as well, so
    # one started in the instant before it was recorded in processes.json is killed too.
    by_folder = {p.pid for p in processes_in([str(job_dir / "spark" / "work")], ["java"])}
    assert {p.pid for p in job_java(job_dir)} <= by_folder
    row = studio.jobs._row(studio.caller(), job.job_id)
    os.kill(row.pid, signal.SIGKILL)
    failed = studio.wait(job.job_id, timeout=LONG_WAIT)
    assert failed.status == JobStatus.FAILED and "killed by SIGKILL" in (
        failed.status_message or ""
    )
    _no_java_left(job_dir)
