"""Saving an AutoML model in MLflow's format, loadable in a fresh process.

Every candidate (a single model, a stacked one or the weighted ensemble) is saved with MLflow's
``sklearn`` flavor as a scikit-learn estimator wrapping the fitted
:class:`~.pipeline.TabularModel`: :class:`AutoMLClassifier` (``predict``, ``predict_proba`` and
``classes_``) or :class:`AutoMLRegressor`, with a signature from the training columns. So
everything that serves scikit-learn classifiers answers class probabilities for AutoML models
too: a Studio endpoint and batch transform (which call ``predict_proba`` of an ``sklearn``
flavor), ``mlflow.sklearn.load_model(path).predict_proba(rows)`` (one column per class, in
``classes_`` order) and ``mlflow.pyfunc.load_model(path).predict(rows)`` (the labels).

Models saved before this change (a ``PythonModel``, :class:`StudioAutoMLModel`) still load.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import mlflow.sklearn
import mlflow.utils.environment
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .pipeline import TabularModel
from .problem import REGRESSION

#: Rows of the training data the signature is inferred from.
SIGNATURE_ROWS = 200


def _as_frame(model_input: Any) -> pd.DataFrame:
    return model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)


class _AutoMLEstimator(BaseEstimator):
    """Raw rows with the training columns in; the fitted AutoML model's answers out."""

    def __init__(self, model: TabularModel | None = None):
        self.model = model

    def fit(self, X: Any, y: Any = None) -> _AutoMLEstimator:
        """The model is trained by AutoML: fitting again is not supported."""
        raise NotImplementedError("an AutoML model is trained by AutoML(...).fit")

    @property
    def feature_names_in_(self) -> np.ndarray:
        """The training columns, in order."""
        return np.asarray(self._model.columns, dtype=object)

    @property
    def n_features_in_(self) -> int:
        """How many columns a row has."""
        return len(self._model.columns)

    @property
    def _model(self) -> TabularModel:
        if self.model is None:
            raise AttributeError("no fitted AutoML model")
        return self.model

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_memo", None)  # per-thread, never saved
        return state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags


class AutoMLClassifier(ClassifierMixin, _AutoMLEstimator):
    """An AutoML classifier as a scikit-learn estimator: labels, and probabilities per class.

    ``predict`` is the class of highest probability, computed from the same blend of candidates
    as ``predict_proba``; asked for both on the same rows in a row (as a model server does), the
    model is run once.
    """

    @property
    def classes_(self) -> np.ndarray:
        """The class labels, in the order of ``predict_proba``'s columns."""
        return _classes(self._model.classes)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities ``(n_rows, n_classes)``, columns in :attr:`classes_` order."""
        frame = _as_frame(X)
        key = _fingerprint(frame)
        memo = self._thread_memo()
        if memo.get("key") == key:
            return np.array(memo["proba"], copy=True)
        proba = np.asarray(self._model.predict_raw(frame), dtype=float)
        memo.update(key=key, proba=proba)
        return np.array(proba, copy=True)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        return self.classes_.take(np.argmax(self.predict_proba(X), axis=1), axis=0)

    def _thread_memo(self) -> dict[str, Any]:
        local = self.__dict__.get("_memo")
        if local is None:
            local = self.__dict__.setdefault("_memo", threading.local())
        if not hasattr(local, "value"):
            local.value = {}
        value: dict[str, Any] = local.value
        return value


class AutoMLRegressor(RegressorMixin, _AutoMLEstimator):
    """An AutoML regressor as a scikit-learn estimator."""

    def predict(self, X: Any) -> np.ndarray:
        """The predicted value of each row."""
        return np.asarray(self._model.predict(_as_frame(X)), dtype=float)


def as_estimator(model: TabularModel) -> AutoMLClassifier | AutoMLRegressor:
    """The scikit-learn estimator that MLflow saves for ``model``."""
    if model.problem_type == REGRESSION:
        return AutoMLRegressor(model)
    return AutoMLClassifier(model)


def _classes(classes: list[Any] | None) -> np.ndarray:
    values = np.asarray(classes if classes is not None else [])
    if values.dtype.kind not in "biufUS":
        values = np.asarray(classes, dtype=object)
    return values


def _fingerprint(frame: pd.DataFrame) -> tuple[Any, ...]:
    """What identifies a batch of rows: its columns and a hash of every value."""
    try:
        hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    except TypeError:  # unhashable cells (lists): never reuse an answer
        return (object(),)
    return (tuple(map(str, frame.columns)), frame.shape, hashed.tobytes())


class StudioAutoMLModel(mlflow.pyfunc.PythonModel):
    """The ``PythonModel`` of AutoML models saved by earlier versions (kept so they still load).

    New models are saved with the ``sklearn`` flavor (:func:`save_model`).
    """

    # no type-hint validation: MLflow would warn, when the class is defined, that ``Any`` makes
    # no schema (these models carry a signature)
    _skip_type_hint_validation = True

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


def signature_rows(model: TabularModel, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows to infer the input signature from: a column missing in the first rows gets one of
    its values from further down, so no column is typed from nothing but gaps."""
    rows = frame[model.columns].head(SIGNATURE_ROWS).reset_index(drop=True)
    for column in rows.columns:
        if rows[column].isna().all():
            values = frame[column].dropna()
            if len(values):
                rows.loc[0, column] = values.iloc[0]
    return rows


