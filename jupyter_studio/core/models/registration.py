"""Registering models: from Python objects, from a folder in the file browser, from an MLflow run.

Each entry point turns what it is given into a writer (a function that saves the model into a
folder) and :class:`RegistrationOptions`, then hands both to :class:`.versions.VersionWriter`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..errors import Conflict, InvalidInput
from ..jobs.tables import JobRow
from ..spaces.paths import PathScope
from ..spaces.service import Caller
from ..validation import parse_model
from . import files
from .access import ModelAccess
from .outputs import folder_outputs
from .schemas import (
    MAX_METRICS,
    DescribeModelVersion,
    RegisterModelFromPath,
    RegistrationOptions,
)
from .versions import VersionWriter

__all__ = ["Registration"]

Writer = Callable[[Path], None]


def _model_writer(
    model: Any, input_example: Any, training_data: Any, pip_requirements: list[str] | None
) -> tuple[Writer, str | None, list[Any] | None]:
    """How to save ``model`` (a folder path, a PythonModel or a fitted scikit-learn estimator),
    with the problem type and classes it tells (None when it does not)."""
    if isinstance(model, (str, os.PathLike)):
        folder = Path(model).expanduser().resolve()
        if not folder.is_dir():
            raise InvalidInput(
                f"{str(model)!r} is not a folder: give an MLflow model folder.",
                code="not_an_mlflow_model",
            )
        files.read_model_info(folder)
        inferred_problem, classes = folder_outputs(folder)
        return _copy_folder(folder), inferred_problem, classes
    if files.is_python_model(model):

        def save_python(target: Path) -> None:
            files.save_python_model(
                model, target, input_example=input_example, pip_requirements=pip_requirements
            )

        return save_python, None, None
    if files.is_sklearn_estimator(model):
        files.check_fitted(model)
        inferred_problem, classes = files.sklearn_problem(model)
        example = input_example
        if example is None:
            example = files.sklearn_input_example(model, training_data)

        def save_sklearn(target: Path) -> None:
            files.save_sklearn(
                model, target, input_example=example, pip_requirements=pip_requirements
            )

        return save_sklearn, inferred_problem, classes
    raise InvalidInput(
        f"Cannot register a {type(model).__name__}: give a fitted scikit-learn estimator "
        "or pipeline, an mlflow.pyfunc.PythonModel, or the path of an MLflow model folder.",
        code="unsupported_model",
    )


def _training_data(scope: PathScope, path: str | None) -> Any:
    """The training data file at a file-browser path, read as a DataFrame (None without a path)."""
    if not path:
        return None
    data_file = scope.resolve(path, what="training data", must_exist=True, expect="file")
    return files.read_training_data(data_file)


def _copy_folder(folder: Path) -> Writer:
    return lambda target: files.copy_model_folder(folder, target)


class Registration:
    """The ways in of a new model version (see :class:`.service.ModelRegistry` for the rules)."""

    def __init__(self, access: ModelAccess, versions: VersionWriter):
        self.access = access
        self.versions = versions

    def register(
        self,
        caller: Caller,
        model: Any,
        options: RegistrationOptions,
        *,
        input_example: Any = None,
        training_data: Any = None,
        pip_requirements: list[str] | None = None,
    ) -> DescribeModelVersion:
        """Register a Python model object or a disk folder (:meth:`.ModelRegistry.register`)."""
        writer, inferred_problem, classes = _model_writer(
            model, input_example, training_data, pip_requirements
        )
        return self.versions.write(
            caller,
            options,
            writer,
            training_data=training_data,
            inferred_problem=inferred_problem,
            classes=classes,
        )

    def register_body(self, caller: Caller, body: RegisterModelFromPath) -> DescribeModelVersion:
        """Register the folder at a file-browser path (:meth:`.ModelRegistry.register_from_path`)."""
        scope = self.access.spaces.path_scope(caller)
        folder = scope.resolve(body.path, what="model folder", must_exist=True, expect="dir")
        training = _training_data(scope, body.training_data_path)
        files.read_model_info(folder)
        source = body.source
        if source is None:
            job_id = self._job_holding(folder)
            source = f"job:{job_id}" if job_id else f"path:{body.path}"[:500]
        options = RegistrationOptions(
            name=body.name,
            space_id=body.space_id,
            problem_type=body.problem_type,
            metrics=body.metrics,
            tags=body.tags,
            description=body.description,
            source=source,
        )
        return self._register_folder(caller, options, folder, training)

    def register_from_run(
        self,
        caller: Caller,
        experiments: Any,
        run_id: str,
        fields: dict[str, Any],
        *,
        model_name: str | None = None,
        training_data_path: str | None = None,
    ) -> DescribeModelVersion:
        """Register a model an MLflow run logged (:meth:`.ModelRegistry.register_from_run`).

        ``fields`` are the registration options as given (``metrics`` None: the run's latest).
        """
        if experiments is None:
            raise Conflict(
                "Experiments are not available in this Studio, so no run can be registered.",
                code="no_experiments",
            )
        folder, run = experiments.run_model_dir(caller, run_id, model_name)
        metrics = fields["metrics"]
        if metrics is None:
            finite = {k: v for k, v in run.metrics.items() if math.isfinite(v)}
            metrics = dict(sorted(finite.items())[:MAX_METRICS])
        options = registration_options(
            {**fields, "metrics": metrics, "source": f"run:{run.run_id}"}
        )
        training = None
        if training_data_path:
            training = _training_data(self.access.spaces.path_scope(caller), training_data_path)
        return self._register_folder(caller, options, Path(folder), training, job_id=run.job_id)

    def _register_folder(
        self,
        caller: Caller,
        options: RegistrationOptions,
        folder: Path,
        training: Any,
        job_id: str | None = None,
    ) -> DescribeModelVersion:
        """Register a copy of an MLflow model folder, with what its files tell of its outputs."""
        inferred_problem, classes = folder_outputs(folder)
        return self.versions.write(
            caller,
            options,
            _copy_folder(folder),
            training_data=training,
            inferred_problem=inferred_problem,
            classes=classes,
            job_id=job_id,
        )

    def _job_holding(self, folder: Path) -> str | None:
        """The job whose folder holds ``folder``, if any."""
        parents = [str(p) for p in [folder, *folder.parents]]
        with self.access.store.session() as session:
            return session.scalars(select(JobRow.job_id).where(JobRow.job_dir.in_(parents))).first()


def registration_fields(
    name: str,
    space_id: str | None,
    problem_type: str | None,
    metrics: Mapping[str, float] | None,
    tags: Mapping[str, str] | None,
    description: str | None,
) -> dict[str, Any]:
    """The registration options every way in shares, as given (for :func:`registration_options`)."""
    return {
        "name": name,
        "space_id": space_id,
        "problem_type": problem_type,
        "metrics": metrics,
        "tags": tags,
        "description": description,
    }


def registration_options(fields: Mapping[str, Any]) -> RegistrationOptions:
    """Validate registration options given as Python arguments (400 naming the bad field).

    ``metrics`` and ``tags`` may be any mappings; they are copied into plain dicts.
    """
    values = dict(fields)
    for key in ("metrics", "tags"):
        if values.get(key) is not None:
            values[key] = dict(values[key])
    return parse_model(RegistrationOptions, values, "model registration")
