"""Sources: files on disk, an object store through fsspec, SQL databases, DuckDB SQL over files.

Every user path goes through the ``resolve`` callable the caller passes (the service passes
:meth:`~jupyter_studio.core.spaces.paths.PathScope.resolve`), also the file of a SQLite URL
and the files a DuckDB query reads: a path outside the user's spaces is refused.

``{name}`` in a path, URL, table or query is a flow parameter. In paths and URLs it is
replaced by the value; in SQL queries it becomes a bound parameter (no SQL injection).
``${NAME}`` in credentials is read from the environment when the flow runs, so a flow file
never needs to hold a secret.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..object_stores import classify_store_error, fsspec_options
from ..tabular_files import (
    HEAD_RECORDS,
    TableFileError,
    check_parquet,
    find_csv_problem,
    has_odd_quotes,
    inspect_csv,
    sniff_delimiter,
)
from .errors import NodeError, NodePathNotFound

__all__ = [
    "MAX_COLUMNS",
    "SOURCES",
    "DuckDBSourceParams",
    "FileSourceParams",
    "ObjectStoreSourceParams",
    "SourceContext",
    "SqlSourceParams",
    "read_sample",
    "scan_full",
    "source_fingerprint",
]

MAX_COLUMNS = 1000
FORMATS = ("csv", "tsv", "jsonl", "parquet")
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SPOOL_BATCH_ROWS = 100_000

Format = Literal["auto", "csv", "tsv", "jsonl", "parquet"]


class CsvOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delimiter: str | None = Field(
        default=None, max_length=1, description="Guessed from the first lines when empty."
    )
    has_header: bool = True
    encoding: Literal["utf8", "utf8-lossy", "latin1", "cp1252", "utf16"] = "utf8"
    ragged_lines: Literal["fail", "truncate"] = Field(
        default="fail", description="Rows with more fields than the header: stop, or cut them."
    )
    null_values: list[str] = Field(default_factory=lambda: ["", "NA", "N/A", "null", "NULL"])
    infer_rows: int | None = Field(
        default=10_000,
        ge=10,
        description="Rows read to infer column types; empty reads the whole file.",
    )
    parse_dates: bool = Field(default=True, description="Recognise dates and datetimes.")


class FileSourceParams(BaseModel):
    """A CSV, TSV, JSON Lines or Parquet file, or a folder of files of one format."""

    model_config = ConfigDict(extra="forbid")
    path: str = Field(
        min_length=1,
        description="Path in your files, as the file browser shows it; {name} is a flow parameter.",
        json_schema_extra={"x-studio-widget": "path"},
    )
    format: Format = "auto"
    csv: CsvOptions = Field(default_factory=CsvOptions)


class ObjectStoreSourceParams(BaseModel):
    """A file or a prefix in an S3-compatible object store."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        pattern=r"^[a-z0-9]+://.+", description="s3://bucket/key or s3://bucket/prefix/"
    )
    format: Format = "auto"
    csv: CsvOptions = Field(default_factory=CsvOptions)
    endpoint_url: str | None = Field(
        default=None, description="For S3-compatible stores (MinIO...)."
    )
    region: str | None = None
    anonymous: bool = False
    key: str | None = Field(
        default=None, description="Access key id; ${ENV_VAR} reads the environment."
    )
    secret: str | None = Field(
        default=None, description="Secret key; use ${ENV_VAR}, never the secret."
    )


class SqlSourceParams(BaseModel):
    """A table or a query over a SQLAlchemy URL."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=1,
        description="SQLAlchemy URL, e.g. sqlite:///data/shop.db (a path in your files) or "
        "postgresql+psycopg://user:${PGPASSWORD}@host/db.",
    )
    table: str | None = None
    query: str | None = Field(default=None, json_schema_extra={"x-studio-widget": "code-sql"})

    @model_validator(mode="after")
    def _one(self) -> SqlSourceParams:
        if (self.table is None) == (self.query is None):
            raise ValueError("give either a table or a query")
        return self


class DuckDBSourceParams(BaseModel):
    """A DuckDB SQL query over files, each named as a table."""

    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1, json_schema_extra={"x-studio-widget": "code-sql"})
    tables: dict[str, str] = Field(
        default_factory=dict,
        description="Table name -> path in your files (CSV, TSV, JSON Lines, Parquet or a folder).",
    )


SOURCES: dict[str, type[BaseModel]] = {
    "file": FileSourceParams,
    "object_store": ObjectStoreSourceParams,
    "sql": SqlSourceParams,
    "duckdb": DuckDBSourceParams,
}


@dataclass
class SourceContext:
    """What reading a source needs: the path resolver, parameter values, a scratch folder."""

    resolve: Callable[[str], Path]
    params: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    node_id: str | None = None

    def scratch(self) -> Path:
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="studio-flow-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        return self.workdir


def substitute(text: str, params: dict[str, str], node_id: str | None, what: str) -> str:
    """Replace ``{name}`` by flow parameter values."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise NodeError(
                node_id,
                f"The {what} uses the parameter {{{name}}}, which the flow does not define.",
                f"Add a flow parameter called {name!r}, or remove it from the {what}.",
                code="unknown_parameter",
            )
        return str(params[name])

    return PARAM.sub(value, text)


