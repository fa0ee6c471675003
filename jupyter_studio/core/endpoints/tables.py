"""Store table of endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..store.orm import Base, UTCDateTime, utcnow


class EndpointRow(Base):
    __tablename__ = "endpoints"

    endpoint_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    space_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    model_name: Mapped[str] = mapped_column(String(63))
    model_version: Mapped[int] = mapped_column(Integer)
    instance_count: Mapped[int] = mapped_column(Integer, default=1)
    capture_percent: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16))
    status_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    endpoint_dir: Mapped[str] = mapped_column(Text)
    #: Bumped on every launch; a launch claims the next generation (no two supervisors race).
    generation: Mapped[int] = mapped_column(Integer, default=0)
    restarts: Mapped[int] = mapped_column(Integer, default=0)
    # The serving process.
    port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pid_started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: A process being started (create, update, restart) before it takes over:
    #: {generation, port, pid, pid_started_at, host, model_version, model_name, started_at}.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
