"""One MLflow model folder, loaded once, predicting on DataFrames checked by :mod:`.payloads`.

The folder is always loaded with ``mlflow.pyfunc.load_model`` (so whatever an endpoint serves loads
the way every MLflow tool loads it). For the ``sklearn`` flavor with a column signature the server
skips pyfunc's per-request schema enforcement, which :func:`.payloads.build_frame` has already done
with the same dtypes, and calls the scikit-learn object itself:

- a :class:`~sklearn.pipeline.Pipeline` runs its transformers once per request, and the final
  estimator gives both ``predict`` and ``predict_proba`` from the same transformed rows (exactly what
  ``Pipeline.predict`` and ``Pipeline.predict_proba`` compute, without transforming twice);
- for estimators whose ``predict`` is by definition the arg-max of ``predict_proba`` (LightGBM's
  ``LGBMClassifier``, scikit-learn's random forests and extra trees), the labels are taken from the
  probabilities with that same formula instead of a second pass through the model.

Every other flavor, and models without a column signature, go through ``PyFuncModel.predict``.
A model saved with ``pyfunc_predict_fn`` other than ``predict`` answers with that method, as pyfunc
does, and no separate probabilities.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .payloads import InputSchema, Prediction
from .registry import runtime_for

log = logging.getLogger(__name__)


class ModelLoadError(Exception):
    """The folder is not a loadable MLflow model."""


def _argmax_classifiers() -> tuple[Any, ...]:
    """``predict`` implementations known to be ``classes_[argmax(predict_proba)]``."""
    known: list[Any] = []
    try:
        from sklearn.ensemble._forest import ForestClassifier

        known.append(ForestClassifier.predict)
    except ImportError:  # pragma: no cover - scikit-learn is there when the flavor is sklearn
        pass
    try:
        from lightgbm.sklearn import LGBMClassifier

        known.append(LGBMClassifier.predict)
    except ImportError:
        pass
    return tuple(known)


def limit_threads(model: Any, threads: int) -> dict[str, int]:
    """Set the ``n_jobs`` of a scikit-learn model and of its nested steps; what was set.

    scikit-learn's own ``n_jobs`` (a ``ColumnTransformer``, a forest, a ``VotingClassifier``) get 1:
    they spread work over joblib processes or threads, which for the few rows of a request costs
    far more than it saves (a one-row request on a loky process pool: 30 ms against 11 ms), and
    whose processes a stopping server would leave behind. The ``n_jobs`` of native libraries
    (LightGBM, XGBoost: OpenMP threads inside the call) get ``threads``, the worker's share of the
    cores, so that N workers do not fight over them. Neither changes the predictions.
    """
    try:
        params = model.get_params(deep=True)
    except Exception as error:  # a model whose params cannot be read still serves
        log.warning("cannot read the model's n_jobs: %s", error)
        return {}
    values: dict[str, int] = {}
    for name in params:
        parts = name.split("__")
        if parts[-1] != "n_jobs":
            continue
        owner = params.get("__".join(parts[:-1]), None) if len(parts) > 1 else model
        module = type(owner).__module__ or ""
        values[name] = 1 if module.split(".")[0] == "sklearn" else threads
    if values:
        try:
            model.set_params(**values)
        except Exception as error:  # a model whose params cannot be set still serves
            log.warning("cannot limit the model's threads: %s", error)
            return {}
    return values


class LoadedModel:
    """A model version ready to predict; build it once per worker process."""

    def __init__(self, model_dir: str | os.PathLike[str], threads: int | None = None) -> None:
        """Load ``model_dir``; ``threads`` caps the ``n_jobs`` of scikit-learn estimators."""
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "MLmodel").is_file():
            raise ModelLoadError(
                f"{self.model_dir} is not an MLflow model folder (no MLmodel file)"
            )
        import mlflow.pyfunc

        try:
            self.pyfunc = mlflow.pyfunc.load_model(str(self.model_dir), suppress_warnings=True)
        except Exception as error:
            raise ModelLoadError(
                f"cannot load the model in {self.model_dir}: {type(error).__name__}: {error}"
            ) from error
        metadata = self.pyfunc.metadata
        #: A model of a registered serving runtime (a hub model, say) answers through its
        #: runtime's engine and bodies instead of DataFrames (see :mod:`.registry`).
        self.hub_engine: Any = None
        extra = metadata.metadata or {}
        self.runtime = runtime_for(extra)
        if self.runtime is not None:
            self.hub_engine = self.runtime.load_engine(self.pyfunc.unwrap_python_model(), extra)
        elif extra.keys() & {"studio_modelhub", "modelhub"}:
            raise ModelLoadError(
                f"{self.model_dir} is a model hub model, but no serving runtime for it is "
                "installed (entry point group 'jupyter_studio.serving_runtimes'): reinstall "
                "jupyter_studio"
            )
        self.schema = InputSchema.from_mlflow(metadata.get_input_schema())
        conf = metadata.flavors.get("python_function", {})
        self.loader_module: str = conf.get("loader_module", "")
        self.predict_fn: str = conf.get("predict_fn", "predict")
        self.flavor = self.loader_module.rsplit(".", 1)[-1] or "python_function"
        self._transforms: list[Any] = []
        #: The pipeline's transforms with a numpy first step, when proven equivalent.
        self._sklearn_fast: Any = None
        self._estimator: Any = None
        self._argmax = False
        self.has_probabilities = False
        if self.loader_module == "mlflow.sklearn" and threads:
            limit_threads(self.pyfunc.get_raw_model(), threads)
        if (
            self.loader_module == "mlflow.sklearn"
            and self.schema is not None
            and all(c.type != "any" for c in self.schema.columns)
        ):
            self._prepare_sklearn(self.pyfunc.get_raw_model())
        log.info(
            "loaded %s model from %s (%s path%s); input schema: %s",
            self.flavor,
            self.model_dir,
            "direct" if self.fast else "pyfunc",
            ", with class probabilities" if self.has_probabilities else "",
            self.schema.describe() if self.schema else "none",
        )

    @property
    def fast(self) -> bool:
        """Whether predictions skip pyfunc and call the scikit-learn object directly."""
        return self._estimator is not None

    def _prepare_sklearn(self, model: Any) -> None:
        transforms: list[Any] = []
        estimator = model
        # Flatten nested pipelines: Pipeline.predict is transform(...) then the last step's predict.
        while hasattr(estimator, "steps") and hasattr(estimator, "_final_estimator"):
            steps = [step for _, step in estimator.steps]
            transforms += [s for s in steps[:-1] if s is not None and not isinstance(s, str)]
            estimator = steps[-1]
        if estimator is None or isinstance(estimator, str) or not hasattr(estimator, "predict"):
            return
        self._transforms = transforms
        self._estimator = estimator
        from .sklearn_fast import FastTransforms

        self._sklearn_fast = FastTransforms.build(transforms, self.schema)
        if self.predict_fn != "predict":
            if not hasattr(estimator, self.predict_fn):
                self._estimator = None
            return
        classes = getattr(estimator, "classes_", None)
        if (
            hasattr(estimator, "predict_proba")
            and isinstance(classes, np.ndarray)
            and classes.ndim == 1
        ):
            self.has_probabilities = True
            self.classes = classes
            self._argmax = type(estimator).predict in _argmax_classifiers() and not callable(
                getattr(estimator, "objective", None)
            )
            if getattr(estimator, "n_outputs_", 1) != 1:
                self._argmax = False

    def predict(self, frame: pd.DataFrame) -> Prediction:
        """Predictions (and class probabilities when the model has them) for ``frame``."""
        if self._estimator is None:
            return Prediction(self.pyfunc.predict(frame))
        rows: Any = frame
        if self._sklearn_fast is not None:  # the same rows, faster (see .sklearn_fast)
            rows = self._sklearn_fast.transform(frame)
        else:
            for transform in self._transforms:
                rows = transform.transform(rows)
        if self.predict_fn != "predict":
            return Prediction(getattr(self._estimator, self.predict_fn)(rows))
        if not self.has_probabilities:
            return Prediction(self._estimator.predict(rows))
        probabilities = self._estimator.predict_proba(rows)
        if self._argmax:
            values = self.classes.take(np.argmax(probabilities, axis=1), axis=0)
        else:
            values = self._estimator.predict(rows)
        if not isinstance(probabilities, np.ndarray) or probabilities.shape != (
            len(frame),
            len(self.classes),
        ):
            return Prediction(values)
        return Prediction(values, probabilities, self.classes)

    def describe(self) -> dict[str, Any]:
        """What the server reports about the model (flavor, schema, path)."""
        if self.hub_engine is not None:
            return {
                "model_dir": str(self.model_dir),
                "flavor": self.flavor,
                "modelhub": self.hub_engine.describe(),
            }
        return {
            "model_dir": str(self.model_dir),
            "flavor": self.flavor,
            "direct": self.fast,
            "probabilities": self.has_probabilities,
            "input_schema": [
                {"name": c.name, "type": c.type, "required": c.required}
                for c in (self.schema.columns if self.schema else ())
            ],
        }
