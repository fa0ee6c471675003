"""Processor specs: what a SageMaker-shaped processor run asks for (pydantic models).

``ProcessorParameters`` are the ``processor`` job kind's parameters (what ``POST /jobs`` with
``kind="processor"`` takes); ``CreateProcessingJob`` adds the job-level fields of
``POST /studio/api/processing/jobs`` (``base_job_name``, ``max_runtime_in_seconds``,
``space_id``), with the SageMaker SDK's names.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..jobs.processing import check_environment
from ..jobs.schemas import JOB_NAME_PATTERN, MAX_JOB_NAME_LENGTH, MAX_RUNTIME_LIMIT_SECONDS
from ..object_stores import ObjectStoreSettings
from ..schemas import MAX_INT, StrictFloat, StrictInt
from .container_paths import CONTAINER_ROOT

__all__ = [
    "CreateProcessingJob",
    "ProcessingInput",
    "ProcessingOutput",
    "ProcessorName",
    "ProcessorParameters",
]

ProcessorName = Literal["script", "sklearn", "framework", "pyspark", "dask"]
#: Processors that run on a cluster of ``instance_count`` workers started for the job.
CLUSTER_PROCESSORS = frozenset({"pyspark", "dask"})
#: Default of ``Studio.processing_max_instances``: the most workers a cluster processor may ask.
DEFAULT_MAX_INSTANCES = 4
#: Spark's memory sizes, in megabytes or gigabytes: ``512m``, ``2g``.
MEMORY_PATTERN = r"^[1-9][0-9]{0,6}[mMgG]$"
#: Frameworks a ``framework`` processor names (``framework``), with the package that carries each.
FRAMEWORK_PACKAGES: dict[str, str] = {
    "sklearn": "scikit-learn",
    "xgboost": "xgboost",
    "pytorch": "torch",
    "lightgbm": "lightgbm",
}
#: Where a processor's code is copied (as in SageMaker): no input may use it.
CODE_DESTINATION = f"{CONTAINER_ROOT}/input/code"
_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
#: Variables Studio sets for the script (``PYTHONPATH`` is merged, not replaced).
RESERVED_ENV = frozenset(
    {
        "STUDIO_JOB_ID",
        "STUDIO_OUTPUT_DIR",
        "STUDIO_INPUT_DIR",
        "STUDIO_PROCESSING_ROOT",
        "PYTHONUNBUFFERED",
    }
)
#: Names in the job folder that belong to the job itself.
RESERVED_TOP = frozenset({"job.log"})


def container_path(value: str, what: str) -> str:
    """A normalized path under ``/opt/ml/processing/`` (a ValueError otherwise)."""
    if "\x00" in value:
        raise ValueError(f"the {what} may not contain NUL characters")
    norm = posixpath.normpath(value)
    if not norm.startswith(CONTAINER_ROOT + "/"):
        raise ValueError(f"the {what} must be a folder under {CONTAINER_ROOT}/, not {value!r}")
    top = norm[len(CONTAINER_ROOT) + 1 :].split("/")[0]
    if top in RESERVED_TOP or top.startswith("."):
        raise ValueError(f"the {what} {value!r} names a file of the job itself")
    return norm


class ProcessingInput(BaseModel):
    """Data copied into the job before the code runs (SageMaker's ``ProcessingInput``)."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        min_length=1,
        max_length=4096,
        description="A path in your files (file or folder) or an s3:// URL (object or prefix).",
    )
    destination: str | None = Field(
        default=None,
        max_length=4096,
        description="Where the code finds it: a folder under /opt/ml/processing/ "
        "(default /opt/ml/processing/input/<input_name>).",
    )
    input_name: str | None = Field(
        default=None, pattern=_NAME, description="Default: input-1, input-2, ..."
    )

    @field_validator("destination")
    @classmethod
    def _destination(cls, value: str | None) -> str | None:
        return None if value is None else container_path(value, "destination")


