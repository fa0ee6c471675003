"""Invocation bodies in, predictions out: the wire formats of an endpoint.

Requests (``POST /invocations``)
--------------------------------
``text/csv``
    One row per line, RFC 4180 quoting. A header row is optional and detected: the first row is a
    header when one of its fields is a column name of the model's input schema (a model without a
    schema always needs the header). ``text/csv; header=present`` or ``header=absent`` (RFC 4180's
    parameter) decides instead of the detection. Without a header the values come in schema order.
    An empty field is a missing value: NaN in a number column, ``None`` in a text column, and an
    error in an integer or boolean column. Blank lines are skipped.
``application/json``
    Any of these shapes (the first five are MLflow's scoring formats)::

        [{"age": 41, "city": "Lyon"}, ...]                      # records
        {"columns": ["age", "city"], "data": [[41, "Lyon"]]}   # pandas "split"
        {"dataframe_split": {"columns": [...], "data": [[...]]}}
        {"dataframe_records": [{...}, ...]}
        {"inputs": {"age": [41], "city": ["Lyon"]}}             # or "instances"; columns or records
        {"age": 41, "city": "Lyon"}                             # one record
        [[41, "Lyon"], ...]                                     # rows in schema order

    JSON values must have the column's type: numbers in number columns (``null`` is NaN), integers
    in integer columns (``3.0`` is accepted as 3), ``true``/``false`` in boolean columns, text in
    text columns (``null`` is ``None``), ISO 8601 text in date-time columns, base64 text in binary
    columns. ``"params"`` may accompany an envelope only when empty. ``NaN`` and ``Infinity``
    (as Python's ``json.dumps`` writes them) are read as numbers.

The request becomes a :class:`pandas.DataFrame` with the schema's columns in schema order and the
dtypes MLflow's own schema enforcement would give (``float64`` for double, ``int64`` for long,
``int32`` for integer, ``float32`` for float, ``bool``, text as ``str``, ``datetime64[ns]``), so the
model sees exactly what ``mlflow.pyfunc.load_model(dir).predict(df)`` would hand it. Columns the
schema marks optional may be left out. Named columns the schema does not have (the target and an
id column of rows pasted from the training file) are dropped, and the answer says which: the
``X-Dropped-Columns`` header (a JSON list) and, in a JSON answer, ``"dropped_columns"``; their names
are in ``frame.attrs["dropped_columns"]``. A model without a signature gets the columns as sent.

Responses
---------
The ``Accept`` header picks the format (``application/json`` when absent or ``*/*``):

``application/json``
    ``{"predictions": [...]}`` (MLflow's serving shape), plus ``"probabilities": [{label: p, ...},
    ...]`` (one object per row, class labels as text) when the model is a classifier with
    ``predict_proba``. A model returning a table gives one object per row in ``predictions``.
``text/csv``
    A header row, then one line per input row: ``prediction`` (or the model's output column names),
    then one ``probability_<label>`` column per class when probabilities exist.

Errors
------
Every refusal is a :class:`PayloadError` with an HTTP status and a message naming the column and
what was expected; its JSON body has Studio's ``{"message", "code", "detail"}`` and MLflow's
``{"error_code", "message"}`` (see :meth:`PayloadError.to_json`):

- 400: empty body, no rows, malformed CSV or JSON, missing columns, a value of the wrong
  type (e.g. text in a number column), an unknown JSON shape;
- 406: an ``Accept`` that is neither JSON nor CSV;
- 413: a body over the size limit, :data:`DEFAULT_MAX_PAYLOAD_BYTES` (6 MiB, as SageMaker's
  real-time endpoints) unless the server is started with another ``--max-payload-bytes``;
- 415: a ``Content-Type`` other than ``text/csv`` or ``application/json``.

A model whose ``predict`` raises is the server's business (a 500 with the message), not this module's.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pandas as pd

from .limits import DEFAULT_MAX_PAYLOAD_BYTES

JSON = "application/json"
CSV = "text/csv"
SUPPORTED_REQUEST_TYPES = (CSV, JSON)
SUPPORTED_RESPONSE_TYPES = (JSON, CSV)

#: The MLflow column types this module converts; any other type is passed through unchecked.
SCALAR_TYPES = ("boolean", "integer", "long", "float", "double", "string", "binary", "datetime")
_EXPECTED = {
    "double": "a number",
    "float": "a number",
    "long": "an integer",
    "integer": "an integer",
    "boolean": "true or false",
    "string": "text",
    "binary": "base64 text",
    "datetime": "an ISO 8601 date and time",
    "any": "a value",
}
_NUMERIC_TYPES = frozenset({"double", "float", "long", "integer"})
#: The only bytes of a CSV body the numeric fast path reads (anything else: the general reader).
_NUMBER_BYTES = b"0123456789.eE+-, \t\r\n"
_ENVELOPES = ("dataframe_split", "dataframe_records", "inputs", "instances")
_TRUE = frozenset({"true", "t", "1", "yes", "y"})
_FALSE = frozenset({"false", "f", "0", "no", "n"})
_INT32 = np.iinfo(np.int32)
_NONE = type(None)
_DUMP_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


class PayloadError(Exception):
    """A request the endpoint refuses: an HTTP ``status`` and a message for the caller."""

    def __init__(self, status: int, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.column = column

    @property
    def error_code(self) -> str:
        """MLflow-style error code for the JSON body."""
        return {
            400: "BAD_REQUEST",
            406: "NOT_ACCEPTABLE",
            413: "PAYLOAD_TOO_LARGE",
            415: "UNSUPPORTED_MEDIA_TYPE",
        }.get(self.status, "INTERNAL_ERROR" if self.status >= 500 else "BAD_REQUEST")

    def to_json(self) -> bytes:
        """The response body, in Studio's error shape and MLflow's at once.

        ``{"message", "code", "detail", "error_code", "column"?}``: ``message``, ``code`` and
        ``detail`` (``[{"loc": ["body", column], "msg"}]`` when a column is at fault) as every
        Studio REST error, ``error_code`` as MLflow's scoring server answers.
        """
        body: dict[str, Any] = {
            "message": self.message,
            "code": self.error_code.lower(),
            "detail": [],
            "error_code": self.error_code,
        }
        if self.column is not None:
            body["column"] = self.column
            body["detail"] = [{"loc": ["body", self.column], "msg": self.message}]
        return orjson.dumps(body)


@dataclass(frozen=True)
class Column:
    """One input column: its name, MLflow type name (or ``"any"``) and whether it is required."""

    name: str
    type: str
    required: bool = True


class InputSchema:
    """The input columns a model expects, in order."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.by_name = {c.name: c for c in self.columns}
        if len(self.by_name) != len(self.columns):
            raise ValueError("duplicate column names in the input schema")
        self.names = [c.name for c in self.columns]
        self.index = pd.Index(self.names)
        self.numeric = all(c.type in _NUMERIC_TYPES for c in self.columns)

    @classmethod
    def from_mlflow(cls, schema: Any) -> InputSchema | None:
        """Our schema from an MLflow ``Schema``; None when it is absent, unnamed or tensor-based."""
        if schema is None or not getattr(schema, "inputs", None):
            return None
        if schema.is_tensor_spec() or not schema.has_input_names():
            return None
        columns = []
        for spec in schema.inputs:
            type_name = getattr(spec.type, "name", None)
            columns.append(
                Column(
                    name=spec.name,
                    type=type_name if type_name in SCALAR_TYPES else "any",
                    required=bool(getattr(spec, "required", True)),
                )
            )
        return cls(columns)

    def describe(self) -> str:
        """``a (double), b (string)`` for error messages."""
        return ", ".join(f"{c.name} ({c.type})" for c in self.columns)

    def __repr__(self) -> str:
        return f"InputSchema({self.describe()})"


