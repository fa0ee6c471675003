"""What every Python client class shares: the Studio it talks to and the user it acts as."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.studio import Studio

if TYPE_CHECKING:
    from .core.spaces.service import Caller


class UserClient:
    """A client acting as ``user`` (default: the current user) on ``studio`` (default: this
    process's domain)."""

    def __init__(self, studio: Any = None, *, user: str | None = None):
        self.studio = Studio() if studio is None else studio
        self.user = user

    @property
    def caller(self) -> Caller:
        """Who calls (the default user unless ``user`` was given)."""
        return self.studio.caller(self.user)
