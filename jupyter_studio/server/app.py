"""``StudioApp``: the Jupyter Server extension that serves ``/studio/api``."""

from __future__ import annotations

import os
import time

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Unicode, default

from ..core.studio import CONTENTS_ROOT_ENV, DB_URL_ENV, ROOT_ENV, Studio, local_username
from .handlers.base import STUDIO_SETTINGS_KEY
from .routes import ROUTES, handlers


def running_under_jupyterhub() -> bool:
    return bool(os.environ.get("JUPYTERHUB_USER") and os.environ.get("JUPYTERHUB_API_TOKEN"))


class StudioApp(ExtensionApp):
    """Jupyter Studio server extension."""

    name = "jupyter_studio"
    load_other_extensions = True

    user_mapping = Unicode(
        config=True,
        help="How a request's user becomes a Studio user. 'identity': the identity provider's username "
        "(the hub user under JupyterHub). 'local': everyone who may use this server is this machine's user "
        "(a single-user server, where the identity provider invents anonymous names). Default: 'identity' "
        "under JupyterHub, 'local' otherwise.",
    )
    start_job_runner = Bool(True, config=True, help="Start the job runner thread with the server.")

    @default("user_mapping")
    def _default_user_mapping(self) -> str:
        return "identity" if running_under_jupyterhub() else "local"

    def initialize_settings(self) -> None:
        started = time.monotonic()
        config = self.serverapp.config
        studio_config = config.get("Studio", {})
        overrides: dict[str, object] = {}
        if "contents_root" not in studio_config:
            overrides["contents_root"] = self.serverapp.root_dir
        hub = running_under_jupyterhub()
        if hub and "launch_only_own_jobs" not in studio_config:
            overrides["launch_only_own_jobs"] = True
        studio = Studio(config=config, log=self.log, **overrides)
        if self.user_mapping == "local" and "admin_users" not in studio_config:
            # A single-user server: its one user administers the local domain.
            studio.admin_users = {studio.default_user}
            studio.spaces.admin_users = frozenset(studio.admin_users)
        # Kernels and terminals inherit these, so `Studio()` in a notebook finds this domain.
        os.environ[ROOT_ENV] = studio.domain_root
        os.environ[DB_URL_ENV] = studio.db_url
        os.environ[CONTENTS_ROOT_ENV] = studio.contents_root
        if self.start_job_runner:
            studio.start_supervisors()
        self.settings[STUDIO_SETTINGS_KEY] = {
            "studio": studio,
            "user_mapping": self.user_mapping,
            "routes": ROUTES,
        }
        self._studio = studio
        self.log.info(
            "Jupyter Studio: domain %s at %s, store %s, %d workers, users mapped by %s (%s), ready in %.2f s",
            studio.domain_name,
            studio.domain_root,
            studio.store.backend if studio.store else "?",
            studio.max_workers,
            self.user_mapping,
            "JupyterHub" if hub else local_username(),
            time.monotonic() - started,
        )

    def initialize_handlers(self) -> None:
        self.handlers.extend(handlers())

    async def stop_extension(self) -> None:
        # A failure here must not stop the server from shutting down; running jobs keep running.
        studio = getattr(self, "_studio", None)
        if studio is None:
            return
        try:
            studio.close()
        except Exception:
            self.log.exception("Jupyter Studio did not shut down cleanly")
