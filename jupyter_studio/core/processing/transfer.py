"""Copying a processor's inputs in and its outputs out: paths in the user's files or ``s3://``.

S3 goes through fsspec (``s3fs``) with the settings of :mod:`jupyter_studio.core.object_stores`,
the same as the Data Wrangler's object stores. A store's failure becomes a
:class:`~jupyter_studio.core.errors.StudioError` that names the URL and what to fix.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, PathNotFound
from ..object_stores import (
    ObjectStoreSettings,
    classify_store_error,
    parse_s3_url,
    settings_options,
)

__all__ = [
    "PARTIAL_MARKER",
    "check_s3",
    "download",
    "is_s3",
    "store_failure",
    "upload",
]

#: The file an upload of a failed or stopped job's outputs leaves in the destination.
PARTIAL_MARKER = "_PARTIAL"


def is_s3(location: str) -> bool:
    """True for an ``s3://`` URL (well formed or not)."""
    return location.lower().startswith("s3://")


def store_failure(
    exc: BaseException, url: str, settings: ObjectStoreSettings | None
) -> InvalidInput:
    """A 4xx for an object store's failure (a 404 when nothing is at the URL)."""
    problem = classify_store_error(exc, url, settings.endpoint_url if settings else None)
    error_class = PathNotFound if problem.category == "not_found" else InvalidInput
    return error_class(f"{problem.message} {problem.hint}", code=problem.code)


def _filesystem(settings: ObjectStoreSettings | None) -> Any:
    import fsspec

    try:
        return fsspec.filesystem("s3", **settings_options(settings))
    except ImportError:
        raise InvalidInput(
            "s3:// inputs and outputs need s3fs: pip install 'jupyter_studio[s3]'.",
            code="s3fs_missing",
        ) from None


def check_s3(url: str, settings: ObjectStoreSettings | None, *, what: str, must_exist: bool) -> str:
    """Check an ``s3://`` URL before a job starts: its form, and the object, prefix or bucket.

    An input must exist (object or prefix); an output's bucket must answer.
    """
    parsed = parse_s3_url(url)
    if parsed is None:
        raise InvalidInput(
            f"The {what} {url!r} is not an s3:// URL: write s3://bucket/key (a bucket name has "
            "3-63 lowercase letters, digits, dots or dashes).",
            code="invalid_s3_url",
        )
    bucket, key = parsed
    fs = _filesystem(settings)
    try:
        if must_exist:
            found = fs.exists(f"{bucket}/{key}".rstrip("/")) if key else fs.exists(bucket)
            if not found:
                raise FileNotFoundError(url)
        else:
            fs.ls(bucket)
    except InvalidInput:
        raise
    except Exception as exc:  # noqa: BLE001 - botocore/aiohttp errors say what to fix
        raise store_failure(exc, url, settings) from None
    return url


def download(source: str, target: Path, settings: ObjectStoreSettings | None) -> int:
    """Copy a local file or folder, or an S3 object or prefix, into the folder ``target``.

    A file (object) lands as ``target/<its name>``, a folder's (prefix's) content as ``target/...``.
    Returns the number of files copied.
    """
    target.mkdir(parents=True, exist_ok=True)
    if not is_s3(source):
        path = Path(source)
        if path.is_dir():
            shutil.copytree(path, target, dirs_exist_ok=True)
            return sum(len(files) for _, _, files in os.walk(target))
        shutil.copy2(path, target / path.name)
        return 1
    fs = _filesystem(settings)
    bucket_key = source[len("s3://") :].rstrip("/")
    try:
        if fs.isfile(bucket_key):
            fs.get_file(bucket_key, str(target / Path(bucket_key).name))
            return 1
        count = 0
        for name in fs.find(bucket_key + "/"):
            relative = name[len(bucket_key) + 1 :]
            local = target / relative
            local.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(name, str(local))
            count += 1
        if count == 0:
            raise FileNotFoundError(source)
        return count
    except InvalidInput:
        raise
    except Exception as exc:  # noqa: BLE001
        raise store_failure(exc, source, settings) from None


def upload(
    folder: Path, destination: str, settings: ObjectStoreSettings | None, *, partial: str | None
) -> int:
    """Copy every file under ``folder`` to ``destination`` (a local folder or an ``s3://`` prefix).

    ``partial`` (the reason the job did not complete) adds a ``_PARTIAL`` file holding it.
    Without ``partial``, a marker an earlier partial upload left there is removed.
    Returns the number of files copied (the marker not counted).
    """
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    if not is_s3(destination):
        target = Path(destination)
        target.mkdir(parents=True, exist_ok=True)
        for path in files:
            local = target / path.relative_to(folder)
            local.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, local)
        marker = target / PARTIAL_MARKER
        if partial is not None:
            marker.write_text(partial + "\n")
        elif marker.is_file():  # a complete run replaces an earlier partial one
            marker.unlink()
        return len(files)
    fs = _filesystem(settings)
    prefix = destination[len("s3://") :].rstrip("/")
    try:
        for path in files:
            fs.put_file(str(path), f"{prefix}/{path.relative_to(folder).as_posix()}")
        if partial is not None:
            fs.pipe_file(f"{prefix}/{PARTIAL_MARKER}", (partial + "\n").encode())
        elif fs.exists(f"{prefix}/{PARTIAL_MARKER}"):  # a complete run replaces a partial one
            fs.rm_file(f"{prefix}/{PARTIAL_MARKER}")
    except Exception as exc:  # noqa: BLE001
        raise store_failure(exc, destination, settings) from None
    return len(files)
