"""SageMaker's container paths inside a processor job: ``/opt/ml/processing`` is the job folder.

A script written for SageMaker's processing container reads ``/opt/ml/processing/input/...`` and
writes ``/opt/ml/processing/output/...``. There is no container here (and no root to create
``/opt/ml``), so the job's Python translates that prefix: :func:`install` wraps ``builtins.open``
(``io.open``) and the path functions of ``os`` (``stat``, ``open``, ``listdir``, ``scandir``,
``mkdir``, ``remove``, ``rename``...). Everything built on them follows: ``os.path.exists``,
``os.walk``, ``os.makedirs``, ``glob``, ``shutil``, ``pathlib.Path`` (whose methods call ``os``
and ``io.open``), and the libraries that open files in Python, such as pandas' ``read_csv`` and
``to_csv``, NumPy's ``load``/``save``, ``json`` or ``pickle`` with ``open``.

The script itself is not rewritten. The hook is installed by a ``sitecustomize`` module that the
job puts first on ``PYTHONPATH`` (``startup/sitecustomize.py``): it runs before the script, also
in every Python process the script starts, and chains to any other ``sitecustomize`` found later
on the path. It does nothing unless ``STUDIO_PROCESSING_ROOT`` names the job folder; scripts that
prefer no magic read that variable (or ``STUDIO_INPUT_DIR``/``STUDIO_OUTPUT_DIR``) themselves.

What the hook cannot reach: code that opens a path in C, C++ or Rust without going through
Python's ``open`` or ``os`` (pyarrow's and Polars' own readers given a path string, a
subprocess's command line such as ``["cat", "/opt/ml/processing/input/x"]``). Such code sees the
real folders through ``STUDIO_PROCESSING_ROOT``.

This module uses only the standard library: the startup hook loads it by file path, without
importing the package (so the job's start stays fast).
"""

from __future__ import annotations

import builtins
import io
import os
from collections.abc import Callable
from typing import Any

#: The container prefix SageMaker's processing jobs use.
CONTAINER_ROOT = "/opt/ml/processing"
#: The environment variable that names the folder standing for :data:`CONTAINER_ROOT`.
ROOT_VARIABLE = "STUDIO_PROCESSING_ROOT"

#: ``os`` functions whose first argument is a path.
_ONE_PATH = (
    "access",
    "chdir",
    "chmod",
    "chown",
    "lchown",
    "listdir",
    "lstat",
    "mkdir",
    "mkfifo",
    "open",
    "readlink",
    "remove",
    "rmdir",
    "scandir",
    "stat",
    "statvfs",
    "truncate",
    "unlink",
    "utime",
    "getxattr",
    "listxattr",
    "setxattr",
    "removexattr",
)
#: ``os`` functions whose first two arguments are paths.
_TWO_PATHS = ("link", "rename", "replace", "symlink")


def translate(path: Any, root: str) -> Any:
    """``path`` with the container prefix replaced by ``root``; anything else unchanged.

    Only absolute paths under ``/opt/ml/processing`` change (``/opt/ml/processingX`` does not);
    file descriptors and file objects pass through.
    """
    if isinstance(path, int):
        return path
    try:
        raw = os.fspath(path)
    except TypeError:
        return path
    if isinstance(raw, bytes):
        prefix, target = CONTAINER_ROOT.encode(), os.fsencode(root)
        if raw == prefix or raw.startswith(prefix + b"/"):
            return target + raw[len(prefix) :]
        return path
    if raw == CONTAINER_ROOT or raw.startswith(CONTAINER_ROOT + "/"):
        return root + raw[len(CONTAINER_ROOT) :]
    return path


def _wrap_one(function: Callable[..., Any], root: str) -> Callable[..., Any]:
    def wrapper(path: Any, *args: Any, **kwargs: Any) -> Any:
        return function(translate(path, root), *args, **kwargs)

    wrapper.__wrapped__ = function  # type: ignore[attr-defined]
    wrapper.__name__ = getattr(function, "__name__", "wrapper")
    wrapper.__doc__ = function.__doc__
    return wrapper


def _wrap_two(function: Callable[..., Any], root: str) -> Callable[..., Any]:
    def wrapper(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        return function(translate(src, root), translate(dst, root), *args, **kwargs)

    wrapper.__wrapped__ = function  # type: ignore[attr-defined]
    wrapper.__name__ = getattr(function, "__name__", "wrapper")
    wrapper.__doc__ = function.__doc__
    return wrapper


def install(root: str) -> bool:
    """Map ``/opt/ml/processing`` to ``root`` in this process; False when already installed."""
    if getattr(builtins.open, "_studio_processing_root", None) is not None:
        return False
    root = os.path.abspath(root).rstrip("/") or "/"
    opener = _wrap_one(io.open, root)
    opener._studio_processing_root = root  # type: ignore[attr-defined]
    builtins.open = opener
    io.open = opener
    for name in _ONE_PATH:
        function = getattr(os, name, None)
        if function is not None:
            wrapped = _wrap_one(function, root)
            setattr(os, name, wrapped)
    for name in _TWO_PATHS:
        function = getattr(os, name, None)
        if function is not None:
            setattr(os, name, _wrap_two(function, root))
    # os.path.exists & co. look up os.stat at call time; os.supports_* sets hold the old functions.
    for name in (
        "supports_dir_fd",
        "supports_fd",
        "supports_follow_symlinks",
        "supports_effective_ids",
    ):
        functions = getattr(os, name, None)
        if isinstance(functions, set):
            functions |= {
                getattr(os, f.__name__) for f in list(functions) if hasattr(os, f.__name__)
            }
    return True


def install_from_environment() -> bool:
    """Install the mapping when ``STUDIO_PROCESSING_ROOT`` is set (the startup hook calls this)."""
    root = os.environ.get(ROOT_VARIABLE)
    return install(root) if root else False
