"""The ``flow`` job kind: run a flow on all rows in a worker, with progress.

``prepare`` (in the server) resolves the flow file, every path its sources read (after
parameter substitution) and the output through the caller's :class:`PathScope`, so a job can
read only what its owner may; ``run`` (in the worker) streams the chosen node into the output
file and writes ``run.json`` (rows, columns, time) in the job's output folder, plus the
insights report (``report.html``, ``report.json``) when ``report_target`` is set.

Register it with ``c.Studio.extra_job_kinds = ["jupyter_studio.core.wrangler.job:FlowJob"]`` or
in ``BUILTIN_KINDS``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import Conflict, InvalidInput
from ..jobs.context import JobContext
from ..jobs.errors import JobFailed, JobStopped
from ..jobs.kinds import JobKind, PrepareContext
from ..schemas import StrictBool
from .engine import Engine, flow_parameter_values
from .errors import FlowFormatError, NodeError
from .format import atomic_write_text, load_document
from .sources import source_paths

__all__ = ["FlowJob", "FlowJobParameters", "ObjectStoreOutput"]


class ObjectStoreOutput(BaseModel):
    """Where a full run's rows go in an S3-compatible object store."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        pattern=r"^[a-z0-9]+://.+\.(parquet|csv)$",
        description="s3://bucket/key.parquet (or .csv).",
    )
    endpoint_url: str | None = Field(default=None, description="For S3-compatible stores.")
    region: str | None = None
    anonymous: StrictBool = False
    key: str | None = Field(
        default=None, description="Access key id; ${ENV_VAR} reads the environment."
    )
    secret: str | None = Field(
        default=None, description="Secret key; use ${ENV_VAR}, never the secret."
    )
    overwrite: StrictBool = False

    def fsspec_options(self) -> dict[str, Any]:
        """fsspec options (``${ENV}`` credentials read now: a NodeError when one is unset)."""
        from .sources import ObjectStoreSourceParams, _fsspec_options

        params = ObjectStoreSourceParams(
            url=self.url,
            endpoint_url=self.endpoint_url,
            region=self.region,
            anonymous=self.anonymous,
            key=self.key,
            secret=self.secret,
        )
        return _fsspec_options(params, None)


class FlowJobParameters(BaseModel):
    """Which flow, which node, which parameter values, and where the rows go."""

    model_config = ConfigDict(extra="forbid")

    flow: str = Field(min_length=1, description="File-browser path of the .flow file.")
    node: str | None = Field(
        default=None, description="Node to run; the flow's last step when empty."
    )
    parameters: dict[str, str] = Field(default_factory=dict, description="Flow parameter values.")
    output: str | None = Field(
        default=None,
        description="File-browser path of the output (.parquet or .csv); default: <node>.parquet in the job's output folder.",
    )
    format: Literal["parquet", "csv"] | None = None
    overwrite: bool = False
    output_store: ObjectStoreOutput | None = Field(
        default=None,
        description="Write the rows to an object store instead of a file in your folders.",
    )
    refit: bool = Field(
        default=True, description="Fit steps (means, categories...) on all rows, not on the sample."
    )
    report_target: str | None = Field(
        default=None, description="Also write the insights report with this target."
    )
    report: bool = Field(
        default=False, description="Also write the insights report (without a target)."
    )
    handoff_target: str | None = Field(
        default=None,
        description="Export and train: write data.parquet, pipeline.json and handoff.json "
        "(the AutoML request) in the job's output folder, with this target column.",
    )


def _last_node(document: Any) -> str:
    ids = [n.id for n in document.nodes if n.kind != "analysis"]
    consumed = {i for n in document.nodes if n.kind != "analysis" for i in n.inputs}
    leaves = [i for i in ids if i not in consumed]
    if not leaves:
        raise InvalidInput("The flow has no nodes to run.", code="empty_flow")
    return leaves[-1]


