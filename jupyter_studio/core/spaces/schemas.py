"""Domain, user profile and space models."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

T = TypeVar("T")

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$"


class SpaceKind(str, Enum):
    PRIVATE = "private"
    SHARED = "shared"


def _clean_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("the name may not be empty")
    if any(ord(ch) < 32 for ch in value) or "/" in value or "\\" in value:
        raise ValueError("the name may not contain slashes or control characters")
    if value in {".", ".."}:
        raise ValueError("the name may not be '.' or '..'")
    return value


class DescribeDomain(BaseModel):
    domain_id: str
    name: str
    root_dir: str
    store: str
    default_settings: dict[str, Any]


class CreateProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: str | None = Field(default=None, max_length=200)
    is_admin: bool = False
    settings: dict[str, Any] = Field(default_factory=dict)


class UpdateProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, max_length=200)
    is_admin: bool | None = None
    settings: dict[str, Any] | None = None


class DescribeProfile(BaseModel):
    username: str
    display_name: str
    is_admin: bool
    home_path: str | None
    settings: dict[str, Any]
    created_at: datetime


class CreateSpace(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    kind: SpaceKind = SpaceKind.PRIVATE
    members: list[str] = Field(default_factory=list, max_length=500)

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

    name: str = Field(min_length=1, max_length=120)

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
        description="Contents path of the space folder (open it in the file browser)."
    )
    created_at: datetime
    updated_at: datetime
