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
    "FrameworkProcessor",
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
    ) -> CreateProcessingJob:
        """The request :meth:`run` sends (checked: a bad field raises InvalidInput naming it)."""
        fields: dict[str, Any] = {
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


def _as_dict(item: Any) -> Any:
    return item.model_dump(exclude_none=True) if hasattr(item, "model_dump") else item
