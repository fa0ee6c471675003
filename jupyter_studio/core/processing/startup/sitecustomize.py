"""Startup hook of a processor job's Python: map ``/opt/ml/processing`` to the job folder.

A processor job puts this folder first on ``PYTHONPATH``, so Python imports this module at start
(before the script, and in every Python process the script starts). It loads
``container_paths.py`` by file path (not the package, to start fast), installs the mapping when
``STUDIO_PROCESSING_ROOT`` is set, then runs any other ``sitecustomize`` found later on the path.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys


def _load(name: str, path: str) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    if os.environ.get("STUDIO_PROCESSING_ROOT"):
        paths = _load(
            "_studio_container_paths", os.path.join(os.path.dirname(here), "container_paths.py")
        )
        paths.install_from_environment()  # type: ignore[attr-defined]
    others = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", others)
    if spec is not None and spec.origin and spec.loader is not None:
        _load("_studio_next_sitecustomize", spec.origin)


_main()