@dataclass
class Prediction:
    """What a model answered for a batch of rows."""

    values: Any
    probabilities: np.ndarray | None = None
    classes: Sequence[Any] | None = None


# ---------------------------------------------------------------------------------------- headers


def parse_media_type(value: str | None) -> tuple[str, dict[str, str]]:
    """``"text/csv; header=present"`` -> ``("text/csv", {"header": "present"})``, lower-cased."""
    if not value:
        return "", {}
    media, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        key, sep, val = part.partition("=")
        if sep:
            params[key.strip().lower()] = val.strip().strip('"').lower()
    return media.strip().lower(), params


def negotiate(accept: str | None) -> str:
    """The response media type for an ``Accept`` header (JSON unless CSV is preferred); 406 if none fits."""
    if not accept:
        return JSON
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept.split(",")):
        media, params = parse_media_type(item)
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 1.0
        if quality <= 0:
            continue
        if media in ("*/*", "application/*"):
            choice = JSON
        elif media == "text/*":
            choice = CSV
        elif media in SUPPORTED_RESPONSE_TYPES:
            choice = media
        else:
            continue
        if best is None or quality > best[0]:
            best = (quality, position, choice)
    if best is None:
        raise PayloadError(
            406, f"cannot answer in {accept!r}; accepted: {', '.join(SUPPORTED_RESPONSE_TYPES)}"
        )
    return best[2]


