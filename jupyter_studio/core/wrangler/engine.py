"""The flow engine: lazy, cached previews on a sample and streaming full runs on all rows.

**Previews.** Each node's result on the sample (a small Polars ``DataFrame`` plus the fitted
state of its step) is cached under a key that hashes the node's operator and parameters with
the keys of its inputs (and, for a source, its files' size and modification time, the sample
settings and the parameter values). Editing a step changes its key and the keys below it, so
only those recompute; the nodes above it are served from the cache. ``Engine.executions``
counts how often each node really ran.

**Full runs.** The same transforms build one Polars lazy plan from the sources (``scan_*``) to
the chosen node, with the state refitted on all rows (one streaming pass per fitted step), and
the plan is streamed into a Parquet or CSV file by Polars' streaming engine, so data larger than
memory passes through in batches. Steps marked ``streaming=False`` (custom pandas, class
balancing) read their own input into memory.

**Why Polars and not DuckDB for full runs.** Every transform is written once as Polars
expressions and the same functions serve previews, full runs and the exported code; a DuckDB
engine would need each step a second time as SQL. Polars' lazy optimizer pushes projections and
filters into the readers and its streaming engine keeps memory bounded. DuckDB remains a source
(SQL over files) and a dialect of the custom SQL step.

**Errors.** Anything that goes wrong becomes a :class:`~.errors.NodeError` on the node that
failed; a preview of a later node reports that error (with the failing node's id) while the
nodes above keep their cached previews.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import traceback
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import ValidationError

from ..errors import InvalidInput, StudioError
from .errors import NodeError, column_missing_error
from .schemas import AnalysisOutput, FlowDocument, FlowNode, NodePreview
from .sources import (
    SourceContext,
    explain_source_failure,
    read_sample,
    scan_full,
    source_fingerprint,
)
from .transforms import Transform, load_all

__all__ = ["Engine", "NodeResult", "ResultCache", "RunResult", "flow_parameter_values"]

Resolver = Callable[[str], Path]
Progress = Callable[[float, str], None]
DEFAULT_CACHE_BYTES = 1 << 30


def flow_parameter_values(
    document: FlowDocument, overrides: dict[str, Any] | None
) -> dict[str, str]:
    """Parameter values: the flow's defaults, replaced by ``overrides`` (unknown names refused)."""
    values = {p.name: p.default for p in document.parameters}
    for name, value in (overrides or {}).items():
        if name not in values:
            known = ", ".join(sorted(values)) or "none"
            raise InvalidInput(
                f"The flow has no parameter {name!r}. Its parameters: {known}.",
                code="unknown_parameter",
            )
        values[name] = str(value)
    return values


@dataclass
class NodeResult:
    """A node computed on the sample."""

    key: str
    frame: pl.DataFrame | None = None
    state: Any = None
    output: AnalysisOutput | None = None
    elapsed: float = 0.0
    profile: Any = None

    @property
    def nbytes(self) -> int:
        return int(self.frame.estimated_size()) if self.frame is not None else 1024


class ResultCache:
    """A thread-safe LRU cache of node results, bounded by their estimated size in bytes."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, NodeResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> NodeResult | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, result: NodeResult) -> None:
        with self._lock:
            old = self._items.pop(result.key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._items[result.key] = result
            self._bytes += result.nbytes
            while self._bytes > self.max_bytes and len(self._items) > 1:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class RunResult:
    """What a full run wrote."""

    node_id: str
    output_path: Path
    format: str
    rows: int
    columns: list[str]
    states: dict[str, Any] = field(default_factory=dict)
    elapsed_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON data for the REST layer (fitted states left out)."""
        return {
            "node_id": self.node_id,
            "output_path": str(self.output_path),
            "format": self.format,
            "rows": self.rows,
            "columns": self.columns,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
        }


