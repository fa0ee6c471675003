"""`jupyter studio models ...` and `jupyter studio runs ...`: the registry and tracked runs."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.models.schemas import ListModelsQuery, RegisterModelFromPath
from ..core.validation import parse_model
from .output import table


def cmd_models_list(studio: Any, args: argparse.Namespace) -> int:
    result = studio.models.list_models(studio.caller(), ListModelsQuery(limit=args.limit))
    rows = [
        [m.name, str(m.latest_version or "-"), m.owner, m.space_id or "home", m.path or "-"]
        for m in result.items
    ]
    print(table(rows, ["NAME", "LATEST", "OWNER", "SPACE", "PATH"]))
    return 0


def cmd_models_versions(studio: Any, args: argparse.Namespace) -> int:
    items = studio.models.list_versions(studio.caller(), args.name, space_id=args.space_id)
    rows = [
        [
            str(v.version),
            v.flavor,
            str(v.problem_type.value if v.problem_type else "-"),
            " ".join(f"{k}={val:.4g}" for k, val in sorted(v.metrics.items())) or "-",
            v.source,
            v.path or "-",
        ]
        for v in items
    ]
    print(table(rows, ["VERSION", "FLAVOR", "PROBLEM", "METRICS", "SOURCE", "PATH"]))
    return 0


def cmd_models_register(studio: Any, args: argparse.Namespace) -> int:
    body = parse_model(
        RegisterModelFromPath,
        {
            "path": args.path,
            "name": args.name,
            "space_id": args.space_id,
            "training_data_path": args.training_data,
            "description": args.description,
        },
        "model registration",
    )
    version = studio.models.register_body(studio.caller(), body)
    print(f"{version.model_name} version {version.version}  {version.path}")
    return 0


def cmd_runs_list(studio: Any, args: argparse.Namespace) -> int:
    result = studio.experiments.list_runs(
        studio.caller(),
        args.experiment_id,
        filter=args.filter,
        order_by=args.order_by,
        max_results=args.limit,
    )
    rows = [
        [
            r.run_id[:12],
            r.run_name or "-",
            r.status,
            r.job_id[:12] if r.job_id else "-",
            " ".join(f"{k}={v:.4g}" for k, v in sorted(r.metrics.items())) or "-",
        ]
        for r in result.items
    ]
    print(table(rows, ["RUN", "NAME", "STATUS", "JOB", "METRICS"]))
    return 0


def cmd_tracking_uri(studio: Any, args: argparse.Namespace) -> int:
    print(studio.experiments.tracking_uri)
    print(
        f"# to browse the same runs in MLflow's own UI (needs `pip install mlflow`):\n{studio.experiments.ui_command}"
    )
    return 0


def register(sub: Any) -> None:
    """Add the ``models`` and ``runs`` command groups."""
    models = sub.add_parser("models", help="The model registry.").add_subparsers(
        dest="models_command", required=True
    )
    p = models.add_parser("list", help="List registered models.")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_models_list)
    p = models.add_parser("versions", help="List a model's versions.")
    p.add_argument("name")
    p.add_argument("--space-id")
    p.set_defaults(func=cmd_models_versions)
    p = models.add_parser(
        "register", help="Register an MLflow model folder (e.g. a job's output/model)."
    )
    p.add_argument("path", help="Path of the model folder, relative to the file browser root.")
    p.add_argument("--name", required=True)
    p.add_argument("--space-id")
    p.add_argument("--training-data", help="CSV/Parquet of the training data (drift baseline).")
    p.add_argument("--description")
    p.set_defaults(func=cmd_models_register)

    runs = sub.add_parser("runs", help="Tracked runs (MLflow).").add_subparsers(
        dest="runs_command", required=True
    )
    p = runs.add_parser("list", help="List runs you may see.")
    p.add_argument("--experiment-id")
    p.add_argument("--filter", help='MLflow filter, e.g. "metrics.rmse < 1".')
    p.add_argument("--order-by", action="append")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_runs_list)
    runs.add_parser(
        "tracking-uri", help="The domain's tracking URI and the mlflow ui command."
    ).set_defaults(func=cmd_tracking_uri)