def _env(text: str | None, node_id: str | None) -> str | None:
    """Replace ``${NAME}`` by environment variables."""
    if text is None:
        return None

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise NodeError(
                node_id,
                f"The environment variable {name} is not set.",
                f"Set {name} in the environment of the server (or of the job), then try again.",
                code="missing_environment",
            )
        return os.environ[name]

    return ENV.sub(value, text)


def sql_with_bound_params(
    query: str, params: dict[str, str], node_id: str | None, style: str
) -> tuple[str, dict[str, str]]:
    """``{name}`` in a query becomes a bound parameter (``:name`` or ``$name``)."""
    used: dict[str, str] = {}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise NodeError(
                node_id,
                f"The query uses the parameter {{{name}}}, which the flow does not define.",
                f"Add a flow parameter called {name!r}.",
                code="unknown_parameter",
            )
        used[name] = str(params[name])
        return f":{name}" if style == "colon" else f"${name}"

    return PARAM.sub(value, query), used


# -- files ------------------------------------------------------------------------------------


def _format_of(name: str, declared: str) -> str | None:
    if declared != "auto":
        return declared
    return EXTENSIONS.get(Path(name).suffix.lower())


def local_files(
    root: Path, declared: str, node_id: str | None, shown: str
) -> tuple[list[Path], str]:
    """The data files of a path (a file, or the files of a folder) and their format."""
    if not root.exists():
        raise NodePathNotFound(
            node_id,
            f"The path {shown!r} does not exist.",
            "Check the path, and the values of the flow parameters it uses.",
        )
    if root.is_file():
        fmt = _format_of(root.name, declared)
        if fmt is None:
            raise NodeError(
                node_id,
                f"Cannot tell the format of {shown!r} from its name.",
                "Choose the format (csv, tsv, jsonl or parquet) in the source's settings.",
                code="unknown_format",
            )
        return [root], fmt
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
    by_format: dict[str, list[Path]] = {}
    for p in files:
        fmt = _format_of(p.name, declared)
        if fmt is not None and (declared == "auto" or p.suffix.lower() in _suffixes(fmt)):
            by_format.setdefault(fmt, []).append(p)
    if not by_format:
        raise NodeError(
            node_id,
            f"The folder {shown!r} has no CSV, TSV, JSON Lines or Parquet files.",
            "Put data files in it, or pick a file.",
            code="empty_folder",
        )
    if len(by_format) > 1:
        raise NodeError(
            node_id,
            f"The folder {shown!r} mixes formats ({', '.join(sorted(by_format))}).",
            "Keep one format per folder, or choose the format in the source's settings.",
            code="mixed_formats",
        )
    fmt, paths = next(iter(by_format.items()))
    return paths, fmt


def _suffixes(fmt: str) -> set[str]:
    return {ext for ext, f in EXTENSIONS.items() if f == fmt}


def _sniff_delimiter(head: bytes) -> str:
    """The delimiter of a CSV head, by the rules every feature uses (core ``tabular_files``)."""
    return sniff_delimiter(head)


def _check_not_empty(paths: list[Path], node_id: str | None, shown: str) -> None:
    if all(p.stat().st_size == 0 for p in paths):
        raise NodeError(
            node_id,
            f"The file {shown!r} is empty.",
            "Pick a file with data (a header line and at least one row).",
            code="empty_file",
        )


def _csv_kwargs(fmt: str, options: CsvOptions, head: bytes) -> dict[str, Any]:
    sep = "\t" if fmt == "tsv" else (options.delimiter or _sniff_delimiter(head))
    return {
        "separator": sep,
        "has_header": options.has_header,
        "null_values": options.null_values or None,
        "infer_schema_length": options.infer_rows,
        "try_parse_dates": options.parse_dates,
        "truncate_ragged_lines": options.ragged_lines == "truncate",
    }


