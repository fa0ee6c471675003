"""The ``processor`` job kind: a SageMaker-shaped processor run (script, sklearn, framework,
pyspark, dask; the last two on a cluster started for the job, see :mod:`.cluster_run`).

The server checks the request (``prepare``): the code and every input exist, paths stay in the
caller's files, ``s3://`` URLs are well formed and answer, names and container paths are unique,
``instance_count`` is 1 (for pyspark and dask: 1 to ``Studio.processing_max_instances``) and
``framework_version`` is the installed one. The worker then:

1. copies the code (or ``source_dir``) to ``<job folder>/input/code`` and each input to the place
   its container destination maps to (``/opt/ml/processing/X`` is ``<job folder>/X``);
2. runs the code with the server's Python, the container paths mapped by the startup hook of
   :mod:`.container_paths` (the script runs unchanged), working folder ``<job folder>/output``;
3. uploads every output folder to its destination, also when the script failed or was stopped:
   then the destination gets a ``_PARTIAL`` file saying why, and the log a line.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import posixpath
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, PathNotFound, StudioError
from ..jobs.context import JobContext
from ..jobs.errors import JobFailed, JobStopped
from ..jobs.kinds import JobKind, PrepareContext
from ..jobs.processing import run_script
from .cluster_run import prepare_cluster, run_dask, run_pyspark
from .container_paths import CONTAINER_ROOT, ROOT_VARIABLE
from .schemas import CLUSTER_PROCESSORS, CODE_DESTINATION, FRAMEWORK_PACKAGES, ProcessorParameters
from .transfer import check_s3, download, is_s3, upload

__all__ = ["ProcessorJob", "check_framework", "installed_version"]

STARTUP_DIR = Path(__file__).resolve().parent / "startup"
_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")
#: Interpreter options that would bypass the path mapping or replace the script.
_REFUSED_OPTIONS = frozenset({"-I", "-E", "-S", "-c", "-m", "-P"})


def installed_version(package: str) -> str | None:
    """The installed version of a distribution, or None."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _major_minor(version: str) -> str:
    numbers = re.findall(r"\d+", version.split("-")[0])
    return ".".join(numbers[:2])


def check_framework(params: ProcessorParameters) -> str | None:
    """The framework package a processor uses (None for a script); a 400 for an unusable one."""
    if params.processor in CLUSTER_PROCESSORS:
        return _check_engine(params)
    if params.processor == "script":
        if params.framework or params.framework_version:
            raise InvalidInput(
                "A script processor takes no framework or framework_version: use the sklearn or "
                "framework processor.",
                code="invalid_framework",
            )
        return None
    framework = params.framework or ("sklearn" if params.processor == "sklearn" else None)
    if params.processor == "sklearn" and framework != "sklearn":
        raise InvalidInput(
            f"An sklearn processor runs scikit-learn, not {framework!r}.", code="invalid_framework"
        )
    if framework not in FRAMEWORK_PACKAGES:
        raise InvalidInput(
            f"A framework processor needs framework, one of {', '.join(FRAMEWORK_PACKAGES)} "
            f"(got {framework!r}).",
            code="invalid_framework",
        )
    package = FRAMEWORK_PACKAGES[framework]
    installed = installed_version(package)
    if installed is None:
        raise InvalidInput(
            f"{package} is not installed in the server's environment, where jobs run; job "
            "environments (built with uv) are not available yet.",
            code="framework_not_installed",
        )
    wanted = params.framework_version
    if wanted and _major_minor(wanted) != _major_minor(installed):
        raise InvalidInput(
            f"{package} {wanted} is not available: jobs run in the server's environment, which "
            f"has {package} {installed} (use framework_version={_major_minor(installed)!r} or "
            "none). Job environments (built with uv) that install another version are not "
            "available yet.",
            code="framework_version_unavailable",
        )
    return package


