"""Reading and writing ``.flow`` files: versions, migrations and atomic writes.

A file carries ``format_version``. :data:`MIGRATIONS` maps a version ``v`` to a function that
turns a version-``v`` document (plain JSON data) into a version ``v + 1`` one; loading applies
them in turn up to :data:`~.schemas.FORMAT_VERSION`. A file from a newer Studio is refused
with a message saying so, never half-read. Operators carry their own ``operator_version``
with per-operator upgraders (:data:`OPERATOR_UPGRADES`), so changing one transform's
parameters does not need a new file version.

Writes go to a temporary file in the same folder, are flushed to disk, then renamed over the
target: a crash leaves either the old file or the new one, never a broken file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import FlowFormatError, FlowNotFound
from .schemas import FORMAT_VERSION, FlowDocument

__all__ = [
    "MIGRATIONS",
    "OPERATOR_UPGRADES",
    "atomic_write_text",
    "document_from_json",
    "document_to_json",
    "load_document",
    "migrate",
    "save_document",
]

Migration = Callable[[dict[str, Any]], dict[str, Any]]

#: ``{v: f}``: ``f`` turns a version-``v`` document into a version ``v + 1`` document.
MIGRATIONS: dict[int, Migration] = {}

#: ``{(operator, v): f}``: ``f`` turns the parameters of version ``v`` into version ``v + 1``.
OPERATOR_UPGRADES: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {}

MAX_FILE_BYTES = 50 * 1024 * 1024


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a document (plain JSON data) up to the current format version."""
    if not isinstance(data, dict):
        raise FlowFormatError("A flow file holds a JSON object at its top level.")
    version = data.get("format_version")
    if version is None:
        raise FlowFormatError(
            "This file has no format_version: it is not a Jupyter Studio flow.",
            code="invalid_flow",
        )
    if not isinstance(version, int) or version < 1:
        raise FlowFormatError(f"Unknown flow format version {version!r}.")
    if version > FORMAT_VERSION:
        raise FlowFormatError(
            f"This flow was saved by a newer Jupyter Studio (format version {version}; this one "
            f"reads up to {FORMAT_VERSION}). Upgrade Jupyter Studio to open it.",
            code="flow_too_new",
        )
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise FlowFormatError(f"No migration from flow format version {version}.")
        data = step(dict(data))
        version += 1
        data["format_version"] = version
    return data


def upgrade_operators(document: FlowDocument, latest: Callable[[str], int | None]) -> FlowDocument:
    """Upgrade each node's parameters to its operator's latest version where upgraders exist."""
    for node in document.nodes:
        target = latest(node.operator)
        while target is not None and node.operator_version < target:
            upgrade = OPERATOR_UPGRADES.get((node.operator, node.operator_version))
            if upgrade is None:
                break
            node.parameters = upgrade(dict(node.parameters))
            node.operator_version += 1
    return document


def document_from_json(text: str | bytes) -> FlowDocument:
    """Parse, migrate and validate the text of a ``.flow`` file."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FlowFormatError(f"The flow file is not valid JSON: {exc}.") from None
    data = migrate(data)
    try:
        return FlowDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise FlowFormatError(
            f"The flow file is not a valid flow: {where + ': ' if where else ''}{first.get('msg')}."
        ) from None


def document_to_json(document: FlowDocument) -> str:
    """The text of a ``.flow`` file: indented JSON, keys in a stable order."""
    data = document.model_dump(mode="json")
    data["format_version"] = FORMAT_VERSION
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load_document(path: str | os.PathLike[str]) -> FlowDocument:
    """Read a ``.flow`` file from disk."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FlowNotFound(f"The flow file {path.name!r} does not exist.") from None
    if size > MAX_FILE_BYTES:
        raise FlowFormatError(f"The flow file {path.name!r} is larger than {MAX_FILE_BYTES} bytes.")
    return document_from_json(path.read_bytes())


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never a partial file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = None
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def save_document(document: FlowDocument, path: str | os.PathLike[str]) -> None:
    """Write a ``.flow`` file atomically."""
    atomic_write_text(path, document_to_json(document))
