"""The model registry: named models with numbered versions, stored in MLflow's model format.

A registered model lives in one *scope*: a space (its members see it) or its owner's home (only the
owner sees it). Domain administrators see every model, as they see every job; the owner of a model
in a space keeps seeing it, as the owner of a job does. Anyone else gets a 404 for a name (or a 403
for a space they are not a member of) and never sees the model listed.

Each version is a normal folder that the file browser shows::

    <space folder or home>/models/<name>/<version>/     an MLflow model folder (MLmodel, ...)
    <space folder or home>/models/<name>/<version>/baseline.json   training-data baseline, if any

A version is written to a hidden staging folder first and renamed into place in the transaction
that claims its number, so a reader never sees half a model. The number is the primary key with
the model's id: two registrations of the same name at once both insert, one hits the key and
retries with the next number (on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import random
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..endpoints.tables import EndpointRow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..jobs.tables import JobRow
from ..paging import next_page_token, page_offset
from ..spaces.paths import contents_path
from ..spaces.service import Caller, SpaceService
from ..store import Store
from ..store.orm import utcnow
from ..validation import parse_model
from . import files
from .outputs import folder_outputs
from .schemas import (
    MAX_METRICS,
    DescribeModel,
    DescribeModelVersion,
    InputColumn,
    ListModelsQuery,
    ListModelsResponse,
    ModelOutput,
    ModelVersionStatus,
    ProblemType,
    RegisterModelFromPath,
    RegistrationOptions,
    UpdateModel,
)
from .tables import ModelVersionRow, RegisteredModelRow

log = logging.getLogger(__name__)

MODELS_FOLDER = "models"
STAGING_PREFIX = ".staging-"
MAX_CLAIM_ATTEMPTS = 50
STALE_STAGING_SECONDS = 24 * 3600
ENDPOINT_LIVE_STATUSES = ("Creating", "InService", "Updating", "Failed")


@dataclass(frozen=True)
class ResolvedVersion:
    """A version ready to load: what endpoints, batch transform and monitoring use.

    ``model_dir`` and ``baseline_path`` are disk paths (they never leave the engine).
    """

    model_dir: Path
    baseline_path: Path | None
    input_schema: list[InputColumn]
    describe: DescribeModelVersion

    @property
    def version(self) -> int:
        """The version number."""
        return self.describe.version

    @property
    def name(self) -> str:
        """The model's name."""
        return self.describe.model_name


def _scope_key(owner: str, space_id: str | None) -> str:
    return f"space:{space_id}" if space_id else f"user:{owner}"


