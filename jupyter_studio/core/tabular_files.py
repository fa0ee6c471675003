"""Reading users' table files (CSV, TSV, Parquet) by one set of rules in every feature.

AutoML, Data Wrangler, the model hub, the model registry and endpoint monitoring all read files
that users pick. They read them with different libraries (pandas, Polars) but through this module,
so a file means the same thing everywhere and a broken file gets the same answer everywhere:

- the delimiter of a ``.csv`` file is detected (comma, semicolon, tab or pipe); ``.tsv`` is tabs;
- the encoding is UTF-8, with or without a byte-order mark (UTF-16 with its mark is read too);
- an empty file, a file with a header and no rows, a row with more fields than the header, a quote
  that is never closed, text after a closing quote and bytes that are not UTF-8 are each a
  :class:`TableFileError` (HTTP 400) that names the file, the line and what to do;
- a Parquet file that cannot be opened is a :class:`TableFileError` too.

Rows with fewer fields than the header are accepted: their last values are missing (pandas and
Polars agree on that). Blank lines are skipped.

The checks are cheap where they run on every read (the first records only); the line-by-line
scan of a whole file (:func:`find_csv_problem`) runs when a library has already failed, to say
where and why. Values in messages are shown with :func:`show_value`, never as numpy reprs.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DELIMITERS",
    "TABLE_FORMATS",
    "CsvLayout",
    "TableFileError",
    "check_parquet",
    "find_csv_problem",
    "has_odd_quotes",
    "inspect_csv",
    "plain_value",
    "read_table",
    "show_value",
    "sniff_delimiter",
    "table_format",
]

#: File name endings of table files and their format.
TABLE_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
#: Delimiters a ``.csv`` file may use; the first lines decide which.
DELIMITERS = ",;\t|"
#: Records checked on every read (the whole file is scanned only to explain a failure).
HEAD_RECORDS = 1000
#: A quoted value longer than this is taken for a quote that is never closed.
MAX_FIELD_BYTES = 16 * 2**20
_HEAD_BYTES = 65536
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

if csv.field_size_limit() < MAX_FIELD_BYTES:  # only ever raised: long text values are data
    csv.field_size_limit(MAX_FIELD_BYTES)


class TableFileError(InvalidInput):
    """A table file cannot be read as it is (HTTP 400): what is wrong, where, and what to do.

    ``problem`` says what is wrong (``line 7 has 5 fields where the header has 4``), ``hint``
    what to do, ``line`` the 1-based line of the file where it was found (``None`` when the
    problem has no line, e.g. a corrupt Parquet footer), ``file_name`` the file's name and
    ``field`` the request field that named the file (``detail[0]["loc"]``).
    """

    code = "unreadable_table"

    def __init__(
        self,
        file_name: str,
        problem: str,
        hint: str,
        *,
        line: int | None = None,
        code: str | None = None,
        field: str = "data",
    ) -> None:
        self.file_name = file_name
        self.problem = problem
        self.hint = hint
        self.line = line
        self.field = field
        message = f"{file_name}: {problem}. {hint}"
        super().__init__(
            message,
            code=code,
            detail=[{"loc": [field], "msg": f"{file_name}: {problem}. {hint}", "line": line}],
        )

    def for_field(self, field_name: str) -> TableFileError:
        """The same error attributed to another request field."""
        return TableFileError(
            self.file_name,
            self.problem,
            self.hint,
            line=self.line,
            code=self.code,
            field=field_name,
        )


# -- values in messages --------------------------------------------------------------------------


def plain_value(value: Any) -> Any:
    """``value`` as a plain Python value (numpy and pandas scalars unwrapped, NaN/NA as None)."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__.startswith("numpy"):
        with contextlib.suppress(ValueError, TypeError):
            value = item()
    try:
        import pandas as pd

        if value is pd.NaT or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
            return None
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
    except (ImportError, TypeError, ValueError):
        pass
    return value


