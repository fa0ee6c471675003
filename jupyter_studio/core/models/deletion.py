"""Deleting model versions and models: their folders move to the domain trash.

A version's number is never reused (its row stays, marked deleted); a model's rows go. Both are
refused while an endpoint serves what would be deleted.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from sqlalchemy import select

from ..errors import Conflict
from ..spaces.service import Caller
from ..store.orm import utcnow
from .access import ModelAccess
from .schemas import ModelVersionStatus
from .tables import ModelVersionRow

__all__ = ["ModelDeletion"]


def _move_to(source: Path, trash: Path) -> None:
    """Move a folder (if it is still there) into the trash."""
    if source.exists():
        shutil.move(str(source), str(trash))


def _refuse_if_served(serving: list[str], what: str, other: str, code: str) -> None:
    """409 when endpoints serve what would be deleted (``other``: "version" or "model")."""
    if serving:
        raise Conflict(
            f"{what} is served by endpoint(s) {', '.join(serving)}: "
            f"update them to another {other} or delete them first.",
            code=code,
        )


class ModelDeletion:
    """Delete versions and models (owners and administrators only)."""

    def __init__(self, access: ModelAccess):
        self.access = access

    def delete_version(self, caller: Caller, name: str, version: int, space_id: str | None) -> Path:
        """Delete one version; returns its trash path."""
        access = self.access
        with access.store.session() as session:
            model = access.find_model(session, caller, name, space_id)
            row = access.version_row(session, model, version)
            access.require_owner(caller, model, f"delete version {version}", row.owner)
            _refuse_if_served(
                access.serving_endpoints(session, model, version),
                f"{name!r} version {version}",
                "version",
                "model_version_in_use",
            )
            stamp = utcnow()
            trash = access.trash_dir() / (
                f"{stamp:%Y%m%dT%H%M%S}-model-{model.name}-v{version}-{uuid.uuid4().hex[:6]}"
            )
            _move_to(Path(row.version_dir), trash)
            row.status = ModelVersionStatus.DELETED.value
            row.deleted_at = stamp
            row.trash_path = str(trash)
            model.updated_at = stamp
            return trash

    def delete_model(self, caller: Caller, name: str, space_id: str | None) -> Path:
        """Delete a model and all its versions; returns its trash path."""
        access = self.access
        with access.store.session() as session:
            model = access.find_model(session, caller, name, space_id)
            access.require_owner(caller, model, "delete it")
            _refuse_if_served(
                access.serving_endpoints(session, model, None),
                f"Model {name!r}",
                "model",
                "model_in_use",
            )
            trash = access.trash_dir() / (
                f"{utcnow():%Y%m%dT%H%M%S}-model-{model.name}-{uuid.uuid4().hex[:6]}"
            )
            _move_to(Path(model.model_dir), trash)
            for version in session.scalars(
                select(ModelVersionRow).where(ModelVersionRow.model_id == model.model_id)
            ).all():
                session.delete(version)
            session.flush()
            session.delete(model)
            return trash