class _ProgressAbort(Exception):
    """Wraps an exception raised by a progress callback (a stop request) through the engine."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


def _guarded(progress: Progress | None) -> Progress | None:
    if progress is None:
        return None

    def call(fraction: float, message: str) -> None:
        try:
            progress(fraction, message)
        except Exception as exc:
            raise _ProgressAbort(exc) from exc

    return call


def _report_bytes(path: Path, progress: Progress | None, done: threading.Event) -> None:
    """While a full run writes, report how much it has written (the total is unknown)."""
    while progress is not None and not done.wait(2.0):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        try:
            progress(0.5, f"running the flow on all rows: {size / 1e6:,.1f} MB written")
        except Exception:  # noqa: BLE001 - a stop request cannot interrupt Polars' sink
            return


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# -- turning exceptions into NodeErrors ---------------------------------------------------------


def _custom_line(exc: BaseException) -> str:
    """``line N`` of the user's code where a custom step raised, if it did there."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith("<custom"):
            return f" (line {frame.lineno} of your code)"
    return ""


def _cast_error(node: FlowNode, text: str) -> NodeError:
    """A failed type conversion, naming the column and the values that fail when Polars does."""
    column = ""
    if "column '" in text:
        column = text.split("column '", 1)[1].split("'", 1)[0]
    examples = ""
    if "values: [" in text:
        examples = " Values that fail: " + text.split("values: [", 1)[1].split("]", 1)[0] + "."
    return NodeError(
        node.id,
        f"Some values{f' of {column!r}' if column else ''} cannot be converted.{examples}",
        "Set 'on_error' to 'null' to turn them into missing values, or clean them first "
        "(for example with a 'Replace text' step).",
        code="cast_failed",
        columns=[column] if column else [],
    )


def _source_read_error(node: FlowNode, text: str, first: str) -> NodeError | None:
    """What is wrong with a file a source could not read (encoding, quotes, types, shape), or None."""
    low = text.lower()
    if "utf-8" in low or "utf8" in low or "invalid utf" in low:
        return NodeError(
            node.id,
            "The file is not valid UTF-8 text.",
            "Set the encoding of the source to latin1, cp1252 or utf8-lossy.",
            code="bad_encoding",
        )
    if "could not parse" in low and "as dtype `str`" in low:  # text always parses: quoting
        return NodeError(
            node.id,
            "The CSV file has a quote that is never closed, or text right after a closing "
            f"quote: {first}",
            "Close the quote (a quote inside a quoted value is written twice), then try again.",
            code="malformed_csv",
        )
    if "could not parse" in low and "as dtype" in low:
        return NodeError(
            node.id,
            f"A value does not fit the column type guessed from the first rows: {first}",
            "Raise 'infer rows' in the source's CSV settings (empty reads the whole file), "
            "or read the column as text and convert it with a 'Change data types' step.",
            code="csv_type_mismatch",
        )
    if "more fields" in low or "ragged" in low or "could not parse" in low or "schema" in low:
        return NodeError(
            node.id,
            f"The CSV file is malformed: {first}",
            "Check the delimiter (and quotes); to keep rows with extra fields, set "
            "'ragged lines' to 'truncate'.",
            code="malformed_csv",
        )
    if "empty" in low:
        return NodeError(
            node.id,
            "The file has no data.",
            "Pick a file with a header and rows.",
            code="empty_file",
        )
    return None


