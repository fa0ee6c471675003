"""Finding models and versions for a caller, checking what they may do, and describing rows.

Every part of the registry (registration, queries, deletion) looks models up through
:class:`ModelAccess`, so the visibility rules live in one place: a model in a space is seen by the
space's members, a home model by its owner, every model by domain administrators.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..endpoints.tables import EndpointRow
from ..errors import Conflict, Forbidden, NotFound
from ..spaces.paths import contents_path
from ..spaces.service import Caller, SpaceService
from ..store import Store
from .schemas import (
    DescribeModel,
    DescribeModelVersion,
    InputColumn,
    ModelOutput,
    ModelVersionStatus,
    ProblemType,
)
from .tables import ModelVersionRow, RegisteredModelRow

__all__ = ["ENDPOINT_LIVE_STATUSES", "ModelAccess", "scope_key"]

#: Endpoint statuses in which an endpoint holds on to the version it serves.
ENDPOINT_LIVE_STATUSES = ("Creating", "InService", "Updating", "Failed")


def scope_key(owner: str, space_id: str | None) -> str:
    """The scope a model name is unique in: its space, or its owner's home."""
    return f"space:{space_id}" if space_id else f"user:{owner}"


class ModelAccess:
    """Look models and versions up as a caller may see them, and describe them."""

    def __init__(self, store: Store, spaces: SpaceService, domain_root: Path):
        self.store = store
        self.spaces = spaces
        self.domain_root = domain_root

    # ------------------------------------------------------------ folders
    @property
    def contents_root(self) -> Path:
        """The folder the file browser shows (paths in descriptions are relative to it)."""
        return self.spaces.contents_root

    def trash_dir(self) -> Path:
        """The domain trash folder (created on first use)."""
        trash = self.domain_root / ".trash"
        trash.mkdir(parents=True, exist_ok=True)
        return trash

    def base_dir(self, caller: Caller, space_id: str | None) -> Path:
        """The folder models are registered under: the space's folder or the caller's home."""
        if space_id:
            return self.spaces.space_path(caller, space_id)
        self.spaces.ensure_profile(caller.username)
        return self.spaces.home_dir(caller.username)

    # --------------------------------------------------------- visibility
    def member_spaces(self, caller: Caller) -> set[str]:
        """The ids of the spaces the caller belongs to."""
        return self.spaces.member_space_ids(caller.username)

    def visible_filter(self, caller: Caller) -> Any:
        """Models the caller may see: their own, their spaces' (all for administrators)."""
        if caller.is_admin:
            return None
        spaces = self.member_spaces(caller)
        own = RegisteredModelRow.owner == caller.username
        return or_(own, RegisteredModelRow.space_id.in_(spaces)) if spaces else own

    def can_see(self, caller: Caller, row: RegisteredModelRow) -> bool:
        """Whether the caller may see this model."""
        if caller.is_admin or row.owner == caller.username:
            return True
        return bool(row.space_id) and row.space_id in self.member_spaces(caller)

    def check_space(self, caller: Caller, space_id: str) -> None:
        """403/404 for a space the caller may not use (administrators may read any)."""
        if caller.is_admin and space_id not in self.member_spaces(caller):
            return
        self.spaces.get_space(caller, space_id)

    def require_owner(
        self, caller: Caller, model: RegisteredModelRow, action: str, version_owner: str = ""
    ) -> None:
        """403 unless the caller owns the model (or ``version_owner``'s version) or is an admin."""
        if caller.is_admin or caller.username in (model.owner, version_owner):
            return
        raise Forbidden(
            f"Only {model.owner!r} (the owner of model {model.name!r}) or a domain administrator "
            f"may {action}.",
            code="model_owner_only",
        )

    # -------------------------------------------------------------- lookup
    def find_model(
        self, session: Session, caller: Caller, name: str, space_id: str | None
    ) -> RegisteredModelRow:
        """The model called ``name``: in ``space_id`` if given, else the caller's home model of
        that name, else the only one among the spaces the caller belongs to (or, for an
        administrator, in the domain)."""
        if space_id:
            row = session.scalars(
                select(RegisteredModelRow).where(
                    RegisteredModelRow.scope == scope_key(caller.username, space_id),
                    RegisteredModelRow.name == name,
                )
            ).first()
            if row is not None and self.can_see(caller, row):
                return row
            self.check_space(caller, space_id)  # 403 or 404 for a space the caller may not use
            raise NotFound(
                f"No model named {name!r} in this space: list models to see their names.",
                code="model_not_found",
            )
        candidates = list(
            session.scalars(select(RegisteredModelRow).where(RegisteredModelRow.name == name)).all()
        )
        home = [row for row in candidates if row.scope == scope_key(caller.username, None)]
        if home:
            return home[0]
        spaces = self.member_spaces(caller)
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

    def version_row(
        self, session: Session, model: RegisteredModelRow, version: int | None
    ) -> ModelVersionRow:
        """A ready version of the model (default: the latest); 404 when there is none."""
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

    def serving_endpoints(
        self, session: Session, model: RegisteredModelRow, version: int | None
    ) -> list[str]:
        """The live endpoints that serve the model (``version`` of it, or any version)."""
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

    # ---------------------------------------------------------- describing
    def describe_model(
        self, row: RegisteredModelRow, latest: int | None, count: int
    ) -> DescribeModel:
        """The API view of a model row, given its latest version and version count."""
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

    @staticmethod
    def version_stats(session: Session, model_ids: list[str]) -> dict[str, tuple[int, int]]:
        """``model_id -> (latest version, number of versions)``, ready versions only."""
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

    def describe_one(self, session: Session, row: RegisteredModelRow) -> DescribeModel:
        """The API view of one model, with its version statistics."""
        latest, count = self.version_stats(session, [row.model_id]).get(row.model_id, (None, 0))
        return self.describe_model(row, latest, count)

    def describe_version(
        self, model: RegisteredModelRow, row: ModelVersionRow
    ) -> DescribeModelVersion:
        """The API view of a version row (paths only for a ready version)."""
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
