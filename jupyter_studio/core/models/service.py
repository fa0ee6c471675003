"""The model registry: named models with numbered versions, stored in MLflow's model format.

A registered model lives in one *scope*: a space (its members see it) or its owner's home (only the
owner sees it). Domain administrators see every model, as they see every job; the owner of a model
in a space keeps seeing it, as the owner of a job does. Anyone else gets a 404 for a name (or a 403
for a space they are not a member of) and never sees the model listed.

Each version is a normal folder that the file browser shows::

    <space folder or home>/models/<name>/<version>/     an MLflow model folder (MLmodel, ...)
    <space folder or home>/models/<name>/<version>/baseline.json   training-data baseline, if any

:class:`ModelRegistry` is the facade ``studio.models``; the work is done by one module per job:
:mod:`.access` (finding models, who may do what, descriptions), :mod:`.registration` (the ways
in), :mod:`.versions` (staging a version and claiming its number), :mod:`.queries` (listing and
describing, resolving a version for loading) and :mod:`.deletion`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..spaces.service import Caller, SpaceService
from ..store import Store
from ..validation import parse_model
from .access import ENDPOINT_LIVE_STATUSES, ModelAccess
from .deletion import ModelDeletion
from .queries import ModelQueries, ResolvedVersion
from .registration import Registration, registration_fields, registration_options
from .schemas import (
    DescribeModel,
    DescribeModelVersion,
    ListModelsQuery,
    ListModelsResponse,
    RegisterModelFromPath,
    UpdateModel,
)
from .versions import (
    MAX_CLAIM_ATTEMPTS,
    MODELS_FOLDER,
    STAGING_PREFIX,
    STALE_STAGING_SECONDS,
    VersionWriter,
)

__all__ = [
    "ENDPOINT_LIVE_STATUSES",
    "MAX_CLAIM_ATTEMPTS",
    "MODELS_FOLDER",
    "STAGING_PREFIX",
    "STALE_STAGING_SECONDS",
    "ModelRegistry",
    "ResolvedVersion",
]


class ModelRegistry:
    """Register, list, describe, update and delete models and their versions."""

    def __init__(
        self,
        store: Store,
        spaces: SpaceService,
        domain_root: Path | None = None,
        *,
        experiments: Any = None,
    ):
        self.store = store
        self.spaces = spaces
        self.domain_root = Path(domain_root).resolve() if domain_root else spaces.domain_root
        #: The experiments service (``studio.experiments``), for :meth:`register_from_run`.
        self.experiments = experiments
        self.access = ModelAccess(store, spaces, self.domain_root)
        self._registration = Registration(self.access, VersionWriter(self.access))
        self._queries = ModelQueries(self.access)
        self._deletion = ModelDeletion(self.access)

    @property
    def contents_root(self) -> Path:
        """The folder the file browser shows."""
        return self.spaces.contents_root

    # ------------------------------------------------------- registration
    def register(
        self,
        caller: Caller,
        model: Any,
        name: str,
        *,
        input_example: Any = None,
        space_id: str | None = None,
        training_data: Any = None,
        problem_type: str | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
        source: str | None = None,
        pip_requirements: list[str] | None = None,
    ) -> DescribeModelVersion:
        """Register ``model`` as the next version of the model ``name``.

        ``model`` is a fitted scikit-learn estimator or pipeline (saved with ``mlflow.sklearn``),
        an ``mlflow.pyfunc.PythonModel`` (saved with ``mlflow.pyfunc``), or the disk path of an
        existing MLflow model folder (copied; REST handlers must use :meth:`register_from_path`,
        which resolves a file-browser path inside the caller's folders).

        ``input_example`` (a few rows) gives the signature: input columns and types, and outputs
        from the model's predictions. ``training_data`` (a DataFrame) gives the monitoring
        baseline saved beside the version, and the input example of a scikit-learn model fitted
        on named columns when none is given. ``space_id`` registers in a space the caller belongs
        to (default: the caller's home). ``source`` says where the model came from: ``python``
        (default), ``job:<job_id>``, ``run:<run_id>``.
        """
        fields = registration_fields(name, space_id, problem_type, metrics, tags, description)
        options = registration_options({**fields, "source": source})
        return self._registration.register(
            caller,
            model,
            options,
            input_example=input_example,
            training_data=training_data,
            pip_requirements=pip_requirements,
        )

    def register_from_path(
        self,
        caller: Caller,
        path: str,
        name: str,
        *,
        space_id: str | None = None,
        training_data_path: str | None = None,
        problem_type: str | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
        source: str | None = None,
    ) -> DescribeModelVersion:
        """Register the MLflow model folder at the file-browser ``path`` (a job's artifact).

        The path is resolved inside the caller's folders (403 outside them); a folder without an
        ``MLmodel`` file or without the ``python_function`` flavor is refused with a 400. When
        the folder lies inside a job's folder, the version's source is that job.
        """
        body = parse_model(
            RegisterModelFromPath,
            {
                "path": path,
                "name": name,
                "space_id": space_id,
                "training_data_path": training_data_path,
                "problem_type": problem_type,
                "metrics": dict(metrics) if metrics is not None else None,
                "tags": dict(tags) if tags is not None else None,
                "description": description,
                "source": source,
            },
            "model registration",
        )
        return self.register_body(caller, body)

    def register_body(self, caller: Caller, body: RegisterModelFromPath) -> DescribeModelVersion:
        """:meth:`register_from_path` for a parsed REST body."""
        return self._registration.register_body(caller, body)

    def register_from_run(
        self,
        caller: Caller,
        run_id: str,
        name: str,
        *,
        model_name: str | None = None,
        space_id: str | None = None,
        training_data_path: str | None = None,
        problem_type: str | None = None,
        metrics: Mapping[str, float] | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> DescribeModelVersion:
        """Register a model that an MLflow run logged (``mlflow.sklearn.log_model`` in a job...).

        ``model_name`` picks one when the run logged several (its name or logged-model id). The
        version's source is the run, its job the run's ``studio.job_id``, and its metrics the
        run's latest metrics unless ``metrics`` is given. The caller must be allowed to see the run.
        """
        fields = registration_fields(name, space_id, problem_type, metrics, tags, description)
        return self._registration.register_from_run(
            caller,
            self.experiments,
            run_id,
            fields,
            model_name=model_name,
            training_data_path=training_data_path,
        )

    # ------------------------------------------------------------- reading
    def list_models(
        self, caller: Caller, query: ListModelsQuery | None = None
    ) -> ListModelsResponse:
        """Models the caller may see, by name, filtered and paginated."""
        return self._queries.list_models(caller, query or ListModelsQuery())

    def get_model(self, caller: Caller, name: str, *, space_id: str | None = None) -> DescribeModel:
        """Describe the model ``name``: in ``space_id`` if given, else the caller's home model of
        that name, else the only one among the spaces the caller belongs to (or, for an
        administrator, in the domain)."""
        return self._queries.get_model(caller, name, space_id)

    def update_model(
        self,
        caller: Caller,
        name: str,
        body: UpdateModel | Mapping[str, Any],
        *,
        space_id: str | None = None,
    ) -> DescribeModel:
        """Change a model's description or tags (tags are replaced); members of its space may."""
        return self._queries.update_model(caller, name, body, space_id)

    def list_versions(
        self, caller: Caller, name: str, *, space_id: str | None = None
    ) -> list[DescribeModelVersion]:
        """The versions of a model, newest first (deleted versions are left out)."""
        return self._queries.list_versions(caller, name, space_id)

    def get_version(
        self, caller: Caller, name: str, version: int | None = None, *, space_id: str | None = None
    ) -> DescribeModelVersion:
        """Describe one version (default: the latest)."""
        return self._queries.get_version(caller, name, version, space_id)

    def resolve_version(
        self, caller: Caller, name: str, version: int | None = None, *, space_id: str | None = None
    ) -> ResolvedVersion:
        """The disk folder and schema of a version (default: the latest) for loading it.

        Raises 404 for an unknown model or version and 409 when the version's files are gone or
        damaged (no MLmodel file), so nothing tries to serve a broken folder.
        """
        return self._queries.resolve_version(caller, name, version, space_id)

    # ------------------------------------------------------------ deleting
    def delete_version(
        self, caller: Caller, name: str, version: int, *, space_id: str | None = None
    ) -> Path:
        """Delete a version: its folder moves to the domain trash and its number is never reused.

        The model's owner, the version's owner and administrators may; a version that an endpoint
        serves is refused (409) until the endpoint is updated or deleted. Returns the trash path.
        """
        return self._deletion.delete_version(caller, name, version, space_id)

    def delete_model(self, caller: Caller, name: str, *, space_id: str | None = None) -> Path:
        """Delete a model and all its versions: its folder moves to the domain trash.

        The model's owner and administrators may; refused (409) while an endpoint serves it.
        Returns the trash path.
        """
        return self._deletion.delete_model(caller, name, space_id)