def check_content_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """The request's media type and parameters; 415 unless it is CSV or JSON."""
    media, params = parse_media_type(content_type)
    if media not in SUPPORTED_REQUEST_TYPES:
        shown = (
            f"Content-Type {content_type!r}" if content_type else "a request without Content-Type"
        )
        raise PayloadError(415, f"unsupported {shown}; send {' or '.join(SUPPORTED_REQUEST_TYPES)}")
    return media, params


def check_size(size: int, limit: int) -> None:
    """413 when a body of ``size`` bytes is over ``limit``."""
    if size > limit:
        raise PayloadError(
            413, f"the body is {size} bytes, over this endpoint's limit of {limit} bytes"
        )


# ---------------------------------------------------------------------------------------- requests


def parse_request(
    body: bytes,
    content_type: str | None,
    schema: InputSchema | None,
    *,
    max_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
) -> pd.DataFrame:
    """The rows of an invocation body as a DataFrame checked against ``schema`` (see module doc)."""
    media, params = check_content_type(content_type)
    check_size(len(body), max_bytes)
    if not body.strip():
        raise PayloadError(400, "the body is empty; send at least one row")
    if media == CSV:
        if schema is not None and schema.numeric:
            frame = _numeric_csv(body, schema, params.get("header"))
            if frame is not None:
                return frame
        names, columns = _read_csv(body, schema, params.get("header"))
        return build_frame(names, columns, schema, from_text=True)
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        try:  # Python's json.dumps writes NaN and Infinity, which strict JSON (orjson) refuses
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise PayloadError(400, f"the body is not valid JSON: {error}") from None
    names, columns = _read_json(document, schema)
    return build_frame(names, columns, schema, from_text=False)


def _has_header(first: list[str], schema: InputSchema | None, header: str | None) -> bool:
    if header in ("present", "absent"):
        return header == "present"
    return schema is None or any(field in schema.by_name for field in first)