def save_model(
    model: TabularModel,
    path: Path,
    sample: pd.DataFrame,
    metadata: dict[str, Any] | None = None,
) -> Path:
    """Write ``model`` at ``path`` (replaced if it exists) with a signature from ``sample``."""
    from mlflow.models import infer_signature

    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = signature_rows(model, sample)
    estimator = as_estimator(model)
    # the output's type is known without running the model (which takes seconds for an ensemble)
    example = [0.0] if model.problem_type == REGRESSION else estimator.classes_[:1]
    signature = infer_signature(rows, pd.Series(example, name=model.target or "prediction"))
    quiet = logging.getLogger("mlflow")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), _no_requirement_check():
            warnings.simplefilter("ignore")
            mlflow.sklearn.save_model(
                estimator,
                str(path),
                serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE,
                signature=signature,
                metadata={"studio_automl": json.loads(json.dumps(metadata or {}, default=str))},
                pip_requirements=_requirements(model),
            )
    finally:
        quiet.setLevel(level)
    return path


@contextlib.contextmanager
def _no_requirement_check() -> Iterator[None]:
    """Skip MLflow's check of the requirements against the installed packages while saving.

    The check lists every file of every installed package once per process (5-11 s of a busy
    2-core machine, more than the rest of a save) and can only agree with :func:`_requirements`,
    which pins the installed versions. Without the private function, saving is unchanged.
    """
    environment = mlflow.utils.environment
    name = "warn_dependency_requirement_mismatches"
    original = getattr(environment, name, None)
    if original is None:
        yield
        return
    setattr(environment, name, lambda *args, **kwargs: None)
    try:
        yield
    finally:
        setattr(environment, name, original)


def _requirements(model: TabularModel) -> list[str]:
    """The libraries the pipeline needs at load time, pinned to the installed versions."""
    families = {m.spec.family for m in model.members.values()}
    needed = ["pandas", "numpy", "scikit-learn", "scipy", "cloudpickle", "jupyter_studio"]
    extra = {"lightgbm": "lightgbm", "catboost": "catboost", "xgboost": "xgboost-cpu"}
    needed += [extra[f] for f in sorted(families) if f in extra]
    return [_pinned(name) for name in needed]


@functools.cache
def _pinned(name: str) -> str:
    """``name==<installed version>`` (looked up once per process), or ``name``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{name}=={version(name)}"
    except PackageNotFoundError:
        return name
