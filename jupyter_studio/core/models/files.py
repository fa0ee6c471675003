"""Model folders in MLflow's format, written and read only through MLflow's own library.

MLflow is imported inside the functions: importing it takes a second or two, and most users of the
registry (the CLI listing models, the server starting) never write or read a model folder.

scikit-learn models that Studio saves itself are written with ``serialization_format="cloudpickle"``:
MLflow 3 defaults to ``skops``, which refuses any pipeline step it does not know unless its types are
listed as trusted. Folders users save with the default (skops) register and load too: ``skops`` is a
dependency of Studio (``mlflow-skinny`` does not bring it). Pip requirements are given explicitly (the flavor's defaults plus
the packages the estimator's classes come from) so that MLflow does not start a subprocess to
infer them, which takes seconds per registration.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path
from typing import Any

from ..errors import InvalidInput

log = logging.getLogger(__name__)

MLMODEL = "MLmodel"
PYFUNC_FLAVOR = "python_function"
#: The training-data baseline sits inside the version folder, beside MLflow's files.
BASELINE_FILE = "baseline.json"
#: The seam to model monitoring: ``compute_baseline(df)`` of this module, once it exists.
BASELINE_MODULE = "jupyter_studio.core.endpoints.monitor.baseline"
_SKIP_REQUIREMENT_ROOTS = {"sklearn", "builtins", "numpy", "pandas", "scipy", "__main__"}


@dataclass
class ModelInfo:
    """What the registry records about a saved model folder (read from its ``MLmodel`` file)."""

    flavor: str
    flavors: list[str]
    inputs: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    run_id: str | None = None
    mlflow_version: str | None = None


def is_mlflow_model(folder: Path) -> bool:
    """True when ``folder`` holds an ``MLmodel`` file."""
    return (folder / MLMODEL).is_file()


def _column(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec.get("type", "unknown")
    if kind == "tensor":
        dtype = (spec.get("tensor-spec") or {}).get("dtype", "")
        kind = f"tensor({dtype})" if dtype else "tensor"
    return {
        "name": spec.get("name"),
        "type": str(kind),
        "required": bool(spec.get("required", True)),
    }


def read_model_info(folder: Path) -> ModelInfo:
    """Flavors, signature columns, run id and MLflow version of a model folder.

    Raises :class:`InvalidInput` when the folder is not a loadable MLflow model description or
    has no ``python_function`` flavor (every registered version must load with
    ``mlflow.pyfunc.load_model``).
    """
    from mlflow.models import Model

    if not is_mlflow_model(folder):
        raise InvalidInput(
            f"{folder.name!r} is not an MLflow model folder: it has no MLmodel file. "
            "Give the folder that mlflow.<flavor>.save_model or log_model wrote.",
            code="not_an_mlflow_model",
        )
    try:
        meta = Model.load(str(folder))
    except Exception as exc:
        raise InvalidInput(
            f"The MLmodel file of {folder.name!r} cannot be read: {exc}", code="not_an_mlflow_model"
        ) from None
    flavors = list(meta.flavors or {})
    if PYFUNC_FLAVOR not in flavors:
        raise InvalidInput(
            f"The model in {folder.name!r} has no python_function flavor (it has "
            f"{', '.join(flavors) or 'none'}): save it with a flavor that mlflow.pyfunc can load.",
            code="no_pyfunc_flavor",
        )
    main = next((name for name in flavors if name != PYFUNC_FLAVOR), PYFUNC_FLAVOR)
    inputs: list[dict[str, Any]] = []
    outputs: list[dict[str, Any]] = []
    signature = meta.signature
    if signature is not None:
        if signature.inputs is not None:
            inputs = [_column(spec) for spec in signature.inputs.to_dict()]
        if signature.outputs is not None:
            outputs = [_column(spec) for spec in signature.outputs.to_dict()]
    return ModelInfo(
        flavor=main,
        flavors=flavors,
        inputs=inputs,
        outputs=outputs,
        run_id=meta.run_id,
        mlflow_version=meta.mlflow_version,
    )


def is_sklearn_estimator(model: Any) -> bool:
    """True for scikit-learn estimators and pipelines (and estimators following its API)."""
    try:
        from sklearn.base import BaseEstimator
    except ImportError:  # pragma: no cover - scikit-learn is a dependency
        return False
    return isinstance(model, BaseEstimator)


def is_python_model(model: Any) -> bool:
    """True for an instance of ``mlflow.pyfunc.PythonModel``."""
    from mlflow.pyfunc import PythonModel

    return isinstance(model, PythonModel)


def _estimator_classes(model: Any) -> list[type]:
    classes = [type(model)]
    try:
        params = model.get_params(deep=True)
    except Exception:
        return classes
    for value in params.values():
        if hasattr(value, "get_params") and hasattr(value, "fit"):
            classes.append(type(value))
    return classes


def estimator_requirements(model: Any) -> list[str]:
    """Pinned requirements of the packages an estimator's classes come from (LightGBM, ...)."""
    roots = {cls.__module__.split(".")[0] for cls in _estimator_classes(model)}
    mapping = packages_distributions()
    found: list[str] = []
    for root in sorted(roots - _SKIP_REQUIREMENT_ROOTS):
        for dist in mapping.get(root, [])[:1]:
            try:
                found.append(f"{dist}=={version(dist)}")
            except PackageNotFoundError:
                continue
    return found


def sklearn_problem(model: Any) -> tuple[str | None, list[Any] | None]:
    """``(problem_type, classes)`` of a fitted scikit-learn estimator, when it says."""
    from sklearn.base import is_classifier, is_regressor

    classes = getattr(model, "classes_", None)
    if is_classifier(model) and classes is not None:
        labels = [item.item() if hasattr(item, "item") else item for item in list(classes)]
        return ("binary" if len(labels) == 2 else "multiclass"), labels
    if is_regressor(model):
        return "regression", None
    return None, None


