"""Export a flow as a Python script or a Jupyter notebook that reproduces it.

The exported code holds the very functions the engine runs: the source of each transform's
``apply`` and ``fit`` (and their helpers) is copied in, and each step becomes a call with the
node's parameters. So the engine and the exported code cannot drift apart (the lesson of Mito's
transpiler, without executing generated code in the engine). The code needs only Polars and
NumPy (plus pandas, scikit-learn, SciPy, DuckDB, SQLAlchemy or fsspec for steps and sources that
use them), not Jupyter Studio.

Source paths become ``ROOT / "<path>"`` where ``ROOT`` is the folder paths are relative to
(the Jupyter root for the server, the flow's folder from Python); ``--root`` changes it.
Flow parameters become ``--param name=value`` options (a ``parameters`` cell in a notebook).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import textwrap
from pathlib import Path
from typing import Any

from .errors import NodeError
from .schemas import FlowDocument, FlowNode
from .sources import (
    CsvOptions,
    DuckDBSourceParams,
    FileSourceParams,
    ObjectStoreSourceParams,
    SqlSourceParams,
    _sniff_delimiter,
    parse_source,
)
from .transforms import Transform, load_all

__all__ = ["export_notebook", "export_script"]

HEADER_IMPORTS = "import argparse\nimport csv\nimport json\nimport math\nimport os\nimport re\nimport sys\nfrom pathlib import Path\n\nimport numpy as np\nimport polars as pl\n"

RUNTIME = '''
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}


def data_files(path, fmt):
    """The data files of a path: the file itself, or the files of one format in a folder."""
    path = Path(path)
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
    return [p for p in files if EXTENSIONS.get(p.suffix.lower()) == fmt]


def scan_files(files, fmt, csv_options, storage_options=None):
    """A lazy frame over data files (local paths or URLs)."""
    files = [str(f) for f in files]
    if fmt == "parquet":
        return pl.scan_parquet(files, storage_options=storage_options)
    if fmt == "jsonl":
        return pl.scan_ndjson(files, storage_options=storage_options, infer_schema_length=csv_options["infer_schema_length"])
    encoding = csv_options.pop("encoding")
    if encoding not in ("utf8", "utf8-lossy"):
        frames = [pl.read_csv(Path(f).read_bytes().decode({"utf16": "utf-16"}.get(encoding, encoding)).encode("utf-8"), **csv_options) for f in files]
        return pl.concat(frames, how="diagonal_relaxed").lazy()
    return pl.scan_csv(files, encoding=encoding, storage_options=storage_options, **csv_options)


def env(text):
    """${NAME} in a setting, read from the environment."""
    return re.sub(r"\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}", lambda m: os.environ[m.group(1)], text) if text else text
'''


def _function_source(function: Any) -> str:
    """A module-level function's source without its decorators."""
    lines = inspect.getsource(function).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("def "))
    return "\n".join(lines[start:]) + "\n"


def _transform_functions(transforms: list[Transform]) -> list[str]:
    """Sources of the helpers, fit and apply functions the steps use (each once, helpers first)."""
    seen: set[str] = set()
    out: list[str] = []
    for transform in transforms:
        for fn in (*transform.helpers, transform.fit, transform.apply):
            if fn is None or fn.__name__ in seen:
                continue
            seen.add(fn.__name__)
            out.append(_function_source(fn))
    return out


def _csv_literal(fmt: str, options: CsvOptions, head: bytes) -> dict[str, Any]:
    sep = "\t" if fmt == "tsv" else (options.delimiter or _sniff_delimiter(head))
    return {
        "separator": sep,
        "has_header": options.has_header,
        "null_values": options.null_values or None,
        "infer_schema_length": options.infer_rows,
        "try_parse_dates": options.parse_dates,
        "truncate_ragged_lines": options.ragged_lines == "truncate",
        "encoding": options.encoding,
    }


def _fmt_call(template: str) -> str:
    """Python code for a ``{param}`` template filled from ``params``."""
    return f"{template!r}.format(**params)"


_PLACEHOLDER = r"\{([A-Za-z_][A-Za-z0-9_]*)\}"


def _bound_query(query: str, marker: str) -> tuple[str, str]:
    """A query with its ``{name}`` placeholders as bind markers, and the code of the binds dict.

    ``marker`` is the bind syntax before the name: ``:`` for SQLAlchemy, ``$`` for DuckDB.
    """
    names = re.findall(_PLACEHOLDER, query)
    bound = re.sub(_PLACEHOLDER, marker + r"\1", query.strip().rstrip(";"))
    binds = "{" + ", ".join(f"{n!r}: params[{n!r}]" for n in names) + "}"
    return bound, binds