def _scan_files(
    paths: list[Any],
    fmt: str,
    options: CsvOptions,
    head: bytes,
    storage: dict[str, str] | None = None,
) -> pl.LazyFrame:
    """A lazy frame over files of one format (local paths or URLs)."""
    sources = [str(p) for p in paths]
    if fmt == "parquet":
        return pl.scan_parquet(sources, storage_options=storage)
    if fmt == "jsonl":
        return pl.scan_ndjson(
            sources, storage_options=storage, infer_schema_length=options.infer_rows
        )
    kwargs = _csv_kwargs(fmt, options, head)
    if options.encoding not in ("utf8", "utf8-lossy"):
        frames = []
        for src in sources:
            raw = Path(src).read_bytes()
            text = raw.decode({"utf16": "utf-16"}.get(options.encoding, options.encoding))
            frames.append(pl.read_csv(text.encode("utf-8"), **kwargs))
        return pl.concat(frames, how="diagonal_relaxed").lazy()
    return pl.scan_csv(sources, encoding=options.encoding, storage_options=storage, **kwargs)


def _head(path: Path, size: int = 65536) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


# -- object stores ----------------------------------------------------------------------------


def _fsspec_options(p: ObjectStoreSourceParams, node_id: str | None) -> dict[str, Any]:
    return fsspec_options(
        key=_env(p.key, node_id),
        secret=_env(p.secret, node_id),
        endpoint_url=p.endpoint_url,
        region=p.region,
        anonymous=p.anonymous,
    )


def _polars_storage(p: ObjectStoreSourceParams, node_id: str | None) -> dict[str, str]:
    options: dict[str, str] = {}
    key, secret = _env(p.key, node_id), _env(p.secret, node_id)
    if key:
        options["aws_access_key_id"] = key
    if secret:
        options["aws_secret_access_key"] = secret
    if p.endpoint_url:
        options["aws_endpoint_url"] = p.endpoint_url
        if p.endpoint_url.startswith("http://"):
            options["aws_allow_http"] = "true"
    options["aws_region"] = p.region or os.environ.get("AWS_REGION", "us-east-1")
    if p.anonymous:
        options["aws_skip_signature"] = "true"
    return options


def store_error(
    exc: BaseException, node_id: str | None, url: str, endpoint: str | None
) -> NodeError:
    """Turn an fsspec/botocore failure into a NodeError that says what to do."""
    problem = classify_store_error(exc, url, endpoint)
    return NodeError(node_id, problem.message, problem.hint, code=problem.code)


def _object_store_files(
    p: ObjectStoreSourceParams, url: str, node_id: str | None
) -> tuple[list[str], str, Any]:
    import fsspec

    protocol = url.split("://", 1)[0]
    try:
        fs = fsspec.filesystem(
            protocol, **(_fsspec_options(p, node_id) if protocol == "s3" else {})
        )
        path = url.split("://", 1)[1]
        try:
            info = fs.info(path)
            is_dir = info.get("type") == "directory"
        except FileNotFoundError:
            is_dir = True
        if is_dir:
            names = [
                n
                for n in fs.find(path.rstrip("/") + "/")
                if not Path(n).name.startswith((".", "_"))
            ]
        else:
            names = [path]
    except NodeError:
        raise
    except Exception as exc:  # botocore, aiohttp, OSError...
        raise store_error(exc, node_id, url, p.endpoint_url) from None
    by_format: dict[str, list[str]] = {}
    for name in names:
        fmt = _format_of(name, p.format)
        if fmt is not None:
            by_format.setdefault(fmt, []).append(name)
    if not by_format:
        raise NodeError(
            node_id,
            f"No CSV, TSV, JSON Lines or Parquet objects at {url}.",
            "Check the prefix, or choose the format in the source's settings.",
            code="object_not_found",
        )
    if len(by_format) > 1:
        raise NodeError(
            node_id,
            f"The prefix {url} mixes formats ({', '.join(sorted(by_format))}).",
            "Choose the format in the source's settings.",
            code="mixed_formats",
        )
    fmt, found = next(iter(by_format.items()))
    return [f"{protocol}://{n}" for n in sorted(found)], fmt, fs


