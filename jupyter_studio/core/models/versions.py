"""Writing a new model version: save it in a staging folder, then claim the next number.

A version is written to a hidden staging folder first and renamed into place in the transaction
that claims its number, so a reader never sees half a model. The number is the primary key with
the model's id: two registrations of the same name at once both insert, one hits the key and
retries with the next number (on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..errors import Conflict, InvalidInput
from ..spaces.service import Caller
from ..store.orm import utcnow
from . import files
from .access import ModelAccess, scope_key
from .schemas import DescribeModelVersion, ModelVersionStatus, RegistrationOptions
from .tables import ModelVersionRow, RegisteredModelRow

__all__ = [
    "MAX_CLAIM_ATTEMPTS",
    "MODELS_FOLDER",
    "STAGING_PREFIX",
    "STALE_STAGING_SECONDS",
    "VersionWriter",
]

log = logging.getLogger(__name__)

MODELS_FOLDER = "models"
STAGING_PREFIX = ".staging-"
MAX_CLAIM_ATTEMPTS = 50
STALE_STAGING_SECONDS = 24 * 3600


def parse_source(source: str | None) -> tuple[str, str | None, str | None]:
    """``(source, job_id, run_id)`` from ``'python'``, ``'job:<id>'``, ``'run:<id>'``, ..."""
    text = (source or "python").strip() or "python"
    kind, _, ident = text.partition(":")
    job_id = ident if kind == "job" and ident else None
    run_id = ident if kind == "run" and ident else None
    return text, job_id, run_id


class VersionWriter:
    """Save a model as the next version of a registered model (creating the model if new)."""

    def __init__(self, access: ModelAccess):
        self.access = access

    def write(
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
        """Save with ``writer(folder)``, add the training baseline, and claim a version number."""
        base = self.access.base_dir(caller, options.space_id)
        model_dir = base / MODELS_FOLDER / options.name
        model_dir.mkdir(parents=True, exist_ok=True)
        self._remove_stale_staging(model_dir)
        staging = model_dir / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        try:
            info = self._save(options, writer, staging)
            baseline_file = self._save_baseline(training_data, info, staging)
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
    def _save(
        options: RegistrationOptions, writer: Callable[[Path], None], staging: Path
    ) -> files.ModelInfo:
        """Run the writer into the staging folder; a failure that is not ours becomes a 400."""
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
        return files.read_model_info(staging)

    @staticmethod
    def _save_baseline(training_data: Any, info: files.ModelInfo, staging: Path) -> Path | None:
        """Write the monitoring baseline of the training data beside the model, if there is one."""
        if training_data is None:
            return None
        baseline = files.compute_training_baseline(
            training_data, VersionWriter._baseline_columns(info)
        )
        if baseline is None:
            return None
        files.write_baseline(baseline, staging / files.BASELINE_FILE)
        return Path(files.BASELINE_FILE)

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
        scope = scope_key(caller.username, options.space_id)
        for _attempt in range(MAX_CLAIM_ATTEMPTS):
            with self.access.store.session() as session:
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
                    _pause_or_raise(exc)
                    continue
                return row
        raise Conflict(
            f"Could not create model {options.name!r}: too many registrations at once; try again.",
            code="model_busy",
        )

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
        """Insert the next version number and rename the staging folder to it, retrying on a race."""
        source, source_job_id, run_id = parse_source(options.source)
        job_id = job_id or source_job_id
        model_dir = Path(model.model_dir)
        for _attempt in range(MAX_CLAIM_ATTEMPTS):
            with self.access.store.session() as session:
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
                        raise _deleted_meanwhile(model.name) from None
                    _pause_or_raise(exc)
                    continue
                with self._moved_into_place(staging, target):
                    parent = session.get(RegisteredModelRow, model.model_id)
                    if parent is None:  # deleted while we were writing
                        raise _deleted_meanwhile(model.name)
                    parent.updated_at = utcnow()
                    if options.description and not parent.description:
                        parent.description = options.description
                    session.commit()
                return self.access.describe_version(parent, row)
        raise Conflict(
            f"Could not number a new version of {model.name!r}: too many registrations at once; "
            "try again.",
            code="model_busy",
        )

    @contextlib.contextmanager
    def _moved_into_place(self, staging: Path, target: Path) -> Iterator[None]:
        """Rename the staging folder to the version folder; rename it back if the body fails."""
        if target.exists():  # left by a crash between rename and commit: nobody owns it
            orphan = (
                self.access.trash_dir() / f"{utcnow():%Y%m%dT%H%M%S}-orphan-{uuid.uuid4().hex[:6]}"
            )
            shutil.move(str(target), str(orphan))
        os.rename(staging, target)
        try:
            yield
        except BaseException:
            with contextlib.suppress(OSError):
                os.rename(target, staging)
            raise


def _pause_or_raise(exc: Exception) -> None:
    """Back off before a retry; re-raise database errors that are not contention."""
    if isinstance(exc, OperationalError) and "locked" not in str(exc).lower():
        raise exc
    time.sleep(random.uniform(0.005, 0.05))


def _deleted_meanwhile(name: str) -> Conflict:
    return Conflict(
        f"Model {name!r} was deleted during the registration: register again.",
        code="model_deleted",
    )