def check_fitted(model: Any) -> None:
    """Refuse an estimator that was never fitted, with a clear message."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
    except NotFittedError:
        raise InvalidInput(
            f"The {type(model).__name__} was never fitted: call fit() before registering it.",
            code="model_not_fitted",
        ) from None
    except TypeError:  # not an estimator check_is_fitted understands: let MLflow decide
        pass


def sklearn_input_example(model: Any, training_data: Any) -> Any:
    """A few training rows with the estimator's input columns, when they can be told apart."""
    names = getattr(model, "feature_names_in_", None)
    if training_data is None or names is None:
        return None
    names = [str(name) for name in names]
    if not set(names) <= {str(col) for col in training_data.columns}:
        return None
    return training_data[names].head(5)


class _DropPickleWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "cloudpickle format requires exercising caution" not in record.getMessage()


@contextlib.contextmanager
def _quiet_pickle_warning() -> Iterator[None]:
    """Drop MLflow's per-save warning about pickles (the choice is made and documented here)."""
    logger = logging.getLogger("mlflow.sklearn")
    drop = _DropPickleWarning()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def save_sklearn(
    model: Any,
    target: Path,
    *,
    input_example: Any = None,
    pip_requirements: list[str] | None = None,
) -> None:
    """Write ``model`` to the new folder ``target`` with ``mlflow.sklearn.save_model``."""
    import mlflow.sklearn
    from mlflow.models import infer_signature

    signature = None
    if input_example is not None:
        try:
            signature = infer_signature(input_example, model.predict(input_example))
        except Exception as exc:
            raise InvalidInput(
                f"The model cannot predict on the input example: {exc}. Give an input_example "
                "with the columns the model was trained on.",
                code="bad_input_example",
            ) from None
    requirements = pip_requirements or [
        *mlflow.sklearn.get_default_pip_requirements(include_cloudpickle=True),
        *estimator_requirements(model),
    ]
    with _quiet_pickle_warning():
        mlflow.sklearn.save_model(
            model,
            str(target),
            serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE,
            signature=signature,
            input_example=input_example,
            pip_requirements=requirements,
        )


def save_python_model(
    model: Any,
    target: Path,
    *,
    input_example: Any = None,
    pip_requirements: list[str] | None = None,
) -> None:
    """Write a ``PythonModel`` to the new folder ``target`` with ``mlflow.pyfunc.save_model``.

    MLflow infers the signature from ``input_example`` (running the model's ``predict`` on it).
    """
    import mlflow.pyfunc

    mlflow.pyfunc.save_model(
        str(target),
        python_model=model,
        input_example=input_example,
        pip_requirements=pip_requirements or mlflow.pyfunc.get_default_pip_requirements(),
    )


def copy_model_folder(source: Path, target: Path) -> None:
    """Copy an existing MLflow model folder (checked first) to the new folder ``target``."""
    read_model_info(source)
    shutil.copytree(source, target, symlinks=False)


def compute_training_baseline(
    training_data: Any, columns: list[dict[str, Any]] | None = None
) -> Any | None:
    """Per-feature statistics of the training data, from model monitoring's ``compute_baseline``.

    ``columns`` is the model's input schema (``{"name", "type"}`` items): the baseline covers those
    features, typed by the schema. This is the seam between the registry and monitoring: it
    returns None (no baseline is saved) while :data:`BASELINE_MODULE` does not exist.
    Raises :class:`InvalidInput` when the training data does not fit (a missing column, ...).
    """
    try:
        module = importlib.import_module(BASELINE_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and BASELINE_MODULE.startswith(exc.name):
            log.warning("No baseline saved: %s is not available", BASELINE_MODULE)
            return None
        raise
    try:
        if columns:
            return module.compute_baseline(training_data, columns)
        return module.compute_baseline(training_data)
    except ValueError as exc:  # monitoring's BaselineError
        raise InvalidInput(
            f"No baseline can be computed from the training data: {exc}.",
            code="bad_training_data",
        ) from None


def write_baseline(baseline: Any, path: Path) -> None:
    """Write what ``compute_baseline`` returned (a pydantic model, a dict, ...) as JSON."""
    if hasattr(baseline, "model_dump_json"):
        text = baseline.model_dump_json(indent=1)
    elif hasattr(baseline, "to_json") and callable(baseline.to_json):
        text = baseline.to_json()
    else:
        text = json.dumps(baseline, indent=1, default=str)
    path.write_text(text if isinstance(text, str) else json.dumps(text))


def read_training_data(path: Path) -> Any:
    """A CSV or Parquet file as a DataFrame (for the baseline of a registration from a folder)."""
    from ..tabular_files import TableFileError, read_table, table_format

    kind = table_format(path) or ("csv" if path.suffix.lower() == ".txt" else None)
    if kind is None:
        raise InvalidInput(
            f"The training data {path.name!r} is not a CSV or Parquet file.",
            code="bad_training_data",
        )
    try:  # the reader every feature uses: delimiter detected, a broken file named by line
        return read_table(path, field="training_data", file_format=kind)
    except TableFileError as exc:
        raise InvalidInput(
            f"The training data cannot be read: {exc.message}",
            code="bad_training_data",
            detail=exc.detail,
        ) from None


def fsync_tree(folder: Path) -> None:
    """Flush the files of a freshly written folder to disk before it is renamed into place."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                fd = os.open(os.path.join(root, name), os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)