def _object_store_frame(p: ObjectStoreSourceParams, ctx: SourceContext) -> tuple[pl.LazyFrame, str]:
    url = substitute(p.url, ctx.params, ctx.node_id, "URL")
    urls, fmt, fs = _object_store_files(p, url, ctx.node_id)
    head = b""
    if fmt in ("csv", "tsv"):
        try:
            with fs.open(urls[0].split("://", 1)[1], "rb") as handle:
                head = handle.read(65536)
        except Exception as exc:
            raise store_error(exc, ctx.node_id, url, p.endpoint_url) from None
        if not head:
            raise NodeError(
                ctx.node_id,
                f"The object {urls[0]} is empty.",
                "Pick an object with data.",
                code="empty_file",
            )
    if urls[0].startswith("s3://") and p.csv.encoding in ("utf8", "utf8-lossy"):
        return _scan_files(urls, fmt, p.csv, head, storage=_polars_storage(p, ctx.node_id)), url
    # Other protocols or encodings: read through fsspec file objects (in memory).
    frames = []
    for u in urls:
        with fs.open(u.split("://", 1)[1], "rb") as handle:
            data = handle.read()
        if fmt == "parquet":
            frames.append(pl.read_parquet(data))
        elif fmt == "jsonl":
            frames.append(pl.read_ndjson(data))
        else:
            enc = {"utf16": "utf-16"}.get(p.csv.encoding, p.csv.encoding)
            if enc not in ("utf8", "utf8-lossy"):
                data = data.decode(enc).encode("utf-8")
            frames.append(pl.read_csv(data, **_csv_kwargs(fmt, p.csv, head)))
    return pl.concat(frames, how="diagonal_relaxed").lazy(), url


# -- SQL ----------------------------------------------------------------------------------------


def _sql_engine(p: SqlSourceParams, ctx: SourceContext) -> Any:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    raw = _env(substitute(p.url, ctx.params, ctx.node_id, "URL"), ctx.node_id) or ""
    try:
        url = make_url(raw)
    except Exception as exc:
        raise NodeError(
            ctx.node_id,
            f"The database URL is not valid: {exc}.",
            "Write it as dialect+driver://user:password@host/database.",
            code="invalid_url",
        ) from None
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise NodeError(
                ctx.node_id,
                "A SQLite source needs a database file.",
                "Write sqlite:///path/in/your/files.db.",
                code="invalid_url",
            )
        real = ctx.resolve(database)
        if not real.is_file():
            raise NodePathNotFound(
                ctx.node_id,
                f"The SQLite database {database!r} does not exist.",
                "Check the path.",
            )
        url = url.set(database=str(real))
        return sa.create_engine(url, connect_args={"uri": False}), url
    return sa.create_engine(url, pool_pre_ping=True), url


def sql_error(exc: BaseException, node_id: str | None) -> NodeError:
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    name = type(exc).__name__
    if name in ("NoSuchTableError",):
        return NodeError(
            node_id,
            f"The table {message} does not exist.",
            "Check the table name (and its schema).",
            code="sql_error",
        )
    if "OperationalError" in name and any(
        s in message.lower()
        for s in ("connect", "could not", "refused", "timeout", "password", "authentication")
    ):
        return NodeError(
            node_id,
            f"Cannot connect to the database: {message}.",
            "Check the URL, the credentials and that the database server is running.",
            code="sql_connection_error",
        )
    return NodeError(
        node_id,
        f"The database answered with an error: {message}.",
        "Fix the query (or the table name) and try again.",
        code="sql_error",
    )


def _sql_statement(
    p: SqlSourceParams, ctx: SourceContext, limit: int | None
) -> tuple[Any, dict[str, str]]:
    import sqlalchemy as sa

    if p.table is not None:
        table = substitute(p.table, ctx.params, ctx.node_id, "table")
        schema, _, name = table.rpartition(".")
        stmt = sa.select(sa.text("*")).select_from(sa.table(name, schema=schema or None))
        binds: dict[str, str] = {}
    else:
        query, binds = sql_with_bound_params(p.query or "", ctx.params, ctx.node_id, "colon")
        query = query.strip().rstrip(";")
        stmt = sa.select(sa.text("*")).select_from(sa.text(f"({query}) AS studio_source"))
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt, binds


