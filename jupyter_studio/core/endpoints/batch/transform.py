"""Batch transform: a model version scores whole CSV or Parquet files, chunk by chunk.

:func:`score_file` streams the input rows (``pyarrow.csv.open_csv`` batches for CSV,
``ParquetFile.iter_batches`` for Parquet) in chunks of ``chunk_rows`` rows, has the model predict
each chunk, and appends the input columns followed by the prediction columns to one output file
(``pyarrow.parquet.ParquetWriter`` or ``pyarrow.csv.CSVWriter``). Memory holds one chunk at a time,
whatever the size of the input. The output is written to a hidden file beside the target and
renamed into place at the end, so a failed or stopped transform leaves no half-written output.

Inputs
    CSV files (``.csv``, RFC 4180, UTF-8; a header row, or none when the values come in the
    order of the model's input schema; the delimiter is detected and a broken row is named by
    its line, as every feature reads CSV: :mod:`jupyter_studio.core.tabular_files`), Parquet
    files (``.parquet``, ``.pq``), or folders of them
    (searched recursively in name order; hidden files and names starting with ``_`` are left out).
    All files of one transform must have the same columns.
Types
    When the model has an input schema, each of its columns is converted as the endpoint converts
    an invocation (:mod:`..runtime.payloads`): an empty CSV field is a missing value (NaN in a
    number column, an error in an integer column), ``3.0`` is accepted as the integer 3, and a
    value of the wrong type stops the transform with an error naming the file, the column, the
    value and the row. Columns the schema does not list are copied to the output as they are
    (text for CSV). A model without a schema gets the columns with the types pyarrow infers.
Output
    The input columns (schema columns with their converted values), then ``prediction`` (or the
    model's output column names, or ``prediction_0``... for several outputs), then one
    ``probability_<label>`` column per class when the model is a scikit-learn classifier with
    ``predict_proba`` — the same columns as an endpoint's CSV response. A prediction column whose
    name is taken by an input column gets a ``_2`` suffix. CSV or Parquet by the output's
    extension (``.csv``, ``.parquet``, ``.pq``) or ``output_format``.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ...tabular_files import TableFileError, find_csv_problem, inspect_csv
from ..runtime.model import LoadedModel, ModelLoadError
from ..runtime.payloads import Column, InputSchema, PayloadError, Prediction, convert_column

__all__ = [
    "BatchTransformError",
    "TransformResult",
    "TransformStopped",
    "input_files",
    "output_format_of",
    "score_file",
]

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
DEFAULT_CHUNK_ROWS = 50_000
CSV_BLOCK_BYTES = 4 << 20
_ARROW_NUMBERS = {
    "double": pa.float64(),
    "float": pa.float32(),
    "long": pa.int64(),
    "integer": pa.int32(),
}
_ARROW_TYPES = {
    **_ARROW_NUMBERS,
    "boolean": pa.bool_(),
    "string": pa.string(),
    "datetime": pa.timestamp("ns"),
    "binary": pa.binary(),
}
_ROW = re.compile(r"\bin row (\d+)")


class BatchTransformError(ValueError):
    """Input the transform cannot score, or a model that fails: the message names file and column."""


class TransformStopped(Exception):
    """Raised between chunks when ``should_stop`` says so; the partial output is removed."""


@dataclass
class TransformResult:
    """What :func:`score_file` wrote."""

    output: Path
    format: str
    rows: int
    files: list[Path]
    columns: list[str]
    prediction_columns: list[str]
    seconds: float
    chunks: int = 0
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------- files


def _format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def input_files(paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str]) -> list[Path]:
    """The CSV and Parquet files of ``paths`` (files, or folders searched recursively)."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    found: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_file():
            if _format(path) is None:
                raise BatchTransformError(
                    f"{path.name} is not a CSV or Parquet file: its name must end with "
                    f"{', '.join(FORMATS)}"
                )
            found.append(path)
        elif path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and _format(p) is not None
                and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
            )
            if not files:
                raise BatchTransformError(
                    f"the folder {path.name or path} has no CSV or Parquet files "
                    f"({', '.join(FORMATS)})"
                )
            found += files
        else:
            raise BatchTransformError(f"the input {path} does not exist")
    if not found:
        raise BatchTransformError("no input files")
    return found


