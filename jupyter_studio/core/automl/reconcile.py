"""Auto-deploy that survives restarts: deploy the best candidate of each completed experiment.

The request is stored in the experiment's row; :meth:`AutoDeploy.reconcile` (run by every
server's supervisor thread, and by :meth:`AutoDeploy.wait`) deploys the best candidate of each
completed experiment that asked for it, claiming the row first so that two servers never deploy
the same experiment twice.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..errors import StudioError
from ..jobs.schemas import JobStatus
from ..jobs.tables import JobRow
from ..spaces.service import Caller
from ..store.orm import utcnow
from .access import ExperimentAccess
from .deployment import CandidateDeployment
from .results import ExperimentResults
from .schemas import DeployCandidate, DescribeAutoMLExperiment
from .tables import AutoMLExperimentRow

#: A deployment claimed longer ago than this by a server that died is claimed again.
CLAIM_TIMEOUT = timedelta(minutes=10)


class AutoDeploy:
    """Deploy what experiments asked for once their jobs complete; wait for experiments."""

    def __init__(
        self,
        access: ExperimentAccess,
        results: ExperimentResults,
        deployment: CandidateDeployment,
        log: logging.Logger,
    ) -> None:
        self.access = access
        self.results = results
        self.deployment = deployment
        self.log = log
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def reconcile(self) -> int:
        """Deploy the best candidate of every completed experiment that asked for it.

        Safe in several servers at once: each deployment is claimed by an atomic update first.
        Returns how many deployments this call made (or recorded as failed or skipped).
        """
        now = utcnow()
        with self.access.store.session() as session:
            pending = session.execute(
                select(AutoMLExperimentRow, JobRow.status)
                .join(JobRow, JobRow.job_id == AutoMLExperimentRow.job_id)
                .where(
                    AutoMLExperimentRow.auto_deploy_endpoint.is_not(None),
                    or_(
                        AutoMLExperimentRow.deploy_status.is_(None),
                        (AutoMLExperimentRow.deploy_status == "Deploying")
                        & (AutoMLExperimentRow.deploy_claimed_at < now - CLAIM_TIMEOUT),
                    ),
                )
            ).all()
        handled = 0
        for row, status in pending:
            if not JobStatus(status).is_final:
                continue
            if not self._claim(row):
                continue
            handled += 1
            if status != JobStatus.COMPLETED.value:
                self._set_deploy(
                    row.experiment_name, "Skipped", f"The job ended {status}: nothing deployed."
                )
                continue
            try:
                caller = self.access.spaces.caller(row.owner)
                done = self.deployment.deploy(
                    caller,
                    row.experiment_name,
                    DeployCandidate(endpoint_name=row.auto_deploy_endpoint or ""),
                )
                self._set_deploy(
                    row.experiment_name,
                    "Deployed",
                    f"{done.candidate} as {done.model_name} version {done.model_version} "
                    f"on endpoint {done.endpoint_name}",
                )
            except Exception as exc:
                message = (
                    exc.message if isinstance(exc, StudioError) else f"{type(exc).__name__}: {exc}"
                )
                self.log.warning("auto-deploy of %s failed: %s", row.experiment_name, message)
                self._set_deploy(row.experiment_name, "Failed", message)
        return handled

    def _claim(self, row: AutoMLExperimentRow) -> bool:
        now = utcnow()
        with self.access.store.session() as session:
            claimed = session.execute(
                update(AutoMLExperimentRow)
                .where(
                    AutoMLExperimentRow.experiment_name == row.experiment_name,
                    or_(
                        AutoMLExperimentRow.deploy_status.is_(None),
                        (AutoMLExperimentRow.deploy_status == "Deploying")
                        & (AutoMLExperimentRow.deploy_claimed_at < now - CLAIM_TIMEOUT),
                    ),
                )
                .values(deploy_status="Deploying", deploy_claimed_at=now, deploy_message=None)
            )
            return bool(claimed.rowcount)

    def _set_deploy(self, name: str, status: str, message: str | None) -> None:
        with self.access.store.session() as session:
            session.execute(
                update(AutoMLExperimentRow)
                .where(AutoMLExperimentRow.experiment_name == name)
                .values(deploy_status=status, deploy_message=(message or "")[:2000])
            )

    def wait(
        self, caller: Caller, name: str, timeout: float | None = None
    ) -> DescribeAutoMLExperiment:
        """Block until the experiment's job ends (and its auto-deploy is done), then describe it."""
        row = self.access.row(caller, name)
        runner = getattr(self.access.jobs, "runner", None)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.access.jobs.get(caller, row.job_id)
            if job.status.is_final or (deadline is not None and time.monotonic() > deadline):
                break
            if runner is not None and not runner.running:
                runner.tick()
            time.sleep(0.5)
        if job.status.is_final:
            self.reconcile()
        return self.results.get(caller, name)

    # ------------------------------------------------------------ supervisor
    def start(self, interval: float = 2.0) -> None:
        """Run :meth:`reconcile` every ``interval`` seconds in a daemon thread (the server does)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.reconcile()
                except Exception:  # a database hiccup: try again next time
                    self.log.exception("AutoML auto-deploy pass failed")

        self._thread = threading.Thread(target=loop, name="studio-automl-deploy", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the supervisor thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
