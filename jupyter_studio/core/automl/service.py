"""AutoML experiments: a named ``automl`` job with its checks, live leaderboard, results and deployment.

An experiment is a row (its unique name, its job, tags and auto-deploy settings) beside an
``automl`` job that does the training in a worker. :class:`AutoMLService` is the one object the
server and the Python API call (``studio.automl.<method>``); each of its jobs is done by a part
in its own module:

- :mod:`.checks`: validate a request against its data (field by field), preview data files;
- :mod:`.creation`: submit an experiment (its row and its job);
- :mod:`.results`: describe experiments, leaderboards and candidates from the job's files;
- :mod:`.deployment`: register a candidate, deploy it to an endpoint;
- :mod:`.reconcile`: auto-deploy completed experiments, surviving restarts; wait for one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..jobs.tables import JobRow
from ..spaces.service import Caller, SpaceService
from ..store import Store
from .access import ExperimentAccess
from .checks import RequestChecks
from .creation import ExperimentCreation
from .deployment import CandidateDeployment
from .reconcile import AutoDeploy
from .results import ExperimentResults
from .schemas import (
    AutoMLLeaderboard,
    AutoMLValidation,
    CandidateResults,
    CreateAutoMLExperiment,
    DataPreview,
    DeployCandidate,
    DeployedCandidate,
    DescribeAutoMLExperiment,
    RegisterCandidate,
    ValidateAutoMLExperiment,
)
from .settings import DEFAULT_MIN_ROWS

log = logging.getLogger(__name__)


class AutoMLService:
    """Create, follow, stop, register and deploy AutoML experiments."""

    def __init__(
        self,
        store: Store,
        spaces: SpaceService,
        *,
        jobs: Any,
        models: Any = None,
        endpoints: Any = None,
        min_rows: int = DEFAULT_MIN_ROWS,
        default_user: str | None = None,
        logger: logging.Logger | None = None,
    ):
        self.store = store
        self.spaces = spaces
        self.jobs = jobs
        self.default_user = default_user
        self.log = logger or log
        self.access = ExperimentAccess(store, spaces, jobs)
        self.checks = RequestChecks(self.access, min_rows)
        self.results = ExperimentResults(self.access)
        self.creation = ExperimentCreation(
            self.access, self.checks, self.results, default_user=default_user
        )
        self.deployment = CandidateDeployment(
            self.access, self.results, models=models, endpoints=endpoints
        )
        self.auto_deploy = AutoDeploy(self.access, self.results, self.deployment, self.log)

    @property
    def min_rows(self) -> int:
        """Fewer rows with a target than this are refused (``c.Studio.automl_min_rows``)."""
        return self.checks.min_rows

    @min_rows.setter
    def min_rows(self, value: int) -> None:
        self.checks.min_rows = value

    @property
    def models(self) -> Any:
        """The model registry service (None: registering is refused)."""
        return self.deployment.models

    @property
    def endpoints(self) -> Any:
        """The endpoint service (None: deploying is refused)."""
        return self.deployment.endpoints

    @staticmethod
    def results_dir(job_row: JobRow) -> Path:
        """The folder the job writes its results in (its output folder unless ``output`` was set)."""
        return ExperimentAccess.results_dir(job_row)

    # ------------------------------------------------------------ checking
    def preview(self, caller: Caller, path: str, rows: int = 20) -> DataPreview:
        """Columns (with inferred types), row count and the first ``rows`` rows of a data file."""
        return self.checks.preview(caller, path, rows)

    def validate(self, caller: Caller, body: ValidateAutoMLExperiment) -> AutoMLValidation:
        """Check any subset of an experiment's fields, data included; every problem names its field."""
        return self.checks.validate(caller, body)

    # ------------------------------------------------------------ creating
    def create(self, caller: Caller, body: CreateAutoMLExperiment) -> DescribeAutoMLExperiment:
        """Check everything (data included), then submit the ``automl`` job (400, 403 or 409)."""
        return self.creation.create(caller, body)

    def submit(
        self,
        experiment_name: str,
        data: str,
        target: str,
        *,
        user: str | None = None,
        **settings: Any,
    ) -> DescribeAutoMLExperiment:
        """Python entry point: ``studio.automl.submit("churn-1", "data/churn.csv", "churned")``.

        ``settings`` are the other fields of :class:`CreateAutoMLExperiment` (``max_runtime``,
        ``mode``, ``space_id``, ``auto_deploy``, ``endpoint_name``, ``tags``...).
        """
        return self.creation.submit(experiment_name, data, target, user=user, **settings)

    # ------------------------------------------------------------- reading
    def list(self, caller: Caller) -> list[DescribeAutoMLExperiment]:
        """Experiments the caller may see (own, their spaces', or all for admins), newest first."""
        return self.results.list(caller)

    def get(self, caller: Caller, name: str) -> DescribeAutoMLExperiment:
        """One experiment: its job's status and progress, the best candidate so far, its files."""
        return self.results.get(caller, name)

    def leaderboard(self, caller: Caller, name: str) -> AutoMLLeaderboard:
        """Every candidate so far (live while the job runs), best first."""
        return self.results.leaderboard(caller, name)

    def candidate(self, caller: Caller, name: str, candidate: str) -> CandidateResults:
        """Metrics and charts' data of one candidate (``best`` for the best one)."""
        return self.results.candidate(caller, name, candidate)

    # ------------------------------------------------------------- actions
    def stop(self, caller: Caller, name: str) -> DescribeAutoMLExperiment:
        """Stop the job; every finished candidate and the best model so far are kept."""
        row = self.access.row(caller, name)
        self.jobs.stop(caller, row.job_id)
        return self.results.get(caller, name)

    def register(self, caller: Caller, name: str, body: RegisterCandidate) -> Any:
        """Register a candidate (default: the best) as the next version of ``body.model_name``."""
        return self.deployment.register(caller, name, body)

    def deploy(self, caller: Caller, name: str, body: DeployCandidate) -> DeployedCandidate:
        """Register a candidate, then deploy that version to a new endpoint."""
        return self.deployment.deploy(caller, name, body)

    # --------------------------------------------------------- auto-deploy
    def reconcile(self) -> int:
        """Deploy the best candidate of every completed experiment that asked for it."""
        return self.auto_deploy.reconcile()

    def wait(
        self, caller: Caller, name: str, timeout: float | None = None
    ) -> DescribeAutoMLExperiment:
        """Block until the experiment's job ends (and its auto-deploy is done), then describe it."""
        return self.auto_deploy.wait(caller, name, timeout)

    def start(self, interval: float = 2.0) -> None:
        """Run :meth:`reconcile` every ``interval`` seconds in a daemon thread (the server does)."""
        self.auto_deploy.start(interval)

    def close(self) -> None:
        """Stop the supervisor thread."""
        self.auto_deploy.close()
