"""SageMaker-shaped processors from Python: ``from jupyter_studio.processing import ...``.

>>> from jupyter_studio.processing import SKLearnProcessor, ProcessingInput, ProcessingOutput
>>> processor = SKLearnProcessor(framework_version="1.9", base_job_name="prep")
>>> job = processor.run(
...     code="code/preprocess.py",
...     inputs=[ProcessingInput(source="data/sales.csv", destination="/opt/ml/processing/input")],
...     outputs=[ProcessingOutput(source="/opt/ml/processing/train", destination="prepared/train")],
...     arguments=["--test-size", "0.2"],
... )                                                   # follows the job and prints its log
>>> job.status
<JobStatus.COMPLETED: 'Completed'>

The argument names are the SageMaker SDK's. A processor run is an ordinary job of the
``processor`` kind (Jobs panel, logs, stop, retry); the code runs with the server's Python and
finds ``/opt/ml/processing/...`` mapped to its job folder (see
:mod:`jupyter_studio.core.processing.container_paths`). Sources and destinations are paths in
your files or ``s3://`` URLs (``store=`` says how to reach the store). ``role`` and
``instance_type`` are accepted for SageMaker code and ignored: jobs run on this machine.
Every processor acts as one user, like the other clients: ``studio=`` and ``user=``.

``PySparkProcessor(instance_count=N).run(submit_app, ...)`` and
``DaskProcessor(instance_count=N).run(code, ...)`` run on a Spark standalone or Dask cluster of N
workers started for the job and stopped with it (:mod:`jupyter_studio.core.processing.cluster_run`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

from ._client import UserClient
from .core.errors import InvalidInput
from .core.jobs.schemas import DescribeJob
from .core.processing.schemas import CreateProcessingJob, ProcessingInput, ProcessingOutput
from .core.validation import parse_model

__all__ = [
    "DaskProcessor",
    "FrameworkProcessor",
    "PySparkProcessor",
    "ProcessingInput",
    "ProcessingOutput",
    "SKLearnProcessor",
    "ScriptProcessor",
]


class ScriptProcessor(UserClient):
    """Run a Python script on inputs and collect its outputs (SageMaker's ``ScriptProcessor``)."""

    processor = "script"

    def __init__(
        self,
        *,
        command: Sequence[str] | None = None,
        instance_count: int = 1,
        base_job_name: str | None = None,
        max_runtime_in_seconds: float | None = None,
        env: Mapping[str, str] | None = None,
        framework_version: str | None = None,
        image_uri: str | None = None,
        role: str | None = None,
        instance_type: str | None = None,
        space_id: str | None = None,
        store: Mapping[str, Any] | None = None,
        studio: Any = None,
        user: str | None = None,
    ):
        super().__init__(studio, user=user)
        if image_uri:
            raise InvalidInput(
                "image_uri is not supported yet: jobs run with the server's Python (no container "
                "runtime is used).",
                code="image_uri_unsupported",
            )
        self.command = list(command) if command else ["python3"]
        self.instance_count = instance_count
        self.base_job_name = base_job_name
        self.max_runtime_in_seconds = max_runtime_in_seconds
        self.env = dict(env or {})
        self.framework_version = framework_version
        self.framework: str | None = None
        self.space_id = space_id
        self.store = dict(store) if store else None
        self.role, self.instance_type = role, instance_type
        #: The last job :meth:`run` started.
        self.latest_job: DescribeJob | None = None

    def spec(
        self,
        code: str,
        *,
        source_dir: str | None = None,
        inputs: Sequence[ProcessingInput | Mapping[str, Any]] | None = None,
        outputs: Sequence[ProcessingOutput | Mapping[str, Any]] | None = None,
        arguments: Sequence[str] | None = None,
        job_name: str | None = None,
        **extra: Any,
    ) -> CreateProcessingJob:
        """The request :meth:`run` sends (checked: a bad field raises InvalidInput naming it)."""
        fields: dict[str, Any] = {
            **self._cluster_fields(),
            **extra,
            "processor": self.processor,
            "code": code,
            "source_dir": source_dir,
            "arguments": [str(a) for a in arguments or []],
            "inputs": [_as_dict(i) for i in inputs or []],
            "outputs": [_as_dict(o) for o in outputs or []],
            "env": self.env,
            "instance_count": self.instance_count,
            "framework": self.framework,
            "framework_version": self.framework_version,
            "command": self.command,
            "store": self.store,
            "base_job_name": job_name or self.base_job_name,
            "max_runtime_in_seconds": self.max_runtime_in_seconds,
            "space_id": self.space_id,
        }
        return parse_model(CreateProcessingJob, fields, "processing job")

    def _cluster_fields(self) -> dict[str, Any]:
        return {}

    def run(
        self,
        code: str,
        source_dir: str | None = None,
        inputs: Sequence[ProcessingInput | Mapping[str, Any]] | None = None,
        outputs: Sequence[ProcessingOutput | Mapping[str, Any]] | None = None,
        arguments: Sequence[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
    ) -> DescribeJob:
        """Start the job; with ``wait`` follow it to its end (printing its log with ``logs``).

        Returns the job's description (the ended job when waiting). Bad input raises before any
        job starts; a failed script is a job with status Failed, not an exception.
        """
        body = self.spec(
            code,
            source_dir=source_dir,
            inputs=inputs,
            outputs=outputs,
            arguments=arguments,
            job_name=job_name,
        )
        return self._start(body, wait, logs)

    def _start(self, body: CreateProcessingJob, wait: bool, logs: bool) -> DescribeJob:
        job = self.studio.processing.create(self.caller, body)
        self.studio.start()
        self.latest_job = job
        if wait:
            job = self._follow(job.job_id, logs)
            self.latest_job = job
        return job

    def _follow(self, job_id: str, logs: bool, poll: float = 0.5) -> DescribeJob:
        offset = 0
        while True:
            if logs:
                chunk = self.studio.job_logs(job_id, offset=offset, user=self.user)
                if chunk.content:
                    sys.stdout.write(chunk.content)
                    sys.stdout.flush()
                offset = chunk.next_offset
                ended = chunk.complete
            else:
                ended = self.studio.get_job(job_id, user=self.user).status.is_final
            if ended:
                return self.studio.get_job(job_id, user=self.user)
            if not self.studio.runner.running:
                self.studio.runner.tick()
            time.sleep(poll)


class SKLearnProcessor(ScriptProcessor):
    """A script processor for scikit-learn code (``framework_version``: the installed one)."""

    processor = "sklearn"


class FrameworkProcessor(ScriptProcessor):
    """A processor for a framework's code (SageMaker's ``FrameworkProcessor``).

    ``estimator_cls`` names the framework: ``"sklearn"``, ``"xgboost"``, ``"pytorch"`` or
    ``"lightgbm"``, or a class of that name (SageMaker's ``SKLearn``, ``XGBoost``, ``PyTorch``).
    """

    processor = "framework"

    def __init__(self, estimator_cls: Any, framework_version: str | None = None, **kwargs: Any):
        super().__init__(framework_version=framework_version, **kwargs)
        name = estimator_cls if isinstance(estimator_cls, str) else estimator_cls.__name__
        self.framework = name.lower()


class _ClusterProcessor(ScriptProcessor):
    """A processor whose job starts a cluster of ``instance_count`` workers."""

    def __init__(
        self,
        *,
        instance_count: int = 1,
        cores_per_worker: int = 1,
        memory_per_worker: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(instance_count=instance_count, **kwargs)
        self.cores_per_worker = cores_per_worker
        self.memory_per_worker = memory_per_worker

    def _cluster_fields(self) -> dict[str, Any]:
        return {
            "cores_per_worker": self.cores_per_worker,
            "memory_per_worker": self.memory_per_worker,
        }


class PySparkProcessor(_ClusterProcessor):
    """Run a PySpark app on an Apache Spark cluster started for the job (SageMaker's
    ``PySparkProcessor``).

    ``instance_count`` workers (1 to ``Studio.processing_max_instances``) of ``cores_per_worker``
    cores and ``memory_per_worker`` (default ``"1g"``) join a standalone master on this machine;
    the app's driver and executor logs land in the job log, the master UI's address in the job's
    progress message, and the cluster stops with the job. ``framework_version`` (Spark's version)
    must be the installed pyspark's; ``py_version`` and ``container_version`` are accepted and
    ignored. Needs the pyspark package and Java 17 or newer.
    """

    processor = "pyspark"

    def __init__(
        self,
        *,
        framework_version: str | None = None,
        py_version: str | None = None,
        container_version: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(framework_version=framework_version, **kwargs)
        self.py_version, self.container_version = py_version, container_version

    def run(  # type: ignore[override]
        self,
        submit_app: str,
        submit_py_files: Sequence[str] | None = None,
        submit_jars: Sequence[str] | None = None,
        submit_files: Sequence[str] | None = None,
        inputs: Sequence[ProcessingInput | Mapping[str, Any]] | None = None,
        outputs: Sequence[ProcessingOutput | Mapping[str, Any]] | None = None,
        arguments: Sequence[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        configuration: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
    ) -> DescribeJob:
        """Submit ``submit_app`` (a .py file in your files) to the job's Spark cluster.

        ``configuration`` takes the SDK's form, ``[{"Classification": "spark-defaults",
        "Properties": {"spark.executor.cores": "1"}}]`` (only spark-defaults), or a plain
        ``{"spark.x": "y"}``. Returns the job as :meth:`ScriptProcessor.run` does.
        """
        body = self.spec(
            submit_app,
            inputs=inputs,
            outputs=outputs,
            arguments=arguments,
            job_name=job_name,
            submit_py_files=list(submit_py_files or []),
            submit_jars=list(submit_jars or []),
            submit_files=list(submit_files or []),
            spark_conf=spark_properties(configuration),
        )
        return self._start(body, wait, logs)


class DaskProcessor(_ClusterProcessor):
    """Run a Python script on a Dask cluster started for the job (``dask.distributed``).

    ``instance_count`` worker processes (1 to ``Studio.processing_max_instances``) of
    ``cores_per_worker`` threads and ``memory_per_worker`` (default: Dask's ``"auto"``) start
    with a scheduler on this machine, or, when the administrator set
    ``Studio.dask_scheduler_address``, the job uses that scheduler. The script runs with
    ``DASK_SCHEDULER_ADDRESS`` set, so ``distributed.Client()`` connects to the cluster;
    ``run(code, ...)`` is :meth:`ScriptProcessor.run`.
    """

    processor = "dask"


def spark_properties(
    configuration: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
) -> dict[str, str]:
    """Spark properties from the SDK's ``configuration`` (spark-defaults) or a plain dict."""
    if not configuration:
        return {}
    if isinstance(configuration, Mapping) and "Classification" not in configuration:
        return {str(k): str(v) for k, v in configuration.items()}
    items = [configuration] if isinstance(configuration, Mapping) else list(configuration)
    properties: dict[str, str] = {}
    for item in items:
        classification = item.get("Classification")
        if classification != "spark-defaults":
            raise InvalidInput(
                f"configuration classification {classification!r} is not supported here: only "
                "'spark-defaults' (Spark properties) applies to the job's standalone cluster.",
                code="invalid_configuration",
            )
        properties.update({str(k): str(v) for k, v in (item.get("Properties") or {}).items()})
    return properties


def _as_dict(item: Any) -> Any:
    return item.model_dump(exclude_none=True) if hasattr(item, "model_dump") else item