def show_value(value: Any) -> str:
    """A value as a message shows it: ``'yes'``, ``1``, ``2.5``, ``missing`` (no ``np.int64(1)``)."""
    value = plain_value(value)
    if value is None:
        return "missing"
    return repr(value)


# -- formats and dialects --------------------------------------------------------------------------


def table_format(path: str | Path) -> str | None:
    """``"csv"``, ``"tsv"`` or ``"parquet"`` from a file's name; ``None`` for anything else."""
    return TABLE_FORMATS.get(Path(path).suffix.lower())


def _encoding_of(head: bytes, declared: str | None) -> str:
    if declared:
        return declared
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"  # also reads files without a mark


def sniff_delimiter(sample: str | bytes, delimiters: str = ",;\t|") -> str:
    """The delimiter of CSV text, from its first lines: comma, semicolon, tab or pipe.

    Self-contained (only the ``csv`` module): Data Wrangler copies it into exported scripts.
    """
    text = sample.decode("utf-8", "replace") if isinstance(sample, bytes) else sample
    lines = [line for line in text.lstrip("\ufeff").splitlines()[:21] if line.strip()]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a sample may be cut short
    lines = lines[:20]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=delimiters).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in delimiters}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


@dataclass
class CsvLayout:
    """What the first records of a CSV file say: delimiter, encoding, header, records seen."""

    delimiter: str
    encoding: str
    header: list[str]
    records: int = 0  # data records read (at most the limit asked for)
    complete: bool = False  # True when the whole file was read
    notes: list[str] = field(default_factory=list)

    @property
    def delimiter_name(self) -> str:
        """The delimiter in words (``semicolon``)."""
        return _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def _head(path: Path, size: int = _HEAD_BYTES) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def _decode_error(path: Path, encoding: str, name: str) -> TableFileError:
    """Where the first byte that ``encoding`` cannot read is (line and byte)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                bad = chunk[exc.start : exc.start + 1].hex()
                return TableFileError(
                    name,
                    f"line {line} has a byte that is not {encoding.split('-sig')[0].upper()} "
                    f"text (0x{bad})",
                    "Save the file as UTF-8 (in a spreadsheet: CSV UTF-8), then pick it again.",
                    line=line,
                    code="bad_encoding",
                )
            line += chunk.count(b"\n")
    return TableFileError(
        name,
        f"the file is not {encoding} text",
        "Save the file as UTF-8, then pick it again.",
        code="bad_encoding",
    )


class _SyntaxProblem(Exception):
    """csv.Error with the lines of the record it was raised in."""

    def __init__(self, text: str, start: int, end: int) -> None:
        super().__init__(text)
        self.text, self.start, self.end = text, start, end


def _records(handle: io.TextIOBase, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of each non-blank record."""
    reader = csv.reader(handle, delimiter=delimiter, strict=True)
    last = 0
    while True:
        start = last + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _SyntaxProblem(str(exc), start, reader.line_num) from None
        last = reader.line_num
        if fields:
            yield start, last, fields


def _quote_error(exc: _SyntaxProblem, name: str) -> TableFileError:
    start, end, text = exc.start, exc.end, exc.text
    if "end of data" in text or "field larger" in text:
        span = "the end of the file" if "end of data" in text else "more than 16 MB further"
        return TableFileError(
            name,
            f"the quote opened on line {start} is never closed: everything up to {span} "
            f"({end - start + 1} line{'s' if end > start else ''}) would be one value",
            'Close the quote or remove it (a quote inside a quoted value is written twice: ""), '
            "then pick the file again.",
            line=start,
            code="unclosed_quote",
        )
    return TableFileError(
        name,
        f"line {end} has text right after a closing quote",
        'Quote the whole value, writing a quote inside it twice (""), then pick the file again.',
        line=end,
        code="malformed_csv",
    )