def _numeric_csv(body: bytes, schema: InputSchema, header: str | None) -> pd.DataFrame | None:
    """A fast reader for plain numeric CSV (no quotes, no empty or special values), else None.

    Each row is read as a JSON array of numbers, which parses every number exactly as ``float()``
    does, several times faster. Anything unusual returns None, and the general reader (which is the
    reference for what is accepted and for every error message) reads the body instead.
    """
    if b'"' in body:
        return None
    data = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    data = data.replace(b"\r\n", b"\n").strip()
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8", "replace")
    fields = [field.strip() for field in first.split(",")]
    if _has_header(fields, schema, header):
        if sorted(fields) != sorted(schema.names) or end < 0:
            return None
        names, data = fields, data[end + 1 :]
    else:
        names = schema.names
    if not data or b"\n\n" in data or data.translate(None, _NUMBER_BYTES):
        return None
    try:
        rows = orjson.loads(b"[[" + data.replace(b"\n", b"],[") + b"]]")
    except orjson.JSONDecodeError:
        return None
    if {len(row) for row in rows} != {len(names)}:
        return None
    try:
        matrix = np.array(rows, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        return None
    position = {name: number for number, name in enumerate(names)}
    arrays = []
    for column in schema.columns:
        values = matrix[:, position[column.name]]
        if column.type == "double":
            arrays.append(values)
        elif column.type == "float":
            arrays.append(values.astype(np.float32))
        else:
            low, high = (-(2**53), 2**53) if column.type == "long" else (_INT32.min, _INT32.max)
            if not (
                np.all(np.floor(values) == values) and values.min() >= low and values.max() <= high
            ):
                return None
            arrays.append(values.astype(np.int64 if column.type == "long" else np.int32))
    return _frame(arrays, schema.index, len(rows))


def _read_csv(
    body: bytes, schema: InputSchema | None, header: str | None
) -> tuple[list[str], list[Sequence[Any]]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PayloadError(400, f"the CSV body is not UTF-8 text: {error}") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text), strict=True) if row]
    except csv.Error as error:
        raise PayloadError(400, f"the CSV body is malformed: {error}") from None
    if not rows:
        raise PayloadError(400, "the CSV body has no rows")
    first = [field.strip() for field in rows[0]]
    has_header = _has_header(first, schema, header)
    if has_header:
        names, rows = first, rows[1:]
        if not rows:
            raise PayloadError(400, "the CSV body has a header row but no data rows")
    elif schema is None:
        raise PayloadError(400, "this model has no input schema: the CSV needs a header row")
    else:
        names = schema.names
        # Trailing optional columns may be left out of a headerless CSV.
        width = len(rows[0])
        if width < len(names) and not any(c.required for c in schema.columns[width:]):
            names = names[:width]
    width = len(names)
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            expected = "header" if has_header else "model's input schema"
            raise PayloadError(
                400,
                f"CSV row {number} has {len(row)} values, but the {expected} has {width} "
                f"columns: {', '.join(names)}",
            )
    return names, list(zip(*rows, strict=True))


def _read_json(document: Any, schema: InputSchema | None) -> tuple[list[str], list[Sequence[Any]]]:
    if isinstance(document, list):
        return _rows_or_records(document, schema, "the JSON list")
    if not isinstance(document, dict):
        raise PayloadError(400, _shapes_message("a JSON " + type(document).__name__))
    envelopes = [key for key in _ENVELOPES if key in document]
    split_keys = "columns" in document and "data" in document
    if envelopes or split_keys:
        if len(envelopes) > 1:
            raise PayloadError(400, f"send only one of {', '.join(envelopes)}")
        allowed = {"params", *envelopes} if envelopes else {"columns", "data", "index", "params"}
        extra = sorted(set(document) - allowed)
        if extra:
            raise PayloadError(
                400, f"unexpected key {extra[0]!r} beside {', '.join(sorted(allowed))}"
            )
        if document.get("params"):
            raise PayloadError(400, "'params' are not supported by this endpoint")
        if not envelopes:
            return _split(document, schema)
        key = envelopes[0]
        inner = document[key]
        if key == "dataframe_split":
            if not isinstance(inner, dict):
                raise PayloadError(400, "'dataframe_split' must be an object with columns and data")
            return _split(inner, schema)
        if key == "dataframe_records":
            if not isinstance(inner, list):
                raise PayloadError(400, "'dataframe_records' must be a list of records")
            return _records(inner, "'dataframe_records'")
        if isinstance(inner, dict):
            return _columnar(inner, f"{key!r}")
        if isinstance(inner, list):
            return _rows_or_records(inner, schema, f"{key!r}")
        raise PayloadError(400, f"{key!r} must be an object of columns or a list of rows")
    if not document:
        raise PayloadError(400, "the JSON object is empty; send at least one row")
    return _columnar(document, "the JSON object")


