"""The model registry from Python: ``from jupyter_studio import Models``.

>>> from jupyter_studio import Models
>>> models = Models()                                   # acts as you; Models(user="bob") as bob
>>> version = models.register(pipeline, "churn", input_example=X.head(), training_data=train_df)
>>> models.register_from_path("studio/users/me/jobs/train-1a2b/output/model", "churn")
>>> [m.name for m in models.list()]
['churn']
>>> [v.version for v in models.versions("churn")]
[2, 1]
>>> models.load("churn").predict(X.head())             # the latest version, as an MLflow pyfunc

Every method acts as one user: the default user of the domain this process belongs to (the one
the server runs as, inside JupyterLab), or ``user``. Bad input raises
:class:`~jupyter_studio.core.errors.InvalidInput` naming the field; an unknown model raises
:class:`~jupyter_studio.core.errors.NotFound`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._client import UserClient
from .core.models.schemas import ListModelsQuery, UpdateModel
from .core.validation import parse_model

if TYPE_CHECKING:
    from .core.models.schemas import DescribeModel, DescribeModelVersion

__all__ = ["Models"]


class Models(UserClient):
    """The model registry (``studio.models``) for one user: register, list, read, load, delete."""

    # ------------------------------------------------------------ registering
    def register(
        self,
        model: Any,
        name: str,
        *,
        input_example: Any = None,
        training_data: Any = None,
        space_id: str | None = None,
        problem_type: str | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
        pip_requirements: list[str] | None = None,
    ) -> DescribeModelVersion:
        """Register ``model`` as the next version of the model ``name``.

        ``model`` is a fitted scikit-learn estimator or pipeline, an ``mlflow.pyfunc.PythonModel``,
        or the disk path of an MLflow model folder. ``input_example`` (a few rows) gives the input
        columns; ``training_data`` (a DataFrame) the drift baseline. ``space_id`` registers in a
        space you belong to (default: your home).
        """
        return self.studio.models.register(
            self.caller,
            model,
            name,
            input_example=input_example,
            space_id=space_id,
            training_data=training_data,
            problem_type=problem_type,
            metrics=metrics,
            tags=tags,
            description=description,
            pip_requirements=pip_requirements,
        )

    def register_from_path(
        self,
        path: str,
        name: str,
        *,
        training_data_path: str | None = None,
        space_id: str | None = None,
        problem_type: str | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> DescribeModelVersion:
        """Register the MLflow model folder at the file-browser ``path`` (a job's output).

        The path is relative to the file browser's root and must be in your home or one of your
        spaces; a folder inside a job's folder records that job as the version's source.
        """
        return self.studio.models.register_from_path(
            self.caller,
            path,
            name,
            space_id=space_id,
            training_data_path=training_data_path,
            problem_type=problem_type,
            metrics=metrics,
            tags=tags,
            description=description,
        )

    def register_from_run(
        self,
        run_id: str,
        name: str,
        *,
        model_name: str | None = None,
        training_data_path: str | None = None,
        space_id: str | None = None,
        problem_type: str | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> DescribeModelVersion:
        """Register a model that an MLflow run logged (``model_name`` picks one of several)."""
        return self.studio.models.register_from_run(
            self.caller,
            run_id,
            name,
            model_name=model_name,
            space_id=space_id,
            training_data_path=training_data_path,
            problem_type=problem_type,
            metrics=metrics,
            tags=tags,
            description=description,
        )

    # ------------------------------------------------------------ reading
    def list(
        self,
        name_contains: str | None = None,
        *,
        space_id: str | None = None,
        home: bool | None = None,
        owner: str | None = None,
    ) -> list[DescribeModel]:
        """Every model you may see, by name (``home=True``: only models in homes, ``False``: only
        models in spaces)."""
        filters = {"name_contains": name_contains, "space_id": space_id, "home": home}
        filters["owner"] = owner
        query = parse_model(
            ListModelsQuery,
            {**{k: v for k, v in filters.items() if v is not None}, "limit": 500},
            "model query",
        )
        found: list[DescribeModel] = []
        while True:
            page = self.studio.models.list_models(self.caller, query)
            found += page.items
            if not page.next_token:
                return found
            query = query.model_copy(update={"next_token": page.next_token})

    def get(self, name: str, *, space_id: str | None = None) -> DescribeModel:
        """The model ``name`` (its latest version, version count, tags, folder)."""
        return self.studio.models.get_model(self.caller, name, space_id=space_id)

    def versions(self, name: str, *, space_id: str | None = None) -> list[DescribeModelVersion]:
        """The versions of ``name``, newest first."""
        return self.studio.models.list_versions(self.caller, name, space_id=space_id)

    def version(
        self, name: str, version: int | None = None, *, space_id: str | None = None
    ) -> DescribeModelVersion:
        """One version of ``name`` (default: the latest): input columns, metrics, source, path."""
        return self.studio.models.get_version(self.caller, name, version, space_id=space_id)

    def load(self, name: str, version: int | None = None, *, space_id: str | None = None) -> Any:
        """A version (default: the latest) loaded with ``mlflow.pyfunc.load_model``."""
        import mlflow.pyfunc

        resolved = self.studio.models.resolve_version(self.caller, name, version, space_id=space_id)
        return mlflow.pyfunc.load_model(str(resolved.model_dir))

    # ------------------------------------------------------------ changing
    def update(
        self,
        name: str,
        *,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        space_id: str | None = None,
    ) -> DescribeModel:
        """Change the description or the tags (the tags given replace the old ones)."""
        changes = {"description": description, "tags": dict(tags) if tags is not None else None}
        body = parse_model(
            UpdateModel, {k: v for k, v in changes.items() if v is not None}, "model update"
        )
        return self.studio.models.update_model(self.caller, name, body, space_id=space_id)

    def delete_version(self, name: str, version: int, *, space_id: str | None = None) -> Path:
        """Move a version's folder to the domain trash (refused while an endpoint serves it)."""
        return self.studio.models.delete_version(self.caller, name, version, space_id=space_id)

    def delete(self, name: str, *, space_id: str | None = None) -> Path:
        """Move the model and all its versions to the domain trash (refused while served)."""
        return self.studio.models.delete_model(self.caller, name, space_id=space_id)
