"""`jupyter studio endpoints ...`: deploy, list, describe, update, delete and invoke endpoints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.endpoints.invocation import CSV, JSON, encode_rows, invoke_port
from ..core.endpoints.schemas import CreateEndpoint, UpdateEndpoint
from ..core.errors import InvalidInput
from ..core.validation import parse_model
from .output import table


def _print(endpoint: Any, as_json: bool = False) -> None:
    if as_json:
        print(endpoint.model_dump_json(indent=2))
        return
    print(
        f"{endpoint.endpoint_name}  {endpoint.status.value}  "
        f"{endpoint.model_name} v{endpoint.model_version}  port {endpoint.port or '-'}"
    )
    if endpoint.status_message:
        print(f"  {endpoint.status_message}")


def cmd_list(studio: Any, args: argparse.Namespace) -> int:
    items = studio.endpoints.list(studio.caller())
    rows = [
        [e.endpoint_name, e.status.value, e.model_name, str(e.model_version), str(e.port or "-")]
        for e in items
    ]
    print(table(rows, ["NAME", "STATUS", "MODEL", "VERSION", "PORT"]))
    return 0


def cmd_create(studio: Any, args: argparse.Namespace) -> int:
    body = parse_model(
        CreateEndpoint,
        {
            "endpoint_name": args.name,
            "model_name": args.model,
            "model_version": args.version,
            "instance_count": args.instance_count,
            "capture_percent": args.capture_percent,
        },
        "endpoint",
    )
    caller = studio.caller()
    endpoint = studio.endpoints.create(caller, body)
    if args.wait:
        endpoint = studio.endpoints.wait(caller, endpoint.endpoint_name, timeout=args.timeout)
    _print(endpoint)
    return 0 if endpoint.status.value != "Failed" else 1


def cmd_describe(studio: Any, args: argparse.Namespace) -> int:
    _print(studio.endpoints.get(studio.caller(), args.name), args.json)
    return 0


def cmd_update(studio: Any, args: argparse.Namespace) -> int:
    changes = {
        "model_name": args.model,
        "model_version": args.version,
        "instance_count": args.instance_count,
        "capture_percent": args.capture_percent,
    }
    body = parse_model(
        UpdateEndpoint, {k: v for k, v in changes.items() if v is not None}, "endpoint update"
    )
    caller = studio.caller()
    endpoint = studio.endpoints.update(caller, args.name, body)
    if args.wait:
        endpoint = studio.endpoints.wait(caller, args.name, timeout=args.timeout)
    _print(endpoint)
    return 0


def cmd_delete(studio: Any, args: argparse.Namespace) -> int:
    studio.endpoints.delete(studio.caller(), args.name)
    print(f"deleted {args.name}")
    return 0


def cmd_invoke(studio: Any, args: argparse.Namespace) -> int:
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise InvalidInput(f"No file {args.file!r}.", code="file_not_found")
        body = path.read_bytes()
        content_type = args.content_type or (CSV if path.suffix.lower() == ".csv" else JSON)
    elif args.data is not None:
        body, content_type = encode_rows(args.data, args.content_type or JSON)
    else:
        body, content_type = sys.stdin.buffer.read(), args.content_type or CSV
    port = studio.endpoints.port_of(studio.caller(), args.name)
    answer, _, seconds = invoke_port(
        port, body, content_type=content_type, accept=args.accept, timeout=args.timeout
    )
    sys.stdout.write(answer.decode("utf-8", "replace"))
    if not answer.endswith(b"\n"):
        sys.stdout.write("\n")
    print(f"({seconds * 1000:.1f} ms)", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add the ``endpoints`` command group."""
    group = sub.add_parser("endpoints", help="Deploy and invoke models.").add_subparsers(
        dest="endpoints_command", required=True
    )
    group.add_parser("list", help="List endpoints.").set_defaults(func=cmd_list)

    p = group.add_parser("create", help="Deploy a registered model version to a new endpoint.")
    p.add_argument("name", help="Endpoint name: letters, digits and hyphens, at most 63.")
    p.add_argument("--model", required=True, help="Registered model name.")
    p.add_argument("--version", type=int, help="Model version (default: the latest).")
    p.add_argument(
        "--instance-count",
        "--instances",
        dest="instance_count",
        type=int,
        default=1,
        help="Model-server worker processes.",
    )
    p.add_argument("--capture-percent", type=float, default=0.0, help="Data capture sampling %.")
    p.add_argument("--wait", action="store_true", help="Wait until InService or Failed.")
    p.add_argument("--timeout", type=float, default=300.0)
    p.set_defaults(func=cmd_create)

    p = group.add_parser("describe", help="Describe an endpoint.")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_describe)

    p = group.add_parser("update", help="Switch an endpoint to another model version.")
    p.add_argument("name")
    p.add_argument("--model")
    p.add_argument("--version", type=int)
    p.add_argument("--instance-count", "--instances", dest="instance_count", type=int)
    p.add_argument("--capture-percent", type=float)
    p.add_argument("--wait", action="store_true")
    p.add_argument("--timeout", type=float, default=300.0)
    p.set_defaults(func=cmd_update)

    p = group.add_parser("delete", help="Delete an endpoint and stop its model server.")
    p.add_argument("name")
    p.set_defaults(func=cmd_delete)

    p = group.add_parser("invoke", help="Send rows to an endpoint and print the answer.")
    p.add_argument("name")
    p.add_argument("--file", help="A CSV or JSON file of rows (default: read stdin).")
    p.add_argument("--data", help="Rows as JSON text.")
    p.add_argument("--content-type", choices=[CSV, JSON])
    p.add_argument("--accept", choices=[CSV, JSON], default=JSON)
    p.add_argument("--timeout", type=float, default=60.0)
    p.set_defaults(func=cmd_invoke)
