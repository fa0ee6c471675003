"""Store table of the model hub: licenses accepted by user profiles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..store.orm import Base, UTCDateTime, utcnow


class LicenseAcceptanceRow(Base):
    """A profile accepted a model's license; ``(profile, model_id)`` is the key (accepting twice
    keeps the first time)."""

    __tablename__ = "modelhub_license_acceptances"

    profile: Mapped[str] = mapped_column(String(200), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    license: Mapped[str] = mapped_column(String(100))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
