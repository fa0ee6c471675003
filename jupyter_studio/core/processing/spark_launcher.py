"""Run a PySpark app with ``/opt/ml/processing`` mapped in Spark's readers and writers too.

A ``pyspark`` processor job submits this file with the app's path as first argument. Python's
own file functions already follow the mapping (the startup hook of :mod:`.container_paths`), but
Spark opens paths in the JVM: here the path arguments of ``DataFrameReader`` (``load``, ``csv``,
``json``, ``parquet``, ``text``, ``orc``), ``DataFrameWriter`` (``save`` and the same), and of
``SparkContext.textFile``/``wholeTextFiles``/``binaryFiles``/``addFile``/``addPyFile`` and
``RDD.saveAsTextFile``/``saveAsPickleFile`` are translated before Spark sees them. The app then
runs as ``__main__`` with ``sys.argv`` as spark-submit gave it, its folder first on ``sys.path``.

Standard library and ``pyspark`` only: it loads ``container_paths.py`` by file path.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import runpy
import sys
from collections.abc import Callable
from typing import Any

_PATH_KEYWORDS = ("path", "paths", "name")


def _translator() -> Callable[[Any], Any]:
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location(
        "_studio_container_paths_spark", os.path.join(here, "container_paths.py")
    )
    if spec is None or spec.loader is None:
        raise ImportError("container_paths.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = os.environ[module.ROOT_VARIABLE]

    def fix(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return type(value)(fix(item) for item in value)
        if isinstance(value, str):
            return module.translate(value, root)
        return value

    return fix


def _wrap(cls: type, name: str, fix: Callable[[Any], Any]) -> None:
    original = getattr(cls, name, None)
    if original is None or getattr(original, "_studio_paths", False):
        return

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        args = tuple(fix(arg) for arg in args)
        for key in _PATH_KEYWORDS:
            if key in kwargs:
                kwargs[key] = fix(kwargs[key])
        return original(self, *args, **kwargs)

    wrapper._studio_paths = True  # type: ignore[attr-defined]
    setattr(cls, name, wrapper)


def install() -> None:
    """Translate the container paths given to Spark's readers and writers (this process)."""
    from pyspark import SparkContext
    from pyspark.rdd import RDD
    from pyspark.sql.readwriter import DataFrameReader, DataFrameWriter

    fix = _translator()
    for name in ("load", "csv", "json", "parquet", "text", "orc"):
        _wrap(DataFrameReader, name, fix)
    for name in ("save", "csv", "json", "parquet", "text", "orc"):
        _wrap(DataFrameWriter, name, fix)
    for name in ("textFile", "wholeTextFiles", "binaryFiles", "addFile", "addPyFile"):
        _wrap(SparkContext, name, fix)
    for name in ("saveAsTextFile", "saveAsPickleFile"):
        _wrap(RDD, name, fix)


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: spark-submit spark_launcher.py APP [ARGUMENTS...]")
    app = os.path.abspath(sys.argv[1])
    sys.argv = [app, *sys.argv[2:]]
    sys.path[0] = os.path.dirname(app)  # as if Python had been given the app itself
    if os.environ.get("STUDIO_PROCESSING_ROOT"):
        install()
    runpy.run_path(app, run_name="__main__")


if __name__ == "__main__":
    main()
