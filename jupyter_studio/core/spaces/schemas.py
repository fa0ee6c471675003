"""Domain, user profile and space models."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ..schemas import MAX_RUNTIME_LIMIT_SECONDS, StrictBool, StrictFloat

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$"
#: A space name: no slashes or control characters, something besides spaces and dots.
SPACE_NAME_PATTERN = r"^[^/\\\x00-\x1f]*[^./\\\x00-\x20][^/\\\x00-\x1f]*$"
Username = Annotated[str, StringConstraints(pattern=USERNAME_PATTERN)]


class SpaceKind(str, Enum):
    PRIVATE = "private"
    SHARED = "shared"


def _clean_name(value: str) -> str:
    value = value.strip(" ")
    if not value:
        raise ValueError("the name may not be empty")
    if any(ord(ch) < 32 for ch in value) or "/" in value or "\\" in value:
        raise ValueError("the name may not contain slashes or control characters")
    if value in {".", ".."}:
        raise ValueError("the name may not be '.' or '..'")
    return value


class ProfileSettings(BaseModel):
    """Per-user defaults, set by domain administrators (domain-wide defaults: ``c.Studio.default_user_settings``).

    Each feature adds its own settings here; every one is optional (None: use the domain default).
    """

    model_config = ConfigDict(extra="forbid")

    default_max_runtime_seconds: StrictFloat | None = Field(
        default=None,
        gt=0,
        le=MAX_RUNTIME_LIMIT_SECONDS,
        description="Runtime limit in seconds of this user's jobs that set none "
        f"(at most {MAX_RUNTIME_LIMIT_SECONDS} s, i.e. 7 days).",
    )

    @classmethod
    def lenient(cls, raw: dict[str, Any] | None) -> ProfileSettings:
        """Settings stored before validation existed: keep the valid fields, drop the rest."""
        values: dict[str, Any] = {}
        for key, value in (raw or {}).items():
            if key not in cls.model_fields:
                continue
            try:
                cls.model_validate({key: value})
            except ValueError:
                continue
            values[key] = value
        return cls.model_validate(values)

    def overlay(self, other: ProfileSettings) -> ProfileSettings:
        """These settings with every field that ``other`` sets (not None) taking precedence."""
        return self.model_copy(update=other.model_dump(exclude_none=True))


class DescribeDomain(BaseModel):
    domain_id: str
    name: str
    domain_root: str = Field(description="Disk path of the domain root folder.")
    store: str = Field(description="Kind of metadata store (sqlite, postgresql, ...).")
    default_settings: ProfileSettings


class CreateProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: str | None = Field(default=None, max_length=200)
    is_admin: StrictBool = False
    settings: ProfileSettings = Field(default_factory=ProfileSettings)


class UpdateProfile(BaseModel):
    """Changes to a profile; in ``settings`` only the fields sent change (send null to clear one)."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, max_length=200)
    is_admin: StrictBool | None = None
    settings: ProfileSettings | None = None


class DescribeProfile(BaseModel):
    username: str
    display_name: str
    is_admin: bool
    home_path: str | None = Field(description="File-browser path of the user's home folder.")
    settings: ProfileSettings
    created_at: datetime


class CreateSpace(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        # a private space (the default kind) has no members: the document says so too
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "private"}}},
            "then": {"properties": {"members": {"maxItems": 0}}},
        },
    )

    name: str = Field(min_length=1, max_length=120, pattern=SPACE_NAME_PATTERN)
    kind: SpaceKind = SpaceKind.PRIVATE
    members: list[Username] = Field(default_factory=list, max_length=500)

    _name = field_validator("name")(_clean_name)

    @field_validator("members")
    @classmethod
    def _check_members(cls, value: list[str]) -> list[str]:
        import re

        for username in value:
            if not re.match(USERNAME_PATTERN, username):
                raise ValueError(f"{username!r} is not a valid username")
        return sorted(set(value))


class UpdateSpace(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120, pattern=SPACE_NAME_PATTERN)

    _name = field_validator("name")(_clean_name)


class AddMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN)


class DescribeSpace(BaseModel):
    space_id: str
    name: str
    kind: SpaceKind
    owner: str
    members: list[str]
    path: str | None = Field(
        description="File-browser path of the space folder (null if outside the file browser)."
    )
    created_at: datetime
    updated_at: datetime
