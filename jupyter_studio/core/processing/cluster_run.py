"""The ``pyspark`` and ``dask`` processors: a cluster started for the job, the code run on it.

Server side, :func:`prepare_cluster` checks a request: ``instance_count`` from 1 to the
administrator's ``Studio.processing_max_instances``, Spark (pyspark and Java 17) or
``dask.distributed`` installed, the ``submit_*`` files in the caller's files.

In the worker, :func:`run_pyspark` starts a Spark standalone master and ``instance_count``
workers in the job folder (``spark/``), submits the app through :mod:`.spark_launcher` (so
``/opt/ml/processing`` paths work in Spark's readers and writers), streams the driver's output
into the job log, stops the cluster when the app ends, fails, or the job is stopped (stop, max
runtime), then appends the executors' logs. :func:`run_dask` starts a local Dask cluster of
``instance_count`` worker processes (or connects to ``Studio.dask_scheduler_address``) and runs
the script with ``DASK_SCHEDULER_ADDRESS`` set, so ``distributed.Client()`` connects to it.

The cluster's processes are registered with :meth:`JobContext.track_processes`: when the worker
is killed (kill -9), the runner kills them; none is orphaned. The Spark master UI and the Dask
dashboard are shown in the job's progress message while the code runs (and in the log).
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import psutil

from ..errors import InvalidInput
from ..jobs.context import JobContext
from ..jobs.errors import JobFailed, JobStopped
from ..jobs.kinds import PrepareContext
from ..jobs.tracked import TrackedProcess
from .container_paths import ROOT_VARIABLE
from .schemas import DEFAULT_MAX_INSTANCES, ProcessorParameters

__all__ = ["prepare_cluster", "run_dask", "run_pyspark"]

LAUNCHER = Path(__file__).resolve().parent / "spark_launcher.py"
STARTUP_DIR = Path(__file__).resolve().parent / "startup"
#: Lines of each executor's log copied into the job log (the whole files stay in spark/logs).
EXECUTOR_LOG_LINES = 100
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")
#: A function that runs the job's script with extra environment variables.
RunScript = Callable[[Mapping[str, str]], None]


def max_instances(services: Any) -> int:
    """``Studio.processing_max_instances`` (the default when there is no Studio)."""
    value = getattr(services, "processing_max_instances", DEFAULT_MAX_INSTANCES)
    return int(value) if isinstance(value, int) else DEFAULT_MAX_INSTANCES


def check_instance_count(params: ProcessorParameters, maximum: int) -> None:
    """A 400 for a cluster of no worker, or of more than the administrator allows."""
    count = params.instance_count
    if count < 1:
        raise InvalidInput(
            f"instance_count is {count}: a {params.processor} processor needs at least 1 worker.",
            code="invalid_instance_count",
        )
    if count > maximum:
        raise InvalidInput(
            f"instance_count is {count}: at most {maximum} workers per job are allowed here "
            f"(the administrator's setting Studio.processing_max_instances).",
            code="instance_count_above_maximum",
        )


def _check_spark() -> None:
    from .spark_standalone import SparkUnavailableError, java_executable, spark_home

    try:
        spark_home()
        java_executable()
    except SparkUnavailableError as missing:
        raise InvalidInput(str(missing), code="spark_unavailable") from None


def prepare_cluster(params: ProcessorParameters, context: PrepareContext) -> dict[str, Any]:
    """Check a pyspark or dask request in the server; what the worker needs besides the code."""
    check_instance_count(params, max_instances(context.services))
    if params.processor == "pyspark":
        _check_spark()
        files = {
            what: [
                str(context.scope.resolve(path, what=what, must_exist=True, expect="file"))
                for path in getattr(params, what)
            ]
            for what in ("submit_py_files", "submit_files", "submit_jars")
        }
        return {"spark_files": files}
    if params.submit_py_files or params.submit_files or params.submit_jars or params.spark_conf:
        raise InvalidInput(
            "submit_py_files, submit_files, submit_jars and spark_conf are for the pyspark "
            "processor only.",
            code="invalid_parameters",
        )
    if importlib.util.find_spec("distributed") is None:
        from .dask_local import INSTALL_DASK

        raise InvalidInput(INSTALL_DASK, code="dask_unavailable")
    address = getattr(context.services, "dask_scheduler_address", "") or ""
    return {"dask_scheduler_address": address if isinstance(address, str) else ""}


def _stop_grace(context: JobContext) -> float:
    # The runner kills the worker grace_seconds after a stop request: stop the cluster before.
    return max(1.0, min(10.0, context.grace_seconds / 2))


class _DriverLog:
    """Each line the driver prints goes to the job log; keeps the last ones for the reason."""

    def __init__(self, context: JobContext):
        self.context = context
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.context.log.write_bytes((line + "\n").encode("utf-8", "replace"))
        self.lines.append(line)
        del self.lines[:-200]

    def reason(self) -> str:
        found = [line for line in self.lines if _EXCEPTION_LINE.match(line.strip())]
        last = found[-1] if found else next((x for x in reversed(self.lines) if x.strip()), "")
        return f": {last.strip()[:300]}" if last else ": see the log"


def _spark_command_files(context: JobContext) -> dict[str, str]:
    """spark-submit's --py-files, --files and --jars as Spark properties (comma separated)."""
    files = context.resolved.get("spark_files", {})
    properties = {
        "submit_py_files": "spark.submit.pyFiles",
        "submit_files": "spark.files",
        "submit_jars": "spark.jars",
    }
    conf = {}
    for what, key in properties.items():
        paths = files.get(what) or []
        missing = [p for p in paths if not Path(p).is_file()]
        if missing:
            raise JobFailed(f"The file {Path(missing[0]).name!r} ({what}) no longer exists.")
        if paths:
            conf[key] = ",".join(paths)
    return conf


