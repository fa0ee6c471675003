"""Names shared by the tracking environment of jobs, the run-context provider and the service.

Kept free of MLflow imports: the service reads them without loading MLflow.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Environment variables a Studio job's process gets (see ``ExperimentService.tracking_environment``).
JOB_ID_ENV = "STUDIO_JOB_ID"
SPACE_ID_ENV = "STUDIO_SPACE_ID"
OWNER_ENV = "STUDIO_OWNER"
TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"
#: MLflow's own variable for the artifact root of experiments a client creates in a SQL store
#: (the one ``mlflow server`` hands its workers); without it they land in ``./mlruns``.
ARTIFACT_ROOT_ENV = "_MLFLOW_SERVER_ARTIFACT_ROOT"

#: Run (and experiment) tags that link runs to Studio.
JOB_ID_TAG = "studio.job_id"
SPACE_ID_TAG = "studio.space_id"
OWNER_TAG = "studio.owner"
#: MLflow's own tag for the user who made a run (``mlflow ui`` shows it).
MLFLOW_USER_TAG = "mlflow.user"
MLFLOW_RUN_NAME_TAG = "mlflow.runName"
MLFLOW_SOURCE_NAME_TAG = "mlflow.source.name"


def scope_tags(environment: Mapping[str, str]) -> dict[str, str]:
    """The Studio tags (job, space, owner and ``mlflow.user``) of a run made in ``environment``."""
    tags: dict[str, str] = {}
    if environment.get(JOB_ID_ENV):
        tags[JOB_ID_TAG] = environment[JOB_ID_ENV]
    if environment.get(SPACE_ID_ENV):
        tags[SPACE_ID_TAG] = environment[SPACE_ID_ENV]
    if environment.get(OWNER_ENV):
        tags[OWNER_TAG] = tags[MLFLOW_USER_TAG] = environment[OWNER_ENV]
    return tags