def translate_error(
    exc: BaseException, node: FlowNode, schema: dict[str, Any] | None = None
) -> NodeError:
    """A NodeError on ``node`` that says what went wrong and what to do."""
    if isinstance(exc, NodeError):
        return exc.with_node(node.id)
    if isinstance(exc, StudioError):  # e.g. the path resolver refused a path
        return NodeError(
            node.id,
            exc.message,
            "Pick a path inside your files or a space you belong to.",
            code=exc.code,
        )
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    name = type(exc).__name__
    if node.operator.startswith("custom_") or node.operator == "custom_code":
        return NodeError(
            node.id,
            f"Your code raised {name}{_custom_line(exc)}: {first}",
            "Fix the code of this step; the preview of the step above shows its input.",
            code="custom_code_failed",
        )
    if name == "ColumnNotFoundError":
        missing = first.split('"')[1] if '"' in first else first
        return column_missing_error(node.id, [missing], list(schema or []))
    if name == "InvalidOperationError" and ("conversion" in text or "cast" in text.lower()):
        return _cast_error(node, text)
    if name in ("ComputeError", "NoDataError") and node.kind == "source":
        read_error = _source_read_error(node, text, first)
        if read_error is not None:
            return read_error
    if name in ("SQLInterfaceError", "SQLSyntaxError"):
        return NodeError(
            node.id,
            f"The SQL is not valid: {first}",
            "Fix the query or expression.",
            code="sql_error",
        )
    if name == "SchemaError" or name == "DuplicateError":
        return NodeError(
            node.id,
            f"The step cannot run on this input: {first}",
            "Check the columns and types this step uses.",
            code="schema_error",
        )
    return NodeError(
        node.id,
        f"The step failed: {name}: {first}",
        "Check the step's settings against its input (the preview of the step above).",
        code="step_failed",
    )


# -- the engine ---------------------------------------------------------------------------------