def run_pyspark(
    context: JobContext, params: ProcessorParameters, code: Path, env: Mapping[str, str]
) -> None:
    """Start the job's Spark cluster, submit the app, stop the cluster (whatever happens)."""
    from .spark_standalone import SparkClusterError, SparkStandaloneCluster, SparkUnavailableError

    folder = context.job_dir / "spark"
    work = folder / "work"

    def track(processes: list[Any]) -> None:
        context.track_processes(
            "spark",
            [TrackedProcess(p.pgid, p.started_at, label=p.role) for p in processes],
            folders=[work] if processes else [],
            names=["java"],
            scratch=[work / "local"],
        )

    cluster = SparkStandaloneCluster(
        params.instance_count,
        params.cores_per_worker,
        (params.memory_per_worker or "1g").lower(),
        work_dir=work,
        log_dir=folder / "logs",
        stop_grace=_stop_grace(context),
        on_record=track,
        cancel=context.stop_event,
    )
    context.set_progress(
        0.05, f"starting a Spark cluster: a master and {params.instance_count} worker(s)"
    )
    context.log.studio(
        f"starting a Spark standalone cluster: {params.instance_count} worker(s) of "
        f"{params.cores_per_worker} core(s) and {cluster.memory_per_worker}; logs in spark/logs"
    )
    try:
        try:
            cluster.start()
        except SparkClusterError as exc:
            context.check_stop()
            raise JobFailed(f"The Spark cluster did not start: {exc}") from None
        except SparkUnavailableError as exc:
            raise JobFailed(str(exc)) from None
        _submit(context, params, cluster, code, env)
    finally:
        cluster.stop()
        _append_executor_logs(context, folder / "logs" / "executors")


def _submit(
    context: JobContext,
    params: ProcessorParameters,
    cluster: Any,
    code: Path,
    env: Mapping[str, str],
) -> None:
    message = (
        f"running on Spark ({params.instance_count} workers); Spark master UI: {cluster.ui_url}"
    )
    context.set_progress(0.1, message)
    context.log.studio(f"Spark master {cluster.master_url}, master UI {cluster.ui_url}")
    conf = {
        "spark.app.name": context.name,
        # As SPARK_LOCAL_DIRS says; on the driver's command line, it lets the runner find the
        # driver by its folder even if it was started in the instant before it was recorded.
        "spark.local.dir": str(cluster.work_dir / "local"),
        "spark.executorEnv.STUDIO_PROCESSING_ROOT": str(context.job_dir),
        "spark.executorEnv.PYTHONPATH": str(STARTUP_DIR),
        **_spark_command_files(context),
        **params.spark_conf,
    }
    log = _DriverLog(context)
    context.log.studio(f"spark-submit {code.name} " + " ".join(params.arguments))
    exit_code = cluster.submit(
        LAUNCHER,
        [str(code), *params.arguments],
        env=env,
        log=log,
        python=sys.executable,
        conf=conf,
        cwd=context.output_dir,
    )
    context.exit_code = exit_code
    if context.should_stop:
        raise JobStopped(context.stop_reason or "Stopped")
    if exit_code != 0:
        raise JobFailed(
            f"The Spark app exited with code {exit_code}{log.reason()}", exit_code=exit_code
        )