def _wide_row(
    name: str, line: int, width: int, expected: int, delimiter: str, header: bool
) -> TableFileError:
    what = "the header" if header else "the first row"
    word = _DELIMITER_NAMES.get(delimiter, repr(delimiter))
    return TableFileError(
        name,
        f"line {line} has {width} fields where {what} has {expected}",
        f"The file is read with the {word} as delimiter: quote values that contain it, or add "
        "the missing column name to the header, then pick the file again.",
        line=line,
        code="malformed_csv",
    )


def _scan(
    path: Path,
    *,
    delimiter: str,
    encoding: str,
    errors: str,
    has_header: bool,
    allow_ragged: bool,
    max_records: int | None,
    name: str,
) -> CsvLayout:
    layout = CsvLayout(delimiter=delimiter, encoding=encoding, header=[])
    try:
        with open(path, encoding=encoding, errors=errors, newline="") as handle:
            rows = _records(handle, delimiter)
            first = next(rows, None)
            if first is None:
                raise TableFileError(
                    name,
                    "the file has no lines",
                    "Pick a file with a header line and at least one row.",
                    code="empty_file",
                )
            width = len(first[2])
            if has_header:
                layout.header = first[2]
            else:
                layout.records = 1
            for start, _end, fields in rows:
                if len(fields) > width and not allow_ragged:
                    raise _wide_row(name, start, len(fields), width, delimiter, has_header)
                layout.records += 1
                if max_records is not None and layout.records >= max_records:
                    return layout
            layout.complete = True
    except _SyntaxProblem as exc:
        raise _quote_error(exc, name) from None
    except UnicodeDecodeError:
        raise _decode_error(path, encoding, name) from None
    return layout


def inspect_csv(
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    errors: str = "strict",
    has_header: bool = True,
    allow_ragged: bool = False,
    max_records: int | None = HEAD_RECORDS,
    require_rows: bool = True,
    name: str | None = None,
) -> CsvLayout:
    """Check a CSV file's first ``max_records`` records (``None``: all) and return its layout.

    Raises :class:`TableFileError` for an empty file, a header and no rows (``require_rows``),
    a record with more fields than the header (unless ``allow_ragged``), a quote never closed,
    text after a closing quote, or bytes the encoding cannot read, naming the line.
    ``delimiter`` and ``encoding`` are detected when not given (``encoding`` is a Python codec).
    """
    file = Path(path)
    shown = name or file.name
    head = _head(file)
    if not head.strip():
        raise TableFileError(
            shown,
            "the file is empty",
            "Pick a file with a header line and at least one row.",
            code="empty_file",
        )
    encoding = _encoding_of(head, encoding)
    if delimiter is None:
        try:
            sample = head.decode(encoding, "replace")
        except LookupError:
            sample = head.decode("utf-8", "replace")
        delimiter = sniff_delimiter(sample, DELIMITERS)
    layout = _scan(
        file,
        delimiter=delimiter,
        encoding=encoding,
        errors=errors,
        has_header=has_header,
        allow_ragged=allow_ragged,
        max_records=max_records,
        name=shown,
    )
    if require_rows and has_header and layout.records == 0:
        columns = ", ".join(layout.header[:8]) + (", ..." if len(layout.header) > 8 else "")
        raise TableFileError(
            shown,
            f"the file has a header ({columns}) but no rows",
            "Pick a file with data rows below its header.",
            line=2,
            code="header_only",
        )
    return layout


def find_csv_problem(path: str | Path, **options: Any) -> TableFileError | None:
    """Scan a whole CSV file line by line; the first problem :func:`inspect_csv` would name, or None.

    Run it after pandas or Polars failed on a file, to say where and why. ``options`` are those
    of :func:`inspect_csv` (``max_records`` is ignored).
    """
    options.pop("max_records", None)
    try:
        inspect_csv(path, max_records=None, **options)
    except TableFileError as exc:
        return exc
    return None