def _parse_source(source: str | None) -> tuple[str, str | None, str | None]:
    """``(source, job_id, run_id)`` from ``'python'``, ``'job:<id>'``, ``'run:<id>'``, ..."""
    text = (source or "python").strip() or "python"
    kind, _, ident = text.partition(":")
    job_id = ident if kind == "job" and ident else None
    run_id = ident if kind == "run" and ident else None
    return text, job_id, run_id


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

    # ------------------------------------------------------------ helpers
    @property
    def contents_root(self) -> Path:
        return self.spaces.contents_root

    def _trash_dir(self) -> Path:
        trash = self.domain_root / ".trash"
        trash.mkdir(parents=True, exist_ok=True)
        return trash

    def _describe_model(
        self, row: RegisteredModelRow, latest: int | None, count: int
    ) -> DescribeModel:
        return DescribeModel(
            model_id=row.model_id,
            name=row.name,
            owner=row.owner,
            space_id=row.space_id,
            description=row.description,
            tags=dict(row.tags or {}),
            latest_version=latest,
            version_count=count,
            path=contents_path(self.contents_root, Path(row.model_dir)),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def _version_stats(self, session: Session, model_ids: list[str]) -> dict[str, tuple[int, int]]:
        if not model_ids:
            return {}
        rows = session.execute(
            select(
                ModelVersionRow.model_id,
                func.max(ModelVersionRow.version),
                func.count(ModelVersionRow.version),
            )
            .where(
                ModelVersionRow.model_id.in_(model_ids),
                ModelVersionRow.status == ModelVersionStatus.READY.value,
            )
            .group_by(ModelVersionRow.model_id)
        ).all()
        return {model_id: (latest, count) for model_id, latest, count in rows}

    def _describe_one(self, session: Session, row: RegisteredModelRow) -> DescribeModel:
        latest, count = self._version_stats(session, [row.model_id]).get(row.model_id, (None, 0))
        return self._describe_model(row, latest, count)

    def _describe_version(
        self, model: RegisteredModelRow, row: ModelVersionRow
    ) -> DescribeModelVersion:
        ready = row.status == ModelVersionStatus.READY.value
        baseline = Path(row.baseline_file) if row.baseline_file and ready else None
        return DescribeModelVersion(
            model_id=model.model_id,
            model_name=model.name,
            version=row.version,
            status=ModelVersionStatus(row.status),
            flavor=row.flavor,
            flavors=list(row.flavors or []),
            problem_type=ProblemType(row.problem_type) if row.problem_type else None,
            input_schema=[InputColumn(**col) for col in row.input_schema or []],
            output=ModelOutput(**(row.output or {})),
            metrics=dict(row.metrics or {}),
            tags=dict(row.tags or {}),
            source=row.source,
            job_id=row.job_id,
            run_id=row.run_id,
            owner=row.owner,
            space_id=model.space_id,
            path=contents_path(self.contents_root, Path(row.version_dir)) if ready else None,
            baseline_path=contents_path(self.contents_root, baseline) if baseline else None,
            mlflow_version=row.mlflow_version,
            created_at=row.created_at,
        )

    def _member_spaces(self, caller: Caller) -> set[str]:
        return self.spaces.member_space_ids(caller.username)

    def _visible_filter(self, caller: Caller) -> Any:
        """Models the caller may see: their own, their spaces' (all for administrators)."""
        if caller.is_admin:
            return None
        spaces = self._member_spaces(caller)
        own = RegisteredModelRow.owner == caller.username
        return or_(own, RegisteredModelRow.space_id.in_(spaces)) if spaces else own

    def _can_see(self, caller: Caller, row: RegisteredModelRow) -> bool:
        if caller.is_admin or row.owner == caller.username:
            return True
        return bool(row.space_id) and row.space_id in self._member_spaces(caller)

    def _check_space(self, caller: Caller, space_id: str) -> None:
        """403/404 for a space the caller may not use (administrators may read any)."""
        if caller.is_admin and space_id not in self._member_spaces(caller):
            return
        self.spaces.get_space(caller, space_id)

    def _find_model(
        self, session: Session, caller: Caller, name: str, space_id: str | None
    ) -> RegisteredModelRow:
        """The model called ``name``: in ``space_id`` if given, else the caller's home model of
        that name, else the only one among the spaces the caller belongs to (or, for an
        administrator, in the domain)."""
        if space_id:
            row = session.scalars(
                select(RegisteredModelRow).where(
                    RegisteredModelRow.scope == _scope_key(caller.username, space_id),
                    RegisteredModelRow.name == name,
                )
            ).first()
            if row is not None and self._can_see(caller, row):
                return row
            self._check_space(caller, space_id)  # 403 or 404 for a space the caller may not use
            raise NotFound(
                f"No model named {name!r} in this space: list models to see their names.",
                code="model_not_found",
            )
        candidates = list(
            session.scalars(select(RegisteredModelRow).where(RegisteredModelRow.name == name)).all()
        )
        home = [row for row in candidates if row.scope == _scope_key(caller.username, None)]
        if home:
            return home[0]
        spaces = self._member_spaces(caller)
        mine = [r for r in candidates if r.space_id in spaces or r.owner == caller.username]
        if not mine and caller.is_admin:
            mine = candidates
        if len(mine) == 1:
            return mine[0]
        if len(mine) > 1:
            raise Conflict(
                f"Several models are named {name!r} in spaces you may use: give the space_id "
                f"of the one you mean ({', '.join(sorted(str(r.space_id) for r in mine))}).",
                code="model_name_ambiguous",
            )
        raise NotFound(
            f"No model named {name!r} that you may see: list models to see their names.",
            code="model_not_found",
        )

    def _version_row(
        self, session: Session, model: RegisteredModelRow, version: int | None
    ) -> ModelVersionRow:
        ready = ModelVersionRow.status == ModelVersionStatus.READY.value
        if version is None:
            row = session.scalars(
                select(ModelVersionRow)
                .where(ModelVersionRow.model_id == model.model_id, ready)
                .order_by(ModelVersionRow.version.desc())
            ).first()
            if row is None:
                raise NotFound(
                    f"Model {model.name!r} has no versions: register one first.",
                    code="model_version_not_found",
                )
            return row
        row = session.get(ModelVersionRow, (model.model_id, version))
        if row is None or row.status != ModelVersionStatus.READY.value:
            raise NotFound(
                f"Model {model.name!r} has no version {version}"
                + (" (it was deleted)" if row is not None else "")
                + ": list its versions to see their numbers.",
                code="model_version_not_found",
            )
        return row

    def _require_owner(
        self, caller: Caller, model: RegisteredModelRow, action: str, version_owner: str = ""
    ) -> None:
        if caller.is_admin or caller.username in (model.owner, version_owner):
            return
        raise Forbidden(
            f"Only {model.owner!r} (the owner of model {model.name!r}) or a domain administrator "
            f"may {action}.",
            code="model_owner_only",
        )

    def _base_dir(self, caller: Caller, space_id: str | None) -> Path:
        if space_id:
            return self.spaces.space_path(caller, space_id)
        self.spaces.ensure_profile(caller.username)
        return self.spaces.home_dir(caller.username)

    def _serving_endpoints(
        self, session: Session, model: RegisteredModelRow, version: int | None
    ) -> list[str]:
        conditions = [
            EndpointRow.model_name == model.name,
            EndpointRow.status.in_(ENDPOINT_LIVE_STATUSES),
        ]
        if model.space_id:
            conditions.append(EndpointRow.space_id == model.space_id)
        else:
            conditions += [EndpointRow.space_id.is_(None), EndpointRow.owner == model.owner]
        if version is not None:
            conditions.append(EndpointRow.model_version == version)
        return list(session.scalars(select(EndpointRow.endpoint_name).where(*conditions)).all())

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
        options = parse_model(
            RegistrationOptions,
            {
                "name": name,
                "space_id": space_id,
                "problem_type": problem_type,
                "metrics": dict(metrics) if metrics is not None else None,
                "tags": dict(tags) if tags is not None else None,
                "description": description,
                "source": source,
            },
            "model registration",
        )
        classes: list[Any] | None = None
        inferred_problem: str | None = None
        if isinstance(model, (str, os.PathLike)):
            folder = Path(model).expanduser().resolve()
            if not folder.is_dir():
                raise InvalidInput(
                    f"{str(model)!r} is not a folder: give an MLflow model folder.",
                    code="not_an_mlflow_model",
                )
            files.read_model_info(folder)
            inferred_problem, classes = folder_outputs(folder)

            def writer(target: Path) -> None:
                files.copy_model_folder(folder, target)

        elif files.is_python_model(model):

            def writer(target: Path) -> None:
                files.save_python_model(
                    model, target, input_example=input_example, pip_requirements=pip_requirements
                )

        elif files.is_sklearn_estimator(model):
            files.check_fitted(model)
            inferred_problem, classes = files.sklearn_problem(model)
            example = input_example
            if example is None:
                example = files.sklearn_input_example(model, training_data)

            def writer(target: Path) -> None:
                files.save_sklearn(
                    model, target, input_example=example, pip_requirements=pip_requirements
                )

        else:
            raise InvalidInput(
                f"Cannot register a {type(model).__name__}: give a fitted scikit-learn estimator "
                "or pipeline, an mlflow.pyfunc.PythonModel, or the path of an MLflow model folder.",
                code="unsupported_model",
            )
        return self._register(
            caller,
            options,
            writer,
            training_data=training_data,
            inferred_problem=inferred_problem,
            classes=classes,
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
        scope = self.spaces.path_scope(caller)
        folder = scope.resolve(body.path, what="model folder", must_exist=True, expect="dir")
        training = None
        if body.training_data_path:
            data_file = scope.resolve(
                body.training_data_path, what="training data", must_exist=True, expect="file"
            )
            training = files.read_training_data(data_file)
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
        inferred_problem, classes = folder_outputs(folder)
        return self._register(
            caller,
            options,
            lambda target: files.copy_model_folder(folder, target),
            training_data=training,
            inferred_problem=inferred_problem,
            classes=classes,
        )

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
        if self.experiments is None:
            raise Conflict(
                "Experiments are not available in this Studio, so no run can be registered.",
                code="no_experiments",
            )
        folder, run = self.experiments.run_model_dir(caller, run_id, model_name)
        if metrics is None:
            finite = {k: v for k, v in run.metrics.items() if math.isfinite(v)}
            metrics = dict(sorted(finite.items())[:MAX_METRICS])
        options = parse_model(
            RegistrationOptions,
            {
                "name": name,
                "space_id": space_id,
                "problem_type": problem_type,
                "metrics": dict(metrics),
                "tags": dict(tags) if tags is not None else None,
                "description": description,
                "source": f"run:{run.run_id}",
            },
            "model registration",
        )
        training = None
        if training_data_path:
            data_file = self.spaces.path_scope(caller).resolve(
                training_data_path, what="training data", must_exist=True, expect="file"
            )
            training = files.read_training_data(data_file)
        inferred_problem, classes = folder_outputs(Path(folder))
        return self._register(
            caller,
            options,
            lambda target: files.copy_model_folder(folder, target),
            training_data=training,
            inferred_problem=inferred_problem,
            classes=classes,
            job_id=run.job_id,
        )

    def _job_holding(self, folder: Path) -> str | None:
        parents = [str(p) for p in [folder, *folder.parents]]
        with self.store.session() as session:
            return session.scalars(select(JobRow.job_id).where(JobRow.job_dir.in_(parents))).first()

    def _register(
        self,
        caller: Caller,
        options: RegistrationOptions,
        writer: Callable[[Path], None],
        *,
        training_data: Any = None,
        inferred_problem: str | None = None,
        classes: list[Any] | None = None,
        job_id: str | None = None,
    ) -> DescribeModelVersion:
        base = self._base_dir(caller, options.space_id)
        model_dir = base / MODELS_FOLDER / options.name
        model_dir.mkdir(parents=True, exist_ok=True)
        self._remove_stale_staging(model_dir)
        staging = model_dir / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        try:
            try:
                writer(staging)
            except InvalidInput:
                raise
            except Exception as exc:
                log.exception("Saving model %s failed", options.name)
                raise InvalidInput(
                    f"MLflow could not save the model: {type(exc).__name__}: {exc}",
                    code="model_save_failed",
                ) from None
            info = files.read_model_info(staging)
            baseline_file: Path | None = None
            if training_data is not None:
                baseline = files.compute_training_baseline(
                    training_data, self._baseline_columns(info)
                )
                if baseline is not None:
                    files.write_baseline(baseline, staging / files.BASELINE_FILE)
                    baseline_file = Path(files.BASELINE_FILE)
            files.fsync_tree(staging)
            model = self._ensure_model(caller, options, model_dir)
            return self._claim_version(
                caller,
                model,
                staging,
                info,
                options,
                baseline_file=baseline_file,
                problem_type=(
                    options.problem_type.value if options.problem_type else inferred_problem
                ),
                classes=classes,
                job_id=job_id,
            )
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    @staticmethod
    def _remove_stale_staging(model_dir: Path) -> None:
        """Remove staging folders that a crashed registration left behind (a day old or more)."""
        limit = time.time() - STALE_STAGING_SECONDS
        for folder in model_dir.glob(f"{STAGING_PREFIX}*"):
            with contextlib.suppress(OSError):
                if folder.stat().st_mtime < limit:
                    shutil.rmtree(folder, ignore_errors=True)

    @staticmethod
    def _baseline_columns(info: files.ModelInfo) -> list[dict[str, Any]] | None:
        """The model's named input columns, which the baseline covers (None: every column)."""
        if info.inputs and all(col.get("name") for col in info.inputs):
            return [{"name": col["name"], "type": col["type"]} for col in info.inputs]
        return None

    def _ensure_model(
        self, caller: Caller, options: RegistrationOptions, model_dir: Path
    ) -> RegisteredModelRow:
        """The model row of ``options.name`` in its scope, created on first registration."""
        scope = _scope_key(caller.username, options.space_id)
        for _attempt in range(MAX_CLAIM_ATTEMPTS):
            with self.store.session() as session:
                row = session.scalars(
                    select(RegisteredModelRow).where(
                        RegisteredModelRow.scope == scope,
                        RegisteredModelRow.name == options.name,
                    )
                ).first()
                if row is not None:
                    return row
                row = RegisteredModelRow(
                    model_id=uuid.uuid4().hex,
                    name=options.name,
                    scope=scope,
                    owner=caller.username,
                    space_id=options.space_id,
                    description=options.description,
                    tags=dict(options.tags or {}),
                    model_dir=str(model_dir),
                )
                session.add(row)
                try:
                    session.flush()
                except (IntegrityError, OperationalError) as exc:
                    session.rollback()
                    self._pause_or_raise(exc)
                    continue
                return row
        raise Conflict(
            f"Could not create model {options.name!r}: too many registrations at once; try again.",
            code="model_busy",
        )

    @staticmethod
    def _pause_or_raise(exc: Exception) -> None:
        """Back off before a retry; re-raise database errors that are not contention."""
        if isinstance(exc, OperationalError) and "locked" not in str(exc).lower():
            raise exc
        time.sleep(random.uniform(0.005, 0.05))

    def _claim_version(
        self,
        caller: Caller,
        model: RegisteredModelRow,
        staging: Path,
        info: files.ModelInfo,
        options: RegistrationOptions,
        *,
        baseline_file: Path | None,
        problem_type: str | None,
        classes: list[Any] | None,
        job_id: str | None = None,
    ) -> DescribeModelVersion:
        source, source_job_id, run_id = _parse_source(options.source)
        job_id = job_id or source_job_id
        model_dir = Path(model.model_dir)
        for _attempt in range(MAX_CLAIM_ATTEMPTS):
            with self.store.session() as session:
                latest = session.scalar(
                    select(func.max(ModelVersionRow.version)).where(
                        ModelVersionRow.model_id == model.model_id
                    )
                )
                number = (latest or 0) + 1
                target = model_dir / str(number)
                row = ModelVersionRow(
                    model_id=model.model_id,
                    version=number,
                    owner=caller.username,
                    status=ModelVersionStatus.READY.value,
                    flavor=info.flavor,
                    flavors=info.flavors,
                    problem_type=problem_type,
                    input_schema=info.inputs,
                    output={"columns": info.outputs, "classes": classes},
                    metrics=dict(options.metrics or {}),
                    tags=dict(options.tags or {}),
                    source=source,
                    job_id=job_id,
                    run_id=run_id or info.run_id,
                    mlflow_version=info.mlflow_version,
                    version_dir=str(target),
                    baseline_file=str(target / baseline_file) if baseline_file else None,
                )
                session.add(row)
                try:
                    session.flush()
                except (IntegrityError, OperationalError) as exc:
                    session.rollback()
                    if session.get(RegisteredModelRow, model.model_id) is None:
                        raise self._deleted_meanwhile(model.name) from None
                    self._pause_or_raise(exc)
                    continue
                with self._moved_into_place(staging, target):
                    parent = session.get(RegisteredModelRow, model.model_id)
                    if parent is None:  # deleted while we were writing
                        raise self._deleted_meanwhile(model.name)
                    parent.updated_at = utcnow()
                    if options.description and not parent.description:
                        parent.description = options.description
                    session.commit()
                return self._describe_version(parent, row)
        raise Conflict(
            f"Could not number a new version of {model.name!r}: too many registrations at once; "
            "try again.",
            code="model_busy",
        )

    @staticmethod
    def _deleted_meanwhile(name: str) -> Conflict:
        return Conflict(
            f"Model {name!r} was deleted during the registration: register again.",
            code="model_deleted",
        )

    @contextlib.contextmanager
    def _moved_into_place(self, staging: Path, target: Path) -> Iterator[None]:
        """Rename the staging folder to the version folder; rename it back if the body fails."""
        if target.exists():  # left by a crash between rename and commit: nobody owns it
            orphan = self._trash_dir() / f"{utcnow():%Y%m%dT%H%M%S}-orphan-{uuid.uuid4().hex[:6]}"
            shutil.move(str(target), str(orphan))
        os.rename(staging, target)
        try:
            yield
        except BaseException:
            with contextlib.suppress(OSError):
                os.rename(target, staging)
            raise

    # ------------------------------------------------------------- reading
    def list_models(
        self, caller: Caller, query: ListModelsQuery | None = None
    ) -> ListModelsResponse:
        """Models the caller may see, by name, filtered and paginated."""
        query = query or ListModelsQuery()
        offset = page_offset(query.next_token)
        conditions: list[Any] = []
        visible = self._visible_filter(caller)
        if visible is not None:
            conditions.append(visible)
        if query.space_id:
            conditions.append(RegisteredModelRow.space_id == query.space_id)
        if query.home is True:
            conditions.append(RegisteredModelRow.space_id.is_(None))
        elif query.home is False:
            conditions.append(RegisteredModelRow.space_id.is_not(None))
        if query.name_contains:
            conditions.append(
                func.lower(RegisteredModelRow.name).contains(query.name_contains.lower())
            )
        if query.owner:
            conditions.append(RegisteredModelRow.owner == query.owner)
        where = and_(*conditions) if conditions else None
        with self.store.session() as session:
            count_query = select(func.count()).select_from(RegisteredModelRow)
            page_query = select(RegisteredModelRow)
            if where is not None:
                count_query, page_query = count_query.where(where), page_query.where(where)
            total = session.scalar(count_query) or 0
            rows = session.scalars(
                page_query.order_by(
                    RegisteredModelRow.name,
                    RegisteredModelRow.space_id.is_not(None),
                    RegisteredModelRow.model_id,
                )
                .offset(offset)
                .limit(query.limit)
            ).all()
            stats = self._version_stats(session, [row.model_id for row in rows])
            items = [self._describe_model(row, *stats.get(row.model_id, (None, 0))) for row in rows]
        return ListModelsResponse(
            items=items,
            next_token=next_page_token(offset, len(rows), total),
            total_count=total,
        )

    def get_model(self, caller: Caller, name: str, *, space_id: str | None = None) -> DescribeModel:
        """Describe the model ``name`` (see :meth:`_find_model` for how a name is found)."""
        with self.store.session() as session:
            return self._describe_one(session, self._find_model(session, caller, name, space_id))

    def update_model(
        self,
        caller: Caller,
        name: str,
        body: UpdateModel | Mapping[str, Any],
        *,
        space_id: str | None = None,
    ) -> DescribeModel:
        """Change a model's description or tags (tags are replaced); members of its space may."""
        if not isinstance(body, UpdateModel):
            body = parse_model(UpdateModel, dict(body), "model update")
        with self.store.session() as session:
            row = self._find_model(session, caller, name, space_id)
            if body.description is not None:
                row.description = body.description
            if body.tags is not None:
                row.tags = dict(body.tags)
            row.updated_at = utcnow()
            session.flush()
            return self._describe_one(session, row)

    def list_versions(
        self, caller: Caller, name: str, *, space_id: str | None = None
    ) -> list[DescribeModelVersion]:
        """The versions of a model, newest first (deleted versions are left out)."""
        with self.store.session() as session:
            model = self._find_model(session, caller, name, space_id)
            rows = session.scalars(
                select(ModelVersionRow)
                .where(
                    ModelVersionRow.model_id == model.model_id,
                    ModelVersionRow.status == ModelVersionStatus.READY.value,
                )
                .order_by(ModelVersionRow.version.desc())
            ).all()
            return [self._describe_version(model, row) for row in rows]

    def get_version(
        self, caller: Caller, name: str, version: int | None = None, *, space_id: str | None = None
    ) -> DescribeModelVersion:
        """Describe one version (default: the latest)."""
        with self.store.session() as session:
            model = self._find_model(session, caller, name, space_id)
            return self._describe_version(model, self._version_row(session, model, version))

    def resolve_version(
        self, caller: Caller, name: str, version: int | None = None, *, space_id: str | None = None
    ) -> ResolvedVersion:
        """The disk folder and schema of a version (default: the latest) for loading it.

        Raises 404 for an unknown model or version and 409 when the version's files are gone or
        damaged (no MLmodel file), so nothing tries to serve a broken folder.
        """
        describe = self.get_version(caller, name, version, space_id=space_id)
        with self.store.session() as session:
            row = session.get(ModelVersionRow, (describe.model_id, describe.version))
            assert row is not None
            model_dir, baseline = Path(row.version_dir), row.baseline_file
        if not files.is_mlflow_model(model_dir):
            raise Conflict(
                f"The files of model {name!r} version {describe.version} are missing or damaged "
                f"(no MLmodel in {describe.path or model_dir.name!r}): register the model again.",
                code="model_files_missing",
            )
        baseline_path = Path(baseline) if baseline and Path(baseline).is_file() else None
        return ResolvedVersion(
            model_dir=model_dir,
            baseline_path=baseline_path,
            input_schema=describe.input_schema,
            describe=describe,
        )

    # ------------------------------------------------------------ deleting
    def delete_version(
        self, caller: Caller, name: str, version: int, *, space_id: str | None = None
    ) -> Path:
        """Delete a version: its folder moves to the domain trash and its number is never reused.

        The model's owner, the version's owner and administrators may; a version that an endpoint
        serves is refused (409) until the endpoint is updated or deleted. Returns the trash path.
        """
        with self.store.session() as session:
            model = self._find_model(session, caller, name, space_id)
            row = self._version_row(session, model, version)
            self._require_owner(caller, model, f"delete version {version}", row.owner)
            serving = self._serving_endpoints(session, model, version)
            if serving:
                raise Conflict(
                    f"{name!r} version {version} is served by endpoint(s) {', '.join(serving)}: "
                    "update them to another version or delete them first.",
                    code="model_version_in_use",
                )
            stamp = utcnow()
            trash = self._trash_dir() / (
                f"{stamp:%Y%m%dT%H%M%S}-model-{model.name}-v{version}-{uuid.uuid4().hex[:6]}"
            )
            source = Path(row.version_dir)
            if source.exists():
                shutil.move(str(source), str(trash))
            row.status = ModelVersionStatus.DELETED.value
            row.deleted_at = stamp
            row.trash_path = str(trash)
            model.updated_at = stamp
            return trash

    def delete_model(self, caller: Caller, name: str, *, space_id: str | None = None) -> Path:
        """Delete a model and all its versions: its folder moves to the domain trash.

        The model's owner and administrators may; refused (409) while an endpoint serves it.
        Returns the trash path.
        """
        with self.store.session() as session:
            model = self._find_model(session, caller, name, space_id)
            self._require_owner(caller, model, "delete it")
            serving = self._serving_endpoints(session, model, None)
            if serving:
                raise Conflict(
                    f"Model {name!r} is served by endpoint(s) {', '.join(serving)}: "
                    "update them to another model or delete them first.",
                    code="model_in_use",
                )
            trash = self._trash_dir() / (
                f"{utcnow():%Y%m%dT%H%M%S}-model-{model.name}-{uuid.uuid4().hex[:6]}"
            )
            source = Path(model.model_dir)
            if source.exists():
                shutil.move(str(source), str(trash))
            for version in session.scalars(
                select(ModelVersionRow).where(ModelVersionRow.model_id == model.model_id)
            ).all():
                session.delete(version)
            session.flush()
            session.delete(model)
            return trash
