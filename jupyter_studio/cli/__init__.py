"""``jupyter studio ...``: the command line over the same engine as the server.

Settings come from the same places as the server's: ``c.Studio.*`` in
``jupyter_server_config.py``/``.json`` files, the JUPYTER_STUDIO_* environment
variables (set for every terminal opened inside JupyterLab), and the flags here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from jupyter_core.application import JupyterApp

from ..core.errors import StudioError
from ..core.spaces.schemas import CreateSpace, SpaceKind, UpdateSpace
from . import automl as automl_commands
from . import endpoints as endpoints_commands
from . import flows as flows_commands
from . import modelhub as modelhub_commands
from . import models as models_commands
from . import processing as processing_commands
from .output import table


class _ConfigLoader(JupyterApp):
    """Loads the Jupyter server config files, so the CLI sees the server's c.Studio settings."""

    name = "jupyter-studio"
    config_file_name = "jupyter_server_config"


def load_config() -> Any:
    app = _ConfigLoader()
    app.initialize([])
    return app.config


def build_studio(args: argparse.Namespace) -> Any:
    from ..core.studio import Studio

    overrides = {
        k: v
        for k, v in (
            ("domain_root", args.domain_root),
            ("db_url", args.db_url),
            ("contents_root", args.contents_root),
            ("default_user", args.user),
        )
        if v
    }
    return Studio(config=load_config(), **overrides)