def _file_source_code(
    p: FileSourceParams, node: FlowNode, var: str, resolve: Any, values: dict[str, str]
) -> list[str]:
    """Code that scans a local file or folder source."""
    from .sources import local_files, substitute

    real = resolve(substitute(p.path, values, node.id, "path"))
    files, fmt = local_files(real, p.format, node.id, p.path)
    head = files[0].read_bytes()[:65536] if fmt in ("csv", "tsv") else b""
    options = _csv_literal(fmt, p.csv, head)
    return [
        f"path = ROOT / {_fmt_call(p.path)}",
        f"{var} = scan_files(data_files(path, {fmt!r}), {fmt!r}, {options!r})",
    ]


def _object_store_options(p: ObjectStoreSourceParams) -> tuple[list[str], dict[str, str]]:
    """The fsspec keyword arguments (as code) and the Polars storage options of a bucket source."""
    fs_opts = []
    if p.anonymous:
        fs_opts.append("anon=True")
    if p.key:
        fs_opts.append("key=key")
    if p.secret:
        fs_opts.append("secret=secret")
    client = {
        k: v for k, v in {"endpoint_url": p.endpoint_url, "region_name": p.region}.items() if v
    }
    if client:
        fs_opts.append(f"client_kwargs={client!r}")
    storage = {"aws_region": p.region or "us-east-1"}
    if p.endpoint_url:
        storage["aws_endpoint_url"] = p.endpoint_url
        if p.endpoint_url.startswith("http://"):
            storage["aws_allow_http"] = "true"
    if p.anonymous:
        storage["aws_skip_signature"] = "true"
    return fs_opts, storage


def _object_store_source_code(p: ObjectStoreSourceParams, var: str) -> list[str]:
    """Code that lists and scans the files of an object-store (S3) source."""
    lines = []
    if p.key:
        lines.append(f"key = env({p.key!r})")
    if p.secret:
        lines.append(f"secret = env({p.secret!r})")
    fs_opts, storage = _object_store_options(p)
    fmt_hint = p.format
    lines += [
        "import fsspec",
        f"url = {_fmt_call(p.url)}",
        f"fs = fsspec.filesystem(url.split('://')[0], {', '.join(fs_opts)})",
        "found = [url] if fs.isfile(url) else ['s3://' + n for n in fs.find(url.rstrip('/') + '/') if not Path(n).name.startswith(('.', '_'))]",
        f"fmt = {fmt_hint!r} if {fmt_hint!r} != 'auto' else EXTENSIONS[Path(found[0]).suffix.lower()]",
        "found = [u for u in found if EXTENSIONS.get(Path(u).suffix.lower()) == fmt]",
        f"storage = {storage!r}",
    ]
    if p.key:
        lines.append("storage['aws_access_key_id'] = key")
    if p.secret:
        lines.append("storage['aws_secret_access_key'] = secret")
    head_code = "fs.open(found[0]).read(65536) if fmt in ('csv', 'tsv') else b''"
    options = _csv_literal("csv", p.csv, b"")
    options.pop("separator")
    lines += [
        f"head = {head_code}",
        "sep = '\\t' if fmt == 'tsv' else "
        + (repr(p.csv.delimiter) if p.csv.delimiter else "sniff(head)"),
        f"{var} = scan_files(found, fmt, {{'separator': sep, **{options!r}}}, storage_options=storage)",
    ]
    return lines


def _sql_source_code(p: SqlSourceParams, var: str, resolve: Any) -> list[str]:
    """Code that runs a SQL source's query (or reads its table) through SQLAlchemy."""
    from sqlalchemy.engine import make_url

    url = p.url
    if url.startswith("sqlite"):
        parsed = make_url(url)
        resolve(parsed.database or "")  # checks the database file is under the root
        url_code = f"'sqlite:///' + str(ROOT / {_fmt_call(parsed.database or '')})"
    else:
        url_code = f"env({_fmt_call(url)})"
    if p.table is not None:
        query_code = f"'SELECT * FROM ' + {_fmt_call(p.table)}"
        binds = "{}"
    else:
        query, binds = _bound_query(p.query or "", ":")
        query_code = repr(query)
    return [
        "import sqlalchemy as sa",
        f"engine = sa.create_engine({url_code})",
        "with engine.connect() as conn:",
        f"    result = conn.execute(sa.text({query_code}), {binds})",
        "    columns = list(result.keys())",
        "    rows = result.fetchall()",
        "engine.dispose()",
        f"{var} = pl.DataFrame({{c: [r[i] for r in rows] for i, c in enumerate(columns)}}, strict=False, infer_schema_length=None).lazy()",
    ]