def _shapes_message(got: str) -> str:
    return (
        f"cannot read rows from {got}; send a list of records, {{'columns', 'data'}}, "
        "'dataframe_split', 'dataframe_records', 'inputs' or one record"
    )


def _split(document: Mapping[str, Any], schema: InputSchema | None) -> tuple[list[str], list[Any]]:
    names = document.get("columns")
    data = document.get("data")
    if names is None and schema is not None:
        names = schema.names
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise PayloadError(400, "'columns' must be a list of column names")
    if not isinstance(data, list):
        raise PayloadError(400, "'data' must be a list of rows")
    if not data:
        raise PayloadError(400, "'data' has no rows")
    return names, _transpose(data, len(names), "'data'", names)


def _transpose(
    rows: list[Any], width: int, where: str, names: Sequence[str]
) -> list[Sequence[Any]]:
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list):
            raise PayloadError(400, f"row {number} of {where} is not a list of values")
        if len(row) != width:
            raise PayloadError(
                400,
                f"row {number} of {where} has {len(row)} values, expected {width}: "
                f"{', '.join(names)}",
            )
    return list(zip(*rows, strict=True)) if width else []


def _rows_or_records(
    items: list[Any], schema: InputSchema | None, where: str
) -> tuple[list[str], list[Sequence[Any]]]:
    if not items:
        raise PayloadError(400, f"{where} has no rows")
    if isinstance(items[0], list):
        if schema is None:
            raise PayloadError(
                400, "this model has no input schema: send records or columns with names"
            )
        return schema.names, _transpose(items, len(schema.names), where, schema.names)
    return _records(items, where)


def _records(items: list[Any], where: str) -> tuple[list[str], list[Sequence[Any]]]:
    if not items:
        raise PayloadError(400, f"{where} has no rows")
    first = items[0]
    if not isinstance(first, dict):
        raise PayloadError(400, f"{where} must hold records (objects of column: value)")
    names = list(first)
    uniform = True
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise PayloadError(400, f"row {number} of {where} is not a record")
        if uniform and item.keys() != first.keys():
            uniform = False
            for name in item:
                if name not in first and name not in names:
                    names.append(name)
    if uniform:
        return names, [[item[name] for item in items] for name in names]
    return names, [[item.get(name) for item in items] for name in names]


def _columnar(document: Mapping[str, Any], where: str) -> tuple[list[str], list[Sequence[Any]]]:
    names = list(document)
    values = list(document.values())
    if not names:
        raise PayloadError(400, f"{where} has no columns")
    if all(isinstance(v, list) for v in values):
        lengths = {len(v) for v in values}
        if len(lengths) > 1:
            counts = ", ".join(f"{n}: {len(v)}" for n, v in zip(names, values, strict=True))
            raise PayloadError(400, f"the columns of {where} have different lengths ({counts})")
        if 0 in lengths:
            raise PayloadError(400, f"{where} has no rows")
        return names, values
    return names, [[v] for v in values]


# ---------------------------------------------------------------------------------- column checks