class Engine:
    """Computes flow nodes: previews on the sample (cached) and full runs (streamed)."""

    def __init__(
        self, resolve: Resolver, *, cache: ResultCache | None = None, namespace: str = ""
    ) -> None:
        self.resolve = resolve
        self.cache = cache if cache is not None else ResultCache()
        #: Mixed into every cache key: engines of different callers never share results.
        self.namespace = namespace
        self.executions: Counter[str] = Counter()
        self._transforms = load_all()

    # -- operators --------------------------------------------------------------------------

    def transform_of(self, node: FlowNode) -> Transform:
        transform = self._transforms.get(node.operator)
        if transform is None:
            raise NodeError(
                node.id,
                f"Unknown transform {node.operator!r}.",
                "Delete this step, or upgrade Jupyter Studio if the flow comes from a newer one.",
                code="unknown_operator",
            )
        if len(node.inputs) != transform.inputs:
            raise NodeError(
                node.id,
                f"{transform.title} needs {transform.inputs} input{'s' if transform.inputs > 1 else ''}; "
                f"it has {len(node.inputs)}.",
                "Connect the missing input."
                if len(node.inputs) < transform.inputs
                else "Remove an input.",
                code="wrong_inputs",
            )
        return transform

    def parse_params(self, node: FlowNode, transform: Transform) -> Any:
        try:
            return transform.parse(node.parameters)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err.get("loc", ()))
            raise NodeError(
                node.id,
                f"Invalid settings for {transform.title}: {where + ': ' if where else ''}{err.get('msg')}.",
                "Fix the step's settings.",
                code="invalid_parameters",
            ) from None

    def check_columns(self, node: FlowNode, params: Any, schemas: list[dict[str, Any]]) -> None:
        """Refuse a step that names columns its input does not have."""
        for index, names in params.referenced_columns().items():
            if index >= len(schemas):
                continue
            available = list(schemas[index])
            missing = [n for n in dict.fromkeys(names) if n not in schemas[index]]
            if missing:
                raise column_missing_error(node.id, missing, available)

    # -- keys --------------------------------------------------------------------------------

    def node_key(
        self,
        doc: FlowDocument,
        node_id: str,
        values: dict[str, str],
        memo: dict[str, str] | None = None,
    ) -> str:
        """The cache key of a node's preview."""
        memo = {} if memo is None else memo
        if node_id in memo:
            return memo[node_id]
        node = doc.node(node_id)
        parts: dict[str, Any] = {
            "namespace": self.namespace,
            "operator": node.operator,
            "version": node.operator_version,
            "parameters": node.parameters,
            "inputs": [self.node_key(doc, i, values, memo) for i in node.inputs],
        }
        if node.kind == "source":
            ctx = SourceContext(self.resolve, values, node_id=node.id)
            parts["data"] = source_fingerprint(node.operator, node.parameters, ctx)
            parts["params"] = sorted(values.items())
            parts["sample"] = doc.settings.sample.model_dump()
        memo[node_id] = _digest(parts)
        return memo[node_id]

    # -- previews ----------------------------------------------------------------------------

    def compute(
        self, doc: FlowDocument, node_id: str, params: dict[str, Any] | None = None
    ) -> NodeResult:
        """A node's result on the sample (from the cache when its key is unchanged).

        Raises the :class:`NodeError` of the node, or of the first upstream node that failed.
        """
        values = flow_parameter_values(doc, params)
        return self._compute(doc, node_id, values, {})

    def _compute(
        self, doc: FlowDocument, node_id: str, values: dict[str, str], keys: dict[str, str]
    ) -> NodeResult:
        try:
            node = doc.node(node_id)
        except KeyError:
            raise InvalidInput(f"The flow has no node {node_id!r}.", code="unknown_node") from None
        key = self.node_key(doc, node_id, values, keys)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        inputs = [self._compute(doc, i, values, keys) for i in node.inputs]
        for parent_id, parent in zip(node.inputs, inputs, strict=True):
            if parent.frame is None:
                raise NodeError(
                    node.id,
                    f"The input {parent_id!r} is an analysis, which has no rows.",
                    "Connect this step to a source or a transform.",
                    code="wrong_inputs",
                )
        started = time.perf_counter()
        self.executions[node_id] += 1
        result = NodeResult(key=key)
        try:
            if node.kind == "source":
                sample = doc.settings.sample
                ctx = SourceContext(self.resolve, values, node_id=node.id)
                result.frame = read_sample(
                    node.operator, node.parameters, ctx, sample.method, sample.size, sample.seed
                )
            elif node.kind == "analysis":
                from .analyses import run_analysis

                result.output = run_analysis(node, inputs[0].frame)  # type: ignore[arg-type]
            else:
                transform = self.transform_of(node)
                parsed = self.parse_params(node, transform)
                frames = [r.frame for r in inputs]
                self.check_columns(node, parsed, [dict(f.schema) for f in frames])  # type: ignore[union-attr]
                kwargs = transform.kwargs(parsed)
                lazies = [f.lazy() for f in frames]  # type: ignore[union-attr]
                state = transform.fit(*lazies, **kwargs) if transform.fit else None
                result.state = state
                result.frame = transform.apply(*lazies, state=state, **kwargs).collect()
        except NodeError as exc:
            raise exc.with_node(node.id) from None
        except Exception as exc:
            schema = (
                dict(inputs[0].frame.schema) if inputs and inputs[0].frame is not None else None
            )
            raise translate_error(exc, node, schema) from None
        result.elapsed = time.perf_counter() - started
        self.cache.put(result)
        return result

    def preview(
        self,
        doc: FlowDocument,
        node_id: str,
        params: dict[str, Any] | None = None,
        *,
        rows_offset: int = 0,
        rows_limit: int = 100,
    ) -> NodePreview:
        """A node on the sample, as the panel shows it; errors come back as data."""
        from .profile import profile_columns, rows_as_json

        started = time.perf_counter()
        try:
            result = self.compute(doc, node_id, params)
        except NodeError as exc:
            return NodePreview(
                node_id=node_id,
                status="error",
                error=exc.to_dict(),  # type: ignore[arg-type]
                sample=doc.settings.sample,
                elapsed_seconds=time.perf_counter() - started,
            )
        if result.frame is None:
            return NodePreview(
                node_id=node_id,
                status="ok",
                output=result.output,
                sample=doc.settings.sample,
                elapsed_seconds=time.perf_counter() - started,
            )
        if result.profile is None:
            result.profile = profile_columns(result.frame)
        return NodePreview(
            node_id=node_id,
            status="ok",
            columns=result.profile,
            rows=rows_as_json(result.frame, rows_offset, rows_limit),
            row_count=result.frame.height,
            rows_offset=rows_offset,
            sample=doc.settings.sample,
            elapsed_seconds=time.perf_counter() - started,
        )

    def preview_all(
        self, doc: FlowDocument, params: dict[str, Any] | None = None, rows_limit: int = 100
    ) -> dict[str, NodePreview]:
        """Every node's preview (failed nodes carry their error; the others still show)."""
        return {n.id: self.preview(doc, n.id, params, rows_limit=rows_limit) for n in doc.nodes}

    # -- full runs ---------------------------------------------------------------------------

    def plan(
        self,
        doc: FlowDocument,
        node_id: str,
        params: dict[str, Any] | None = None,
        *,
        workdir: Path | None = None,
        refit: bool = True,
        progress: Progress | None = None,
        states: dict[str, Any] | None = None,
    ) -> pl.LazyFrame:
        """The lazy plan of a node over all rows. ``states`` receives each step's fitted state.

        With ``refit=False`` steps use the state fitted on the preview sample (faster, as
        SageMaker Data Wrangler does by default); with ``refit=True`` (the default) they are
        fitted again on all rows.
        """
        values = flow_parameter_values(doc, params)
        states = {} if states is None else states
        progress = _guarded(progress)
        ancestors = self.ancestors(doc, node_id)
        fitted = [
            n
            for n in ancestors
            if n.kind == "transform"
            and n.operator in self._transforms
            and self._transforms[n.operator].fit
        ]
        memo: dict[str, pl.LazyFrame] = {}
        done = [0]

        def build(nid: str) -> pl.LazyFrame:
            if nid in memo:
                return memo[nid]
            node = doc.node(nid)
            if node.kind == "analysis":
                raise NodeError(
                    node.id,
                    "An analysis has no rows to run.",
                    "Run a source or a transform.",
                    code="wrong_inputs",
                )
            inputs = [build(i) for i in node.inputs]
            try:
                if node.kind == "source":
                    ctx = SourceContext(self.resolve, values, workdir=workdir, node_id=node.id)
                    if progress:
                        progress(0.0, f"reading source {node.title or node.id}")
                    frame = scan_full(node.operator, node.parameters, ctx)
                else:
                    transform = self.transform_of(node)
                    parsed = self.parse_params(node, transform)
                    schemas = [dict(f.collect_schema()) for f in inputs]
                    self.check_columns(node, parsed, schemas)
                    kwargs = transform.kwargs(parsed)
                    state = None
                    if transform.fit:
                        if refit:
                            if progress:
                                progress(
                                    0.5 * done[0] / max(1, len(fitted)),
                                    f"fitting {transform.title} ({node.id}) on all rows",
                                )
                            state = transform.fit(*inputs, **kwargs)
                            done[0] += 1
                        else:
                            state = self._compute(doc, nid, values, {}).state
                    states[nid] = state
                    frame = transform.apply(*inputs, state=state, **kwargs)
                    frame.collect_schema()
            except NodeError as exc:
                raise exc.with_node(node.id) from None
            except _ProgressAbort:
                raise
            except Exception as exc:
                schema = dict(inputs[0].collect_schema()) if inputs else None
                raise translate_error(exc, node, schema) from None
            memo[nid] = frame
            return frame

        return build(node_id)

    def ancestors(self, doc: FlowDocument, node_id: str) -> list[FlowNode]:
        """The node and everything it reads from, sources first."""
        return doc.ancestors(node_id)

    def run(
        self,
        doc: FlowDocument,
        node_id: str,
        output: str | os.PathLike[str],
        params: dict[str, Any] | None = None,
        *,
        format: str | None = None,
        refit: bool = True,
        progress: Progress | None = None,
        workdir: Path | None = None,
    ) -> RunResult:
        """Run a node on all rows and stream the result into a Parquet or CSV file.

        The file is written under a temporary name and renamed when complete.
        """
        import tempfile

        started = time.perf_counter()
        output = Path(output)
        fmt = format or ("csv" if output.suffix.lower() == ".csv" else "parquet")
        if fmt not in ("csv", "parquet"):
            raise InvalidInput(
                f"Unknown output format {fmt!r}: use csv or parquet.", code="invalid_format"
            )
        output.parent.mkdir(parents=True, exist_ok=True)
        states: dict[str, Any] = {}
        own_workdir = workdir is None
        scratch = (
            Path(tempfile.mkdtemp(prefix="studio-flow-run-")) if own_workdir else Path(workdir)
        )  # type: ignore[arg-type]
        try:
            plan = self.plan(
                doc, node_id, params, workdir=scratch, refit=refit, progress=progress, states=states
            )
            tmp = output.with_name(f".{output.name}.partial")
            if progress:
                progress(0.5, "running the flow on all rows")
            done = threading.Event()
            watcher = threading.Thread(
                target=_report_bytes, args=(tmp, progress, done), daemon=True
            )
            watcher.start()
            try:
                if fmt == "csv":
                    plan.sink_csv(tmp, engine="streaming")
                else:
                    plan.sink_parquet(tmp, engine="streaming")
            except Exception as exc:
                tmp.unlink(missing_ok=True)
                raise self._attribute(doc, node_id, params, scratch, exc) from None
            finally:
                done.set()
                watcher.join(timeout=5)
            os.replace(tmp, output)
        finally:
            if own_workdir:
                import shutil

                shutil.rmtree(scratch, ignore_errors=True)
        if fmt == "parquet":
            rows = pl.scan_parquet(output).select(pl.len()).collect().item()
            columns = pl.read_parquet_schema(output)
        else:
            rows = pl.scan_csv(output).select(pl.len()).collect().item()
            columns = pl.scan_csv(output).collect_schema()
        if progress:
            progress(1.0, f"{rows:,} rows written")
        return RunResult(
            node_id=node_id,
            output_path=output,
            format=fmt,
            rows=int(rows),
            columns=list(columns),
            states=states,
            elapsed_seconds=time.perf_counter() - started,
        )

    def collect(
        self,
        doc: FlowDocument,
        node_id: str,
        params: dict[str, Any] | None = None,
        *,
        refit: bool = True,
    ) -> pl.DataFrame:
        """A node on all rows, in memory (for small data and tests)."""
        import tempfile

        with tempfile.TemporaryDirectory(prefix="studio-flow-") as scratch:
            plan = self.plan(doc, node_id, params, workdir=Path(scratch), refit=refit)
            try:
                return plan.collect(engine="streaming")
            except Exception as exc:
                raise self._attribute(doc, node_id, params, Path(scratch), exc) from None

    def _attribute(
        self,
        doc: FlowDocument,
        node_id: str,
        params: dict[str, Any] | None,
        scratch: Path,
        exc: BaseException,
    ) -> NodeError:
        """Find which node makes a full run fail: run each ancestor's plan, sources first."""
        if isinstance(exc, NodeError):
            return exc
        for node in self.ancestors(doc, node_id):
            if node.kind == "analysis":
                continue
            try:
                plan = self.plan(doc, node.id, params, workdir=scratch)
                plan.select(pl.all().null_count()).collect(engine="streaming")
            except NodeError as err:
                return err
            except Exception as err:  # noqa: BLE001 - any failure names this node
                if node.kind == "source":  # a broken file: say what is wrong with it, and where
                    values = flow_parameter_values(doc, params)
                    ctx = SourceContext(self.resolve, values, workdir=scratch, node_id=node.id)
                    found = explain_source_failure(node.operator, node.parameters, ctx, err)
                    if found is not None:
                        return found
                return translate_error(err, node)
        return translate_error(exc, doc.node(node_id))
