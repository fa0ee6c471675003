"""Reading the registry: list and describe models and versions, change a model's description.

:meth:`ModelQueries.resolve_version` is what endpoints, batch transform and monitoring use to load
a version from disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select

from ..errors import Conflict
from ..paging import next_page_token, page_offset
from ..spaces.service import Caller
from ..store.orm import utcnow
from ..validation import parse_model
from . import files
from .access import ModelAccess
from .schemas import (
    DescribeModel,
    DescribeModelVersion,
    InputColumn,
    ListModelsQuery,
    ListModelsResponse,
    ModelVersionStatus,
    UpdateModel,
)
from .tables import ModelVersionRow, RegisteredModelRow

__all__ = ["ModelQueries", "ResolvedVersion"]


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


def _list_conditions(visible: Any, query: ListModelsQuery) -> Any:
    """The WHERE clause of a model listing (None: every model)."""
    conditions: list[Any] = []
    if visible is not None:
        conditions.append(visible)
    if query.space_id:
        conditions.append(RegisteredModelRow.space_id == query.space_id)
    if query.home is True:
        conditions.append(RegisteredModelRow.space_id.is_(None))
    elif query.home is False:
        conditions.append(RegisteredModelRow.space_id.is_not(None))
    if query.name_contains:
        conditions.append(func.lower(RegisteredModelRow.name).contains(query.name_contains.lower()))
    if query.owner:
        conditions.append(RegisteredModelRow.owner == query.owner)
    return and_(*conditions) if conditions else None


class ModelQueries:
    """List, describe and update models and versions as a caller may see them."""

    def __init__(self, access: ModelAccess):
        self.access = access

    def list_models(self, caller: Caller, query: ListModelsQuery) -> ListModelsResponse:
        """Models the caller may see, by name, filtered and paginated."""
        offset = page_offset(query.next_token)
        where = _list_conditions(self.access.visible_filter(caller), query)
        with self.access.store.session() as session:
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
            stats = self.access.version_stats(session, [row.model_id for row in rows])
            items = [
                self.access.describe_model(row, *stats.get(row.model_id, (None, 0))) for row in rows
            ]
        return ListModelsResponse(
            items=items,
            next_token=next_page_token(offset, len(rows), total),
            total_count=total,
        )

    def get_model(self, caller: Caller, name: str, space_id: str | None) -> DescribeModel:
        """Describe the model ``name``."""
        with self.access.store.session() as session:
            row = self.access.find_model(session, caller, name, space_id)
            return self.access.describe_one(session, row)

    def update_model(
        self,
        caller: Caller,
        name: str,
        body: UpdateModel | Mapping[str, Any],
        space_id: str | None,
    ) -> DescribeModel:
        """Change a model's description or tags (tags are replaced)."""
        if not isinstance(body, UpdateModel):
            body = parse_model(UpdateModel, dict(body), "model update")
        with self.access.store.session() as session:
            row = self.access.find_model(session, caller, name, space_id)
            if body.description is not None:
                row.description = body.description
            if body.tags is not None:
                row.tags = dict(body.tags)
            row.updated_at = utcnow()
            session.flush()
            return self.access.describe_one(session, row)

    def list_versions(
        self, caller: Caller, name: str, space_id: str | None
    ) -> list[DescribeModelVersion]:
        """The versions of a model, newest first (deleted versions are left out)."""
        with self.access.store.session() as session:
            model = self.access.find_model(session, caller, name, space_id)
            rows = session.scalars(
                select(ModelVersionRow)
                .where(
                    ModelVersionRow.model_id == model.model_id,
                    ModelVersionRow.status == ModelVersionStatus.READY.value,
                )
                .order_by(ModelVersionRow.version.desc())
            ).all()
            return [self.access.describe_version(model, row) for row in rows]

    def get_version(
        self, caller: Caller, name: str, version: int | None, space_id: str | None
    ) -> DescribeModelVersion:
        """Describe one version (default: the latest)."""
        with self.access.store.session() as session:
            model = self.access.find_model(session, caller, name, space_id)
            row = self.access.version_row(session, model, version)
            return self.access.describe_version(model, row)

    def resolve_version(
        self, caller: Caller, name: str, version: int | None, space_id: str | None
    ) -> ResolvedVersion:
        """The disk folder and schema of a version; 409 when its files are gone or damaged."""
        describe = self.get_version(caller, name, version, space_id)
        with self.access.store.session() as session:
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