def _read_sql(p: SqlSourceParams, ctx: SourceContext, limit: int | None) -> pl.DataFrame:
    engine, _ = _sql_engine(p, ctx)
    try:
        stmt, binds = _sql_statement(p, ctx, limit)
        with engine.connect() as conn:
            result = conn.execute(stmt, binds)
            columns = list(result.keys())
            rows = result.fetchall()
        return _rows_to_frame(columns, rows)
    except NodeError:
        raise
    except Exception as exc:
        raise sql_error(exc, ctx.node_id) from None
    finally:
        engine.dispose()


def _rows_to_frame(columns: list[str], rows: list[Any]) -> pl.DataFrame:
    data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    return pl.DataFrame(data, strict=False, infer_schema_length=None)


def _spool_sql(p: SqlSourceParams, ctx: SourceContext) -> pl.LazyFrame:
    """Stream a query's rows into a Parquet file in the scratch folder; scan that file."""
    import pyarrow.parquet as pq

    engine, _ = _sql_engine(p, ctx)
    target = ctx.scratch() / f"sql-{ctx.node_id}.parquet"
    writer = None
    try:
        stmt, binds = _sql_statement(p, ctx, None)
        with engine.connect().execution_options(
            stream_results=True, yield_per=SPOOL_BATCH_ROWS
        ) as conn:
            result = conn.execute(stmt, binds)
            columns = list(result.keys())
            schema = None
            for chunk in result.partitions(SPOOL_BATCH_ROWS):
                frame = _rows_to_frame(columns, chunk)
                table = (
                    frame.to_arrow()
                    if schema is None
                    else frame.to_arrow().cast(schema, safe=False)
                )
                if writer is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(target, schema)
                writer.write_table(table)
            if writer is None:
                pl.DataFrame({c: [] for c in columns}).write_parquet(target)
    except NodeError:
        raise
    except Exception as exc:
        raise sql_error(exc, ctx.node_id) from None
    finally:
        if writer is not None:
            writer.close()
        engine.dispose()
    return pl.scan_parquet(target)


# -- DuckDB -------------------------------------------------------------------------------------


def _duckdb_relation(p: DuckDBSourceParams, ctx: SourceContext) -> tuple[Any, str, dict[str, str]]:
    import duckdb

    con = duckdb.connect()
    allowed_files: list[str] = []
    allowed_dirs: list[str] = []
    views = []
    for name, raw in p.tables.items():
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise NodeError(
                ctx.node_id,
                f"{name!r} is not a valid table name.",
                "Use letters, digits and '_'.",
                code="invalid_table_name",
            )
        shown = substitute(raw, ctx.params, ctx.node_id, "path")
        real = ctx.resolve(shown)
        files, fmt = local_files(real, "auto", ctx.node_id, shown)
        if real.is_dir():
            allowed_dirs.append(str(real) + os.sep)
        allowed_files += [str(f) for f in files]
        listing = "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"
        reader = {
            "parquet": f"read_parquet({listing})",
            "jsonl": f"read_json_auto({listing}, format='newline_delimited')",
            "csv": f"read_csv_auto({listing})",
            "tsv": f"read_csv_auto({listing}, delim='\\t')",
        }[fmt]
        views.append(f'CREATE VIEW "{name}" AS SELECT * FROM {reader}')

    def quoted(items: list[str]) -> str:
        return "[" + ", ".join("'" + i.replace("'", "''") + "'" for i in items) + "]"

    if allowed_files:
        con.execute(f"SET allowed_paths = {quoted(allowed_files)}")
    if allowed_dirs:
        con.execute(f"SET allowed_directories = {quoted(allowed_dirs)}")
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")
    for view in views:
        con.execute(view)
    query, binds = sql_with_bound_params(p.query, ctx.params, ctx.node_id, "dollar")
    return con, query.strip().rstrip(";"), binds


def duckdb_error(exc: BaseException, node_id: str | None) -> NodeError:
    message = str(exc).strip().splitlines()[0]
    if "Permission" in type(exc).__name__ or "Permission Error" in message:
        return NodeError(
            node_id,
            f"DuckDB may only read the files named in the source's tables ({message}).",
            "Add the file as a table (name -> path) and query the table by name.",
            code="sql_error",
        )
    return NodeError(
        node_id,
        f"DuckDB answered with an error: {message}.",
        "Fix the query and try again.",
        code="sql_error",
    )


def _read_duckdb(p: DuckDBSourceParams, ctx: SourceContext, limit: int | None) -> pl.DataFrame:
    con, query, binds = _duckdb_relation(p, ctx)
    try:
        if limit is not None:
            query = f"SELECT * FROM ({query}) AS studio_source LIMIT {int(limit)}"
        return pl.from_arrow(con.sql(query, params=binds).to_arrow_table())  # type: ignore[return-value]
    except NodeError:
        raise
    except Exception as exc:
        raise duckdb_error(exc, ctx.node_id) from None
    finally:
        con.close()


