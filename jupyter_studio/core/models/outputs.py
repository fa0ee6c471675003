"""What a model folder predicts: its problem type and class labels, when they can be known.

Registering a folder (a job's artifact, an AutoML candidate, a run's model) fills the version's
``problem_type`` and ``output.classes`` from, in order:

1. the MLmodel file's ``metadata`` (``problem_type`` and ``classes`` at its top level, or under
   ``studio_automl``, which Autopilot writes);
2. for the ``sklearn`` flavor saved in the skops format (MLflow 3's default), the final
   estimator's ``classes_`` read from the archive's ``schema.json`` and ``.npy`` files without
   loading anything (no code runs; importing skops alone costs seconds and imports every
   scikit-learn module), and its being a regressor from its scikit-learn class;
3. otherwise for the ``sklearn`` flavor, the fitted estimator's ``classes_`` (or its being a
   regressor), read by loading the model in a separate Python process with a time limit:
   unpickling runs the model's code, which must never hang or crash the caller (the Jupyter server).

Anything else leaves both unknown; the user may still give ``problem_type`` when registering.
"""

from __future__ import annotations

import importlib
import json
import logging
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROBLEM_TYPES = ("binary", "multiclass", "regression")
#: Seconds allowed for loading a scikit-learn model to read its classes (importing MLflow and
#: scikit-learn alone takes 15-60 s on a busy machine).
INSPECT_TIMEOUT = 180.0


def _from_metadata(metadata: dict[str, Any] | None) -> tuple[str | None, list[Any] | None]:
    for block in (metadata or {}, (metadata or {}).get("studio_automl") or {}):
        if not isinstance(block, dict):
            continue
        problem = block.get("problem_type")
        classes = block.get("classes")
        if problem in PROBLEM_TYPES:
            labels = list(classes) if isinstance(classes, list) and classes else None
            return problem, (None if problem == "regression" else labels)
    return None, None


def _from_sklearn_pickle(folder: Path) -> tuple[str | None, list[Any] | None]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", __name__, str(folder)],
            capture_output=True,
            text=True,
            timeout=INSPECT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("Could not inspect the model in %s: %s", folder, exc)
        return None, None
    if done.returncode != 0:
        log.warning("Could not inspect the model in %s: %s", folder, done.stderr.strip()[-500:])
        return None, None
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None, None
    return found.get("problem_type"), found.get("classes")


def folder_outputs(folder: Path) -> tuple[str | None, list[Any] | None]:
    """``(problem_type, classes)`` of the MLflow model in ``folder``, or ``(None, None)``."""
    from mlflow.models import Model

    try:
        meta = Model.load(str(folder))
    except Exception:  # read_model_info reports unreadable folders
        return None, None
    problem, classes = _from_metadata(meta.metadata)
    sklearn_conf = (meta.flavors or {}).get("sklearn")
    if problem is None and isinstance(sklearn_conf, dict):
        if sklearn_conf.get("serialization_format") == "skops":
            problem, classes = _from_skops_archive(folder / str(sklearn_conf.get("pickled_model")))
        if problem is None:
            problem, classes = _from_sklearn_pickle(folder)
    return problem, classes


def _final_estimator(node: dict[str, Any]) -> dict[str, Any]:
    """The node of a skops schema that predicts: the last step of (nested) pipelines."""
    while node.get("__module__") == "sklearn.pipeline" and node.get("__class__") == "Pipeline":
        steps = node["content"]["content"]["steps"]["content"]
        node = steps[-1]["content"][1]
    return node


def _estimator_role(node: dict[str, Any]) -> str | None:
    """``classifier``/``regressor`` for a scikit-learn class (only scikit-learn is imported)."""
    module, name = str(node.get("__module__", "")), str(node.get("__class__", ""))
    if not module.startswith("sklearn."):
        return None
    from sklearn.base import ClassifierMixin, RegressorMixin

    cls = getattr(importlib.import_module(module), name, None)
    if isinstance(cls, type) and issubclass(cls, ClassifierMixin):
        return "classifier"
    if isinstance(cls, type) and issubclass(cls, RegressorMixin):
        return "regressor"
    return None


def _from_skops_archive(path: Path) -> tuple[str | None, list[Any] | None]:
    """``(problem_type, classes)`` read from a skops file's schema, or ``(None, None)``."""
    import numpy as np

    try:
        with zipfile.ZipFile(path) as archive:
            node = _final_estimator(json.loads(archive.read("schema.json")))
            found = node["content"]["content"].get("classes_")
            role = _estimator_role(node)
            if found is None:
                return ("regression", None) if role == "regressor" else (None, None)
            if found.get("__loader__") != "NdArrayNode" or found.get("type") != "numpy":
                return None, None
            with archive.open(found["file"]) as handle:
                values = np.load(handle, allow_pickle=False)
    except Exception as exc:  # an unusual layout: the child process decides
        log.debug("skops schema of %s not understood: %s", path, exc)
        return None, None
    labels = [item.item() if hasattr(item, "item") else item for item in values.tolist()]
    if role == "regressor" or not labels:
        return None, None
    return ("binary" if len(labels) == 2 else "multiclass"), labels


def _inspect(folder: str) -> None:
    """Child process: print the estimator's ``{problem_type, classes}`` as one JSON line."""
    import mlflow.sklearn

    from .files import sklearn_problem

    problem, classes = sklearn_problem(mlflow.sklearn.load_model(folder))
    print(json.dumps({"problem_type": problem, "classes": classes}, default=str))


if __name__ == "__main__":
    _inspect(sys.argv[1])
