"""Every AutoML candidate as an MLflow run in the domain's experiments (from the job's worker).

One MLflow experiment per AutoML experiment (``automl/<name>``), one run per candidate with its
algorithm and hyperparameters as params, its validation metrics as metrics, the leaderboard row as
a ``candidate.json`` artifact, and Studio's ``studio.*`` tags so the runs belong to the job's owner
and space.
"""

from __future__ import annotations

import json
import math
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

#: Leaderboard keys that are not metrics.
ROW_KEYS = {
    "rank",
    "candidate",
    "algorithm",
    "level",
    "status",
    "objective_metric",
    "objective",
    "training_seconds",
    "hyperparameters",
    "failure_reason",
    "best",
}
MAX_PARAM_LENGTH = 500


def experiment_name_for(name: str) -> str:
    """The MLflow experiment that holds an AutoML experiment's runs."""
    return f"automl/{name}"


def row_metrics(row: Mapping[str, Any]) -> dict[str, float]:
    """The finite numeric metrics of a leaderboard row."""
    out: dict[str, float] = {}
    for key, value in row.items():
        if key in ROW_KEYS or isinstance(value, bool):
            continue
        if isinstance(value, (int, float)) and math.isfinite(float(value)):
            out[key] = float(value)
    return out


def run_status(candidate_status: Any) -> str:
    """The MLflow run status of a candidate: a candidate skipped (or pruned) for lack of time did
    not fail, so its run is ``KILLED`` (grey, "Killed"), not ``FAILED`` (red); its own status
    (``skipped``) and the reason are the run's ``automl.status`` and ``automl.failure_reason``
    tags."""
    if candidate_status == "completed":
        return "FINISHED"
    if candidate_status in ("skipped", "pruned", "partial"):
        return "KILLED"
    return "FAILED"


class _Target:
    """The tracking store, experiment and Studio tags the runs of one AutoML experiment go to."""

    def __init__(self, environment: Mapping[str, str], experiment: str) -> None:
        from ..experiments.tracking import open_experiment

        self.experiment = experiment
        tracked = open_experiment(environment, experiment_name_for(experiment))
        self.client, self.experiment_id, self.scope = (
            tracked.client,
            tracked.experiment_id,
            tracked.scope,
        )

    def log(self, row: Mapping[str, Any], tags: Mapping[str, str] | None, tmp: Path) -> None:
        """One finished (or failed, or skipped) candidate as a terminated run."""
        from mlflow.entities import Metric, Param, RunTag

        client = self.client
        run_tags = {
            **self.scope,
            **{f"automl.{k}": str(v)[:MAX_PARAM_LENGTH] for k, v in (tags or {}).items()},
            "automl.experiment": self.experiment,
            "automl.candidate": str(row["candidate"]),
            "automl.status": str(row.get("status")),
        }
        if row.get("failure_reason"):
            run_tags["automl.failure_reason"] = str(row["failure_reason"])[:5000]
        run = client.create_run(self.experiment_id, run_name=str(row["candidate"]), tags=run_tags)
        params = {"algorithm": row.get("algorithm"), "level": row.get("level")}
        for key, value in (row.get("hyperparameters") or {}).items():
            params[f"hp.{key}"] = value
        metrics = row_metrics(row)
        if isinstance(row.get("objective"), (int, float)) and row.get("objective_metric"):
            metrics["objective"] = float(row["objective"])
        client.log_batch(
            run.info.run_id,
            metrics=[Metric(k, v, 0, 0) for k, v in metrics.items()],
            params=[
                Param(str(k)[:250], json.dumps(v, default=str)[:MAX_PARAM_LENGTH])
                if not isinstance(v, str)
                else Param(str(k)[:250], v[:MAX_PARAM_LENGTH])
                for k, v in list(params.items())[:100]
            ],
            tags=[RunTag("automl.objective_metric", str(row.get("objective_metric")))],
        )
        file = tmp / "candidate.json"
        file.write_text(json.dumps(dict(row), indent=1, default=str))
        client.log_artifact(run.info.run_id, str(file))
        client.set_terminated(run.info.run_id, status=run_status(row.get("status")))


class CandidateRunLogger:
    """Logs candidates as runs from a background thread, as they finish during training, so the
    tracking store's cost overlaps the search instead of adding to the job's time."""

    _DONE = object()

    def __init__(
        self,
        environment: Mapping[str, str],
        experiment: str,
        *,
        tags: Mapping[str, str] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.environment = dict(environment)
        self.experiment = experiment
        self.tags = dict(tags or {})
        self.on_error = on_error
        self.logged = 0
        #: Rows not logged because :meth:`close` ran out of time.
        self.dropped = 0
        self.error: str | None = None
        self._seconds = 0.0
        self._cut = threading.Event()
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="automl-runs", daemon=True)
        self._thread.start()

    def add(self, row: Mapping[str, Any]) -> None:
        """Queue a candidate's leaderboard row (a copy is taken)."""
        self._queue.put(json.loads(json.dumps(dict(row), default=str)))

    def pending(self) -> int:
        """Rows queued and not logged yet."""
        return self._queue.qsize()

    def seconds_per_run(self) -> float:
        """Measured seconds to log one run (1 s before the first; the first also opens the
        tracking store)."""
        return self._seconds / self.logged if self.logged else 1.0

    def close(self, timeout: float | None = None) -> int:
        """Wait until every queued row is logged (at most ``timeout`` seconds: then the rows not
        started are dropped and counted in :attr:`dropped`); the number of runs written."""
        self._queue.put(self._DONE)
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._cut.set()  # the run being written finishes; the others are not started
            self._thread.join(5.0)
        return self.logged

    def _work(self) -> None:
        target: _Target | None = None
        with tempfile.TemporaryDirectory() as tmp:
            while True:
                row = self._queue.get()
                if row is self._DONE:
                    return
                if self._cut.is_set():
                    self.dropped += 1
                    continue
                if self.error is not None:
                    continue
                started = time.monotonic()
                try:
                    if target is None:
                        target = _Target(self.environment, self.experiment)
                    target.log(row, self.tags, Path(tmp))
                    self.logged += 1
                    self._seconds += time.monotonic() - started
                except Exception as exc:  # tracking trouble never fails the training
                    self.error = f"{type(exc).__name__}: {exc}"
                    if self.on_error is not None:
                        self.on_error(self.error)