def _spool_duckdb(p: DuckDBSourceParams, ctx: SourceContext) -> pl.LazyFrame:
    import pyarrow.parquet as pq

    con, query, binds = _duckdb_relation(p, ctx)
    target = ctx.scratch() / f"duckdb-{ctx.node_id}.parquet"
    try:
        reader = con.sql(query, params=binds).to_arrow_reader(SPOOL_BATCH_ROWS)
        with pq.ParquetWriter(target, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
    except NodeError:
        raise
    except Exception as exc:
        raise duckdb_error(exc, ctx.node_id) from None
    finally:
        con.close()
    return pl.scan_parquet(target)


# -- entry points -------------------------------------------------------------------------------


def parse_source(operator: str, parameters: dict[str, Any], node_id: str | None) -> BaseModel:
    """Validate a source node's parameters (NodeError naming the field otherwise)."""
    from pydantic import ValidationError

    model = SOURCES.get(operator)
    if model is None:
        raise NodeError(
            node_id,
            f"Unknown source type {operator!r}.",
            f"Use one of: {', '.join(SOURCES)}.",
            code="unknown_operator",
        )
    try:
        return model.model_validate(parameters)
    except ValidationError as exc:
        raise NodeError(
            node_id,
            f"Invalid source settings: {_first_error(exc)}.",
            "Fix the source's settings.",
            code="invalid_parameters",
        ) from None


def _first_error(exc: Any) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ()))
    return f"{loc}: {err.get('msg')}" if loc else str(err.get("msg"))


@dataclass
class _LocalFiles:
    """The files of a file source, as read: format, CSV options, head of the first file."""

    paths: list[Path]
    fmt: str
    shown: str
    options: CsvOptions
    head: bytes
    node_id: str | None

    def name(self, path: Path) -> str:
        """A file as the user knows it: the source's path, or path/name inside its folder."""
        if len(self.paths) == 1 and path == self.paths[0] and path.name in self.shown:
            return self.shown
        return f"{self.shown.rstrip('/')}/{path.name}"

    def csv_checks(self) -> dict[str, Any]:
        """The options of the shared CSV checks that match how Polars reads these files."""
        encoding, errors = CHECK_ENCODINGS[self.options.encoding]
        return {
            "delimiter": _csv_kwargs(self.fmt, self.options, self.head)["separator"],
            "encoding": encoding,
            "errors": errors,
            "has_header": self.options.has_header,
            "allow_ragged": self.options.ragged_lines == "truncate",
        }


#: CSV source encodings -> (Python codec, errors) for the shared checks.
CHECK_ENCODINGS = {
    "utf8": ("utf-8-sig", "strict"),
    "utf8-lossy": ("utf-8-sig", "replace"),
    "latin1": ("latin-1", "strict"),
    "cp1252": ("cp1252", "strict"),
    "utf16": ("utf-16", "strict"),
}


def file_error(exc: TableFileError, node_id: str | None) -> NodeError:
    """A broken file as the failing source node's error: what is wrong, on which line, what to do.

    The reader's hint is followed by what the source's own CSV settings can do about it.
    """
    hint = exc.hint
    if exc.code == "bad_encoding":
        hint += " Or set the encoding of the source to latin1, cp1252 or utf8-lossy."
    elif "fields where" in exc.problem:  # a row wider than the header
        hint += " To cut such rows instead, set 'ragged lines' to 'truncate' in its CSV settings."
    return NodeError(
        node_id,
        f"The file {exc.file_name!r} cannot be read: {exc.problem}.",
        hint,
        code=exc.code,
    )


def _check_files(files: _LocalFiles, first_records: int = HEAD_RECORDS) -> bool:
    """Check the head of each file (the first one deeper) before Polars reads them.

    An empty or header-only source, a row wider than the header, an unclosed quote or a
    Parquet file that cannot be opened is a NodeError naming the file and the line.
    Returns True when every file was checked to its end.
    """
    try:
        if files.fmt == "parquet":
            for path in files.paths:
                check_parquet(path, files.name(path))
            return False
        if files.fmt not in ("csv", "tsv"):
            return False
        checks = files.csv_checks()
        rows = 0
        complete = True
        for index, path in enumerate(files.paths):
            layout = inspect_csv(
                path,
                max_records=first_records if index == 0 else 1,
                require_rows=False,
                name=files.name(path),
                **checks,
            )
            rows += layout.records
            complete = complete and layout.complete
        if rows == 0 and files.options.has_header:
            inspect_csv(files.paths[0], max_records=1, name=files.name(files.paths[0]), **checks)
        return complete
    except TableFileError as exc:
        raise file_error(exc, files.node_id) from None


