"""The "current" data a model monitor compares with the baseline: files or folders of them.

A source is a CSV file (``.csv``, with a header row), a Parquet file (``.parquet``, ``.pq``), an
endpoint data-capture file (``.jsonl``, read by :mod:`.capture_reader`), or a folder: every such
file under it (hidden files and folders, and names starting with ``_``, are left out), in name
order. Types are not forced: a CSV column with a text among numbers stays text, which the drift
report counts as type violations.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...tabular_files import TableFileError, read_table
from .capture_reader import CaptureReader

__all__ = ["CurrentData", "DataError", "data_files", "read_current_data"]

SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "capture"}


class DataError(ValueError):
    """A data source that cannot be read: the message names the file."""


@dataclass
class CurrentData:
    """What :func:`read_current_data` read."""

    frame: pd.DataFrame
    files: list[Path]
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


def _kind(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


def data_files(path: str | os.PathLike[str]) -> list[Path]:
    """The data files of ``path`` (a file, or a folder searched recursively), in name order."""
    root = Path(path)
    if root.is_file():
        if _kind(root) is None:
            raise DataError(
                f"{root.name} is not a CSV, Parquet or capture (.jsonl) file; "
                f"expected one of: {', '.join(sorted(SUFFIXES))}"
            )
        return [root]
    if not root.is_dir():
        raise DataError(f"{root} does not exist")
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and _kind(p) is not None
        and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )
    if not files:
        raise DataError(
            f"the folder {root.name or root} has no CSV, Parquet or capture (.jsonl) files"
        )
    return files


def _read_parquet(path: Path, limit: int | None) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(path)
    if limit is None:
        return handle.read().to_pandas()
    batches = []
    rows = 0
    for batch in handle.iter_batches(batch_size=min(max(limit, 1), 65536)):
        batches.append(batch)
        rows += batch.num_rows
        if rows >= limit:
            break
    table = pa.Table.from_batches(batches, schema=handle.schema_arrow)
    return table.slice(0, limit).to_pandas()


def read_current_data(
    source: str | os.PathLike[str],
    *,
    columns: Sequence[str] | None = None,
    max_rows: int | None = None,
    on_file: Callable[[int, int, Path], None] | None = None,
) -> CurrentData:
    """Every row of ``source`` (a file or folder, see the module doc) as one DataFrame.

    ``columns`` are the model's input columns in schema order (they name the values of headerless
    capture bodies). At most ``max_rows`` rows are read, in file order (``truncated`` says so).
    ``on_file(index, count, path)`` is called before each file. Raises :class:`DataError`.
    """
    files = data_files(source)
    frames: list[pd.DataFrame] = []
    notes: list[str] = []
    rows = 0
    truncated = False
    for index, path in enumerate(files):
        if on_file is not None:
            on_file(index, len(files), path)
        remaining = None if max_rows is None else max_rows - rows
        kind = _kind(path)
        try:
            if kind == "csv":  # the reader every feature uses (delimiter, broken rows by line)
                frame = read_table(path, nrows=remaining, require_rows=False)
            elif kind == "parquet":
                frame = _read_parquet(path, remaining)
            else:
                reader = CaptureReader(columns, max_rows=remaining)
                frame = reader.read(path)
                if reader.skipped:
                    notes.append(
                        f"{path.name}: {reader.skipped} of {reader.records} captured requests "
                        f"could not be read (first: {reader.problems[0]})"
                    )
        except DataError:
            raise
        except TableFileError as error:
            raise DataError(error.message) from None
        except Exception as error:
            raise DataError(f"cannot read {path.name}: {type(error).__name__}: {error}") from error
        if remaining is not None and len(frame) >= remaining:
            frames.append(frame.iloc[:remaining])
            rows += min(len(frame), remaining)
            truncated = True
            break
        frames.append(frame)
        rows += len(frame)
    if not frames:
        frame = pd.DataFrame(columns=list(columns or []))
    elif len(frames) == 1:
        frame = frames[0].reset_index(drop=True)
    else:
        frame = pd.concat(frames, ignore_index=True, sort=False)
    if truncated:
        notes.append(f"reading stopped at the limit of {rows} rows")
    return CurrentData(frame=frame, files=files, truncated=truncated, notes=notes)
