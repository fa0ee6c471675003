"""`jupyter studio processing run ...`: start a SageMaker-shaped processor job."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.errors import InvalidInput

PREFIX = "/opt/ml/processing"


def _input(text: str, index: int) -> dict[str, str]:
    """``SRC[:DEST]``: DEST is a container folder (default /opt/ml/processing/input/input-N)."""
    source, sep, destination = _split(text)
    item = {"source": source, "input_name": f"input-{index}"}
    if sep:
        item["destination"] = destination
    return item


def _output(text: str, index: int) -> dict[str, str]:
    """``SRC:DEST``: SRC a container folder, DEST a folder in your files or s3://."""
    source, sep, destination = _split(text)
    if not sep or not source.startswith(PREFIX):
        raise InvalidInput(
            f"--output {text!r}: write SRC:DEST, SRC a folder under {PREFIX}/ and DEST a folder "
            "in your files or an s3:// prefix.",
            code="invalid_output",
        )
    return {"source": source, "destination": destination, "output_name": f"output-{index}"}


def _split(text: str) -> tuple[str, bool, str]:
    """Split at the ':' that is not part of ``s3://`` (the container path side has none)."""
    start = len("s3://") if text.lower().startswith("s3://") else 0
    at = text.find(":", start)
    if at == -1:
        return text, False, ""
    return text[:at], True, text[at + 1 :]


def cmd_run(studio: Any, args: argparse.Namespace) -> int:
    """Start the job (and with --wait follow its log to its end)."""
    from ..processing import (
        DaskProcessor,
        FrameworkProcessor,
        PySparkProcessor,
        ScriptProcessor,
        SKLearnProcessor,
    )

    common: dict[str, Any] = {
        "instance_count": args.instance_count,
        "base_job_name": args.name,
        "max_runtime_in_seconds": args.max_runtime_seconds,
        "env": dict(_pair(p) for p in args.env or []),
        "framework_version": args.framework_version,
        "studio": studio,
    }
    if args.processor == "framework":
        processor: Any = FrameworkProcessor(args.framework or "", **common)
    elif args.processor == "sklearn":
        processor = SKLearnProcessor(**common)
    elif args.processor in ("pyspark", "dask"):
        cluster = {"cores_per_worker": args.cores_per_worker, "memory_per_worker": args.memory}
        kind = PySparkProcessor if args.processor == "pyspark" else DaskProcessor
        processor = kind(**common, **cluster)
    else:
        processor = ScriptProcessor(**common)
    job = processor.run(
        args.code,
        source_dir=args.source_dir,
        inputs=[_input(text, i) for i, text in enumerate(args.input or [], start=1)],
        outputs=[_output(text, i) for i, text in enumerate(args.output or [], start=1)],
        arguments=args.arg or [],
        wait=args.wait,
        logs=args.wait,
    )
    if args.json:
        print(job.model_dump_json(indent=2))
    else:
        print(f"{job.job_id}  {job.name}  {job.status.value}")
        if job.status_message:
            print(f"  {job.status_message}")
    return 0 if not args.wait or job.status.value == "Completed" else 1


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise InvalidInput(f"--env {text!r}: write NAME=VALUE.", code="invalid_env")
    return name, value


def register(sub: Any) -> None:
    """Add the ``processing`` command group."""
    group = sub.add_parser("processing", help="SageMaker-shaped processor jobs.").add_subparsers(
        dest="processing_command", required=True
    )
    p = group.add_parser(
        "run",
        help="Run a script written for SageMaker's processing container as a job.",
        description="Inputs are copied in, the code runs with /opt/ml/processing mapped to the "
        "job folder, outputs are uploaded (also when it fails, marked _PARTIAL).",
    )
    p.add_argument("--code", required=True, help="The script (a path in your files).")
    p.add_argument("--source-dir", help="A folder copied with the code (code relative to it).")
    p.add_argument(
        "--input",
        action="append",
        metavar="SRC[:DEST]",
        help="A file, folder or s3:// URL; DEST a folder under /opt/ml/processing/.",
    )
    p.add_argument(
        "--output",
        action="append",
        metavar="SRC:DEST",
        help="SRC a folder under /opt/ml/processing/; DEST a folder in your files or s3://.",
    )
    p.add_argument(
        "--arg",
        action="append",
        help="An argument for the script (repeat it; --arg=--flag for a dash).",
    )
    p.add_argument(
        "--processor",
        choices=["script", "sklearn", "framework", "pyspark", "dask"],
        default="script",
        help="pyspark and dask start a cluster of --instance-count workers for the job.",
    )
    p.add_argument("--framework", help="For --processor framework: sklearn, xgboost, ...")
    p.add_argument("--framework-version")
    p.add_argument("--instance-count", type=int, default=1)
    p.add_argument("--cores-per-worker", type=int, default=1, help="pyspark and dask.")
    p.add_argument("--memory", help="pyspark and dask: memory per worker, e.g. 512m or 2g.")
    p.add_argument("--name", help="The job's name (base_job_name).")
    p.add_argument("--max-runtime-seconds", type=float)
    p.add_argument("--env", action="append", metavar="NAME=VALUE")
    p.add_argument("--wait", action="store_true", help="Follow the log until the job ends.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_run)
