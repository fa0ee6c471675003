"""IPython magics: ``%load_ext jupyter_studio.magics``.

``%studio_jobs [status]``            table of your recent jobs
``%studio_run script.py [args...]``  run a script as a processing job (returns the job)
``%studio_logs <job id>``            print a job's log
``%studio_stop <job id>``            stop a job
``%%studio_job [name]``              run the cell's code as a background job
"""

from __future__ import annotations

import html
import shlex
import time
from pathlib import Path
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class

from .core.errors import StudioError


@magics_class
class StudioMagics(Magics):
    """Studio jobs from a notebook, on the same domain as the server the kernel belongs to."""

    _studio: Any = None

    @property
    def studio(self) -> Any:
        if StudioMagics._studio is None:
            from .core.studio import Studio

            StudioMagics._studio = Studio()
        return StudioMagics._studio

    def _guard(self, func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except StudioError as exc:
            print(f"Studio: {exc.message}")
            return None

    @line_magic
    def studio_jobs(self, line: str) -> Any:
        from IPython.display import HTML

        result = self._guard(lambda: self.studio.list_jobs(status=line.strip() or None, limit=20))
        if result is None:
            return None
        rows = "".join(
            f"<tr><td><code>{j.job_id[:12]}</code></td><td>{html.escape(j.name)}</td><td>{j.kind}</td>"
            f"<td>{j.status.value}</td><td>{j.progress:.0%} {html.escape(j.progress_message)}</td>"
            f"<td>{j.elapsed_seconds:.0f} s</td></tr>"
            for j in result.items
        )
        return HTML(
            "<table><tr><th>job</th><th>name</th><th>kind</th><th>status</th><th>progress</th>"
            f"<th>elapsed</th></tr>{rows}</table>"
        )

    @line_magic
    def studio_run(self, line: str) -> Any:
        try:
            parts = shlex.split(line)
        except ValueError as exc:
            print(f"Studio: cannot read the arguments: {exc}.")
            return None
        if not parts:
            print("usage: %studio_run script.py [arguments...]")
            return None
        return self._guard(
            lambda: self.studio.submit_job(
                "processing", {"script": parts[0], "arguments": parts[1:]}
            )
        )

    @line_magic
    def studio_logs(self, line: str) -> None:
        chunk = self._guard(lambda: self.studio.job_logs(line.strip()))
        if chunk is not None:
            print(chunk.content, end="")

    @line_magic
    def studio_stop(self, line: str) -> Any:
        return self._guard(lambda: self.studio.stop_job(line.strip()))

    @line_cell_magic
    def studio_job(self, line: str, cell: str | None = None) -> Any:
        if cell is None:
            print("use %%studio_job [name] at the top of a cell")
            return None
        name = line.strip() or "notebook-cell"
        caller = self._guard(self.studio.caller)
        if caller is None:
            return None
        folder = self.studio.spaces.home_dir(caller.username) / "cells"
        folder.mkdir(parents=True, exist_ok=True)
        script = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{abs(hash(cell)) % 10**6}.py"
        script.write_text(cell)
        rel = script.resolve().relative_to(Path(self.studio.contents_root))
        return self._guard(
            lambda: self.studio.submit_job("processing", {"script": rel.as_posix()}, name=name)
        )


def load_ipython_extension(ipython: Any) -> None:
    ipython.register_magics(StudioMagics)
