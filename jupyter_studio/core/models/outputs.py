"""What a model folder predicts: its problem type and class labels, when they can be known.

Registering a folder (a job's artifact, an AutoML candidate, a run's model) fills the version's
``problem_type`` and ``output.classes`` from, in order:

1. the MLmodel file's ``metadata`` (``problem_type`` and ``classes`` at its top level, or under
   ``studio_automl``, which Autopilot writes);
2. for the ``sklearn`` flavor, the fitted estimator's ``classes_`` (or its being a regressor), read
   by loading the pickle in a separate Python process with a time limit: unpickling runs the
   model's code, which must never hang or crash the caller (the Jupyter server).

Anything else leaves both unknown; the user may still give ``problem_type`` when registering.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROBLEM_TYPES = ("binary", "multiclass", "regression")
#: Seconds allowed for loading a scikit-learn pickle to read its classes.
INSPECT_TIMEOUT = 60.0


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
    if problem is None and "sklearn" in (meta.flavors or {}):
        problem, classes = _from_sklearn_pickle(folder)
    return problem, classes


def _inspect(folder: str) -> None:
    """Child process: print the estimator's ``{problem_type, classes}`` as one JSON line."""
    import mlflow.sklearn

    from .files import sklearn_problem

    problem, classes = sklearn_problem(mlflow.sklearn.load_model(folder))
    print(json.dumps({"problem_type": problem, "classes": classes}, default=str))


if __name__ == "__main__":
    _inspect(sys.argv[1])
