"""`jupyter studio automl ...`: create, list, describe, follow, stop and deploy AutoML experiments."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from ..core.automl.schemas import CreateAutoMLExperiment, DeployCandidate, RegisterCandidate
from ..core.errors import InvalidInput
from ..core.validation import parse_model
from .output import table


def _print(experiment: Any, as_json: bool = False) -> None:
    if as_json:
        print(experiment.model_dump_json(indent=2))
        return
    best = (
        f"best {experiment.best_candidate} {experiment.objective_metric}="
        f"{experiment.best_objective:.4g}"
        if experiment.best_candidate and experiment.best_objective is not None
        else "no candidate yet"
    )
    print(
        f"{experiment.experiment_name}  {experiment.status.value}  "
        f"{experiment.progress * 100:.0f}%  {experiment.candidate_count} candidates, {best}"
    )
    if experiment.status_message:
        print(f"  {experiment.status_message}")
    if experiment.output_path:
        print(f"  results: {experiment.output_path}")
    if experiment.auto_deploy is not None:
        deploy = experiment.auto_deploy
        print(f"  auto-deploy to {deploy.endpoint_name}: {deploy.status} {deploy.message or ''}")


def _key_values(items: list[str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidInput(f"{what} {item!r}: write KEY=VALUE.", code="invalid_argument")
        out[key] = value
    return out


def cmd_create(studio: Any, args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {
        "experiment_name": args.name,
        "data": args.data,
        "target": args.target,
        "space_id": args.space_id,
        "sample_weight": args.sample_weight,
        "features": args.features.split(",") if args.features else None,
        "feature_types": _key_values(args.feature_type, "--feature-type"),
        "validation_ratio": args.validation_ratio,
        "validation_data": args.validation_data,
        "output": args.output,
        "problem_type": args.problem_type,
        "objective_metric": args.objective_metric,
        "mode": args.mode,
        "algorithms": args.algorithms.split(",") if args.algorithms else None,
        "max_runtime": args.max_runtime,
        "max_candidate_runtime": args.max_candidate_runtime,
        "seed": args.seed,
        "tags": _key_values(args.tag, "--tag"),
        "auto_deploy": bool(args.deploy_to),
        "endpoint_name": args.deploy_to,
    }
    body = parse_model(
        CreateAutoMLExperiment,
        {k: v for k, v in fields.items() if v is not None},
        "AutoML experiment",
    )
    caller = studio.caller()
    experiment = studio.automl.create(caller, body)
    studio.runner.tick()  # launch the worker now: it runs on after this command returns
    if args.wait:
        experiment = _wait(studio, caller, args.name, args.timeout)
    _print(experiment, args.json)
    return 0 if experiment.status.value not in ("Failed", "Stopped") else 1


def _wait(studio: Any, caller: Any, name: str, timeout: float | None) -> Any:
    shown = ""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        experiment = studio.automl.get(caller, name)
        line = f"{experiment.progress * 100:3.0f}% {experiment.progress_message}"
        if line != shown:
            print(line, file=sys.stderr)
            shown = line
        if experiment.status.is_final or (deadline and time.monotonic() > deadline):
            break
        if not studio.runner.running:
            studio.runner.tick()
        time.sleep(1.0)
    return studio.automl.wait(caller, name, timeout=0)


def cmd_list(studio: Any, args: argparse.Namespace) -> int:
    items = studio.automl.list(studio.caller())
    if args.json:
        print(json.dumps([e.model_dump(mode="json") for e in items], indent=2))
        return 0
    rows = [
        [
            e.experiment_name,
            e.status.value,
            f"{e.progress * 100:.0f}%",
            str(e.candidate_count),
            e.best_candidate or "-",
            "-" if e.best_objective is None else f"{e.objective_metric}={e.best_objective:.4g}",
        ]
        for e in items
    ]
    print(table(rows, ["NAME", "STATUS", "PROGRESS", "CANDIDATES", "BEST", "OBJECTIVE"]))
    return 0


def cmd_get(studio: Any, args: argparse.Namespace) -> int:
    _print(studio.automl.get(studio.caller(), args.name), args.json)
    return 0


def cmd_leaderboard(studio: Any, args: argparse.Namespace) -> int:
    board = studio.automl.leaderboard(studio.caller(), args.name)
    if args.json:
        print(board.model_dump_json(indent=2))
        return 0
    rows = [
        [
            str(r.rank),
            ("* " if r.best else "  ") + r.candidate,
            r.algorithm,
            r.status,
            "-" if r.objective is None else f"{r.objective:.5g}",
            "-" if r.training_seconds is None else f"{r.training_seconds:.1f}",
        ]
        for r in board.items
    ]
    metric = board.objective_metric or "objective"
    print(table(rows, ["RANK", "CANDIDATE", "ALGORITHM", "STATUS", metric.upper(), "SECONDS"]))
    return 0


def cmd_stop(studio: Any, args: argparse.Namespace) -> int:
    _print(studio.automl.stop(studio.caller(), args.name))
    return 0


def cmd_register(studio: Any, args: argparse.Namespace) -> int:
    body = parse_model(
        RegisterCandidate,
        {"candidate": args.candidate, "model_name": args.model, "space_id": args.space_id},
        "registration",
    )
    version = studio.automl.register(studio.caller(), args.name, body)
    print(f"registered {version.model_name} version {version.version}")
    return 0


def cmd_deploy(studio: Any, args: argparse.Namespace) -> int:
    body = parse_model(
        DeployCandidate,
        {
            "candidate": args.candidate,
            "endpoint_name": args.endpoint,
            "model_name": args.model,
            "instance_count": args.instance_count,
        },
        "deployment",
    )
    caller = studio.caller()
    done = studio.automl.deploy(caller, args.name, body)
    status = done.endpoint_status
    if args.wait:
        status = studio.endpoints.wait(caller, args.endpoint, timeout=args.timeout).status.value
    print(
        f"{done.candidate} registered as {done.model_name} version {done.model_version}, "
        f"endpoint {done.endpoint_name}: {status}"
    )
    return 0 if status != "Failed" else 1


def register(sub: Any) -> None:
    """Add the ``automl`` command group."""
    group = sub.add_parser("automl", help="AutoML experiments.").add_subparsers(
        dest="automl_command", required=True
    )
    p = group.add_parser("create", help="Check a request and start an AutoML experiment.")
    p.add_argument("--name", required=True, help="Unique: letters, digits, hyphens, at most 63.")
    p.add_argument("--data", required=True, help="Path of a CSV or Parquet file.")
    p.add_argument("--target", required=True, help="The column to predict.")
    p.add_argument("--max-runtime", type=float, default=300.0, help="Seconds for the whole job.")
    p.add_argument("--max-candidate-runtime", type=float, help="Seconds for one candidate.")
    p.add_argument("--mode", choices=["auto", "ensembling", "hpo"], default="auto")
    p.add_argument(
        "--problem-type", choices=["auto", "binary", "multiclass", "regression"], default="auto"
    )
    p.add_argument("--objective-metric", help="e.g. roc_auc, log_loss, rmse, f1, accuracy.")
    p.add_argument("--algorithms", help="Comma-separated, e.g. lightgbm,catboost,linear.")
    p.add_argument("--sample-weight", help="Column of non-negative row weights.")
    p.add_argument("--features", help="Comma-separated columns to learn from (default: all).")
    p.add_argument(
        "--feature-type", action="append", metavar="COLUMN=TYPE", help="numerical, text, ..."
    )
    p.add_argument("--validation-ratio", type=float, help="Share of rows held out.")
    p.add_argument("--validation-data", help="Path of a validation file.")
    p.add_argument("--output", help="Folder for the results.")
    p.add_argument("--space-id", "--space", dest="space_id", help="Run in this space (its id).")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tag", action="append", metavar="KEY=VALUE")
    p.add_argument("--deploy-to", metavar="ENDPOINT", help="Deploy the best candidate when done.")
    p.add_argument("--wait", action="store_true", help="Wait until the experiment ends.")
    p.add_argument("--timeout", type=float)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_create)

    p = group.add_parser("list", help="List AutoML experiments.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = group.add_parser("get", help="Describe an experiment.")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_get)

    p = group.add_parser("leaderboard", help="Print an experiment's candidates, best first.")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_leaderboard)

    p = group.add_parser("stop", help="Stop an experiment (finished candidates are kept).")
    p.add_argument("name")
    p.set_defaults(func=cmd_stop)

    p = group.add_parser("register", help="Register a candidate as a model version.")
    p.add_argument("name")
    p.add_argument("--model", required=True, help="Registered model name.")
    p.add_argument("--candidate", help="Default: the best candidate.")
    p.add_argument(
        "--space-id",
        "--space",
        dest="space_id",
        help="Register in this space (default: the experiment's).",
    )
    p.set_defaults(func=cmd_register)

    p = group.add_parser("deploy", help="Register a candidate and deploy it to a new endpoint.")
    p.add_argument("name")
    p.add_argument("--endpoint", required=True, help="New endpoint name.")
    p.add_argument("--candidate", help="Default: the best candidate.")
    p.add_argument("--model", help="Registered model name (default: the endpoint's).")
    p.add_argument("--instance-count", "--instances", dest="instance_count", type=int, default=1)
    p.add_argument("--wait", action="store_true", help="Wait until the endpoint is InService.")
    p.add_argument("--timeout", type=float, default=300.0)
    p.set_defaults(func=cmd_deploy)
