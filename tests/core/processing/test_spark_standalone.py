"""A real Spark standalone cluster per job: it starts, runs a PySpark app, stops, and leaves no JVM.

Other Java processes may run on the machine: the tests count only the processes in the cluster's
recorded process groups, and Java processes whose command line or folder is the cluster's.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import psutil
import pytest

from jupyter_studio.core.processes import package_env
from jupyter_studio.core.processing.spark_standalone import (
    RecordedProcess,
    SparkStandaloneCluster,
    SparkUnavailableError,
    java_executable,
    spark_home,
    stop_recorded,
)
from tests.support import LONG_WAIT, wait_until

T = TypeVar("T")


def _spark_missing() -> str:
    try:
        spark_home()
        java_executable()
    except SparkUnavailableError as missing:  # pragma: no cover - depends on the machine
        return str(missing)
    return ""


def real_spark(test: T) -> T:
    """Mark a test that starts a real cluster: slow (JVMs on 2 busy cores), only where Spark runs."""
    missing = _spark_missing()
    marks = [pytest.mark.slow, pytest.mark.timeout(900)]
    marks.append(pytest.mark.skipif(bool(missing), reason=missing or "Spark can run here"))
    for mark in marks:
        test = mark(test)
    return test


GROUP_BY_APP = """\
import json, sys
from pyspark.sql import SparkSession, functions as F

spark = SparkSession.builder.appName("studio-test-group-by").getOrCreate()
frame = spark.read.csv(sys.argv[1], header=True, inferSchema=True)
rows = frame.groupBy("city").agg(F.sum("amount").alias("total"), F.count("*").alias("n")).collect()
result = {row["city"]: [row["total"], row["n"]] for row in rows}
executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1
open(sys.argv[2], "w").write(json.dumps({"result": result, "executors": executors}))
print("GROUP-BY DONE", flush=True)
spark.stop()
"""

FAILING_APP = """\
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("studio-test-failing").getOrCreate()
spark.range(10).count()
raise ValueError("boom from the Spark app")
"""

OWNER_SCRIPT = """\
import sys, time
from pathlib import Path
from jupyter_studio.core.processing.spark_standalone import SparkStandaloneCluster