def build_frame(
    names: Sequence[str],
    columns: Sequence[Sequence[Any]],
    schema: InputSchema | None,
    *,
    from_text: bool,
) -> pd.DataFrame:
    """A DataFrame of ``columns`` (named ``names``) checked and converted against ``schema``.

    ``from_text`` says the values are CSV fields (text to parse) rather than JSON values.
    """
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise PayloadError(400, f"column {name!r} appears twice", column=name)
        seen.add(name)
    rows = len(columns[0]) if columns else 0
    if rows == 0:
        raise PayloadError(400, "the request has no rows")
    if schema is None:
        arrays = [_untyped(values, from_text) for values in columns]
        return _frame(arrays, pd.Index(list(names)), rows)
    given = dict(zip(names, columns, strict=True))
    dropped = [name for name in names if name not in schema.by_name]
    arrays = []
    present = []
    for column in schema.columns:
        values = given.get(column.name)
        if values is None:
            if column.required:
                unknown = f" (the body has {', '.join(map(repr, dropped))})" if dropped else ""
                raise PayloadError(
                    400,
                    f"missing column {column.name!r}: expected {_EXPECTED[column.type]} "
                    f"({column.type}); the model expects: {schema.describe()}{unknown}",
                    column=column.name,
                )
            continue
        arrays.append(convert_column(column, values, from_text=from_text))
        present.append(column.name)
    index = schema.index if len(present) == len(schema.columns) else pd.Index(present)
    frame = _frame(arrays, index, rows)
    if dropped:
        frame.attrs["dropped_columns"] = dropped
    return frame


_RANGES: dict[int, pd.RangeIndex] = {}


def _frame(arrays: list[Any], columns: pd.Index, rows: int) -> pd.DataFrame:
    index = _RANGES.get(rows)
    if index is None:
        index = pd.RangeIndex(rows)
        if rows <= 1024 and len(_RANGES) < 1024:
            _RANGES[rows] = index
    if _FAST_FRAME:
        # pandas' own readers build frames this way; it skips the dict constructor's inference.
        return pd.DataFrame._from_arrays(
            arrays, columns=columns, index=index, verify_integrity=False
        )
    return pd.DataFrame(dict(zip(columns, arrays, strict=True)), index=index, columns=columns)


_FAST_FRAME = callable(getattr(pd.DataFrame, "_from_arrays", None))


def _untyped(values: Sequence[Any], from_text: bool) -> Any:
    """A column the schema does not type: CSV text becomes numbers where every field is one."""
    if from_text:
        for dtype in (np.int64, np.float64):
            try:
                return np.array(values, dtype=dtype)
            except (ValueError, OverflowError):
                pass
        if "" in values:
            try:
                return np.array([v if v.strip() else "nan" for v in values], dtype=np.float64)
            except ValueError:
                values = [v if v != "" else None for v in values]
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array
    return pd.Series(list(values)).infer_objects().to_numpy()


def _describe(value: Any, from_text: bool) -> str:
    if from_text:
        return "an empty field" if value == "" else _short(value)
    if isinstance(value, np.generic):  # a numpy scalar: shown plain (1.5, not np.float64(1.5))
        value = value.item()
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "text " + _short(value)
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _bad(
    column: Column, values: Sequence[Any], number: int, from_text: bool, why: str = ""
) -> PayloadError:
    value = values[number]
    detail = f" ({why})" if why else ""
    return PayloadError(
        400,
        f"column {column.name!r}: expected {_EXPECTED[column.type]} ({column.type}), got "
        f"{_describe(value, from_text)} in row {number + 1}{detail}",
        column=column.name,
    )


def convert_column(column: Column, values: Sequence[Any], *, from_text: bool) -> Any:
    """The values of one column as the array MLflow's enforcement would give, or a 400 naming it."""
    kind = column.type
    if kind in ("double", "float"):
        array = _text_floats(column, values) if from_text else _json_floats(column, values)
        return array.astype(np.float32) if kind == "float" else array
    if kind in ("long", "integer"):
        array = _text_ints(column, values) if from_text else _json_ints(column, values)
        if kind == "integer":
            outside = (array < _INT32.min) | (array > _INT32.max)
            if outside.any():
                number = int(np.argmax(outside))
                raise _bad(column, values, number, from_text, "outside the 32-bit range")
            return array.astype(np.int32)
        return array
    if kind == "boolean":
        return _booleans(column, values, from_text)
    if kind == "string":
        return _strings(column, values, from_text)
    if kind == "datetime":
        return _datetimes(column, values, from_text)
    if kind == "binary":
        return _binaries(column, values, from_text)
    return _untyped(values, from_text)


