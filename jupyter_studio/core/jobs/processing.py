"""The built-in ``processing`` job kind: run a user's Python script.

The script runs with the server's Python, its working directory set to the job's
``output`` folder (every file it writes there is kept as an artifact), its stdout
and stderr captured in the job log, and declared inputs copied into ``input``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...runtime import parse_progress_line
from ..errors import InvalidInput
from .context import JobContext
from .errors import JobFailed, JobStopped
from .kinds import JobKind, PrepareContext

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED_ENV = {"STUDIO_JOB_ID", "STUDIO_OUTPUT_DIR", "STUDIO_INPUT_DIR", "PYTHONUNBUFFERED"}


class ProcessingParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    script: str = Field(
        description="File-browser path of the Python script to run.",
        min_length=1,
    )
    arguments: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="Command-line arguments passed to the script.",
    )
    inputs: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="File-browser paths of files or folders copied into the job's input folder.",
    )
    environment: dict[str, str] = Field(
        default_factory=dict, description="Extra environment variables."
    )

    @field_validator("arguments")
    @classmethod
    def _no_nul(cls, value: list[str]) -> list[str]:
        for arg in value:
            if "\x00" in arg:
                raise ValueError("arguments may not contain NUL characters")
            try:
                os.fsencode(arg)
            except UnicodeError:
                raise ValueError(
                    f"argument {arg!r} has characters a command line cannot hold"
                ) from None
        return value

    @field_validator("environment")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        return check_environment(value, _RESERVED_ENV)


def check_environment(value: dict[str, str], reserved: set[str] | frozenset[str]) -> dict[str, str]:
    """``value`` as a job's extra environment variables: valid names, none of ``reserved``
    (what Studio sets), values a process environment can hold; ValueError otherwise."""
    for name, val in value.items():
        if not _ENV_NAME.match(name):
            raise ValueError(f"{name!r} is not a valid environment variable name")
        if name in reserved:
            raise ValueError(f"{name} is set by Studio and cannot be overridden")
        if "\x00" in val:
            raise ValueError(f"the value of {name} contains a NUL character")
        try:
            os.fsencode(val)
        except UnicodeError:
            raise ValueError(
                f"the value of {name} has characters the environment cannot hold"
            ) from None
    return value


class ProcessingJob(JobKind[ProcessingParameters]):
    """Run a Python script from the user's files as a job."""

    name = "processing"
    title = "Processing script"
    description = (
        "Runs a Python script from your files with arguments. Output printed by the script goes to "
        "the job log; files it writes in its working folder are kept as the job's artifacts."
    )
    Parameters = ProcessingParameters

    def prepare(self, params: ProcessingParameters, context: PrepareContext) -> dict[str, Any]:
        script = context.scope.resolve(params.script, what="script", must_exist=True, expect="file")
        inputs: list[list[str]] = []
        names: set[str] = set()
        for raw in params.inputs:
            real = context.scope.resolve(raw, what="input", must_exist=True)
            if real.name in names:
                raise InvalidInput(
                    f"Two inputs are called {real.name!r}: inputs are copied into one folder.",
                    code="duplicate_input",
                )
            names.add(real.name)
            inputs.append([str(real), real.name])
        return {"script": str(script), "inputs": inputs}

    def default_name(self, params: ProcessingParameters) -> str:
        return Path(params.script).stem or self.name

    def run(self, context: JobContext) -> None:
        params = self.parameters_of(context)
        script = Path(context.resolved["script"])
        if not script.is_file():
            raise JobFailed(f"The script {params.script!r} no longer exists.")
        self._copy_inputs(context)
        tracking = context.resolved.get("tracking_environment")
        if tracking:
            from ..experiments.service import ensure_tracking_store

            try:
                ensure_tracking_store(tracking)
            except Exception as exc:  # tracking is a convenience: the script still runs
                context.log.studio(f"the experiment tracking store is not available: {exc}")
        context.output_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **context.resolved.get("tracking_environment", {}),
            **params.environment,
            "PYTHONUNBUFFERED": "1",
            "STUDIO_JOB_ID": context.job_id,
            "STUDIO_OUTPUT_DIR": str(context.output_dir),
            "STUDIO_INPUT_DIR": str(context.input_dir),
        }
        command = [sys.executable, "-u", str(script), *params.arguments]
        context.log.studio("running " + " ".join([params.script, *params.arguments]))
        run_script(context, command, env)

    @staticmethod
    def _copy_inputs(context: JobContext) -> None:
        inputs = context.resolved.get("inputs", [])
        if not inputs:
            return
        context.input_dir.mkdir(parents=True, exist_ok=True)
        for source, name in inputs:
            target = context.input_dir / name
            if Path(source).is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)
            context.log.studio(f"copied input {name}")

    @staticmethod
    def _pump(child: subprocess.Popen[bytes], context: JobContext, last_lines: list[str]) -> None:
        """Copy the script's output to the log; progress markers become progress, not log lines."""
        assert child.stdout is not None
        for line in iter(child.stdout.readline, b""):
            text = line.decode("utf-8", "replace")
            parsed = parse_progress_line(text)
            if parsed is not None:
                context.set_progress(*parsed)
                continue
            context.log.write_bytes(line)
            last_lines.append(text)
            del last_lines[:-5]

    @staticmethod
    def _terminate(child: subprocess.Popen[bytes], context: JobContext) -> None:
        context.log.studio(f"stopping the script ({context.stop_reason})")
        if child.poll() is None:
            child.terminate()
        try:
            child.wait(timeout=context.grace_seconds)
        except subprocess.TimeoutExpired:
            context.log.studio(
                f"the script did not stop within {context.grace_seconds:g} s: killing it"
            )
            child.kill()
            child.wait()


def run_script(context: JobContext, command: list[str], env: dict[str, str]) -> None:
    """Run ``command`` in the job's output folder with its output in the job log (progress
    markers become progress); a stop request stops it. Raises :class:`JobStopped` when stopped
    and :class:`JobFailed` with the last line it printed (or its signal) when it fails."""
    child = subprocess.Popen(
        command,
        cwd=context.output_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    last_lines: list[str] = []
    reader = threading.Thread(
        target=ProcessingJob._pump, args=(child, context, last_lines), daemon=True
    )
    reader.start()
    while True:
        try:
            child.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if context.should_stop:
                ProcessingJob._terminate(child, context)
                break
    reader.join(timeout=5)
    code = child.returncode
    context.exit_code = code
    if context.should_stop:
        raise JobStopped(context.stop_reason or "Stopped")
    if code != 0:
        if code is not None and code < 0:
            raise JobFailed(
                f"The script was killed by signal {signal.Signals(-code).name}.", exit_code=code
            )
        last = next((line for line in reversed(last_lines) if line.strip()), "")
        hint = f": {last.strip()[:300]}" if last else ": see the log"
        raise JobFailed(f"The script exited with code {code}{hint}", exit_code=code)