work, logs, record, app = map(Path, sys.argv[1:5])
cluster = SparkStandaloneCluster(1, work_dir=work, log_dir=logs, record_path=record)
cluster.start()
print("CLUSTER", cluster.master_url, flush=True)
cluster.submit(app, log=lambda line: print(line, flush=True))
"""

RUNNING_APP = """\
import time
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("studio-test-killed-owner").getOrCreate()
spark.range(100).count()
print("APP RUNNING", flush=True)
time.sleep(3600)
"""


def cluster_processes(work_dir: Path, groups: set[int]) -> list[psutil.Process]:
    """Live processes of the cluster: in its process groups, or Java with its folder."""
    found = []
    for proc in psutil.process_iter(["pid", "name", "cmdline", "cwd", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            in_group = os.getpgid(proc.pid) in groups
            is_java = proc.info["name"] == "java"
            mentions = str(work_dir) in " ".join(proc.info["cmdline"] or []) or str(
                proc.info["cwd"] or ""
            ).startswith(str(work_dir))
            if in_group or (is_java and mentions):
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


def get_url(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def java_count(work_dir: Path, groups: set[int]) -> int:
    return sum(1 for p in cluster_processes(work_dir, groups) if p.info["name"] == "java")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkStandaloneCluster]:
    root = tmp_path_factory.mktemp("spark")
    spark = SparkStandaloneCluster(
        2,
        cores_per_worker=1,
        memory_per_worker="1g",
        work_dir=root / "work",
        log_dir=root / "logs",
        record_path=root / "cluster.json",
    )
    spark.start(timeout=LONG_WAIT)
    groups = {p.pgid for p in spark.processes}
    yield spark
    spark.stop()
    assert java_count(spark.work_dir, groups) == 0


@real_spark
def test_two_workers_alive_and_recorded(cluster: SparkStandaloneCluster) -> None:
    assert cluster.master_url.startswith("spark://127.0.0.1:")
    status = json.loads(get_url(f"{cluster.ui_url}/json/"))
    assert status["status"] == "ALIVE"
    assert status["url"] == cluster.master_url
    assert [w["state"] for w in status["workers"]] == ["ALIVE", "ALIVE"]
    record = json.loads(cluster.record_path.read_text())  # type: ignore[union-attr]
    assert [p["role"] for p in record["processes"]] == ["master", "worker-1", "worker-2"]
    assert {p["pid"] for p in record["processes"]} == set(cluster.pids)
    assert java_count(cluster.work_dir, {p.pgid for p in cluster.processes}) == 3


@real_spark
def test_group_by_app_runs_on_the_cluster(cluster: SparkStandaloneCluster, tmp_path: Path) -> None:
    data = tmp_path / "sales.csv"
    lines = ["city,amount"]
    expected: dict[str, list[int]] = {}
    for i in range(300):
        city, amount = ["Lyon", "Oslo", "Porto"][i % 3], i
        lines.append(f"{city},{amount}")
        total, n = expected.get(city, [0, 0])
        expected[city] = [total + amount, n + 1]
    data.write_text("\n".join(lines) + "\n")
    app = tmp_path / "group_by.py"
    app.write_text(GROUP_BY_APP)
    out = tmp_path / "result.json"
    log: list[str] = []
    code = cluster.submit(app, [str(data), str(out)], log=log.append, timeout=LONG_WAIT)
    assert code == 0, "\n".join(log[-40:])
    assert "GROUP-BY DONE" in log
    result = json.loads(out.read_text())
    assert result["result"] == expected
    # Both workers ran an executor (the driver waits for all of them before its first job).
    assert result["executors"] == 2
    # The driver is forgotten once it ended: the record holds the cluster's own processes.
    assert [p.role for p in cluster.processes] == ["master", "worker-1", "worker-2"]


@real_spark
def test_failing_app_exits_non_zero_with_its_traceback(
    cluster: SparkStandaloneCluster, tmp_path: Path
) -> None:
    app = tmp_path / "failing.py"
    app.write_text(FAILING_APP)
    log: list[str] = []
    code = cluster.submit(app, log=log.append, timeout=LONG_WAIT)
    text = "\n".join(log)
    assert code != 0
    assert "Traceback (most recent call last)" in text
    assert "ValueError: boom from the Spark app" in text


@real_spark
def test_an_app_that_never_ends_is_stopped_after_its_timeout(
    cluster: SparkStandaloneCluster, tmp_path: Path
) -> None:
    app = tmp_path / "forever.py"
    app.write_text("import time\nprint('SLEEPING', flush=True)\ntime.sleep(3600)\n")
    drivers: list[int] = []
    original = cluster._spawn

    def spawn(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        child = original(*args, **kwargs)  # type: ignore[arg-type]
        drivers.append(child.pid)
        return child

    cluster._spawn = spawn  # type: ignore[method-assign]
    try:
        with pytest.raises(TimeoutError, match="did not end within 20 s and was stopped"):
            cluster.submit(app, timeout=20)
    finally:
        del cluster._spawn
    assert [p.role for p in cluster.processes] == ["master", "worker-1", "worker-2"]
    # The driver's JVM and the app's Python it started are gone.
    assert cluster_processes(tmp_path / "nowhere", set(drivers)) == []


@real_spark
def test_stop_leaves_no_java_process(cluster: SparkStandaloneCluster) -> None:
    groups = {p.pgid for p in cluster.processes}
    work_dir, log_dir = cluster.work_dir, cluster.log_dir
    local_dirs = cluster.local_dirs
    assert java_count(work_dir, groups) >= 3
    cluster.stop()
    assert cluster_processes(work_dir, groups) == []
    assert not any(d.exists() for d in local_dirs)
    assert not cluster.record_path.exists()  # type: ignore[union-attr]
    # Executor logs outlive the scratch space: they are kept next to the daemons' logs.
    assert list((log_dir / "executors").glob("app-*/worker-*-executor-*-stderr.log"))
    assert (log_dir / "master.log").read_text().count("Registering worker") == 2
    cluster.stop()  # a second stop is harmless


def _read_lines(stream: object, lines: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        lines.put(line.rstrip("\n"))


@real_spark
def test_kill_9_of_the_owner_then_stop_recorded_leaves_nothing(tmp_path: Path) -> None:
    work, logs, record = tmp_path / "work", tmp_path / "logs", tmp_path / "cluster.json"
    (tmp_path / "owner.py").write_text(OWNER_SCRIPT)
    (tmp_path / "app.py").write_text(RUNNING_APP)
    owner = subprocess.Popen(
        [sys.executable, str(tmp_path / "owner.py"), str(work), str(logs), str(record)]
        + [str(tmp_path / "app.py")],
        env=package_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(owner.stdout, lines), daemon=True).start()
    seen: list[str] = []

    def app_running() -> bool:
        while not lines.empty():
            seen.append(lines.get())
        assert owner.poll() is None, "\n".join(seen[-40:])
        return "APP RUNNING" in seen

    try:
        wait_until(app_running, timeout=2 * LONG_WAIT, what="the app running on the cluster")
        recorded = [RecordedProcess(**p) for p in json.loads(record.read_text())["processes"]]
        assert [p.role for p in recorded] == ["master", "worker-1", "driver"]
        groups = {p.pgid for p in recorded}
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=60)
        # As if the owner died in the instant between starting the driver and recording it:
        # the driver's group is found by its JVM working in the cluster's folder.
        data = json.loads(record.read_text())
        data["processes"] = [p for p in data["processes"] if p["role"] != "driver"]
        record.write_text(json.dumps(data))
        # Nothing stopped them: master, worker, executor and the driver's JVM outlive their owner.
        assert java_count(work, groups) >= 4
        assert stop_recorded(record, grace=10) >= 4
        assert cluster_processes(work, groups) == []
        assert not record.exists()
        assert not (work / "local").exists()
    finally:
        if owner.poll() is None:
            owner.kill()
        if record.exists():
            stop_recorded(record, grace=2)


def test_workers_must_be_at_least_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="workers must be a whole number of at least 1"):
        SparkStandaloneCluster(0, work_dir=tmp_path, log_dir=tmp_path)
    with pytest.raises(ValueError, match="memory_per_worker"):
        SparkStandaloneCluster(1, memory_per_worker="lots", work_dir=tmp_path, log_dir=tmp_path)


def test_stop_recorded_without_a_record_is_a_no_op(tmp_path: Path) -> None:
    assert stop_recorded(tmp_path / "missing.json") == 0


def test_without_pyspark_a_clear_error_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "pyspark" else real_find_spec(name, *args),
    )
    cluster = SparkStandaloneCluster(1, work_dir=tmp_path / "work", log_dir=tmp_path / "logs")
    with pytest.raises(SparkUnavailableError, match=r"pip install pyspark"):
        cluster.start()
    assert cluster.processes == []


def test_the_module_imports_without_importing_pyspark() -> None:
    code = (
        "import sys, jupyter_studio.core.processing.spark_standalone, "
        "jupyter_studio.core.processing.dask_local\n"
        "assert 'pyspark' not in sys.modules and 'distributed' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], env=package_env(), check=True, timeout=120)


def test_without_java_a_clear_error_says_how_to_get_java_17(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SparkUnavailableError, match=r"Java 17.*openjdk-17-jre-headless"):
        java_executable()
    old = tmp_path / "java"
    old.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    old.chmod(0o755)
    with pytest.raises(SparkUnavailableError, match=r"is Java 11\). Install a Java 17"):
        java_executable()