class ProcessingOutput(BaseModel):
    """A folder uploaded when the job ends (SageMaker's ``ProcessingOutput``)."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(
        default=None,
        max_length=4096,
        description="The folder the code writes: under /opt/ml/processing/ "
        "(default /opt/ml/processing/output/<output_name>).",
    )
    destination: str | None = Field(
        default=None,
        max_length=4096,
        description="A folder in your files or an s3:// prefix; none keeps the files in the "
        "job folder only.",
    )
    output_name: str | None = Field(
        default=None, pattern=_NAME, description="Default: output-1, output-2, ..."
    )

    @field_validator("source")
    @classmethod
    def _source(cls, value: str | None) -> str | None:
        return None if value is None else container_path(value, "source")


class ProcessorParameters(BaseModel):
    """The ``processor`` job kind's parameters."""

    model_config = ConfigDict(extra="forbid")

    processor: ProcessorName = Field(default="script", description="script, sklearn or framework.")
    code: str = Field(
        min_length=1,
        max_length=4096,
        description="The Python script: a path in your files, or relative to source_dir.",
    )
    source_dir: str | None = Field(
        default=None,
        max_length=4096,
        description="A folder in your files copied with the code (code is relative to it).",
    )
    arguments: list[str] = Field(default_factory=list, max_length=500)
    inputs: list[ProcessingInput] = Field(default_factory=list, max_length=100)
    outputs: list[ProcessingOutput] = Field(default_factory=list, max_length=100)
    env: dict[str, str] = Field(default_factory=dict, description="Extra environment variables.")
    instance_count: StrictInt = Field(
        default=1,
        ge=0,
        le=MAX_INT,
        description="Machines: 1 for the script, sklearn and framework processors; for pyspark "
        "and dask the workers of the job's cluster (1 to the administrator's "
        "Studio.processing_max_instances).",
    )
    cores_per_worker: StrictInt = Field(
        default=1,
        ge=1,
        le=64,
        description="pyspark and dask: cores of each Spark worker, threads of each Dask worker.",
    )
    memory_per_worker: str | None = Field(
        default=None,
        pattern=MEMORY_PATTERN,
        description="pyspark and dask: memory of each worker, e.g. '512m' or '2g' (default: "
        "1g for a Spark worker and its executor, Dask's 'auto' share of the machine's memory).",
    )
    submit_py_files: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="pyspark: .py, .zip or .egg files in your files for the app's Python path "
        "(spark-submit --py-files).",
    )
    submit_files: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="pyspark: files in your files put in each executor's folder (--files).",
    )
    submit_jars: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="pyspark: .jar files in your files added to the classpath (--jars).",
    )
    spark_conf: dict[str, str] = Field(
        default_factory=dict,
        description="pyspark: Spark properties (spark.*) for spark-submit --conf; the SDK's "
        "configuration=[{'Classification': 'spark-defaults', 'Properties': {...}}] lands here.",
    )
    framework: str | None = Field(
        default=None,
        description="For a framework processor: sklearn, xgboost, pytorch or lightgbm.",
    )
    framework_version: str | None = Field(
        default=None,
        max_length=40,
        description="The framework's major.minor; only the installed version (no job "
        "environments yet).",
    )
    command: list[str] = Field(
        default_factory=lambda: ["python3"],
        min_length=1,
        max_length=20,
        description="The interpreter and its options, e.g. ['python3', '-X', 'dev']; the "
        "server's Python runs the code.",
    )
    store: ObjectStoreSettings | None = Field(
        default=None, description="How to reach the object store of s3:// inputs and outputs."
    )

    @field_validator("arguments", "command")
    @classmethod
    def _printable(cls, value: list[str]) -> list[str]:
        for arg in value:
            if "\x00" in arg:
                raise ValueError("arguments may not contain NUL characters")
            try:
                os.fsencode(arg)
            except UnicodeError:
                raise ValueError(f"{arg!r} has characters a command line cannot hold") from None
        return value

    @field_validator("spark_conf")
    @classmethod
    def _spark_conf(cls, value: dict[str, str]) -> dict[str, str]:
        for name, val in value.items():
            if not re.match(r"^spark\.[A-Za-z0-9_.-]+$", name):
                raise ValueError(f"{name!r} is not a Spark property (spark.something)")
            if "\x00" in val or "\n" in val:
                raise ValueError(f"the value of {name} contains a NUL or newline character")
        return value

    @field_validator("env")
    @classmethod
    def _env(cls, value: dict[str, str]) -> dict[str, str]:
        return check_environment(value, RESERVED_ENV)

    @model_validator(mode="after")
    def _names(self) -> ProcessorParameters:
        """Give inputs and outputs their default names and container paths."""
        for i, item in enumerate(self.inputs, start=1):
            item.input_name = item.input_name or f"input-{i}"
            item.destination = item.destination or f"{CONTAINER_ROOT}/input/{item.input_name}"
        for i, out in enumerate(self.outputs, start=1):
            out.output_name = out.output_name or f"output-{i}"
            out.source = out.source or f"{CONTAINER_ROOT}/output/{out.output_name}"
        return self


class CreateProcessingJob(ProcessorParameters):
    """Body of ``POST /studio/api/processing/jobs``: a processor spec and its job's settings."""

    base_job_name: str | None = Field(
        default=None,
        max_length=MAX_JOB_NAME_LENGTH,
        pattern=JOB_NAME_PATTERN,
        description="The job's name (default: the code's file name).",
    )
    max_runtime_in_seconds: StrictFloat | None = Field(
        default=None, gt=0, le=MAX_RUNTIME_LIMIT_SECONDS, description="Stop the job after this."
    )
    space_id: str | None = Field(default=None, max_length=64, description="Run in this space.")

    def parameters(self) -> ProcessorParameters:
        """The job kind's parameters (the spec without the job's settings)."""
        return ProcessorParameters.model_validate(
            self.model_dump(exclude={"base_job_name", "max_runtime_in_seconds", "space_id"})
        )
