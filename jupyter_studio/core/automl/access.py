"""Finding AutoML experiments: which one a caller may see, its job and its results folder.

Every part of the AutoML service (checks, creation, results, deployment, auto-deploy) shares one
:class:`ExperimentAccess`: the store, the spaces and the jobs service, and the lookups built on
them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..endpoints.tables import EndpointRow
from ..errors import Forbidden, NotFound
from ..jobs.tables import JobRow
from ..spaces.paths import contents_path
from ..spaces.service import Caller, SpaceService
from ..store import Store
from .tables import AutoMLExperimentRow

#: Metrics where a lower value is better (the others: higher is better).
LOWER_IS_BETTER = {"log_loss", "mse", "rmse", "mae"}


def finite(value: Any) -> float | None:
    """``value`` as a float, or None when it is not a finite number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


class ExperimentAccess:
    """The services every part of the AutoML service needs, and the lookups built on them."""

    def __init__(self, store: Store, spaces: SpaceService, jobs: Any) -> None:
        self.store = store
        self.spaces = spaces
        self.jobs = jobs

    def can_see(self, caller: Caller, row: AutoMLExperimentRow) -> bool:
        """The caller owns the experiment, is a member of its space, or is an admin."""
        if caller.is_admin or row.owner == caller.username:
            return True
        return bool(row.space_id) and row.space_id in self.spaces.member_space_ids(caller.username)

    def row(self, caller: Caller, name: str) -> AutoMLExperimentRow:
        """The experiment ``name`` (404 when missing, 403 when the caller may not see it)."""
        with self.store.session() as session:
            row = session.get(AutoMLExperimentRow, name)
        if row is None or row.job_id is None:
            raise NotFound(
                f"No AutoML experiment {name!r}: list experiments to see their names.",
                code="automl_experiment_not_found",
            )
        if not self.can_see(caller, row):
            raise Forbidden(
                f"AutoML experiment {name!r} belongs to another user or to a space you are not "
                "a member of.",
                code="automl_experiment_forbidden",
            )
        return row

    def job_row(self, job_id: str) -> JobRow | None:
        """The row of the job ``job_id`` (None when it no longer exists)."""
        with self.store.session() as session:
            return session.get(JobRow, job_id)

    @staticmethod
    def results_dir(job_row: JobRow) -> Path:
        """The folder the job writes its results in (its output folder unless ``output`` was set)."""
        resolved = (job_row.spec or {}).get("resolved") or {}
        return Path(resolved.get("output") or Path(job_row.job_dir) / "output")

    def results(self, row: AutoMLExperimentRow) -> Path:
        """The results folder of the experiment's job (404 when the job is gone)."""
        job_row = self.job_row(row.job_id or "")
        if job_row is None:
            raise NotFound(
                f"The job of experiment {row.experiment_name!r} no longer exists.",
                code="automl_job_not_found",
            )
        return self.results_dir(job_row)

    @staticmethod
    def read_json(path: Path) -> Any:
        """The JSON file at ``path``, or None when it is missing or half written."""
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def browser_path(self, path: Path) -> str | None:
        """The file-browser path of ``path``, or None when it does not exist."""
        return contents_path(self.spaces.contents_root, path) if path.exists() else None

    def scope(self, caller: Caller) -> Any:
        """The folders the caller may read and write."""
        return self.spaces.path_scope(caller)

    def name_taken(self, name: str) -> bool:
        """An experiment of this name exists in the domain."""
        with self.store.session() as session:
            return session.get(AutoMLExperimentRow, name) is not None

    def endpoint_taken(self, name: str) -> bool:
        """An endpoint of this name exists."""
        with self.store.session() as session:
            return session.get(EndpointRow, name) is not None