def _explain_files(files: _LocalFiles, exc: BaseException) -> NodeError | None:
    """After Polars failed on these files: the file problem that made it fail, if there is one."""
    if isinstance(exc, NodeError):
        return exc
    try:
        if files.fmt in ("csv", "tsv"):
            checks = files.csv_checks()
            for path in files.paths:
                problem = find_csv_problem(path, name=files.name(path), **checks)
                if problem is not None:
                    return file_error(problem, files.node_id)
        elif files.fmt == "parquet":
            import pyarrow.parquet as pq

            for path in files.paths:
                check_parquet(path, files.name(path))
                try:
                    for _batch in pq.ParquetFile(path).iter_batches(batch_size=65536):
                        pass
                except Exception as err:  # noqa: BLE001 - a corrupt page past a good footer
                    reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
                    return NodeError(
                        files.node_id,
                        f"The file {files.name(path)!r} cannot be read: it is not a readable "
                        f"Parquet file ({reason}).",
                        "It may be truncated or damaged: write it again, then run again.",
                        code="corrupt_parquet",
                    )
    except TableFileError as problem:
        return file_error(problem, files.node_id)
    except OSError:
        return None
    return None


def _local_files(p: FileSourceParams, ctx: SourceContext) -> _LocalFiles:
    shown = substitute(p.path, ctx.params, ctx.node_id, "path")
    real = ctx.resolve(shown)
    paths, fmt = local_files(real, p.format, ctx.node_id, shown)
    _check_not_empty(paths, ctx.node_id, shown)
    head = _head(paths[0]) if fmt in ("csv", "tsv") else b""
    if fmt in ("csv", "tsv") and not head.strip():
        raise NodeError(
            ctx.node_id,
            f"The file {shown!r} is empty.",
            "Pick a file with data.",
            code="empty_file",
        )
    return _LocalFiles(paths, fmt, shown, p.csv, head, ctx.node_id)


def explain_source_failure(
    operator: str, parameters: dict[str, Any], ctx: SourceContext, exc: BaseException
) -> NodeError | None:
    """Why a source failed in a full run, when its files are to blame (None otherwise).

    The engine calls it when running all rows fails on a source: a CSV file is scanned line by
    line (a row wider than the header, an unclosed quote...), a Parquet file read page by page.
    """
    try:
        p = parse_source(operator, parameters, ctx.node_id)
        if not isinstance(p, FileSourceParams):
            return None
        return _explain_files(_local_files(p, ctx), exc)
    except NodeError as err:
        return err
    except Exception:  # noqa: BLE001 - explaining must not hide the original failure
        return None


def scan_full(operator: str, parameters: dict[str, Any], ctx: SourceContext) -> pl.LazyFrame:
    """A lazy frame over all rows of a source (SQL results are streamed to a scratch file)."""
    p = parse_source(operator, parameters, ctx.node_id)
    if isinstance(p, FileSourceParams):
        files = _local_files(p, ctx)
        _check_files(files)
        frame = _scan_files(files.paths, files.fmt, p.csv, files.head)
        try:
            check_columns(frame.collect_schema(), ctx.node_id)
        except NodeError:
            raise
        except Exception as exc:
            raise (_explain_files(files, exc) or exc) from None
        return frame
    elif isinstance(p, ObjectStoreSourceParams):
        frame = _object_store_frame(p, ctx)[0]
    elif isinstance(p, SqlSourceParams):
        frame = _spool_sql(p, ctx)
    else:
        assert isinstance(p, DuckDBSourceParams)
        frame = _spool_duckdb(p, ctx)
    check_columns(frame.collect_schema(), ctx.node_id)
    return frame


