"""Notebook magics drive the same engine."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("IPython")


def test_magics_run_list_and_cell_jobs(studio, contents_root: Path, capsys) -> None:  # noqa: ANN001
    from IPython.testing.globalipapp import start_ipython

    from jupyter_studio.magics import StudioMagics

    ip = start_ipython()
    StudioMagics._studio = studio
    try:
        ip.run_line_magic("load_ext", "jupyter_studio.magics")
        (contents_root / "hi.py").write_text("import sys\nprint('hi', sys.argv[1])\n")
        job = ip.run_line_magic("studio_run", "hi.py there")
        assert studio.wait(job.job_id, timeout=60).status.value == "Completed"
        assert "hi there" in studio.job_logs(job.job_id).content
        cell_job = ip.run_cell_magic("studio_job", "from-cell", "print('inside a cell job')")
        assert studio.wait(cell_job.job_id, timeout=60).status.value == "Completed"
        assert cell_job.name == "from-cell"
        table = ip.run_line_magic("studio_jobs", "")
        assert "from-cell" in table.data and "hi" in table.data
        assert (
            ip.run_line_magic("studio_run", "missing.py") is None
        )  # a clear message, no traceback
        assert ip.run_line_magic("studio_jobs", "bogus") is None
        assert ip.run_line_magic("studio_run", "'unbalanced") is None
        assert ip.run_cell_magic("studio_job", "x" * 300, "print(1)") is None
        printed = capsys.readouterr().out
        assert "Invalid job query: status" in printed and "Invalid job: name" in printed
        assert "cannot read the arguments" in printed
    finally:
        StudioMagics._studio = None
