"""Saving an AutoML model in MLflow's format (``mlflow.pyfunc``), loadable in a fresh process.

The folder holds a :class:`StudioAutoMLModel` (a ``PythonModel`` wrapping the fitted
:class:`~.pipeline.TabularModel`) with a signature from the training columns. ``predict`` returns
the label (or value); ``params={"predict_method": "predict_proba"}`` returns one probability column
per class, as does ``loaded.unwrap_python_model().predict_proba(frame)``.
"""

from __future__ import annotations

import json
import logging
import shutil
import warnings
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import pandas as pd

from .pipeline import TabularModel


class StudioAutoMLModel(mlflow.pyfunc.PythonModel):
    """A fitted AutoML pipeline: raw rows with the training columns in, labels or values out."""

    def __init__(self, model: TabularModel):
        self.model = model

    def predict(self, context: Any, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        """Labels (classification) or values (regression); probabilities with predict_proba."""
        frame = _as_frame(model_input)
        method = (params or {}).get("predict_method", "predict")
        if method == "predict_proba":
            return self.predict_proba(frame)
        if method != "predict":
            raise ValueError(f"unknown predict_method {method!r}: use predict or predict_proba")
        return pd.Series(self.model.predict(frame), name=self.model.target or "prediction")

    def predict_proba(self, model_input: Any) -> pd.DataFrame:
        """Class probabilities, one column per class label."""
        frame = self.model.predict_proba(_as_frame(model_input))
        frame.columns = [str(c) for c in frame.columns]
        return frame


def _as_frame(model_input: Any) -> pd.DataFrame:
    return model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)


def save_model(
    model: TabularModel,
    path: Path,
    sample: pd.DataFrame,
    metadata: dict[str, Any] | None = None,
) -> Path:
    """Write ``model`` at ``path`` (replaced if it exists) with a signature from ``sample``."""
    from mlflow.models import infer_signature
    from mlflow.types.schema import ParamSchema, ParamSpec

    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = sample[model.columns].reset_index(drop=True)
    output = pd.Series(model.predict(rows), name=model.target or "prediction")
    signature = infer_signature(rows, output)
    signature.params = ParamSchema([ParamSpec("predict_method", "string", "predict")])
    quiet = logging.getLogger("mlflow")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mlflow.pyfunc.save_model(
                path=str(path),
                python_model=StudioAutoMLModel(model),
                signature=signature,
                metadata={"studio_automl": json.loads(json.dumps(metadata or {}, default=str))},
                pip_requirements=_requirements(model),
            )
    finally:
        quiet.setLevel(level)
    return path


def _requirements(model: TabularModel) -> list[str]:
    """The libraries the pipeline needs at load time, pinned to the installed versions."""
    from importlib.metadata import PackageNotFoundError, version

    families = {m.spec.family for m in model.members.values()}
    needed = ["pandas", "numpy", "scikit-learn", "scipy", "cloudpickle", "jupyter_studio"]
    extra = {"lightgbm": "lightgbm", "catboost": "catboost", "xgboost": "xgboost-cpu"}
    needed += [extra[f] for f in sorted(families) if f in extra]
    out = []
    for name in needed:
        try:
            out.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            out.append(name)
    return out
