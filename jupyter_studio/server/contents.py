"""A contents manager that keeps the file browser inside the caller's spaces.

Use it when the Jupyter contents root contains a shared domain root (JupyterHub):
``c.ServerApp.contents_manager_class = "jupyter_studio.server.contents.StudioContentsManager"``.
Inside the domain root a user sees and opens only their home and the spaces they
belong to; other homes and spaces are hidden from listings and answer 403.
This guards Jupyter's file API. Kernels and terminals run as an operating-system
user: give each hub user their own account (or container) for isolation there.
"""

from __future__ import annotations

import errno
import time
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web

from ..core.spaces.paths import PathScope, is_within
from .handlers.base import STUDIO_SETTINGS_KEY

SCOPE_CACHE_SECONDS = 2.0


class ForbiddenPath(PermissionError, web.HTTPError):
    """403 for a request, and an EACCES OSError so directory listings skip the entry."""

    def __init__(self, path: str):
        PermissionError.__init__(self, errno.EACCES, "Permission denied", path)
        # No format args: tornado would %-format the message, and paths may contain '%'.
        web.HTTPError.__init__(self, 403, f"You are not a member of the space that holds {path!r}.")

    def __str__(self) -> str:
        return f"HTTP 403: Forbidden (not a member of the space that holds {self.filename!r})"


class StudioContentsManager(AsyncLargeFileManager):
    """The default file manager, restricted to the caller's part of the domain."""

    _scope: PathScope | None = None
    _scope_time: float = 0.0
    _scope_generation: int = -1
    _artifact_answers: dict[tuple[str, ...], bool] = {}

    def _studio_scope(self) -> PathScope | None:
        now = time.monotonic()
        web_app = getattr(self.parent, "web_app", None)
        settings = getattr(web_app, "settings", {}) if web_app is not None else {}
        studio_settings = settings.get(STUDIO_SETTINGS_KEY)
        if not studio_settings:
            return None  # Studio not loaded yet: nothing to restrict against
        studio = studio_settings["studio"]
        generation = studio.spaces.generation  # bumped by this server's own space changes
        if (
            self._scope is not None
            and generation == self._scope_generation
            and now - self._scope_time < SCOPE_CACHE_SECONDS
        ):
            return self._scope
        self._scope = studio.spaces.path_scope(studio.caller())
        self._scope_time, self._scope_generation = now, generation
        self._studio = studio
        self._artifact_answers = {}
        return self._scope

    def _artifact_permitted(self, real: Path) -> bool | None:
        """For a path in the domain's run artifacts: may the caller see its run? (None: not one.)"""
        studio = getattr(self, "_studio", None)
        experiments = getattr(studio, "experiments", None)
        if experiments is None:
            return None
        root = Path(experiments.artifact_root).resolve()
        if real == root.parent:
            return True  # the tracking folder may be browsed; its database is refused below
        if not is_within(real, root):
            return None
        key = real.relative_to(root).parts[:2]
        if key not in self._artifact_answers:
            self._artifact_answers[key] = experiments.may_read_artifact(
                studio.caller(), root.joinpath(*key)
            )
        return self._artifact_answers[key]

    def _permitted(self, os_path: str) -> bool:
        scope = self._studio_scope()
        if scope is None:
            return True
        real = Path(os_path).resolve()
        root = scope.domain_root
        if not is_within(real, root):
            return True
        if real in (root, root / "users", root / "spaces"):
            return True  # the folders that hold homes and spaces may be browsed
        artifact = self._artifact_permitted(real)
        if artifact is not None:
            return artifact
        return any(is_within(real, folder) for folder in scope.allowed_dirs)

    def _get_os_path(self, path: str) -> str:
        os_path = super()._get_os_path(path)
        if not self._permitted(os_path):
            raise ForbiddenPath(path)
        return os_path