def _check_engine(params: ProcessorParameters) -> str:
    """pyspark and dask: no framework; a framework_version must be the installed engine's."""
    package = "pyspark" if params.processor == "pyspark" else "dask"
    if params.framework:
        raise InvalidInput(
            f"A {params.processor} processor takes no framework (it runs {package}).",
            code="invalid_framework",
        )
    installed = installed_version(package)
    wanted = params.framework_version
    if wanted and installed and _major_minor(wanted) != _major_minor(installed):
        raise InvalidInput(
            f"{package} {wanted} is not available: jobs run in the server's environment, which "
            f"has {package} {installed} (use framework_version={_major_minor(installed)!r} or "
            "none).",
            code="framework_version_unavailable",
        )
    return package


def _interpreter_options(command: list[str]) -> list[str]:
    if not _PYTHON.match(posixpath.basename(command[0])):
        raise InvalidInput(
            f"command {command[0]!r} is not Python: processors run Python code with the server's "
            "Python (command=['python3', ...]).",
            code="invalid_command",
        )
    refused = [option for option in command[1:] if option in _REFUSED_OPTIONS]
    if refused:
        raise InvalidInput(
            f"command option {refused[0]} is not allowed: it would bypass the container paths or "
            "replace the code.",
            code="invalid_command",
        )
    return command[1:]


def _inside(child: str, parent: str) -> bool:
    return child == parent or child.startswith(parent + "/")


def _check_unique(paths: list[tuple[str, str]], what: str, code: str) -> None:
    """Refuse two names alike, or two container paths of which one holds the other."""
    for i, (name_a, path_a) in enumerate(paths):
        for name_b, path_b in paths[i + 1 :]:
            if name_a == name_b:
                raise InvalidInput(f"Two {what}s are called {name_a!r}.", code=code)
            if _inside(path_a, path_b) or _inside(path_b, path_a):
                raise InvalidInput(
                    f"The {what}s {name_a!r} and {name_b!r} use the same place "
                    f"({path_a} and {path_b}): give each its own folder.",
                    code=code,
                )


def relative_to_root(container: str) -> str:
    """``/opt/ml/processing/a/b`` -> ``a/b`` (the place in the job folder)."""
    return container[len(CONTAINER_ROOT) + 1 :]