def _append_executor_logs(context: JobContext, folder: Path) -> None:
    """The end of each executor's stdout and stderr, in the job log."""
    for path in sorted(folder.glob("*/*.log")):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        if not any(line.strip() for line in lines):
            continue
        shown = lines[-EXECUTOR_LOG_LINES:]
        relative = path.relative_to(context.job_dir)
        more = f" (its last {len(shown)} of {len(lines)} lines)" if len(shown) < len(lines) else ""
        context.log.studio(f"executor log {relative}{more}:")
        context.log.write_bytes(("\n".join(shown) + "\n").encode("utf-8", "replace"))


def dask_memory(value: str | None) -> str | int:
    """Dask's memory_limit for a worker: bytes from '512m' or '2g'; 'auto' without a value."""
    if not value:
        return "auto"
    unit = {"m": 2**20, "g": 2**30}[value[-1].lower()]
    return int(value[:-1]) * unit


def run_dask(
    context: JobContext,
    params: ProcessorParameters,
    run_script: RunScript,
    env: Mapping[str, str],
) -> None:
    """Start the job's Dask cluster (or connect), run the script on it, stop the cluster.

    The local workers start with ``env`` (the script's additions: the container paths, so a
    task reading ``/opt/ml/processing/...`` finds the job's files as the script does).
    """
    from .dask_local import DaskLocalCluster, DaskScheduler, DaskUnavailableError

    address = context.resolved.get("dask_scheduler_address") or ""
    cluster: DaskLocalCluster | DaskScheduler
    if address:
        cluster = DaskScheduler(address)
        context.log.studio(
            f"connecting to the Dask scheduler {address} (Studio.dask_scheduler_address; "
            "instance_count does not apply)"
        )
    else:
        cluster = DaskLocalCluster(
            params.instance_count,
            threads_per_worker=params.cores_per_worker,
            memory_limit=dask_memory(params.memory_per_worker),
            local_directory=context.job_dir / "dask",
            env={k: env[k] for k in ("PYTHONPATH", ROOT_VARIABLE) if k in env},
        )
        context.log.studio(
            f"starting a local Dask cluster: {params.instance_count} worker process(es) of "
            f"{params.cores_per_worker} thread(s), memory limit {cluster.memory_limit}"
        )
    context.set_progress(0.05, "starting the Dask cluster")
    try:
        try:
            cluster.start()
        except (OSError, TimeoutError, DaskUnavailableError) as exc:
            raise JobFailed(f"The Dask cluster did not start: {exc}") from None
        if isinstance(cluster, DaskLocalCluster):
            context.track_processes("dask", _tracked(cluster.pids, "dask-worker"))
            context.log.studio(f"Dask worker processes: pids {cluster.pids}")
        dashboard = cluster.dashboard_url
        context.set_progress(
            0.1,
            f"running on Dask ({cluster.scheduler_address})"
            + (f"; dashboard: {dashboard}" if dashboard else ""),
        )
        context.log.studio(
            f"Dask scheduler {cluster.scheduler_address}"
            + (f", dashboard {dashboard}" if dashboard else "")
        )
        run_script(cluster.environment())
    finally:
        cluster.stop()
        context.track_processes("dask", [])


def _tracked(pids: list[int], label: str) -> list[TrackedProcess]:
    tracked = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            started = psutil.Process(pid).create_time()
            tracked.append(TrackedProcess(pid, started, group=False, label=label))
    return tracked