def _fmt_elapsed(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _print_job(job: Any, as_json: bool) -> None:
    if as_json:
        print(job.model_dump_json(indent=2))
        return
    print(
        f"{job.job_id}  {job.name}  {job.status.value}  {job.progress:.0%}  {job.progress_message}"
    )
    if job.status_message:
        print(f"  {job.status_message}")
    if job.output_path is not None:
        print(f"  output: {job.output_path}")


def _follow(studio: Any, job_id: str) -> Any:
    offset = 0
    while True:
        chunk = studio.job_logs(job_id, offset=offset)
        if chunk.content:
            sys.stdout.write(chunk.content)
            sys.stdout.flush()
        offset = chunk.next_offset
        if chunk.complete:
            return studio.get_job(job_id)
        if not studio.runner.running:
            studio.runner.tick()
        time.sleep(0.5)


def cmd_info(studio: Any, args: argparse.Namespace) -> int:
    domain = studio.spaces.describe_domain()
    caller = studio.caller()
    print(
        f"domain   {domain.name} ({domain.domain_id})\nroot     {domain.domain_root}\nstore    {studio.db_url}"
        f"\nuser     {caller.username}{' (admin)' if caller.is_admin else ''}\nworkers  {studio.max_workers}"
    )
    return 0


def cmd_jobs_list(studio: Any, args: argparse.Namespace) -> int:
    result = studio.list_jobs(status=args.status, kind=args.kind, limit=args.limit)
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    rows = [
        [
            j.job_id[:12],
            j.name,
            j.kind,
            j.status.value,
            f"{j.progress:.0%}",
            _fmt_elapsed(j.elapsed_seconds),
            j.owner,
        ]
        for j in result.items
    ]
    print(
        table(rows, ["JOB ID", "NAME", "KIND", "STATUS", "PROGRESS", "ELAPSED", "OWNER"])
        if rows
        else "No jobs."
    )
    if result.next_token:
        print(f"... {result.total_count - len(rows)} more (use --limit)")
    return 0


def _expand(prefix: str, ids: list[str]) -> str:
    """Accept the 12-character ids the listings print: a unique prefix stands for the full id."""
    matches = [full for full in ids if full.startswith(prefix)]
    return matches[0] if len(matches) == 1 else prefix


def _full_id(studio: Any, prefix: str) -> str:
    if len(prefix) >= 32:
        return prefix
    return _expand(prefix, [j.job_id for j in studio.list_jobs(limit=500).items])


def cmd_jobs_get(studio: Any, args: argparse.Namespace) -> int:
    _print_job(studio.get_job(_full_id(studio, args.job_id)), args.json)
    return 0


def cmd_jobs_logs(studio: Any, args: argparse.Namespace) -> int:
    job_id = _full_id(studio, args.job_id)
    if args.follow:
        job = _follow(studio, job_id)
        return 0 if job.status.value == "Completed" else 1
    sys.stdout.write(studio.job_logs(job_id).content)
    return 0


def cmd_jobs_stop(studio: Any, args: argparse.Namespace) -> int:
    job_id = _full_id(studio, args.job_id)
    job = studio.stop_job(job_id)
    if args.wait:
        job = studio.wait(job_id, timeout=studio.stop_grace_seconds + 30)
    _print_job(job, args.json)
    return 0


def cmd_jobs_retry(studio: Any, args: argparse.Namespace) -> int:
    job = studio.jobs.retry(studio.caller(), _full_id(studio, args.job_id))
    studio.start()
    _print_job(job, args.json)
    return 0


def cmd_jobs_run(studio: Any, args: argparse.Namespace) -> int:
    params = {"script": args.script, "arguments": list(args.arguments), "inputs": args.input or []}
    job = studio.submit_job(
        "processing",
        params,
        name=args.name,
        space_id=args.space_id,
        max_runtime_seconds=args.max_runtime_seconds,
    )
    if args.follow:
        job = _follow(studio, job.job_id)
    elif args.wait:
        job = studio.wait(job.job_id)
    _print_job(job, args.json)
    return 0 if job.status.value in ("Completed", "Pending", "InProgress") else 1


def cmd_kinds(studio: Any, args: argparse.Namespace) -> int:
    for kind in studio.jobs.kinds():
        print(f"{kind.name:<14} {kind.description}")
    return 0


def cmd_spaces_list(studio: Any, args: argparse.Namespace) -> int:
    spaces = studio.spaces.list_spaces(studio.caller())
    if args.json:
        print(json.dumps([s.model_dump(mode="json") for s in spaces], indent=2))
        return 0
    rows = [
        [s.space_id[:12], s.name, s.kind.value, s.owner, ",".join(s.members), s.path or ""]
        for s in spaces
    ]
    print(
        table(rows, ["SPACE ID", "NAME", "KIND", "OWNER", "MEMBERS", "PATH"])
        if rows
        else "No spaces."
    )
    return 0


def _space_id(studio: Any, prefix: str) -> str:
    return _expand(prefix, [s.space_id for s in studio.spaces.list_spaces(studio.caller())])


def cmd_spaces_create(studio: Any, args: argparse.Namespace) -> int:
    kind = SpaceKind.SHARED if args.shared or args.member else SpaceKind.PRIVATE
    space = studio.spaces.create_space(
        studio.caller(), CreateSpace(name=args.name, kind=kind, members=args.member or [])
    )
    print(f"{space.space_id}  {space.name}  {space.kind.value}  {space.path}")
    return 0


def cmd_spaces_rename(studio: Any, args: argparse.Namespace) -> int:
    space = studio.spaces.rename_space(
        studio.caller(), _space_id(studio, args.space_id), UpdateSpace(name=args.name)
    )
    print(f"{space.space_id}  {space.name}")
    return 0


def cmd_spaces_delete(studio: Any, args: argparse.Namespace) -> int:
    trash = studio.spaces.delete_space(studio.caller(), _space_id(studio, args.space_id))
    print(f"Deleted; its files are in {trash}")
    return 0


def cmd_profiles_list(studio: Any, args: argparse.Namespace) -> int:
    profiles = studio.list_profiles()
    if args.json:
        print(json.dumps([p.model_dump(mode="json") for p in profiles], indent=2))
        return 0
    rows = [
        [
            p.username,
            p.display_name,
            "yes" if p.is_admin else "",
            _runtime(p.settings),
            p.home_path or "",
        ]
        for p in profiles
    ]
    print(table(rows, ["USERNAME", "DISPLAY NAME", "ADMIN", "DEFAULT MAX RUNTIME", "HOME"]))
    return 0


def _runtime(settings: Any) -> str:
    value = settings.default_max_runtime_seconds
    return f"{value:g} s" if value is not None else "domain default"


def _settings_from(args: argparse.Namespace) -> dict[str, Any] | None:
    """The settings the command line changes (0 clears the runtime limit)."""
    if args.default_max_runtime_seconds is None:
        return None
    value = args.default_max_runtime_seconds
    return {"default_max_runtime_seconds": None if value == 0 else value}


def cmd_profiles_create(studio: Any, args: argparse.Namespace) -> int:
    profile = studio.create_profile(
        args.username,
        display_name=args.display_name,
        is_admin=args.admin,
        settings=_settings_from(args) or {},
    )
    print(f"{profile.username}  {profile.display_name}  home: {profile.home_path}")
    return 0


def cmd_profiles_set(studio: Any, args: argparse.Namespace) -> int:
    profile = studio.update_profile(
        args.username,
        display_name=args.display_name,
        is_admin=args.admin,
        settings=_settings_from(args),
    )
    print(
        f"{profile.username}  {profile.display_name}  admin={profile.is_admin}  {_runtime(profile.settings)}"
    )
    return 0


def _register_jobs(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`jupyter studio jobs ...`."""
    jobs = sub.add_parser("jobs", help="List, follow and stop jobs.").add_subparsers(
        dest="jobs_command", required=True
    )
    jobs.add_parser("kinds", help="List the job kinds.").set_defaults(func=cmd_kinds)
    p = jobs.add_parser("list", help="List jobs, newest first.")
    p.add_argument(
        "--status", choices=["Pending", "InProgress", "Completed", "Failed", "Stopping", "Stopped"]
    )
    p.add_argument("--kind")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_jobs_list)
    for name, func, helptext in (
        ("get", cmd_jobs_get, "Describe a job."),
        ("logs", cmd_jobs_logs, "Print a job's log."),
        ("stop", cmd_jobs_stop, "Stop a job."),
        ("retry", cmd_jobs_retry, "Run an ended job again as a new job."),
    ):
        p = jobs.add_parser(name, help=helptext)
        p.add_argument("job_id")
        p.add_argument("--json", action="store_true")
        if name == "logs":
            p.add_argument(
                "-f", "--follow", action="store_true", help="Follow the log until the job ends."
            )
        if name == "stop":
            p.add_argument("--wait", action="store_true", help="Wait until the job has stopped.")
        p.set_defaults(func=func)
    p = jobs.add_parser("run", help="Run a Python script as a processing job.")
    p.add_argument("script", help="Script path relative to the contents root.")
    p.add_argument("arguments", nargs=argparse.REMAINDER, help="Arguments for the script.")
    p.add_argument("--name")
    p.add_argument("--space-id", "--space", dest="space_id", help="Space id to run in.")
    p.add_argument(
        "--input", action="append", help="File or folder copied into the job's input folder."
    )
    p.add_argument(
        "--max-runtime-seconds",
        type=float,
        metavar="SECONDS",
        help="Runtime limit: the job is stopped after this many seconds.",
    )
    p.add_argument("--wait", action="store_true", help="Wait until the job ends.")
    p.add_argument("-f", "--follow", action="store_true", help="Stream the log until the job ends.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_jobs_run)


def _register_spaces(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`jupyter studio spaces ...`."""
    spaces = sub.add_parser("spaces", help="Manage spaces.").add_subparsers(
        dest="spaces_command", required=True
    )
    p = spaces.add_parser("list", help="List your spaces.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_spaces_list)
    p = spaces.add_parser("create", help="Create a space.")
    p.add_argument("name")
    p.add_argument("--shared", action="store_true")
    p.add_argument("--member", action="append", help="Username to add (makes the space shared).")
    p.set_defaults(func=cmd_spaces_create)
    p = spaces.add_parser("rename", help="Rename a space.")
    p.add_argument("space_id")
    p.add_argument("name")
    p.set_defaults(func=cmd_spaces_rename)
    p = spaces.add_parser("delete", help="Delete a space (its files move to the domain trash).")
    p.add_argument("space_id")
    p.set_defaults(func=cmd_spaces_delete)


def _register_profiles(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`jupyter studio profiles ...` (domain admins)."""
    profiles = sub.add_parser(
        "profiles", help="Manage user profiles (domain admins)."
    ).add_subparsers(dest="profiles_command", required=True)
    p = profiles.add_parser("list", help="List user profiles.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_profiles_list)
    for name, func, helptext in (
        ("create", cmd_profiles_create, "Create a user profile."),
        ("set", cmd_profiles_set, "Change a user profile."),
    ):
        p = profiles.add_parser(name, help=helptext)
        p.add_argument("username")
        p.add_argument("--display-name")
        p.add_argument(
            "--default-max-runtime-seconds",
            type=float,
            metavar="SECONDS",
            help="Default runtime limit of the user's jobs (0 removes it).",
        )
        if name == "create":
            p.add_argument(
                "--admin", action="store_true", help="Make the user a domain administrator."
            )
        else:
            p.add_argument(
                "--admin",
                action=argparse.BooleanOptionalAction,
                default=None,
                help="Grant or remove domain administration.",
            )
        p.set_defaults(func=func)


def build_parser() -> argparse.ArgumentParser:
    """The whole `jupyter studio` command line: the core commands, then each feature's."""
    parser = argparse.ArgumentParser(
        prog="jupyter studio", description="Jupyter Studio from the command line."
    )
    parser.add_argument(
        "--domain-root",
        "--root-dir",
        dest="domain_root",
        help="Domain root folder (default: $JUPYTER_STUDIO_ROOT or ./studio).",
    )
    parser.add_argument("--db-url", help="Metadata store URL (default: SQLite in the domain root).")
    parser.add_argument(
        "--contents-root", help="Folder user paths are relative to (default: current folder)."
    )
    parser.add_argument("--user", help="Act as this Studio user (default: you).")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("info", help="Show the domain, store and user.").set_defaults(func=cmd_info)

    _register_jobs(sub)
    _register_spaces(sub)
    _register_profiles(sub)
    models_commands.register(sub)
    endpoints_commands.register(sub)
    modelhub_commands.register(sub)
    flows_commands.register(sub)
    automl_commands.register(sub)
    processing_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        studio = build_studio(args)
    except StudioError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    try:
        return args.func(studio, args)
    except StudioError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except Exception as exc:  # pydantic validation of CLI input and the like
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            print(f"error: {exc.errors(include_url=False)[0]['msg']}", file=sys.stderr)
            return 2
        raise
    finally:
        studio.runner.stop()
        studio.store.dispose()


if __name__ == "__main__":
    sys.exit(main())
