"""Job logs read through the API: no terminal codes or known MLflow noise (the file keeps them),
whatever the size of the reads; artifact listings leave out hidden and by-product folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_studio.core.jobs.logview import readable
from jupyter_studio.core.jobs.schemas import JobStatus
from tests.conftest import write_script

HINT = (
    "/venv/lib/python3.11/site-packages/mlflow/types/utils.py:440: UserWarning: Hint: Inferred "
    "schema contains integer column(s). Integer columns in Python cannot represent missing values."
)
NOISY_SCRIPT = r"""
import sys
print("\x1b[32mgreen\x1b[0m and \x1b[1;31mbold red\x1b[0m")
print("2026/12/07 16:07:44 INFO mlflow.store.db.utils: Creating initial MLflow database tables...")
print("INFO  [alembic.runtime.migration] Running upgrade  -> 451aebb31d03, add metric step")
print(HINT, file=sys.stderr)
print("  warnings.warn(", file=sys.stderr)
print("2026/12/07 16:11:24 WARNING mlflow.utils.requirements_utils: Found torch version "
      "(2.13.0+cpu) contains a local version label (+cpu). MLflow logged a pip requirement")
print("epoch 1\r epoch 2\r epoch 3 \x1b]0;title\x07done")
print("  indented line kept")
print("caf\u00e9 \x1b[4munderlined\x1b[24m end")
"""
EXPECTED = "green and bold red\n epoch 3 done\n  indented line kept\ncaf\u00e9 underlined end\n"


def test_readable_strips_codes_noise_and_overwrites() -> None:
    text = (
        "\x1b[33mwarn\x1b[0m\n"
        + HINT
        + "\n  warnings.warn(\n  kept because only one source line follows a warning\n"
        + "10%\r50%\r100%\r\n"
    )
    shown, used = readable(text, final=True)
    assert used == len(text)
    assert shown == "warn\n  kept because only one source line follows a warning\n100%\n"


def test_readable_leaves_a_cut_line_or_code_for_the_next_read() -> None:
    shown, used = readable("one\ntw", final=False)
    assert (shown, used) == ("one\n", 4)
    shown, used = readable("abc\x1b[3", final=False)  # a colour code cut in the middle
    assert (shown, used) == ("abc", 3)
    shown, used = readable("long line without end", final=False)  # shown as it comes
    assert (shown, used) == ("long line without end", 21)
    assert readable("abc\x1b[3", final=True) == ("abc", 6)  # the job ended: take what is there


def _read_all(studio: Any, job_id: str, limit: int) -> str:
    caller = studio.caller()
    offset, parts = 0, []
    for _ in range(10_000):
        chunk = studio.jobs.logs(caller, job_id, offset=offset, limit=limit)
        parts.append(chunk.content)
        if chunk.complete:
            return "".join(parts)
        if chunk.next_offset == offset:
            limit *= 2  # a code or character cut by a short read: read more at once
        offset = chunk.next_offset
    raise AssertionError("the log never ended")


def _body(log: str) -> str:
    """The script's lines (without Studio's own ``[studio ...]`` lines)."""
    return "".join(line for line in log.splitlines(keepends=True) if not line.startswith("[studio"))


def test_job_log_reads_clean_in_any_chunk_size_and_the_file_keeps_everything(
    studio: Any, contents_root: Path
) -> None:
    write_script(contents_root, "noisy.py", f"HINT = {HINT!r}\n" + NOISY_SCRIPT)
    job = studio.submit_job("processing", {"script": "noisy.py"})
    done = studio.wait(job.job_id, timeout=300)
    assert done.status == JobStatus.COMPLETED, done.status_message
    for limit in (65536, 257, 13, 7, 1):  # reads that cut lines, codes and characters anywhere
        assert _body(_read_all(studio, job.job_id, limit)) == EXPECTED, limit
    raw = (studio.jobs.job_dir(studio.caller(), job.job_id) / "job.log").read_text()
    assert "\x1b[32m" in raw and "Inferred schema contains integer" in raw


def test_artifacts_leave_out_hidden_and_checkpoint_folders(
    studio: Any, contents_root: Path
) -> None:
    write_script(
        contents_root,
        "writes.py",
        "from pathlib import Path\n"
        "for name in ('result.csv', 'plots/roc.png', '.ipynb_checkpoints/nb-checkpoint.ipynb',\n"
        "             'plots/.ipynb_checkpoints/x.png', '__pycache__/m.pyc', '.hidden'):\n"
        "    Path(name).parent.mkdir(parents=True, exist_ok=True)\n"
        "    Path(name).write_text('x')\n",
    )
    job = studio.submit_job("processing", {"script": "writes.py"})
    done = studio.wait(job.job_id, timeout=300)
    assert done.status == JobStatus.COMPLETED, done.status_message
    names = [a.name for a in studio.jobs.artifacts(studio.caller(), job.job_id)]
    assert names == ["plots/roc.png", "result.csv"]
