"""`jupyter studio flows ...`: run a Data Wrangler flow on all rows, or export its code."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core.errors import InvalidInput


def _params(pairs: list[str] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InvalidInput(f"--param {pair!r}: write NAME=VALUE.", code="invalid_param")
        values[name] = value
    return values


def _load(studio: Any, path: str) -> Any:
    from ..flows import Flow

    real = studio.spaces.path_scope(studio.caller()).resolve(
        path, what="flow", must_exist=True, expect="file"
    )
    scope = studio.spaces.path_scope(studio.caller())
    return Flow.load(real, resolve=lambda p: scope.resolve(p, what="source", must_exist=True))


def cmd_run(studio: Any, args: argparse.Namespace) -> int:
    flow = _load(studio, args.flow)
    output = Path(args.output).resolve()
    if output.exists() and not args.overwrite:
        raise InvalidInput(
            f"{args.output} exists: pass --overwrite to replace it.", code="output_exists"
        )
    result = flow.run(args.node, params=_params(args.param), output=output)
    print(f"wrote {output} ({getattr(result, 'rows', '?')} rows)")
    return 0


def cmd_export(studio: Any, args: argparse.Namespace) -> int:
    flow = _load(studio, args.flow)
    print(flow.export_code(args.node, format=args.format))
    return 0


def register(sub: Any) -> None:
    """Add the ``flows`` command group."""
    group = sub.add_parser("flows", help="Data Wrangler flows.").add_subparsers(
        dest="flows_command", required=True
    )
    p = group.add_parser("run", help="Run a flow on all rows into a CSV or Parquet file.")
    p.add_argument("flow", help="Path of the .flow file, relative to the file browser root.")
    p.add_argument("--output", required=True, help="Output file (.csv or .parquet).")
    p.add_argument("--node", help="Node to run (default: the last one).")
    p.add_argument("--param", action="append", help="A flow parameter, NAME=VALUE.")
    p.add_argument("--overwrite", action="store_true")
    p.set_defaults(func=cmd_run)
    p = group.add_parser("export", help="Print a Python script or notebook that reproduces a flow.")
    p.add_argument("flow")
    p.add_argument("--node")
    p.add_argument("--format", choices=["script", "notebook"], default="script")
    p.set_defaults(func=cmd_export)
