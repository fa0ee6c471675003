"""The ``model_monitor`` job kind: compare data with a model version's training-data baseline.

``prepare`` (in the server) resolves the data path and the model version through the registry
(:mod:`..batch.resolve`) and refuses a version without a baseline; ``run`` (in the worker) reads the
data (CSV, Parquet, capture files, or a folder of them), computes the drift report and writes
``report.html`` and ``report.json`` in the job's output folder. Drift does not fail the job: the
report says what drifted.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...errors import InvalidInput
from ...jobs.context import JobContext
from ...jobs.errors import JobFailed
from ...jobs.kinds import JobKind, PrepareContext
from ..batch.resolve import resolve_model_version
from .baseline import BaselineError, load_baseline
from .data import DataError, data_files, read_current_data
from .drift import drift_report
from .report import HTML_FILE, JSON_FILE, write_report

__all__ = ["ModelMonitorJob", "ModelMonitorParameters", "no_baseline_message"]

DEFAULT_MAX_ROWS = 1_000_000


class ModelMonitorParameters(BaseModel):
    """Which data to compare with which model version's baseline, and the thresholds."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_name: str = Field(min_length=1, max_length=200, description="Registered model name.")
    model_version: int | None = Field(
        default=None, ge=1, description="Version number; the latest version when omitted."
    )
    data: str = Field(
        min_length=1,
        description=(
            "File-browser path of the data: a CSV, Parquet or data-capture (.jsonl) file, or a "
            "folder of them (e.g. an endpoint's capture folder)."
        ),
    )
    psi_threshold: float = Field(default=0.2, ge=0, description="Flag a PSI above this.")
    p_threshold: float = Field(
        default=0.05, gt=0, lt=1, description="Flag a KS or chi-square p-value below this."
    )
    missing_threshold: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Flag a missing-value fraction more than this above the baseline's.",
    )
    type_threshold: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Flag a fraction of values of the wrong type above this (0: any).",
    )
    max_rows: int = Field(
        default=DEFAULT_MAX_ROWS,
        ge=1,
        le=100_000_000,
        description="Read at most this many rows of the data (in file order).",
    )


def no_baseline_message(model_name: str, version: Any) -> str:
    """What to do when a version has no baseline."""
    return (
        f"Model {model_name!r} version {version} has no training-data baseline to compare the "
        "data with. Register the version again with its training data (training_data= in "
        "Python, or the training data path when registering from a folder) so that a baseline is "
        "saved beside it, then run the monitor on the new version."
    )


class ModelMonitorJob(JobKind[ModelMonitorParameters]):
    """Compare captured requests (or any file) with a model version's training-data baseline."""

    name = "model_monitor"
    title = "Model monitor"
    description = (
        "Compares data (an endpoint's captured requests, or CSV/Parquet files) with the training "
        "data baseline of a model version: per feature PSI, a KS or chi-square test, missing "
        "values and type violations, flagged by thresholds. Writes report.html and report.json."
    )
    Parameters = ModelMonitorParameters

    def default_name(self, params: ModelMonitorParameters) -> str:
        return f"monitor-{params.model_name}"

    def prepare(self, params: ModelMonitorParameters, context: PrepareContext) -> dict[str, Any]:
        data = context.scope.resolve(params.data, what="data", must_exist=True)
        try:
            data_files(data)
        except DataError as error:
            raise InvalidInput(f"The data {params.data!r}: {error}.", code="invalid_data") from None
        resolved = resolve_model_version(context, params.model_name, params.model_version)
        if not resolved["baseline_path"]:
            raise InvalidInput(
                no_baseline_message(resolved["model_name"], resolved["model_version"]),
                code="no_baseline",
            )
        return {**resolved, "data": str(data)}

    def run(self, context: JobContext) -> None:
        params = self.parameters_of(context)
        resolved = context.resolved
        name, version = resolved.get("model_name", params.model_name), resolved.get("model_version")
        context.set_progress(0.0, "Reading the baseline")
        if not resolved.get("baseline_path"):
            raise JobFailed(no_baseline_message(name, version))
        try:
            baseline = load_baseline(resolved["baseline_path"])
        except BaselineError as error:
            raise JobFailed(f"{no_baseline_message(name, version)} ({error})") from None
        columns = [c["name"] for c in resolved.get("input_schema", []) if c.get("name")]
        columns = columns or [feature.name for feature in baseline.features]
        context.log.studio(
            f"comparing {params.data} with the baseline of model {name} version {version} "
            f"({len(baseline.features)} features, {baseline.rows} training rows)"
        )

        def on_file(index: int, count: int, path: Any) -> None:
            context.check_stop()
            context.set_progress(0.05 + 0.45 * index / count, f"Reading {path.name}")

        try:
            current = read_current_data(
                resolved["data"], columns=columns, max_rows=params.max_rows, on_file=on_file
            )
        except DataError as error:
            raise JobFailed(f"The data {params.data!r}: {error}.") from None
        for note in current.notes:
            context.log.studio(note)
        if not len(current.frame):
            hint = f" ({current.notes[0]})" if current.notes else ""
            raise JobFailed(f"No rows could be read from {params.data!r}{hint}.")
        context.log.studio(f"read {len(current.frame)} rows from {len(current.files)} file(s)")

        def on_feature(index: int, count: int, feature: str) -> None:
            context.check_stop()
            context.set_progress(0.5 + 0.45 * index / count, f"Comparing {feature}")

        report = drift_report(
            baseline,
            current.frame,
            psi_threshold=params.psi_threshold,
            p_threshold=params.p_threshold,
            missing_threshold=params.missing_threshold,
            type_threshold=params.type_threshold,
            model_name=name,
            model_version=version,
            data=params.data,
            notes=current.notes,
            on_feature=on_feature,
        )
        context.check_stop()
        write_report(report, context.output_dir)
        context.log.studio(report.summary.message)
        context.log.studio(f"wrote {HTML_FILE} and {JSON_FILE}")
        summary = report.summary
        context.set_progress(
            1.0,
            f"Drift in {summary.drifted} of {summary.features} features"
            if summary.drifted
            else f"No drift in {summary.features} features",
        )
