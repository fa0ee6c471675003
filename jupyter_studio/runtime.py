"""Helpers for user scripts that run as Studio jobs.

>>> from jupyter_studio.runtime import report_progress, output_dir
>>> report_progress(0.5, "half way")

Outside a job these helpers still work: progress is printed and ``output_dir`` is the
current folder, so a script behaves the same when run by hand.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROGRESS_MARKER = "##studio[progress]"


def report_progress(fraction: float, message: str = "") -> None:
    """Tell Studio how far the job is (0..1) and what it is doing."""
    fraction = min(1.0, max(0.0, float(fraction)))
    message = " ".join(str(message).split())
    print(f"{PROGRESS_MARKER} {fraction:.4f} {message}".rstrip(), file=sys.stdout, flush=True)


def output_dir() -> Path:
    """Folder whose files are kept as the job's artifacts."""
    return Path(os.environ.get("STUDIO_OUTPUT_DIR", os.getcwd()))


def input_dir() -> Path:
    """Folder holding copies of the job's declared inputs."""
    return Path(os.environ.get("STUDIO_INPUT_DIR", os.getcwd()))


def parse_progress_line(line: str) -> tuple[float, str] | None:
    """Parse a progress marker line printed by :func:`report_progress`."""
    if not line.startswith(PROGRESS_MARKER):
        return None
    rest = line[len(PROGRESS_MARKER) :].strip()
    value, _, message = rest.partition(" ")
    try:
        fraction = float(value)
    except ValueError:
        return None
    if fraction != fraction:  # NaN
        return None
    return min(1.0, max(0.0, fraction)), message.strip()
