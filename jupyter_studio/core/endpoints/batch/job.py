"""The ``batch_transform`` job kind: score a CSV or Parquet file (or a folder) with a model version.

``prepare`` (in the server) resolves the input, the output and the model version through the
registry (:mod:`.resolve`); ``run`` (in the worker) calls :func:`.transform.score_file` with
the disk paths stored then, reports the rows scored as progress, and writes a short
``transform.json`` summary in the job's output folder beside the default output,
``predictions.parquet``.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...errors import Conflict, InvalidInput
from ...jobs.context import JobContext
from ...jobs.errors import JobFailed, JobStopped
from ...jobs.kinds import JobKind, PrepareContext
from ...spaces.paths import is_within
from .resolve import resolve_model_version
from .transform import (
    DEFAULT_CHUNK_ROWS,
    FORMATS,
    BatchTransformError,
    TransformStopped,
    input_files,
    output_format_of,
    score_file,
)

__all__ = ["BatchTransformJob", "BatchTransformParameters"]

DEFAULT_OUTPUT = "predictions.parquet"
SUMMARY_FILE = "transform.json"


class BatchTransformParameters(BaseModel):
    """What a ``batch_transform`` job scores, with which model, and where it writes."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_name: str = Field(min_length=1, max_length=200, description="Registered model name.")
    model_version: int | None = Field(
        default=None, ge=1, description="Version number; the latest version when omitted."
    )
    input: str = Field(
        min_length=1,
        description="File-browser path of a CSV or Parquet file, or of a folder of them.",
    )
    output: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "File-browser path of the output file (.csv or .parquet); "
            f"default: {DEFAULT_OUTPUT} in the job's output folder."
        ),
    )
    overwrite: bool = Field(default=False, description="Replace the output file if it exists.")
    chunk_rows: int = Field(
        default=DEFAULT_CHUNK_ROWS,
        ge=1,
        le=5_000_000,
        description="Rows scored at a time (memory use grows with it, not with the input).",
    )


class BatchTransformJob(JobKind[BatchTransformParameters]):
    """Score whole files with a registered model version and write the predictions beside them."""

    name = "batch_transform"
    title = "Batch transform"
    description = (
        "Scores a CSV or Parquet file, or a folder of them, with a registered model version, "
        "chunk by chunk, and writes the input rows with their predictions (and class "
        "probabilities) to one CSV or Parquet file."
    )
    Parameters = BatchTransformParameters

    def default_name(self, params: BatchTransformParameters) -> str:
        return f"transform-{params.model_name}"

    def prepare(self, params: BatchTransformParameters, context: PrepareContext) -> dict[str, Any]:
        source = context.scope.resolve(params.input, what="input", must_exist=True)
        try:
            files = input_files(source)
        except BatchTransformError as error:
            raise InvalidInput(
                f"The input {params.input!r}: {error}.", code="invalid_input_data"
            ) from None
        if params.output is None:
            output = context.job_dir / "output" / DEFAULT_OUTPUT
        else:
            output = context.scope.resolve(params.output, what="output")
            if output.is_dir():
                raise InvalidInput(
                    f"The output {params.output!r} is a folder: give a file name ending with "
                    f"{' or '.join(FORMATS)}.",
                    code="output_is_folder",
                )
            try:
                output_format_of(output)
            except BatchTransformError as error:
                raise InvalidInput(f"{error}.", code="invalid_output") from None
            if output.exists() and not params.overwrite:
                raise Conflict(
                    f"The output {params.output!r} already exists: choose another name, or set "
                    "overwrite to replace it.",
                    code="output_exists",
                )
            if output in files or (source.is_dir() and is_within(output, source)):
                raise InvalidInput(
                    f"The output {params.output!r} is inside the input: write it elsewhere, or a "
                    "later transform of the same input would read it as input.",
                    code="output_inside_input",
                )
        resolved = resolve_model_version(context, params.model_name, params.model_version)
        return {
            **resolved,
            "input": str(source),
            "output": str(output),
            "output_path": params.output or context.scope.to_contents_path(output),
        }

    def run(self, context: JobContext) -> None:
        params = self.parameters_of(context)
        resolved = context.resolved
        output = Path(resolved["output"])
        shown = resolved.get("output_path") or output.name
        if output.exists() and not params.overwrite:
            raise JobFailed(
                f"The output {shown!r} was created since the job was submitted; set overwrite to "
                "replace it."
            )
        context.output_dir.mkdir(parents=True, exist_ok=True)
        version = resolved.get("model_version")
        context.log.studio(
            f"scoring {params.input} with model {resolved.get('model_name')} version {version} "
            f"in chunks of {params.chunk_rows} rows"
        )
        context.set_progress(0.0, "Loading the model")

        def progress(rows: int, fraction: float) -> None:
            context.set_progress(fraction, f"{rows:,} rows scored")

        try:
            result = score_file(
                resolved["model_dir"],
                [resolved["input"]],
                output,
                chunk_rows=params.chunk_rows,
                on_progress=progress,
                should_stop=lambda: context.should_stop,
            )
        except TransformStopped:
            raise JobStopped(context.stop_reason or "Stopped") from None
        except BatchTransformError as error:
            if error.__cause__ is not None:  # the model itself failed: keep its traceback
                context.log.write_bytes(
                    "".join(traceback.format_exception(error.__cause__)).encode()
                )
            raise JobFailed(str(error)) from None
        summary = {
            "model_name": resolved.get("model_name"),
            "model_version": version,
            "input": params.input,
            "files": len(result.files),
            "output": shown,
            "format": result.format,
            "rows": result.rows,
            "columns": result.columns,
            "prediction_columns": result.prediction_columns,
            "seconds": round(result.seconds, 3),
        }
        (context.output_dir / SUMMARY_FILE).write_text(json.dumps(summary, indent=1))
        context.log.studio(
            f"wrote {result.rows} rows from {len(result.files)} file(s) with "
            f"{', '.join(result.prediction_columns)} to {shown} in {result.seconds:.1f} s"
        )
        context.set_progress(1.0, f"{result.rows:,} rows scored")
