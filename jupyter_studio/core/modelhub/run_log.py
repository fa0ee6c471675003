"""Fine-tuning and evaluation runs in the domain's MLflow experiments (worker side).

A job gets ``MLFLOW_TRACKING_URI`` and Studio's job, owner and space in its tracking environment;
:class:`RunLog` opens one run there, tagged like every Studio run, and logs metrics step by step.
Tracking is worth a log line, never a failed job: every MLflow error is reported and ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..experiments.tags import (
    TRACKING_URI_ENV,
)

__all__ = ["RunLog"]


class RunLog:
    """One MLflow run; methods never raise (a tracking problem is only reported)."""

    def __init__(
        self,
        environment: Mapping[str, str] | None,
        experiment: str,
        run_name: str,
        *,
        params: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        report: Callable[[str], None] = print,
    ):
        self.report = report
        self.client: Any = None
        self.run_id: str | None = None
        environment = environment or {}
        uri = environment.get(TRACKING_URI_ENV)
        if not uri:
            return
        try:
            from mlflow.entities import Param

            from ..experiments.tracking import open_experiment

            tracked = open_experiment(environment, experiment)
            client, experiment_id, scope = tracked.client, tracked.experiment_id, tracked.scope
            run = client.create_run(
                experiment_id, run_name=run_name, tags={**scope, **dict(tags or {})}
            )
            self.client, self.run_id = client, run.info.run_id
            if params:
                client.log_batch(
                    self.run_id,
                    params=[
                        Param(str(k)[:250], (v if isinstance(v, str) else json.dumps(v))[:500])
                        for k, v in list(params.items())[:100]
                    ],
                )
        except Exception as exc:
            self._problem(exc)

    def _problem(self, exc: Exception) -> None:
        self.client = None
        self.report(f"experiment tracking is off for this job: {type(exc).__name__}: {exc}")

    def log_metrics(self, metrics: Mapping[str, float], step: int = 0) -> None:
        """Log ``metrics`` at ``step``."""
        if self.client is None or self.run_id is None:
            return
        try:
            import time

            from mlflow.entities import Metric

            stamp = int(time.time() * 1000)
            self.client.log_batch(
                self.run_id,
                metrics=[Metric(str(k)[:250], float(v), stamp, step) for k, v in metrics.items()],
            )
        except Exception as exc:
            self._problem(exc)

    def log_json(self, data: Any, name: str) -> None:
        """Save ``data`` as the JSON artifact ``name``."""
        if self.client is None or self.run_id is None:
            return
        try:
            self.client.log_dict(self.run_id, data, name)
        except Exception as exc:
            self._problem(exc)

    def finish(self, status: str = "FINISHED") -> None:
        """End the run: FINISHED, FAILED or KILLED."""
        if self.client is None or self.run_id is None:
            return
        try:
            self.client.set_terminated(self.run_id, status=status)
        except Exception as exc:
            self._problem(exc)
