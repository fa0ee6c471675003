"""An endpoint's data-capture files (JSON Lines) as one DataFrame of the requested rows.

Each line of a capture file is one invocation (see :mod:`..runtime.capture`)::

    {"time": "...", "model_version": "churn/3", "status": 200,
     "request":  {"content_type": "text/csv", "encoding": "utf-8", "data": "41,Lyon\\n"},
     "response": {...}}

The request body may also be given as ``"body"`` instead of ``"data"``, and as base64 when
``"encoding"`` is ``"base64"``. Bodies are read with the endpoint's own parser
(:func:`..runtime.payloads.parse_request`), so every form the endpoint accepts is read here too: CSV
with or without a header row, and JSON records, ``{"columns", "data"}``, ``dataframe_split``,
``dataframe_records``, ``inputs``/``instances`` and single records. Values are **not** converted to
the schema's types: a text where a number belongs stays text, so that the drift report can count
it as a type violation (requests the endpoint refused with a 400 are kept for that reason; pass
``statuses`` to keep only some).

``columns`` (the model's input column names, in schema order) names the values of headerless CSV
and of JSON rows given as plain lists; without it such bodies cannot be read and are skipped.
Columns outside ``columns`` are kept. Lines that are not JSON (e.g. a line being written) and
bodies that cannot be parsed are skipped and counted in :class:`CaptureReader`'s ``skipped`` and
``problems``, never raised.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable, Container, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..runtime.payloads import Column, InputSchema, PayloadError, parse_request

__all__ = ["CaptureReader", "capture_files", "read_capture"]

CAPTURE_SUFFIX = ".jsonl"
#: Columns added with ``metadata=True``.
METADATA_COLUMNS = ("__capture_time", "__model_version", "__status")
_MAX_PROBLEMS = 20
_NO_LIMIT = 2**62


def capture_files(path: str | os.PathLike[str]) -> list[Path]:
    """``path`` itself if it is a file, else the ``.jsonl`` files under the folder, sorted by name.

    Capture file names start with the time they were opened, so the order is by time.
    """
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"no capture file or folder at {root}")
    return sorted(
        (
            p
            for p in root.rglob(f"*{CAPTURE_SUFFIX}")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        ),
        key=lambda p: (p.name, str(p)),
    )


class CaptureReader:
    """Reads capture files into a DataFrame; keeps count of what it had to skip."""

    def __init__(
        self,
        columns: Sequence[str] | None = None,
        *,
        statuses: Container[int] | None = None,
        model_version: str | None = None,
        metadata: bool = False,
        max_rows: int | None = None,
    ) -> None:
        """Read requests naming headerless values with ``columns``.

        ``statuses`` keeps only invocations answered with those HTTP statuses (all by default),
        ``model_version`` only those served by that version label (as written in the capture),
        ``metadata`` adds the columns ``__capture_time``, ``__model_version`` and ``__status``,
        ``max_rows`` stops reading once that many rows are read.
        """
        self.columns = list(columns) if columns is not None else None
        self.statuses = statuses
        self.model_version = model_version
        self.metadata = metadata
        self.max_rows = max_rows
        self.records = 0
        self.rows = 0
        self.skipped = 0
        self.truncated = False
        self.problems: list[str] = []
        self._schema = (
            InputSchema([Column(name, "any", required=False) for name in self.columns])
            if self.columns
            else None
        )

    def _problem(self, where: str, message: str) -> None:
        self.skipped += 1
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(f"{where}: {message}")

    def parse_body(self, body: bytes, content_type: str | None) -> pd.DataFrame:
        """The rows of one request body; :class:`~..runtime.payloads.PayloadError` if unreadable."""
        frame = parse_request(body, content_type, self._schema, max_bytes=_NO_LIMIT)
        dropped = frame.attrs.get("dropped_columns")
        if dropped and self._schema is not None:
            # Columns the schema does not know: read them too (the report lists them as extra).
            schema = InputSchema(
                [*self._schema.columns, *(Column(name, "any", required=False) for name in dropped)]
            )
            frame = parse_request(body, content_type, schema, max_bytes=_NO_LIMIT)
        return frame

    def _request(self, record: Any) -> tuple[bytes, str | None]:
        if not isinstance(record, dict) or not isinstance(record.get("request"), dict):
            raise ValueError("the line has no 'request' object")
        request = record["request"]
        body = request.get("data", request.get("body"))
        if body is None:
            raise ValueError("the request has no body")
        content_type = request.get("content_type") or request.get("contentType")
        if isinstance(body, (dict, list)):  # a body stored as parsed JSON
            return json.dumps(body).encode(), content_type or "application/json"
        if not isinstance(body, str):
            raise ValueError("the request body is neither text nor JSON")
        if str(request.get("encoding", "")).lower() == "base64":
            try:
                return base64.b64decode(body, validate=True), content_type
            except (binascii.Error, ValueError):
                raise ValueError("the request body is not valid base64") from None
        return body.encode("utf-8"), content_type

    def iter_frames(self, paths: Iterable[Path]) -> Iterable[pd.DataFrame]:
        """One DataFrame per readable request, in file and line order."""
        for path in paths:
            if self.truncated:
                return
            with open(path, "rb") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    where = f"{path.name} line {number}"
                    try:
                        record = json.loads(line)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        self._problem(where, "not a JSON line")
                        continue
                    if not self._wanted(record):
                        continue
                    self.records += 1
                    try:
                        body, content_type = self._request(record)
                        frame = self.parse_body(body, content_type)
                    except (ValueError, PayloadError) as error:
                        self._problem(where, str(error))
                        continue
                    if self.metadata:
                        frame[METADATA_COLUMNS[0]] = record.get("time")
                        frame[METADATA_COLUMNS[1]] = record.get("model_version")
                        frame[METADATA_COLUMNS[2]] = record.get("status")
                    if self.max_rows is not None and self.rows + len(frame) >= self.max_rows:
                        frame = frame.iloc[: self.max_rows - self.rows]
                        self.truncated = True
                    self.rows += len(frame)
                    yield frame
                    if self.truncated:
                        return

    def _wanted(self, record: Any) -> bool:
        if not isinstance(record, dict):
            return True  # counted as a problem by _request
        if self.statuses is not None and record.get("status") not in self.statuses:
            return False
        return self.model_version is None or record.get("model_version") == self.model_version

    def read(
        self,
        source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        *,
        on_file: Callable[[Path], None] | None = None,
    ) -> pd.DataFrame:
        """All requested rows of the capture file(s) or folder(s) ``source``, as one DataFrame.

        Columns follow ``columns`` first, then any other column in the order first seen.
        ``on_file`` is called before each file is read.
        """
        sources = [source] if isinstance(source, (str, os.PathLike)) else list(source)
        paths = [path for item in sources for path in capture_files(item)]

        def files() -> Iterable[Path]:
            for path in paths:
                if on_file is not None:
                    on_file(path)
                yield path

        frames = list(self.iter_frames(files()))
        if not frames:
            return pd.DataFrame(columns=self.columns or [])
        frame = pd.concat(frames, ignore_index=True, sort=False)
        order = [c for c in (self.columns or []) if c in frame.columns]
        order += [c for c in frame.columns if c not in order]
        return frame[order]


def read_capture(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    columns: Sequence[str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """The rows of every request in the capture file(s) or folder ``source`` (see the module doc).

    ``options`` are those of :class:`CaptureReader` (``statuses``, ``model_version``, ``metadata``,
    ``max_rows``).
    """
    return CaptureReader(columns, **options).read(source)