class FlowJob(JobKind[FlowJobParameters]):
    """Run a Data Wrangler flow on all rows and write its output."""

    name = "flow"
    title = "Data Wrangler flow"
    description = (
        "Runs a Data Wrangler flow on all rows in a worker, streaming the chosen node into a "
        "Parquet or CSV file; optionally writes the Data Quality and Insights report."
    )
    Parameters = FlowJobParameters

    def default_name(self, params: FlowJobParameters) -> str:
        return Path(params.flow).stem or "flow"

    def prepare(self, params: FlowJobParameters, context: PrepareContext) -> dict[str, Any]:
        flow_path = context.scope.resolve(params.flow, what="flow", must_exist=True, expect="file")
        try:
            document = load_document(flow_path)
        except FlowFormatError as exc:
            raise InvalidInput(exc.message, code=exc.code) from None
        node_id = params.node or _last_node(document)
        try:
            node = document.node(node_id)
        except KeyError:
            raise InvalidInput(f"The flow has no node {node_id!r}.", code="unknown_node") from None
        if node.kind == "analysis":
            raise InvalidInput(
                f"{node_id!r} is an analysis: pick a source or a step.", code="wrong_node"
            )
        values = flow_parameter_values(document, params.parameters)
        engine = Engine(lambda p: context.scope.resolve(p, what="source path"))
        paths: dict[str, str] = {}
        for ancestor in engine.ancestors(document, node_id):
            if ancestor.kind != "source":
                continue
            try:
                for raw in source_paths(
                    ancestor.operator, ancestor.parameters, values, ancestor.id
                ):
                    paths[raw] = str(
                        context.scope.resolve(
                            raw, what=f"path of source {ancestor.id!r}", must_exist=True
                        )
                    )
            except NodeError as exc:
                raise InvalidInput(exc.message, code=exc.code) from None
        fmt = params.format
        if params.output_store is not None:
            if params.output is not None or params.handoff_target:
                raise InvalidInput(
                    "Give either output (a file in your folders) or output_store, not both.",
                    code="invalid_output",
                )
            try:
                params.output_store.fsspec_options()
            except NodeError as exc:
                raise InvalidInput(f"{exc.message} {exc.hint}", code=exc.code) from None
            fmt = fmt or ("csv" if params.output_store.url.endswith(".csv") else "parquet")
            output = context.job_dir / "scratch-output" / f"{node_id}.{fmt}"
        elif params.handoff_target:
            output = context.job_dir / "output" / "data.parquet"
        elif params.output is None:
            output = context.job_dir / "output" / f"{node_id}.{fmt or 'parquet'}"
        else:
            output = context.scope.resolve(params.output, what="output")
            if output.is_dir():
                raise InvalidInput(
                    f"The output {params.output!r} is a folder: give a file name ending with .parquet or .csv.",
                    code="output_is_folder",
                )
            if output.exists() and not params.overwrite:
                raise Conflict(
                    f"The output {params.output!r} already exists: choose another name, or set overwrite.",
                    code="output_exists",
                )
            if fmt is None and output.suffix.lower() not in (".parquet", ".csv"):
                raise InvalidInput(
                    "The output must end with .parquet or .csv (or set format).",
                    code="invalid_output",
                )
        return {
            "flow": str(flow_path),
            "node": node_id,
            "paths": paths,
            "values": values,
            "output": str(output),
            "output_path": params.output or context.scope.to_contents_path(output),
            "contents_root": str(context.scope.contents_root),
        }

    def run(self, context: JobContext) -> None:
        params = self.parameters_of(context)
        resolved = context.resolved
        paths: dict[str, str] = resolved["paths"]

        def resolve(raw: str) -> Path:
            if raw not in paths:
                raise NodeError(
                    None,
                    f"The path {raw!r} was not checked when the job was submitted.",
                    "Submit the job again.",
                    code="path_not_prepared",
                )
            return Path(paths[raw])

        document = load_document(resolved["flow"])
        engine = Engine(resolve)
        output = Path(resolved["output"])
        if output.exists() and not params.overwrite and params.output is not None:
            raise JobFailed(
                f"The output {params.output!r} was created since the job was submitted; set overwrite to replace it."
            )
        context.output_dir.mkdir(parents=True, exist_ok=True)
        context.log.studio(
            f"running node {resolved['node']} of {params.flow} with parameters {resolved['values']}"
        )

        def progress(fraction: float, message: str) -> None:
            if context.should_stop:
                raise JobStopped(context.stop_reason or "Stopped")
            context.set_progress(0.9 * fraction, message)
            context.log.studio(message)

        if params.handoff_target:
            self._handoff(context, document, resolve, params.handoff_target)
            return
        try:
            result = engine.run(
                document,
                resolved["node"],
                output,
                resolved["values"],
                format=params.format,
                refit=params.refit,
                progress=progress,
                workdir=context.job_dir / "scratch",
            )
        except NodeError as exc:
            raise JobFailed(f"Node {exc.node_id}: {exc.message}") from None
        finally:
            import shutil

            shutil.rmtree(context.job_dir / "scratch", ignore_errors=True)
        if params.output_store is not None:
            self._upload(context, output, params.output_store)
        summary = {
            "node": result.node_id,
            "output": params.output_store.url
            if params.output_store is not None
            else resolved.get("output_path") or str(output),
            "format": result.format,
            "rows": result.rows,
            "columns": result.columns,
            "elapsed_seconds": round(result.elapsed_seconds, 3),
            "parameters": resolved["values"],
        }
        atomic_write_text(context.output_dir / "run.json", json.dumps(summary, indent=2) + "\n")
        context.log.studio(f"wrote {result.rows:,} rows to {summary['output']}")
        if params.report or params.report_target:
            import polars as pl

            from .report import build_report, render_html

            context.set_progress(0.92, "computing the insights report on all rows")
            frame = pl.read_parquet(output) if result.format == "parquet" else pl.read_csv(output)
            report = build_report(
                frame,
                node_id=result.node_id,
                target=params.report_target,
                scope="all",
                title=document.name or result.node_id,
            )
            atomic_write_text(context.output_dir / "report.json", report.model_dump_json(indent=2))
            atomic_write_text(context.output_dir / "report.html", render_html(report))
            context.log.studio(f"report: {len(report.issues)} issues")
        if params.output_store is not None:
            import shutil

            shutil.rmtree(output.parent, ignore_errors=True)
        context.set_progress(1.0, f"{result.rows:,} rows written")

    def _handoff(self, context: JobContext, document: Any, resolve: Any, target: str) -> None:
        """Export and train: the flow's output, its pipeline and the AutoML request."""
        from ..spaces.paths import contents_path
        from .flow import Flow

        resolved = context.resolved
        context.set_progress(0.05, f"running node {resolved['node']} on all rows")
        flow = Flow(document, resolve=resolve)
        try:
            handoff = flow.training_handoff(
                resolved["node"], target, output_dir=context.output_dir, params=resolved["values"]
            )
        except NodeError as exc:
            raise JobFailed(f"Node {exc.node_id}: {exc.message}") from None
        except InvalidInput as exc:
            raise JobFailed(exc.message) from None
        root = Path(resolved.get("contents_root") or "/")
        summary = handoff.model_dump(mode="json", exclude={"pipeline"})
        for key in ("data_path", "pipeline_path"):
            summary[key] = contents_path(root, Path(summary[key])) or summary[key]
        atomic_write_text(context.output_dir / "handoff.json", json.dumps(summary, indent=2) + "\n")
        context.log.studio(
            f"wrote {handoff.row_count:,} rows and pipeline.json for target {target!r} "
            f"({handoff.problem_type})"
        )
        context.set_progress(1.0, f"{handoff.row_count:,} rows ready to train on")

    def _upload(self, context: JobContext, local: Path, store: ObjectStoreOutput) -> None:
        """Copy the finished output file to the object store (the local copy goes at the end)."""
        import shutil

        import fsspec

        from .sources import store_error

        context.set_progress(0.9, f"uploading to {store.url}")
        try:
            options = store.fsspec_options()
            fs, path = fsspec.core.url_to_fs(store.url, **options)
            if not store.overwrite and fs.exists(path):
                raise JobFailed(
                    f"{store.url} already exists: choose another key, or set overwrite."
                )
            with open(local, "rb") as source, fs.open(path, "wb") as target:
                shutil.copyfileobj(source, target, 8 << 20)
        except JobFailed:
            raise
        except NodeError as exc:
            raise JobFailed(f"{exc.message} {exc.hint}") from None
        except Exception as exc:  # noqa: BLE001 - fsspec/botocore errors say what to fix
            error = store_error(exc, None, store.url, store.endpoint_url)
            shutil.rmtree(local.parent, ignore_errors=True)
            raise JobFailed(f"{error.message} {error.hint}") from None
        context.log.studio(f"uploaded {local.name} to {store.url}")
