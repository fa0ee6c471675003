"""Store tables of domains, user profiles and spaces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..store.orm import Base, UTCDateTime, utcnow


class DomainRow(Base):
    __tablename__ = "domains"

    domain_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    root_dir: Mapped[str] = mapped_column(String(1024), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserProfileRow(Base):
    __tablename__ = "user_profiles"

    username: Mapped[str] = mapped_column(String(200), primary_key=True)
    domain_id: Mapped[str] = mapped_column(ForeignKey("domains.domain_id"))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SpaceRow(Base):
    __tablename__ = "spaces"

    space_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    domain_id: Mapped[str] = mapped_column(ForeignKey("domains.domain_id"))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    trash_path: Mapped[str | None] = mapped_column(Text, nullable=True)

    members: Mapped[list[SpaceMemberRow]] = relationship(
        back_populates="space", cascade="all, delete-orphan", lazy="selectin"
    )


class SpaceMemberRow(Base):
    __tablename__ = "space_members"

    space_id: Mapped[str] = mapped_column(ForeignKey("spaces.space_id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(200), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    space: Mapped[SpaceRow] = relationship(back_populates="members")