def _duckdb_source_code(p: DuckDBSourceParams, var: str) -> list[str]:
    """Code that registers a DuckDB source's files as views and runs its query."""
    lines = ["import duckdb", "con = duckdb.connect()"]
    for name, raw in p.tables.items():
        lines += [
            f"path = ROOT / {_fmt_call(raw)}",
            "fmt = EXTENSIONS.get(path.suffix.lower()) if path.is_file() else next(EXTENSIONS[f.suffix.lower()] for f in sorted(path.rglob('*')) if f.suffix.lower() in EXTENSIONS)",
            "files = '[' + ', '.join(repr(str(f)) for f in data_files(path, fmt)) + ']'",
            "reader = {'parquet': f'read_parquet({files})', 'jsonl': f\"read_json_auto({files}, format='newline_delimited')\", 'csv': f'read_csv_auto({files})', 'tsv': f\"read_csv_auto({files}, delim='\\\\t')\"}[fmt]",
            f"con.execute(f'CREATE VIEW \"{name}\" AS SELECT * FROM {{reader}}')",
        ]
    query, binds = _bound_query(p.query, "$")
    lines += [
        f"{var} = pl.from_arrow(con.sql({query!r}, params={binds}).to_arrow_table()).lazy()",
        "con.close()",
    ]
    return lines


def _source_code(node: FlowNode, var: str, resolve: Any, values: dict[str, str]) -> list[str]:
    """The lines of code that load a source node into ``var``."""
    p = parse_source(node.operator, node.parameters, node.id)
    if isinstance(p, FileSourceParams):
        return _file_source_code(p, node, var, resolve, values)
    if isinstance(p, ObjectStoreSourceParams):
        return _object_store_source_code(p, var)
    if isinstance(p, SqlSourceParams):
        return _sql_source_code(p, var, resolve)
    assert isinstance(p, DuckDBSourceParams)
    return _duckdb_source_code(p, var)


def _plan(document: FlowDocument, node_id: str) -> list[FlowNode]:
    order = document.ancestors(node_id)
    if order[-1].kind == "analysis":
        raise NodeError(
            node_id,
            "An analysis cannot be exported as code.",
            "Export the node it analyses.",
            code="wrong_inputs",
        )
    return order


def _sections(document: FlowDocument, node_id: str, resolve: Any) -> dict[str, Any]:
    """The pieces of the exported code."""
    registry = load_all()
    order = _plan(document, node_id)
    values = {p.name: p.default for p in document.parameters}
    names = {n.id: f"df_{i + 1}" for i, n in enumerate(order)}
    transforms: list[Transform] = []
    steps: list[tuple[FlowNode, list[str]]] = []
    for node in order:
        var = names[node.id]
        if node.kind == "source":
            steps.append((node, _source_code(node, var, resolve, values)))
            continue
        transform = registry.get(node.operator)
        if transform is None:
            raise NodeError(
                node.id,
                f"Unknown transform {node.operator!r}.",
                "Delete the step.",
                code="unknown_operator",
            )
        transforms.append(transform)
        kwargs = transform.kwargs(transform.parse(node.parameters))
        args = ", ".join(names[i] for i in node.inputs)
        body = [f"step = {_literal(kwargs)}"]
        if transform.fit is not None:
            body.append(f"state = {transform.fit.__name__}({args}, **step)")
            body.append(f"{var} = {transform.apply.__name__}({args}, state=state, **step)")
        else:
            body.append(f"{var} = {transform.apply.__name__}({args}, **step)")
        steps.append((node, body))
    return {
        "order": order,
        "names": names,
        "functions": _transform_functions(transforms),
        "steps": steps,
        "parameters": values,
        "result": names[node_id],
    }


def _literal(value: Any) -> str:
    """A Python literal of JSON-like data, readable and exact."""
    text = repr(value)
    if len(text) <= 90:
        return text
    return (
        "{\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in value.items()) + "}"
        if isinstance(value, dict)
        else text
    )


def _title(node: FlowNode, index: int) -> str:
    label = node.title or node.operator
    return f"{index}. {label} ({node.kind}: {node.operator}, node {node.id})"


def _sniff_source() -> str:
    from ..tabular_files import sniff_delimiter

    source = textwrap.dedent(inspect.getsource(sniff_delimiter))
    return source.replace("def sniff_delimiter(", "def sniff(", 1)


