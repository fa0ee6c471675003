"""Store tables of the model registry: registered models and their numbered versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..store.orm import Base, UTCDateTime, utcnow


class RegisteredModelRow(Base):
    """A named model in one scope: a space (``space:<id>``) or a user's home (``user:<name>``)."""

    __tablename__ = "registered_models"
    __table_args__ = (
        UniqueConstraint("scope", "name", name="uq_registered_models_scope_name"),
        Index("ix_registered_models_owner", "owner"),
        Index("ix_registered_models_space_id", "space_id"),
    )

    model_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(63))
    #: ``space:<space_id>`` or ``user:<username>``: names are unique per scope.
    scope: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    space_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Disk path of ``<space or home>/models/<name>``.
    model_dir: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModelVersionRow(Base):
    """One version; ``(model_id, version)`` is the key, so two registrations never share a number.

    A deleted version keeps its row (status ``Deleted``) so its number is never given again.
    """

    __tablename__ = "model_versions"

    model_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("registered_models.model_id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    owner: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    flavor: Mapped[str] = mapped_column(String(100))
    flavors: Mapped[list[str]] = mapped_column(JSON, default=list)
    problem_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    input_schema: Mapped[list[Any]] = mapped_column(JSON, default=list)
    output: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(500))
    job_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mlflow_version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: Disk path of the version's MLflow model folder.
    version_dir: Mapped[str] = mapped_column(Text)
    #: Disk path of the training-data baseline JSON, when there is one.
    baseline_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    trash_path: Mapped[str | None] = mapped_column(Text, nullable=True)