class ProcessorJob(JobKind[ProcessorParameters]):
    """Run a SageMaker-style processor: inputs in, code, outputs out."""

    name = "processor"
    title = "Processor (SageMaker style)"
    description = (
        "Copies inputs (your files or s3://) in, runs a Python script written for SageMaker's "
        "processing container (/opt/ml/processing paths work unchanged), and uploads its output "
        "folders to your files or s3://, also when it fails (marked _PARTIAL). The pyspark and "
        "dask processors run it on a Spark or Dask cluster of instance_count workers started "
        "for the job."
    )
    Parameters = ProcessorParameters

    def prepare(self, params: ProcessorParameters, context: PrepareContext) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if params.processor in CLUSTER_PROCESSORS:
            extra = prepare_cluster(params, context)
        elif params.instance_count != 1:
            raise InvalidInput(
                f"instance_count is {params.instance_count}: the {params.processor} processor "
                "runs on one machine, so it must be 1 (use the pyspark or dask processor to "
                "spread the work over a cluster of workers).",
                code="invalid_instance_count",
            )
        check_framework(params)
        options = _interpreter_options(params.command)
        scope = context.scope
        if params.source_dir:
            source_dir = scope.resolve(
                params.source_dir, what="source_dir", must_exist=True, expect="dir"
            )
            code = (source_dir / params.code).resolve()
            if not _inside(str(code), str(source_dir)):
                raise InvalidInput(
                    f"The code {params.code!r} is outside source_dir {params.source_dir!r}.",
                    code="code_outside_source_dir",
                )
            if not code.is_file():
                raise PathNotFound(
                    f"The code {params.code!r} does not exist in source_dir {params.source_dir!r}."
                )
        else:
            source_dir = None
            code = scope.resolve(params.code, what="code", must_exist=True, expect="file")
        inputs = self._prepare_inputs(params, context)
        outputs = self._prepare_outputs(params, context)
        return {
            "code": str(code),
            "source_dir": str(source_dir) if source_dir else None,
            "interpreter_options": options,
            "inputs": inputs,
            "outputs": outputs,
            **extra,
        }

    @staticmethod
    def _prepare_inputs(params: ProcessorParameters, context: PrepareContext) -> list[list[str]]:
        pairs = [(str(i.input_name), str(i.destination)) for i in params.inputs]
        _check_unique(pairs, "input", "duplicate_input")
        resolved: list[list[str]] = []
        for index, (item, (name, destination)) in enumerate(zip(params.inputs, pairs, strict=True)):
            if _inside(destination, CODE_DESTINATION) or _inside(CODE_DESTINATION, destination):
                raise InvalidInput(
                    f"The input {name!r} goes to {destination}, where the code is copied: "
                    "choose another destination.",
                    code="reserved_destination",
                )
            with _located(["inputs", index, "source"]):
                source = _input_source(item.source, params, context)
            resolved.append([source, destination, name])
        return resolved

    @staticmethod
    def _prepare_outputs(params: ProcessorParameters, context: PrepareContext) -> list[list[Any]]:
        pairs = [(str(o.output_name), str(o.source)) for o in params.outputs]
        _check_unique(pairs, "output", "duplicate_output")
        destinations: dict[str, str] = {}
        resolved: list[list[Any]] = []
        for item, (name, source) in zip(params.outputs, pairs, strict=True):
            destination: str | None = None
            if item.destination is None:
                pass
            elif is_s3(item.destination):
                destination = check_s3(
                    item.destination, params.store, what="output destination", must_exist=False
                )
            elif "://" in item.destination:
                raise InvalidInput(
                    f"The output destination {item.destination!r} is neither a path in your "
                    "files nor an s3:// URL.",
                    code="invalid_destination",
                )
            else:
                destination = str(
                    context.scope.resolve(item.destination, what="output destination", expect="dir")
                )
            if destination is not None:
                key = destination.rstrip("/")
                if key in destinations:
                    raise InvalidInput(
                        f"The outputs {destinations[key]!r} and {name!r} both upload to "
                        f"{item.destination}: give each its own destination.",
                        code="duplicate_output",
                    )
                destinations[key] = name
            resolved.append([source, destination, name])
        return resolved

    def default_name(self, params: ProcessorParameters) -> str:
        return Path(params.code).stem or self.name

    def run(self, context: JobContext) -> None:
        params = self.parameters_of(context)
        context.set_progress(0.0, "copying the code and inputs")
        code = self._copy_code(context)
        self._copy_inputs(context, params)
        for source, _, _ in context.resolved["outputs"]:
            (context.job_dir / relative_to_root(source)).mkdir(parents=True, exist_ok=True)
        context.set_progress(0.1, "running")
        unfinished: str | None = "it did not run to its end"
        try:
            if params.processor == "pyspark":
                run_pyspark(context, params, code, self._script_env(context, params))
            elif params.processor == "dask":
                run_dask(
                    context,
                    params,
                    lambda env: self._run_code(context, params, code, env),
                    self._script_env(context, params),
                )
            else:
                self._run_code(context, params, code)
            unfinished = None
        except JobStopped as exc:
            unfinished = f"the job was stopped ({exc})"
            raise
        except JobFailed as exc:
            unfinished = f"the job failed: {exc}"
            raise
        finally:
            self._upload_outputs(context, params, unfinished)

    @staticmethod
    def _copy_code(context: JobContext) -> Path:
        target = context.job_dir / relative_to_root(CODE_DESTINATION)
        code = Path(context.resolved["code"])
        source_dir = context.resolved.get("source_dir")
        if source_dir:
            download(source_dir, target, None)
            copied = target / code.relative_to(source_dir)
        else:
            if not code.is_file():
                raise JobFailed(f"The code {code.name!r} no longer exists.")
            download(str(code), target, None)
            copied = target / code.name
        context.log.studio(f"copied the code to {CODE_DESTINATION}")
        return copied

    @staticmethod
    def _copy_inputs(context: JobContext, params: ProcessorParameters) -> None:
        for source, destination, name in context.resolved["inputs"]:
            context.check_stop()
            try:
                count = download(
                    source, context.job_dir / relative_to_root(destination), params.store
                )
            except StudioError as exc:
                raise JobFailed(f"Copying the input {name!r} failed: {exc.message}") from None
            except OSError as exc:
                raise JobFailed(f"Copying the input {name!r} from {source} failed: {exc}") from None
            context.log.studio(f"input {name}: {count} file(s) from {source} to {destination}")

    @staticmethod
    def _script_env(context: JobContext, params: ProcessorParameters) -> dict[str, str]:
        """What the code's environment adds to the worker's (the container paths, STUDIO_*)."""
        python_path = os.pathsep.join(
            p
            for p in (str(STARTUP_DIR), params.env.get("PYTHONPATH"), os.environ.get("PYTHONPATH"))
            if p
        )
        return {
            **context.resolved.get("tracking_environment", {}),
            **params.env,
            "PYTHONPATH": python_path,
            "PYTHONUNBUFFERED": "1",
            ROOT_VARIABLE: str(context.job_dir),
            "STUDIO_JOB_ID": context.job_id,
            "STUDIO_OUTPUT_DIR": str(context.output_dir),
            "STUDIO_INPUT_DIR": str(context.input_dir),
        }

    def _run_code(
        self,
        context: JobContext,
        params: ProcessorParameters,
        code: Path,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        env = {**os.environ, **self._script_env(context, params), **(extra_env or {})}
        shown = posixpath.join(
            CODE_DESTINATION, code.relative_to(context.job_dir / "input" / "code").as_posix()
        )
        context.log.studio("running " + " ".join([shown, *params.arguments]))
        context.output_dir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            *context.resolved["interpreter_options"],
            str(code),
            *params.arguments,
        ]
        run_script(context, command, env)

    @staticmethod
    def _upload_outputs(
        context: JobContext, params: ProcessorParameters, unfinished: str | None
    ) -> None:
        """Upload each output; after a failure, mark each upload partial and never raise."""
        outputs = [o for o in context.resolved["outputs"] if o[1] is not None]
        if outputs:
            context.set_progress(0.95, "uploading outputs")
        failures: list[str] = []
        for source, destination, name in outputs:
            folder = context.job_dir / relative_to_root(source)
            try:
                count = upload(folder, destination, params.store, partial=unfinished)
            except (StudioError, OSError) as exc:
                message = exc.message if isinstance(exc, StudioError) else str(exc)
                failures.append(f"uploading the output {name!r} to {destination} failed: {message}")
                context.log.studio(failures[-1])
                continue
            note = f" (partial: {unfinished}; marked with _PARTIAL)" if unfinished else ""
            context.log.studio(f"output {name}: {count} file(s) uploaded to {destination}{note}")
        if failures and unfinished is None:
            raise JobFailed(failures[0][0].upper() + failures[0][1:])
        if unfinished is None:
            context.set_progress(1.0, "done")


def _input_source(source: str, params: ProcessorParameters, context: PrepareContext) -> str:
    """Where an input is read from: a checked s3:// URL, or a path of the caller's files."""
    if is_s3(source):
        return check_s3(source, params.store, what="input", must_exist=True)
    if "://" in source:
        raise InvalidInput(
            f"The input {source!r} is neither a path in your files nor an s3:// URL.",
            code="invalid_source",
        )
    return str(context.scope.resolve(source, what="input", must_exist=True))


@contextlib.contextmanager
def _located(loc: list[str | int]) -> Iterator[None]:
    """Give an error raised inside the field it concerns (``detail``), so a form shows it there."""
    try:
        yield
    except StudioError as exc:
        if exc.detail is None:
            exc.detail = [{"loc": loc, "msg": exc.message}]
        raise
