"""A model server's lease on its endpoint: it serves only while the endpoint's row names it.

Studio starts each model server with ``--endpoint-name``, ``--generation`` and the store's URL in
:data:`STORE_URL_ENV`. Every few seconds the server's supervisor reads its endpoint's row and
stops itself (gracefully) when the row is gone, or when it names neither this process as the
serving one (``pid``) nor this generation as the one being started (``pending.generation``): a
server whose launch lost a race, whose endpoint was deleted while the Jupyter server was down, or
whose replacement took over without stopping it. A store that cannot be read is no verdict: the
server keeps serving and asks again later.

Only the supervisor reads the store, through a connection opened and closed for each check
(no pool shared with forked workers). This module imports SQLAlchemy only when a lease is used.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

log = logging.getLogger("jupyter_studio.model_server")

#: Environment variable carrying the store URL to a model server (not on its command line).
STORE_URL_ENV = "STUDIO_ENDPOINT_DB_URL"
#: Default seconds between two checks.
DEFAULT_CHECK_SECONDS = 5.0


def orphan_reason(row: Any, generation: int, pid: int) -> str | None:
    """Why a model server of ``generation`` running as ``pid`` should stop, or None to keep going.

    ``row`` is the endpoint's ``(pid, pending)`` from the store, or None when there is no row.
    """
    if row is None:
        return "its endpoint no longer exists"
    serving_pid, pending = row
    if isinstance(pending, (str, bytes)):
        try:
            pending = json.loads(pending)
        except ValueError:
            pending = None
    if serving_pid == pid:
        return None
    if isinstance(pending, dict) and pending.get("generation") == generation:
        return None
    return (
        f"its endpoint no longer names generation {generation} (pid {pid}) as serving or starting"
    )


class EndpointLease:
    """Checks the endpoint row of one model server (see the module doc)."""

    def __init__(self, db_url: str, endpoint: str, generation: int, pid: int | None = None):
        self.db_url = db_url
        self.endpoint = endpoint
        self.generation = generation
        self.pid = pid if pid is not None else os.getpid()
        self._engine: Any = None

    def _read(self) -> Any:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        if self._engine is None:
            options: dict[str, Any] = {"poolclass": NullPool}
            if self.db_url.startswith("sqlite"):
                options["connect_args"] = {"timeout": 5}
            self._engine = create_engine(self.db_url, **options)
        with self._engine.connect() as connection:
            return connection.execute(
                text("SELECT pid, pending FROM endpoints WHERE endpoint_name = :name"),
                {"name": self.endpoint},
            ).first()

    def check(self) -> str | None:
        """The reason to stop, or None (also when the store cannot be read now)."""
        try:
            row = self._read()
        except Exception as error:  # a busy or unreachable store is no verdict
            log.warning("cannot read endpoint %s in the store: %s", self.endpoint, error)
            return None
        return orphan_reason(None if row is None else tuple(row), self.generation, self.pid)

    @classmethod
    def from_args(cls, endpoint: str | None, generation: int | None) -> EndpointLease | None:
        """The lease of a server started by Studio, None for one started by hand."""
        # taken out of the environment, so the workers and the model's own code do not inherit it
        db_url = os.environ.pop(STORE_URL_ENV, None)
        if not (db_url and endpoint and generation is not None):
            return None
        return cls(db_url, endpoint, generation)