def has_odd_quotes(path: str | Path, quote: bytes = b'"') -> bool:
    """True when a file holds an odd number of quote characters (fast: bytes only).

    A quote that is never closed makes the count odd; so can a lone quote inside an unquoted
    value (``5'11"``). An odd count is a reason for :func:`find_csv_problem`, not a verdict.
    """
    count = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            count += chunk.count(quote)
    return count % 2 == 1


def check_parquet(path: str | Path, name: str | None = None) -> None:
    """Open a Parquet file's footer; :class:`TableFileError` when it is not a readable Parquet file."""
    import pyarrow.parquet as pq

    file = Path(path)
    try:
        pq.read_metadata(file)
    except Exception as exc:  # noqa: BLE001 - ArrowInvalid, OSError, ... all mean the same here
        raise _parquet_error(name or file.name, exc) from None


def _parquet_error(name: str, exc: BaseException) -> TableFileError:
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return TableFileError(
        name,
        f"the file is not a readable Parquet file ({reason})",
        "It may be truncated or not Parquet at all: write it again (or pick the original), "
        "then try again.",
        code="corrupt_parquet",
    )


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def read_table(
    path: str | Path,
    *,
    field: str = "data",
    nrows: int | None = None,
    require_rows: bool = True,
    file_format: str | None = None,
    **pandas_options: Any,
) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file into a pandas DataFrame by this module's rules.

    ``field`` names the request field in errors (``detail[0]["loc"]``); ``nrows`` reads only
    the first rows; ``file_format`` (csv, tsv, parquet) overrides the one the name gives;
    ``pandas_options`` (``dtype``, ``keep_default_na``, ``na_values``, ...) go
    to :func:`pandas.read_csv`. Raises :class:`TableFileError` (400) naming the file, the line
    and what to do.
    """
    import pandas as pd

    file = Path(path)
    kind = file_format or table_format(file)
    if kind not in ("csv", "tsv", "parquet"):
        raise TableFileError(
            file.name,
            "the file is not a CSV, TSV or Parquet file",
            "Pick a .csv, .tsv or .parquet file.",
            code="unsupported_format",
            field=field,
        )
    try:
        if kind == "parquet":
            check_parquet(file)
            try:
                frame = pd.read_parquet(file)
            except Exception as exc:  # noqa: BLE001 - a corrupt page past a good footer
                raise _parquet_error(file.name, exc) from None
            if nrows is not None:
                frame = frame.head(nrows)
            if require_rows and frame.empty:
                raise TableFileError(
                    file.name,
                    f"the file has {frame.shape[1]} columns but no rows",
                    "Pick a file with data rows.",
                    code="header_only",
                )
            return frame
        return _read_csv(file, kind, nrows, require_rows, pandas_options)
    except TableFileError as exc:
        raise (exc if exc.field == field else exc.for_field(field)) from None


def _read_csv(
    file: Path, kind: str, nrows: int | None, require_rows: bool, options: dict[str, Any]
) -> pd.DataFrame:
    import pandas as pd

    layout = inspect_csv(file, delimiter="\t" if kind == "tsv" else None, require_rows=require_rows)
    options = {"low_memory": False, **options}
    try:
        frame = pd.read_csv(
            file, sep=layout.delimiter, encoding=layout.encoding, nrows=nrows, **options
        )
    except Exception as exc:  # noqa: BLE001 - pandas' errors are many; explain them here
        problem = find_csv_problem(file, delimiter=layout.delimiter, encoding=layout.encoding)
        if problem is not None:
            raise problem from None
        raise TableFileError(
            file.name,
            f"the file cannot be read as CSV ({_first_line(exc)})",
            "Check the file in a text editor, then pick it again.",
            code="unreadable_table",
        ) from None
    if require_rows and frame.empty:
        raise TableFileError(
            file.name,
            "the file has a header but no rows",
            "Pick a file with data rows below its header.",
            line=2,
            code="header_only",
        )
    return frame
