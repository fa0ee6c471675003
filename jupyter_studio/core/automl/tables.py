"""Store table of AutoML experiments: a unique name in the domain, its job and auto-deploy state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..store.orm import Base, UTCDateTime, utcnow


class AutoMLExperimentRow(Base):
    __tablename__ = "automl_experiments"

    experiment_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    job_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    space_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    tags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Deploy the best candidate to this endpoint when the job completes (None: do not).
    auto_deploy_endpoint: Mapped[str | None] = mapped_column(String(63), nullable=True)
    #: None (not yet), Deploying (claimed by a server), Deployed, Failed or Skipped.
    deploy_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    deploy_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    deploy_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
