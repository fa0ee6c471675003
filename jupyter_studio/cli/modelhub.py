"""`jupyter studio modelhub ...`: browse the model hub, accept licenses, deploy and invoke."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .output import table


def _hub(studio: Any) -> Any:
    from ..modelhub import ModelHub

    return ModelHub(studio)


def cmd_list(studio: Any, args: argparse.Namespace) -> int:
    filters = {
        "task": args.task,
        "framework": args.framework,
        "license": args.license,
        "source": args.source,
        "gated": {"yes": True, "no": False}.get(args.gated or ""),
    }
    cards = _hub(studio).list(args.query or None, **filters)
    if args.json:
        print(json.dumps([c.model_dump(mode="json") for c in cards], indent=2))
        return 0
    rows = [
        [
            c.id,
            c.task.value,
            c.framework,
            c.license + (" (gated" + (", accepted)" if c.accepted else ")") if c.gated else ""),
            f"{c.size_mb:.0f} MB" if c.size_mb else "-",
        ]
        for c in cards
    ]
    print(table(rows, ["ID", "TASK", "FRAMEWORK", "LICENSE", "SIZE"]))
    return 0


def cmd_show(studio: Any, args: argparse.Namespace) -> int:
    page = _hub(studio).show(args.model_id)
    if args.json:
        print(page.model_dump_json(indent=2))
        return 0
    print(f"{page.name} ({page.id})  {page.task.value}  {page.framework}  {page.source.value}")
    print(page.description)
    gate = ""
    if page.gated:
        gate = (
            f"  accepted {page.acceptance.accepted_at:%Y-%m-%d %H:%M} by {page.acceptance.profile}"
            if page.acceptance
            else "  NOT accepted: jupyter studio modelhub accept " + page.id
        )
    print(f"License: {page.license}{' (gated)' if page.gated else ''}{gate}")
    if args.license:
        print(page.license_text)
    print(f"Example request: {json.dumps(page.example_request)}")
    for notebook in page.notebooks:
        print(f"Notebook: {notebook.title}: {notebook.path}")
    return 0


def cmd_accept(studio: Any, args: argparse.Namespace) -> int:
    page = _hub(studio).show(args.model_id)
    if page.gated and not args.yes:
        print(page.license_text[:3000])
        print(f"\nThis accepts the {page.license} license for your profile. Pass --yes to confirm.")
        return 2
    accepted = _hub(studio).accept(args.model_id)
    print(
        f"Accepted {accepted.license} for {accepted.model_id} at {accepted.accepted_at:%Y-%m-%d %H:%M:%S}"
    )
    return 0


def cmd_deploy(studio: Any, args: argparse.Namespace) -> int:
    endpoint = _hub(studio).deploy(
        args.model_id,
        args.endpoint,
        space_id=args.space_id,
        accept_eula=args.accept_eula,
        wait=args.wait,
        timeout=args.timeout,
    )
    print(
        f"{endpoint.endpoint_name}  {endpoint.status.value}  {endpoint.model_name} v{endpoint.model_version}"
    )
    if endpoint.status_message:
        print(f"  {endpoint.status_message}")
    return 1 if endpoint.status.value == "Failed" else 0


def cmd_generate(studio: Any, args: argparse.Namespace) -> int:
    settings: dict[str, Any] = {
        "max_new_tokens": args.max_new_tokens,
        "temperature": args.temperature,
        "top_p": args.top_p,
    }
    if args.stop:
        settings["stop"] = args.stop
    prompt = args.prompt if args.prompt is not None else sys.stdin.read()
    hub = _hub(studio)
    if args.no_stream:
        print(hub.generate(args.endpoint, prompt, **settings))
        return 0
    for piece in hub.stream(args.endpoint, prompt, **settings):
        print(piece, end="", flush=True)
    print()
    return 0


def cmd_embed(studio: Any, args: argparse.Namespace) -> int:
    hub = _hub(studio)
    if args.labels:
        answer: Any = hub.classify(args.endpoint, args.texts, args.labels.split(","))
    else:
        answer = hub.embed(args.endpoint, args.texts)
    print(json.dumps(answer))
    return 0


def register(sub: Any) -> None:
    """Add the ``modelhub`` command group."""
    group = sub.add_parser(
        "modelhub", help="Browse the model hub, accept licenses, deploy and invoke models."
    ).add_subparsers(dest="modelhub_command", required=True)

    p = group.add_parser("list", help="List the catalogue (search and filters).")
    p.add_argument("query", nargs="?", help="Words to search for.")
    p.add_argument("--task", choices=["text-generation", "text-embedding", "text-classification"])
    p.add_argument("--framework")
    p.add_argument("--license")
    p.add_argument("--source", choices=["packaged", "folder", "registry", "huggingface"])
    p.add_argument("--gated", choices=["yes", "no"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = group.add_parser("show", help="Show a model page.")
    p.add_argument("model_id")
    p.add_argument("--license", action="store_true", help="Print the license text too.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = group.add_parser("accept", help="Accept a model's license for your profile.")
    p.add_argument("model_id")
    p.add_argument("--yes", action="store_true", help="Confirm (otherwise the text is printed).")
    p.set_defaults(func=cmd_accept)

    p = group.add_parser("deploy", help="Deploy a model to a new endpoint.")
    p.add_argument("model_id")
    p.add_argument("endpoint", help="Endpoint name: letters, digits and hyphens, at most 63.")
    p.add_argument("--space-id")
    p.add_argument("--accept-eula", action="store_true", help="Accept a gated model's license.")
    p.add_argument("--wait", action="store_true", help="Wait until InService or Failed.")
    p.add_argument("--timeout", type=float, default=600.0)
    p.set_defaults(func=cmd_deploy)

    p = group.add_parser("generate", help="Generate text with a deployed model (streamed).")
    p.add_argument("endpoint")
    p.add_argument("prompt", nargs="?", help="The prompt (default: read stdin).")
    p.add_argument("--max-new-tokens", type=int, default=128)
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--top-p", type=float, default=1.0)
    p.add_argument("--stop", action="append", help="A stop sequence (repeatable).")
    p.add_argument("--no-stream", action="store_true", help="Print the whole answer at the end.")
    p.set_defaults(func=cmd_generate)

    p = group.add_parser("embed", help="Embed texts (or classify them with --labels).")
    p.add_argument("endpoint")
    p.add_argument("texts", nargs="+")
    p.add_argument("--labels", help="Comma-separated labels for zero-shot classification.")
    p.set_defaults(func=cmd_embed)
