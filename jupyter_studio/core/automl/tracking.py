"""Every AutoML candidate as an MLflow run in the domain's experiments (from the job's worker).

One MLflow experiment per AutoML experiment (``automl/<name>``), one run per candidate with its
algorithm and hyperparameters as params, its validation metrics as metrics, the leaderboard row as
a ``candidate.json`` artifact, and Studio's ``studio.*`` tags so the runs belong to the job's owner
and space.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..experiments.tags import (
    JOB_ID_ENV,
    JOB_ID_TAG,
    MLFLOW_USER_TAG,
    OWNER_ENV,
    OWNER_TAG,
    SPACE_ID_ENV,
    SPACE_ID_TAG,
    TRACKING_URI_ENV,
)

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


def log_candidates(
    environment: Mapping[str, str],
    experiment: str,
    rows: list[dict[str, Any]],
    *,
    tags: Mapping[str, str] | None = None,
) -> int:
    """Log one run per leaderboard row into the tracking store of ``environment``; the run count."""
    uri = environment.get(TRACKING_URI_ENV)
    if not uri:
        return 0
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.tracking import MlflowClient

    from ..experiments.service import ensure_tracking_store

    ensure_tracking_store(environment)
    client = MlflowClient(tracking_uri=uri)
    scope: dict[str, str] = {}
    if environment.get(JOB_ID_ENV):
        scope[JOB_ID_TAG] = environment[JOB_ID_ENV]
    if environment.get(SPACE_ID_ENV):
        scope[SPACE_ID_TAG] = environment[SPACE_ID_ENV]
    if environment.get(OWNER_ENV):
        scope[OWNER_TAG] = environment[OWNER_ENV]
        scope[MLFLOW_USER_TAG] = environment[OWNER_ENV]
    name = experiment_name_for(experiment)
    found = client.get_experiment_by_name(name)
    experiment_id = (
        found.experiment_id
        if found is not None
        else client.create_experiment(
            name, tags={k: v for k, v in scope.items() if k != JOB_ID_TAG}
        )
    )
    logged = 0
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            run_tags = {
                **scope,
                **{f"automl.{k}": str(v)[:MAX_PARAM_LENGTH] for k, v in (tags or {}).items()},
                "automl.experiment": experiment,
                "automl.candidate": str(row["candidate"]),
                "automl.status": str(row.get("status")),
            }
            if row.get("failure_reason"):
                run_tags["automl.failure_reason"] = str(row["failure_reason"])[:5000]
            run = client.create_run(experiment_id, run_name=str(row["candidate"]), tags=run_tags)
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
            file = Path(tmp) / "candidate.json"
            file.write_text(json.dumps(row, indent=1, default=str))
            client.log_artifact(run.info.run_id, str(file))
            status = "FINISHED" if row.get("status") == "completed" else "FAILED"
            client.set_terminated(run.info.run_id, status=status)
            logged += 1
    return logged
