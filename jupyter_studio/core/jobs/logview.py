"""What a job log looks like when read through the API: no terminal codes, no known noise.

The log file keeps every byte the job wrote (open it to see everything); a reader gets the text with
ANSI escape sequences (colours, cursor moves) removed, carriage-return overwrites (progress bars)
reduced to their last state, and the lines of :data:`NOISE` left out: warnings that MLflow and its
store print on every run and that no user can act on.
"""

from __future__ import annotations

import re

#: CSI sequences (colours, cursor moves), OSC sequences (titles, links) and two-character escapes.
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
#: An escape sequence cut by the end of the text read so far.
INCOMPLETE_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*)?\Z")

#: Lines that are noise in a job log (matched after the codes are removed).
NOISE = tuple(
    re.compile(pattern)
    for pattern in (
        # The tracking store created or upgraded for the job (MLflow and Alembic say it each time).
        r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d INFO mlflow\.store\.db\.utils: ",
        r"^INFO  \[alembic\.runtime\.migration\] ",
        # MLflow's schema hint, printed for every model with an integer column.
        r"UserWarning: Hint: Inferred schema contains integer column",
        # MLflow inferring requirements: torch's "+cpu" label, dropped as it should be.
        r"WARNING mlflow\.utils\.requirements_utils: Found \S+ version \(.*\) contains a local "
        r"version label",
        r"WARNING mlflow\.models\.model: `artifact_path` is deprecated",
    )
)
#: Lines with their "\n" (the last one may have none).
LINES = re.compile(r"[^\n]*\n|[^\n]+")
#: A line printed by ``warnings.warn`` (``file:line: SomeWarning: message``).
PYTHON_WARNING = re.compile(r":\d+: \w*Warning: ")
#: The source line Python prints under a warning; noise when the warning was.
WARNING_SOURCE = re.compile(r"^\s+\S.*$")


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences (and without stray escape characters)."""
    return INCOMPLETE_ANSI.sub("", ANSI.sub("", text)).replace("\x1b", "")


def collapse_overwrites(line: str) -> str:
    """A line as a terminal would end up showing it: what follows its last carriage return."""
    body = line[:-1] if line.endswith("\n") else line
    end = line[len(body) :]
    if body.endswith("\r"):
        body = body[:-1]  # a Windows line ending
    if "\r" in body:
        body = body.rsplit("\r", 1)[1]
    return body + end


def is_noise(line: str) -> bool:
    """True for a line of :data:`NOISE`."""
    return any(pattern.search(line) for pattern in NOISE)


def ends_with_dropped_warning(data: bytes) -> bool:
    """True when the last line of ``data`` is a noise warning, whose source line comes next."""
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
    return is_noise(last) and PYTHON_WARNING.search(last) is not None


def readable(text: str, *, final: bool) -> tuple[str, int]:
    """``(shown, used)``: the readable form of ``text`` and how many of its characters it covers.

    Unless ``final`` (nothing more will be written), a last partial line after complete ones and an
    escape sequence cut at the end are left for the next read (``used`` stops before them), so a
    code or a noise line split between two reads is still recognised.
    """
    used = len(text)
    if not final:
        cut = text.rfind("\n")
        if 0 <= cut < len(text) - 1:
            used = cut + 1
        elif cut == -1 and (partial := INCOMPLETE_ANSI.search(text)):
            used = partial.start()
    shown: list[str] = []
    dropped = False
    for line in LINES.findall(text[:used]):  # not splitlines: "\r" does not end a line here
        clean = collapse_overwrites(strip_ansi(line))
        if is_noise(clean):
            dropped = PYTHON_WARNING.search(clean) is not None
            continue
        if dropped and WARNING_SOURCE.match(clean.rstrip("\n")):
            dropped = False  # the one source line under a dropped warning
            continue
        dropped = False
        shown.append(clean)
    return "".join(shown), used