def _text_floats(column: Column, values: Sequence[str]) -> np.ndarray:
    try:
        return np.array(values, dtype=np.float64)
    except ValueError:
        pass
    out = np.empty(len(values), dtype=np.float64)
    for number, value in enumerate(values):
        if not value.strip():
            out[number] = np.nan
            continue
        try:
            out[number] = float(value)
        except ValueError:
            raise _bad(column, values, number, True) from None
    return out


def _json_floats(column: Column, values: Sequence[Any]) -> np.ndarray:
    kinds = set(map(type, values))
    if kinds <= {float, int, _NONE}:
        try:
            return np.array(values, dtype=np.float64)
        except OverflowError:
            pass
    for number, value in enumerate(values):
        if type(value) not in (float, int, _NONE):
            raise _bad(column, values, number, False)
        if type(value) is int and abs(value) > 2**1023:
            raise _bad(column, values, number, False, "too large")
    raise PayloadError(400, f"column {column.name!r}: expected numbers", column=column.name)


def _text_ints(column: Column, values: Sequence[str]) -> np.ndarray:
    try:
        return np.array(values, dtype=np.int64)
    except (ValueError, OverflowError):
        pass
    out = np.empty(len(values), dtype=np.int64)
    for number, value in enumerate(values):
        text = value.strip()
        if not text:
            raise _bad(column, values, number, True, "integer columns cannot hold missing values")
        try:
            out[number] = int(text)
            continue
        except ValueError:
            pass
        except OverflowError:
            raise _bad(column, values, number, True, "outside the 64-bit range") from None
        try:
            number_value = float(text)
        except ValueError:
            raise _bad(column, values, number, True) from None
        if not number_value.is_integer() or abs(number_value) >= 2**63:
            raise _bad(column, values, number, True, "not a whole number")
        out[number] = int(number_value)
    return out


def _json_ints(column: Column, values: Sequence[Any]) -> np.ndarray:
    kinds = set(map(type, values))
    if kinds <= {int}:
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:
            pass
    out = np.empty(len(values), dtype=np.int64)
    for number, value in enumerate(values):
        kind = type(value)
        if kind is float and value.is_integer() and abs(value) < 2**63:
            out[number] = int(value)
        elif kind is int:
            if not -(2**63) <= value < 2**63:
                raise _bad(column, values, number, False, "outside the 64-bit range")
            out[number] = value
        elif value is None:
            raise _bad(column, values, number, False, "integer columns cannot hold missing values")
        else:
            raise _bad(column, values, number, False)
    return out


def _booleans(column: Column, values: Sequence[Any], from_text: bool) -> np.ndarray:
    if not from_text:
        if set(map(type, values)) <= {bool}:
            return np.array(values, dtype=bool)
        for number, value in enumerate(values):
            if type(value) is not bool:
                raise _bad(column, values, number, False)
    out = np.empty(len(values), dtype=bool)
    for number, value in enumerate(values):
        text = value.strip().lower()
        if text in _TRUE:
            out[number] = True
        elif text in _FALSE:
            out[number] = False
        else:
            raise _bad(column, values, number, True)
    return out