def read_sample(
    operator: str, parameters: dict[str, Any], ctx: SourceContext, method: str, size: int, seed: int
) -> pl.DataFrame:
    """The preview sample of a source: its first ``size`` rows, or ``size`` rows at random."""
    p = parse_source(operator, parameters, ctx.node_id)
    if isinstance(p, SqlSourceParams):
        frame = _read_sql(p, ctx, size if method == "first" else None)
    elif isinstance(p, DuckDBSourceParams):
        frame = _read_duckdb(p, ctx, size if method == "first" else None)
    elif isinstance(p, FileSourceParams):
        files = _local_files(p, ctx)
        checked = _check_files(files)
        try:
            lazy = _scan_files(files.paths, files.fmt, p.csv, files.head)
            frame = _sample_lazy(lazy, ctx, method, size, seed)
        except NodeError:
            raise
        except Exception as exc:
            raise (_explain_files(files, exc) or exc) from None
        if (
            frame.height < size
            and files.fmt in ("csv", "tsv")
            and not checked
            and any(has_odd_quotes(path) for path in files.paths)
        ):
            # Polars read every row: a quote left open after the first rows hides the rest.
            problem = _explain_files(files, ValueError("fewer rows than asked for"))
            if problem is not None:
                raise problem
        return frame
    else:
        return _sample_lazy(_object_store_frame(p, ctx)[0], ctx, method, size, seed)
    check_columns(frame.schema, ctx.node_id)
    if method == "random" and frame.height > size:
        frame = frame.sample(size, seed=seed).sort(pl.int_range(pl.len()))
    return frame


def _sample_lazy(
    lazy: pl.LazyFrame, ctx: SourceContext, method: str, size: int, seed: int
) -> pl.DataFrame:
    """The first ``size`` rows of a lazy frame, or ``size`` rows at random."""
    check_columns(lazy.collect_schema(), ctx.node_id)
    if method == "first":
        return lazy.head(size).collect()
    total = lazy.select(pl.len()).collect(engine="streaming").item()
    if total <= size:
        return lazy.collect()
    import numpy as np

    picks = np.sort(np.random.default_rng(seed).choice(total, size=size, replace=False))
    return (
        lazy.with_row_index("__studio_row")
        .filter(pl.col("__studio_row").is_in(pl.Series(picks, dtype=pl.UInt32).implode()))
        .drop("__studio_row")
        .collect(engine="streaming")
    )


def check_columns(schema: Any, node_id: str | None) -> None:
    count = len(schema)
    if count > MAX_COLUMNS:
        raise NodeError(
            node_id,
            f"The source has {count} columns; Data Wrangler handles up to {MAX_COLUMNS}.",
            "Select the columns you need first (for example with a DuckDB or SQL source: SELECT col1, col2 ...), or split the file.",
            code="too_many_columns",
        )


def source_fingerprint(operator: str, parameters: dict[str, Any], ctx: SourceContext) -> str:
    """What identifies a source's data for caching: resolved files with size and mtime."""
    try:
        p = parse_source(operator, parameters, ctx.node_id)
    except NodeError:
        return "invalid"
    if isinstance(p, FileSourceParams):
        try:
            shown = substitute(p.path, ctx.params, ctx.node_id, "path")
            real = ctx.resolve(shown)
            files, _ = local_files(real, p.format, ctx.node_id, shown)
            return "|".join(f"{f}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)
        except Exception:
            return "unresolved"
    if isinstance(p, DuckDBSourceParams):
        parts = []
        for raw in p.tables.values():
            try:
                real = ctx.resolve(substitute(raw, ctx.params, ctx.node_id, "path"))
                files = (
                    [real] if real.is_file() else sorted(x for x in real.rglob("*") if x.is_file())
                )
                parts += [f"{f}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files]
            except Exception:
                parts.append("unresolved")
        return "|".join(parts) + "|" + repr(sorted(ctx.params.items()))
    # Remote data: identified by the settings and parameter values only.
    return repr(sorted(ctx.params.items()))


def source_paths(
    operator: str, parameters: dict[str, Any], values: dict[str, str], node_id: str | None
) -> list[str]:
    """The user paths a source reads (after ``{param}`` substitution), for resolving up front."""
    p = parse_source(operator, parameters, node_id)
    if isinstance(p, FileSourceParams):
        return [substitute(p.path, values, node_id, "path")]
    if isinstance(p, DuckDBSourceParams):
        return [substitute(raw, values, node_id, "path") for raw in p.tables.values()]
    if isinstance(p, SqlSourceParams):
        from sqlalchemy.engine import make_url

        try:
            url = make_url(_env(substitute(p.url, values, node_id, "URL"), node_id) or "")
        except Exception:
            return []
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return [url.database]
    return []