def export_script(
    document: FlowDocument, node_id: str, *, resolve: Any = None, root: str | Path | None = None
) -> str:
    """A Python script that runs the flow up to ``node_id`` on all rows."""
    resolve = resolve or (lambda p: (Path(root or ".") / p).resolve())
    parts = _sections(document, node_id, resolve)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f'"""Flow {document.name or "(untitled)"!r}, node {node_id}: exported by Jupyter Studio on {stamp}.',
        "",
        "Reproduces the flow on all rows:",
        "    python this_script.py [--param name=value ...] [--root FOLDER] [--output result.parquet]",
        '"""',
        "",
        HEADER_IMPORTS,
        f"ROOT = Path({str(Path(root).resolve()) if root else '.'!r})",
        f"PARAMETERS = {json.dumps(parts['parameters'])}",
        RUNTIME,
        _sniff_source(),
        "",
        "# -- transforms (the functions Jupyter Studio runs) " + "-" * 40,
        "",
    ]
    for source in parts["functions"]:
        out += [source, ""]
    out += ["", "def build(params):", '    """The flow as a Polars lazy frame."""']
    for index, (node, lines) in enumerate(parts["steps"], start=1):
        out.append(f"    # {_title(node, index)}")
        out += [f"    {line}" if line else "" for line in lines]
        out.append("")
    out += [f"    return {parts['result']}", ""]
    out += [
        "",
        "def main(argv=None):",
        '    parser = argparse.ArgumentParser(description="Run the exported flow.")',
        '    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")',
        '    parser.add_argument("--root", default=None, help="Folder the source paths are relative to.")',
        '    parser.add_argument("--output", default=None, help="A .parquet or .csv file to write.")',
        "    args = parser.parse_args(argv)",
        "    global ROOT",
        "    if args.root:",
        "        ROOT = Path(args.root)",
        "    params = dict(PARAMETERS)",
        "    for item in args.param:",
        '        name, _, value = item.partition("=")',
        "        if name not in params:",
        '            parser.error(f"unknown parameter {name!r}; known: {sorted(params)}")',
        "        params[name] = value",
        "    result = build(params)",
        "    if args.output:",
        '        if args.output.endswith(".csv"):',
        '            result.sink_csv(args.output, engine="streaming")',
        "        else:",
        '            result.sink_parquet(args.output, engine="streaming")',
        "    else:",
        '        print(result.collect(engine="streaming"))',
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
        "",
    ]
    return "\n".join(out)


def export_notebook(
    document: FlowDocument, node_id: str, *, resolve: Any = None, root: str | Path | None = None
) -> str:
    """A Jupyter notebook (JSON text, nbformat 4) that runs the flow, one cell per node."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    resolve = resolve or (lambda p: (Path(root or ".") / p).resolve())
    parts = _sections(document, node_id, resolve)
    cells = [
        new_markdown_cell(
            f"# Flow {document.name or '(untitled)'}\n\nExported by Jupyter Studio: runs the flow up to node "
            f"`{node_id}` on all rows. Change the parameters in the next cell (it is tagged `parameters` "
            "for papermill), then run all cells."
        ),
        new_code_cell(
            f"ROOT = {str(Path(root).resolve()) if root else '.'!r}\nPARAMETERS = {json.dumps(parts['parameters'])}\nOUTPUT = None  # e.g. 'result.parquet'",
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell(
            HEADER_IMPORTS
            + "\nROOT = Path(ROOT)\nparams = dict(PARAMETERS)\n"
            + RUNTIME
            + "\n"
            + _sniff_source()
        ),
        new_code_cell(
            "# The transforms: the same functions Jupyter Studio runs.\n\n"
            + "\n\n".join(parts["functions"])
        ),
    ]
    for index, (node, lines) in enumerate(parts["steps"], start=1):
        desc = node.notes or ""
        cells.append(
            new_markdown_cell(f"## {_title(node, index)}" + (f"\n\n{desc}" if desc else ""))
        )
        cells.append(
            new_code_cell("\n".join(lines) + f"\n{parts['names'][node.id]}.head(5).collect()")
        )
    result = parts["result"]
    cells.append(
        new_code_cell(
            f"result = {result}\nif OUTPUT:\n    if str(OUTPUT).endswith('.csv'):\n        result.sink_csv(OUTPUT, engine='streaming')\n"
            "    else:\n        result.sink_parquet(OUTPUT, engine='streaming')\nresult.head(20).collect()"
        )
    )
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    return nbformat.writes(nb)