def _strings(column: Column, values: Sequence[Any], from_text: bool) -> np.ndarray:
    if from_text:
        if "" in values:
            values = [v if v != "" else None for v in values]
    elif not set(map(type, values)) <= {str, _NONE}:
        for number, value in enumerate(values):
            if type(value) not in (str, _NONE):
                raise _bad(column, values, number, False)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _datetimes(column: Column, values: Sequence[Any], from_text: bool) -> np.ndarray:
    for number, value in enumerate(values):
        if not (isinstance(value, str) or (value is None and not from_text)):
            raise _bad(column, values, number, from_text)
    cleaned = [v if v else None for v in values]
    try:
        parsed = pd.to_datetime(pd.Series(cleaned, dtype=object), format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        for number, value in enumerate(cleaned):
            if value is None:
                continue
            try:
                pd.Timestamp(value)
            except (ValueError, TypeError, OverflowError):
                raise _bad(column, values, number, from_text) from None
        raise _bad(column, values, 0, from_text) from None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[ns]")


def _binaries(column: Column, values: Sequence[Any], from_text: bool) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    for number, value in enumerate(values):
        if value is None or value == "":
            out[number] = None
            continue
        if not isinstance(value, str):
            raise _bad(column, values, number, from_text)
        try:
            out[number] = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _bad(column, values, number, from_text) from None
    return out


# ---------------------------------------------------------------------------------------- responses


def _labels(classes: Sequence[Any]) -> list[str]:
    return [str(c.item() if isinstance(c, np.generic) else c) for c in classes]


def _plain(values: Any) -> Any:
    """Predictions as JSON-ready Python values."""
    if isinstance(values, pd.DataFrame):
        return values.to_dict(orient="records")
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_list()
    if isinstance(values, np.ndarray):
        return values.tolist()
    if isinstance(values, tuple):
        return list(values)
    return values


def render(prediction: Prediction, media_type: str, dropped: Sequence[str] | None = None) -> bytes:
    """The response body for ``prediction`` in ``media_type`` (JSON or CSV, see module doc)."""
    if media_type == CSV:
        return render_csv(prediction)
    return render_json(prediction, dropped)


def dropped_header(dropped: Sequence[str]) -> bytes:
    """The ``X-Dropped-Columns`` value: the names as a JSON list, non-ASCII escaped."""
    return json.dumps(list(dropped)).encode("ascii")


def render_json(prediction: Prediction, dropped: Sequence[str] | None = None) -> bytes:
    """``{"predictions": [...], "probabilities": [{label: p}, ...]?, "dropped_columns"?}``."""
    body: dict[str, Any] = {"predictions": _plain(prediction.values)}
    if prediction.probabilities is not None and prediction.classes is not None:
        labels = _labels(prediction.classes)
        body["probabilities"] = [
            dict(zip(labels, row, strict=True)) for row in prediction.probabilities.tolist()
        ]
    if dropped:
        body["dropped_columns"] = list(dropped)
    return orjson.dumps(body, option=_DUMP_OPTIONS)


def render_csv(prediction: Prediction) -> bytes:
    """A header row, then per input row the prediction(s) and ``probability_<label>`` columns."""
    values = prediction.values
    if isinstance(values, pd.DataFrame):
        header = [str(c) for c in values.columns]
        rows = values.itertuples(index=False, name=None)
    else:
        plain = _plain(values)
        if isinstance(plain, dict):
            plain = pd.DataFrame(plain)
            header = [str(c) for c in plain.columns]
            rows = plain.itertuples(index=False, name=None)
        elif not isinstance(plain, list):
            header, rows = ["prediction"], [(plain,)]
        elif plain and isinstance(plain[0], list):
            header = [f"prediction_{i}" for i in range(len(plain[0]))]
            rows = plain
        else:
            header, rows = ["prediction"], [(v,) for v in plain]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if prediction.probabilities is not None and prediction.classes is not None:
        writer.writerow(header + [f"probability_{label}" for label in _labels(prediction.classes)])
        writer.writerows(
            (*row, *probs)
            for row, probs in zip(rows, prediction.probabilities.tolist(), strict=True)
        )
    else:
        writer.writerow(header)
        writer.writerows(rows)
    return out.getvalue().encode()


def error_body(status: int, message: str) -> bytes:
    """A JSON error body like :meth:`PayloadError.to_json` for errors raised elsewhere."""
    return PayloadError(status, message).to_json()
