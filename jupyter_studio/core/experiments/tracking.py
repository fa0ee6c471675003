"""The MLflow experiment a Studio worker logs runs to: one set-up for every feature that tracks.

A job's environment names the tracking store (``MLFLOW_TRACKING_URI``) and who the runs are for
(job, space, owner); :func:`open_experiment` makes sure the store exists, finds or creates the
experiment (tagged with the space and owner) and hands back the tags every run gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .service import ensure_tracking_store
from .tags import JOB_ID_TAG, TRACKING_URI_ENV, scope_tags

__all__ = ["TrackedExperiment", "open_experiment"]


@dataclass
class TrackedExperiment:
    """An MLflow client on the job's tracking store, one experiment in it, and the run scope tags."""

    client: Any
    experiment_id: str
    scope: dict[str, str] = field(default_factory=dict)


def open_experiment(environment: Mapping[str, str], name: str) -> TrackedExperiment:
    """Find or create the experiment ``name`` in the tracking store ``environment`` names.

    The experiment is tagged with the space and owner (not the job: later jobs reuse it).
    MLflow errors propagate; callers decide whether tracking may fail their work.
    """
    from mlflow.tracking import MlflowClient

    ensure_tracking_store(environment)
    client = MlflowClient(tracking_uri=environment[TRACKING_URI_ENV])
    scope = scope_tags(environment)
    found = client.get_experiment_by_name(name)
    experiment_id = (
        found.experiment_id
        if found is not None
        else client.create_experiment(
            name, tags={k: v for k, v in scope.items() if k != JOB_ID_TAG}
        )
    )
    return TrackedExperiment(client=client, experiment_id=experiment_id, scope=scope)