def output_format_of(output: str | os.PathLike[str], output_format: str | None = None) -> str:
    """``"csv"`` or ``"parquet"``: ``output_format`` if given, else from the output's extension."""
    if output_format is not None:
        fmt = output_format.lower().lstrip(".")
        if fmt not in ("csv", "parquet"):
            raise BatchTransformError(
                f"output format {output_format!r} is not supported: use csv or parquet"
            )
        return fmt
    fmt = _format(Path(output))
    if fmt is None:
        raise BatchTransformError(
            f"the output {Path(output).name} must end with .csv or .parquet (or set output_format)"
        )
    return fmt


# ----------------------------------------------------------------------------------- reading


class _Source:
    """One input file: its columns, then its rows as Arrow batches."""

    def __init__(self, path: Path, schema: InputSchema | None, chunk_rows: int) -> None:
        self.path = path
        self.format = _format(path)
        self.schema = schema
        self.chunk_rows = chunk_rows
        self.size = max(path.stat().st_size, 1)
        self.rows_read = 0
        self.total_rows: int | None = None
        self._handle: Any = None
        self._csv_names: list[str] | None = None
        self._csv_header = True
        self._delimiter = ","
        try:
            if self.format == "parquet":  # read the footer only; the file is opened again later
                metadata = pq.read_metadata(path)
                self.columns = list(metadata.schema.to_arrow_schema().names)
                self.total_rows = metadata.num_rows
                self.from_text = False
            else:
                self.columns = self._csv_columns()
                self.from_text = schema is not None
        except BatchTransformError:
            raise
        except (pa.ArrowException, OSError, ValueError) as error:
            kind = "Parquet" if self.format == "parquet" else "CSV"
            raise BatchTransformError(f"{path.name} cannot be read as {kind}: {error}") from None
        duplicated = sorted({c for c in self.columns if self.columns.count(c) > 1})
        if duplicated:
            raise BatchTransformError(
                f"{path.name} has more than one column called {', '.join(map(repr, duplicated))}"
            )
        self._check_columns()

    def _csv_columns(self) -> list[str]:
        try:  # the checks every feature runs on a CSV file: delimiter, first rows, quotes
            layout = inspect_csv(self.path, encoding="utf-8-sig", require_rows=False)
        except TableFileError as error:
            raise BatchTransformError(error.message) from None
        self._delimiter = layout.delimiter
        first = layout.header
        if not first:
            raise BatchTransformError(f"{self.path.name} is empty: it has no header row")
        fields = [f.strip() for f in first]
        schema = self.schema
        if schema is None or any(f in schema.by_name for f in fields):
            return fields
        if len(fields) <= len(schema.names) and not any(
            c.required for c in schema.columns[len(fields) :]
        ):
            # No header: the values come in schema order.
            self._csv_header = False
            self._csv_names = schema.names[: len(fields)]
            return list(self._csv_names)
        raise BatchTransformError(
            f"{self.path.name}: the first row names none of the model's columns and has "
            f"{len(fields)} values where the model expects {len(schema.names)}; add a header row "
            f"({', '.join(schema.names)})"
        )

    def _check_columns(self) -> None:
        if self.schema is None:
            return
        present = set(self.columns)
        missing = [c for c in self.schema.columns if c.required and c.name not in present]
        if missing:
            names = ", ".join(f"{c.name!r} ({c.type})" for c in missing)
            raise BatchTransformError(
                f"{self.path.name} has no column {names}, which the model needs; "
                f"the model expects: {self.schema.describe()}; the file has: "
                f"{', '.join(self.columns)}"
            )

    def fraction(self) -> float:
        """How much of the file was read, from 0 to 1."""
        if self.total_rows:
            return min(1.0, self.rows_read / self.total_rows)
        if self._handle is None:
            return 0.0
        if self._handle.closed:
            return 1.0
        return min(1.0, self._handle.tell() / self.size)

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The file's rows, as read (sizes vary)."""
        try:
            if self.format == "parquet":
                with pq.ParquetFile(self.path) as parquet:
                    yield from parquet.iter_batches(batch_size=self.chunk_rows)
                return
            read = pacsv.ReadOptions(
                block_size=CSV_BLOCK_BYTES,
                column_names=self._csv_names,
                autogenerate_column_names=False,
            )
            convert = pacsv.ConvertOptions(
                column_types=(
                    {name: pa.string() for name in self.columns} if self.from_text else None
                ),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            )
            with open(self.path, "rb") as handle:
                self._handle = handle
                reader = pacsv.open_csv(
                    handle,
                    read_options=read,
                    parse_options=pacsv.ParseOptions(delimiter=self._delimiter),
                    convert_options=convert,
                )
                yield from reader
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as error:
            kind = "Parquet" if self.format == "parquet" else "CSV"
            if kind == "CSV":
                problem = find_csv_problem(
                    self.path, delimiter=self._delimiter, encoding="utf-8-sig", require_rows=False
                )
                if problem is not None:
                    raise BatchTransformError(problem.message) from None
            raise BatchTransformError(
                f"{self.path.name} cannot be read as {kind} after row {self.rows_read}: {error}"
            ) from None

    def chunks(self) -> Iterator[pa.Table]:
        """The file's rows in tables of exactly ``chunk_rows`` rows (the last one fewer)."""
        pending: list[pa.RecordBatch] = []
        count = 0
        for batch in self.batches():
            if not batch.num_rows:
                continue
            pending.append(batch)
            count += batch.num_rows
            while count >= self.chunk_rows:
                table = pa.Table.from_batches(pending)
                chunk, rest = table.slice(0, self.chunk_rows), table.slice(self.chunk_rows)
                pending, count = rest.to_batches(), rest.num_rows
                yield chunk
        if count:
            yield pa.Table.from_batches(pending)


