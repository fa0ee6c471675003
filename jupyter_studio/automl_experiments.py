"""AutoML experiments as jobs, from Python: ``from jupyter_studio import AutoMLExperiments``.

>>> from jupyter_studio import AutoMLExperiments
>>> experiments = AutoMLExperiments()                 # acts as you; user="bob" as bob
>>> churn = experiments.create("churn-1", "data/churn.csv", "churned", max_runtime=300)
>>> churn.wait().status                                # the job runs in a worker, not here
<JobStatus.COMPLETED: 'Completed'>
>>> churn.leaderboard().head(3)                        # a DataFrame, best first
>>> predictor = churn.deploy("churn")                  # registers the best, deploys, waits
>>> predictor.predict(rows)

The job runs the same engine as :class:`~jupyter_studio.AutoML` (which trains in your kernel),
in a worker process of the domain, so it keeps going when the notebook or the server stops and
is followed in the AutoML and Jobs panels. Bad input raises
:class:`~jupyter_studio.core.errors.InvalidInput` naming every problem before any job starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ._client import UserClient
from .core.automl.schemas import DeployCandidate, RegisterCandidate
from .core.validation import parse_model

if TYPE_CHECKING:
    from .core.automl.schemas import CandidateResults, DescribeAutoMLExperiment
    from .core.models.schemas import DescribeModelVersion
    from .endpoints import Predictor

__all__ = ["AutoMLExperiment", "AutoMLExperiments"]


class AutoMLExperiments(UserClient):
    """The AutoML experiments (``studio.automl``) of one user: create, find, list."""

    def create(
        self, experiment_name: str, data: str, target: str, **settings: Any
    ) -> AutoMLExperiment:
        """Check the request (data included), then start its ``automl`` job; returns at once.

        ``data`` is a CSV or Parquet path in your files; ``settings`` are the other fields of an
        experiment (``max_runtime``, ``mode``, ``problem_type``, ``objective_metric``,
        ``algorithms``, ``validation_ratio``, ``space_id``, ``auto_deploy``, ``endpoint_name``,
        ``tags``...), as the REST API and the wizard name them.
        """
        self.studio.automl.submit(experiment_name, data, target, user=self.user, **settings)
        return AutoMLExperiment(self, experiment_name)

    def get(self, experiment_name: str) -> AutoMLExperiment:
        """An existing experiment (NotFound if you may not see it)."""
        self.studio.automl.get(self.caller, experiment_name)
        return AutoMLExperiment(self, experiment_name)

    def list(self) -> list[DescribeAutoMLExperiment]:
        """The experiments you may see (yours and your spaces'), newest first."""
        return self.studio.automl.list(self.caller)


class AutoMLExperiment:
    """One AutoML experiment: follow its job, read its leaderboard, register or deploy a
    candidate."""

    def __init__(self, client: AutoMLExperiments, experiment_name: str):
        self.client = client
        self.experiment_name = experiment_name

    @property
    def _service(self) -> Any:
        return self.client.studio.automl

    def describe(self) -> DescribeAutoMLExperiment:
        """Status and progress of its job, the best candidate so far, its files."""
        return self._service.get(self.client.caller, self.experiment_name)

    def wait(self, timeout: float | None = None) -> DescribeAutoMLExperiment:
        """Block until the job ends (and an auto-deploy it asked for is done)."""
        return self._service.wait(self.client.caller, self.experiment_name, timeout)

    def stop(self) -> DescribeAutoMLExperiment:
        """Stop the job; finished candidates and the best model so far are kept."""
        return self._service.stop(self.client.caller, self.experiment_name)

    def leaderboard(self) -> pd.DataFrame:
        """Every candidate so far, best first (live while the job runs)."""
        board = self._service.leaderboard(self.client.caller, self.experiment_name)
        return pd.DataFrame([row.model_dump() for row in board.items])

    def candidate(self, candidate: str = "best") -> CandidateResults:
        """Metrics and charts' data of one candidate (``best`` for the best)."""
        return self._service.candidate(self.client.caller, self.experiment_name, candidate)

    def register(
        self, model_name: str, *, candidate: str | None = None, space_id: str | None = None
    ) -> DescribeModelVersion:
        """Register a candidate (default: the best) as the next version of ``model_name``."""
        body = parse_model(
            RegisterCandidate,
            {"model_name": model_name, "candidate": candidate, "space_id": space_id},
            "registration",
        )
        return self._service.register(self.client.caller, self.experiment_name, body)

    def deploy(
        self,
        endpoint_name: str,
        *,
        candidate: str | None = None,
        model_name: str | None = None,
        instance_count: int = 1,
        wait: bool = True,
        timeout: float = 300.0,
    ) -> Predictor:
        """Register a candidate (default: the best) and deploy it to a new endpoint; with
        ``wait``, return once it is InService (``Conflict`` if it failed to start)."""
        from .core.errors import Conflict
        from .endpoints import Endpoints

        body = parse_model(
            DeployCandidate,
            {
                "endpoint_name": endpoint_name,
                "candidate": candidate,
                "model_name": model_name,
                "instance_count": instance_count,
            },
            "deployment",
        )
        self._service.deploy(self.client.caller, self.experiment_name, body)
        endpoints = Endpoints(self.client.studio, user=self.client.user)
        if wait:
            described = endpoints.wait(endpoint_name, timeout=timeout)
            if described.status.value != "InService":
                raise Conflict(
                    f"The endpoint {endpoint_name!r} is {described.status.value}: "
                    f"{described.status_message or 'see the Endpoints panel'}.",
                    code="endpoint_not_in_service",
                )
        return endpoints.predictor(endpoint_name)

    def __repr__(self) -> str:
        return f"AutoMLExperiment({self.experiment_name!r})"