# ----------------------------------------------------------------------------------- converting


def _conform(array: pa.ChunkedArray, column: Column, from_text: bool) -> np.ndarray:
    """The values of one schema column with the dtype the endpoint would give (or a PayloadError)."""
    values = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    kind = column.type
    arrow = values.type
    if pa.types.is_dictionary(arrow):
        values = values.dictionary_decode()
        arrow = values.type
    if kind in _ARROW_NUMBERS and (
        from_text or pa.types.is_integer(arrow) or pa.types.is_floating(arrow)
    ):
        if not (kind in ("long", "integer") and values.null_count):
            try:
                return pc.cast(values, _ARROW_NUMBERS[kind]).to_numpy(zero_copy_only=False)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass  # the general converter finds the value and says what is wrong
    elif kind == "boolean" and pa.types.is_boolean(arrow) and not values.null_count:
        return values.to_numpy(zero_copy_only=False)
    elif kind == "datetime" and pa.types.is_timestamp(arrow) and not from_text:
        if arrow.tz is not None:
            values = pc.cast(values, pa.timestamp(arrow.unit, tz="UTC")).cast(
                pa.timestamp(arrow.unit)
            )
        return pc.cast(values, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
    return convert_column(column, values.to_pylist(), from_text=from_text)


def _model_frame(
    table: pa.Table, schema: InputSchema, from_text: bool
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    converted: dict[str, np.ndarray] = {}
    for column in schema.columns:
        if column.name in table.column_names:
            converted[column.name] = _conform(table.column(column.name), column, from_text)
    frame = pd.DataFrame(
        {
            name: pd.Series(values, copy=False, dtype=values.dtype)
            for name, values in converted.items()
        }
    )
    return frame, converted


def _prediction_columns(prediction: Prediction, rows: int) -> list[tuple[str, Any]]:
    """(name, values) of the prediction columns, as an endpoint's CSV response names them."""
    values = prediction.values
    if isinstance(values, dict):
        values = pd.DataFrame(values)
    out: list[tuple[str, Any]] = []
    if isinstance(values, pd.DataFrame):
        out = [(str(name), values[name].to_numpy()) for name in values.columns]
    else:
        array = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values
        array = np.asarray(array)
        if array.ndim == 0:
            array = array.reshape(1)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim == 1:
            out = [("prediction", array)]
        elif array.ndim == 2:
            out = [(f"prediction_{i}", array[:, i]) for i in range(array.shape[1])]
        else:
            raise BatchTransformError(
                f"the model returned predictions of shape {array.shape}, which a table cannot hold"
            )
    for name, column in out:
        if len(column) != rows:
            raise BatchTransformError(
                f"the model returned {len(column)} values in {name!r} for {rows} rows"
            )
    if prediction.probabilities is not None and prediction.classes is not None:
        for i, label in enumerate(prediction.classes):
            label = label.item() if isinstance(label, np.generic) else label
            out.append((f"probability_{label}", prediction.probabilities[:, i]))
    return out


def _arrow(values: Any, name: str, type_: pa.DataType | None = None) -> pa.Array:
    try:
        return pa.array(values, type=type_, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        if type_ is not None:
            raise
        # Mixed Python objects (e.g. labels of several types): keep their text.
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _unique_names(names: list[str], taken: set[str]) -> list[str]:
    out = []
    used = set(taken)
    for name in names:
        final, number = name, 2
        while final in used:
            final, number = f"{name}_{number}", number + 1
        used.add(final)
        out.append(final)
    return out


# ----------------------------------------------------------------------------------- writing


class _Writer:
    """Appends tables to one CSV or Parquet file; the first table fixes the columns and types."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.format = fmt
        self.schema: pa.Schema | None = None
        self._writer: Any = None

    def write(self, table: pa.Table, where: str) -> None:
        if self._writer is None:
            self.schema = table.schema
            if self.format == "parquet":
                self._writer = pq.ParquetWriter(self.path, table.schema)
            else:
                options = pacsv.WriteOptions(quoting_style="needed")
                self._writer = pacsv.CSVWriter(self.path, table.schema, write_options=options)
        elif table.schema != self.schema:
            assert self.schema is not None
            if table.schema.names != self.schema.names:
                table = table.select(self.schema.names)
            try:
                table = table.cast(self.schema)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as error:
                raise BatchTransformError(
                    f"{where}: the columns do not have the types of the first rows written "
                    f"({error}); score files of different layouts separately"
                ) from None
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


# ----------------------------------------------------------------------------------- scoring


def _load(model_dir: str | os.PathLike[str]) -> LoadedModel:
    try:
        return LoadedModel(model_dir)
    except ModelLoadError as error:
        raise BatchTransformError(str(error)) from error


def score_file(
    model_dir: str | os.PathLike[str],
    inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    output_format: str | None = None,
    on_progress: Callable[[int, float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    model: LoadedModel | None = None,
) -> TransformResult:
    """Score the CSV/Parquet files (or folders) ``inputs`` with the MLflow model in ``model_dir``.

    Writes the input rows and their predictions to ``output`` (replacing it; see the module doc
    for the columns), ``chunk_rows`` rows at a time. ``on_progress(rows_scored, fraction)`` is
    called after each chunk, ``fraction`` estimated from the bytes or rows read. ``should_stop()``
    is asked between chunks; when it answers true, :class:`TransformStopped` is raised. ``model``
    is an already loaded model to use instead of loading ``model_dir``.

    Raises :class:`BatchTransformError` for input the model cannot score (naming the file, column,
    value and row) and when the model fails; no output file is left behind then.
    """
    started = time.monotonic()
    if chunk_rows < 1:
        raise BatchTransformError("chunk_rows must be at least 1")
    target = Path(output)
    fmt = output_format_of(target, output_format)
    files = input_files(inputs)
    resolved_target = target.resolve()
    for path in files:
        if path.resolve() == resolved_target:
            raise BatchTransformError(f"the output {target.name} is also an input")
    loaded = model if model is not None else _load(model_dir)
    sources = [_Source(path, loaded.schema, chunk_rows) for path in files]
    _check_same_columns(sources)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    writer = _Writer(partial, fmt)
    try:
        rows, chunks, prediction_names = _score_sources(
            loaded, sources, writer, on_progress, should_stop
        )
        writer.close()
        os.replace(partial, target)
    except BaseException:
        writer.close()
        partial.unlink(missing_ok=True)
        raise
    return TransformResult(
        output=target,
        format=fmt,
        rows=rows,
        files=files,
        columns=[*sources[0].columns, *prediction_names],
        prediction_columns=prediction_names,
        seconds=time.monotonic() - started,
        chunks=chunks,
    )


def _check_same_columns(sources: list[_Source]) -> None:
    """Refuse input files whose columns differ from the first file's (naming extra and missing)."""
    first_columns = sources[0].columns
    for source in sources[1:]:
        if set(source.columns) != set(first_columns):
            extra = sorted(set(source.columns) - set(first_columns))
            lacking = sorted(set(first_columns) - set(source.columns))
            detail = "; ".join(
                part
                for part in (
                    f"extra: {', '.join(extra)}" if extra else "",
                    f"missing: {', '.join(lacking)}" if lacking else "",
                )
                if part
            )
            raise BatchTransformError(
                f"{source.path.name} does not have the columns of {sources[0].path.name} "
                f"({detail}); all files of a transform must have the same columns"
            )


def _score_sources(
    loaded: LoadedModel,
    sources: list[_Source],
    writer: _Writer,
    on_progress: Callable[[int, float], None] | None,
    should_stop: Callable[[], bool] | None,
) -> tuple[int, int, list[str]]:
    """Score every chunk of every source into ``writer``: the rows, chunks and prediction columns."""
    schema = loaded.schema
    first_columns = sources[0].columns
    total_bytes = sum(s.size for s in sources)
    rows = chunks = 0
    done_bytes = 0
    prediction_names: list[str] | None = None
    for source in sources:
        for table in source.chunks():
            if should_stop is not None and should_stop():
                raise TransformStopped("stopped")
            where = f"{source.path.name} rows {source.rows_read + 1}-{source.rows_read + table.num_rows}"
            converted, out = _score_chunk(loaded, schema, source, table)
            names = _unique_names([n for n, _ in out], set(first_columns))
            if prediction_names is None:
                prediction_names = names
            elif names != prediction_names:
                raise BatchTransformError(
                    f"{where}: the model answered with columns {names}, but earlier rows with "
                    f"{prediction_names}"
                )
            arrays = [
                converted[name] if name in converted else table.column(name).combine_chunks()
                for name in first_columns
            ]
            arrays += [_arrow(values, name) for name, (_, values) in zip(names, out, strict=True)]
            writer.write(pa.Table.from_arrays(arrays, names=[*first_columns, *names]), where)
            source.rows_read += table.num_rows
            rows += table.num_rows
            chunks += 1
            if on_progress is not None:
                on_progress(rows, (done_bytes + source.fraction() * source.size) / total_bytes)
        done_bytes += source.size
    if not rows:
        raise BatchTransformError(
            f"there are no rows to score in {', '.join(s.path.name for s in sources)}"
        )
    return rows, chunks, prediction_names or []


def _score_chunk(
    model: LoadedModel, schema: InputSchema | None, source: _Source, table: pa.Table
) -> tuple[dict[str, pa.Array], list[tuple[str, Any]]]:
    """(converted schema columns as Arrow arrays, prediction columns) of one chunk."""
    offset = source.rows_read
    converted: dict[str, pa.Array] = {}
    if schema is None:
        frame = table.to_pandas()
    else:
        try:
            frame, values = _model_frame(table, schema, source.from_text)
        except PayloadError as error:
            message = _ROW.sub(lambda m: f"in row {int(m.group(1)) + offset}", error.message)
            raise BatchTransformError(f"{source.path.name}: {message}") from None
        types = {c.name: _ARROW_TYPES.get(c.type) for c in schema.columns}
        converted = {name: _arrow(array, name, types[name]) for name, array in values.items()}
    try:
        prediction = model.predict(frame)
        if prediction.probabilities is None:
            prediction = _with_probabilities(model, frame, prediction)
    except Exception as error:
        raise BatchTransformError(
            f"{source.path.name} rows {offset + 1}-{offset + table.num_rows}: the model failed: "
            f"{type(error).__name__}: {error}"
        ) from error
    return converted, _prediction_columns(prediction, table.num_rows)


def _with_probabilities(
    model: LoadedModel, frame: pd.DataFrame, prediction: Prediction
) -> Prediction:
    """Add class probabilities for a scikit-learn classifier the endpoint path scores via pyfunc.

    (:class:`~..runtime.model.LoadedModel` gives them itself when the model has a complete column
    schema; a model saved without one, or with untyped columns, is predicted through pyfunc.)
    """
    if model.loader_module != "mlflow.sklearn" or model.predict_fn != "predict":
        return prediction
    raw = model.pyfunc.get_raw_model()
    classes = getattr(raw, "classes_", None)
    if not (
        hasattr(raw, "predict_proba") and isinstance(classes, np.ndarray) and classes.ndim == 1
    ):
        return prediction
    probabilities = np.asarray(raw.predict_proba(frame))
    if probabilities.shape != (len(frame), len(classes)):
        return prediction
    return Prediction(prediction.values, probabilities, classes)
