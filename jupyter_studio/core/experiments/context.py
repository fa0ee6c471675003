"""The MLflow run-context provider that links runs to Studio jobs.

MLflow loads it from the ``mlflow.run_context_provider`` entry point of this package, in every
process that starts a run. In a Studio job (``STUDIO_JOB_ID``, ``STUDIO_SPACE_ID``, ``STUDIO_OWNER``
in the environment) each new run gets the tags ``studio.job_id``, ``studio.space_id`` and
``studio.owner``, and ``mlflow.user`` becomes the Studio user (instead of the operating-system
account the job runs as). Tags a script passes to ``mlflow.start_run(tags=...)`` still win.
"""

from __future__ import annotations

import os

from mlflow.tracking.context.abstract_context import RunContextProvider

from .tags import (
    JOB_ID_ENV,
    JOB_ID_TAG,
    MLFLOW_USER_TAG,
    OWNER_ENV,
    OWNER_TAG,
    SPACE_ID_ENV,
    SPACE_ID_TAG,
)


class StudioRunContext(RunContextProvider):
    """Tags runs started inside a Studio job (or a process that says who its Studio user is)."""

    def in_context(self) -> bool:
        """True when the process runs for a Studio job or user."""
        return bool(os.environ.get(JOB_ID_ENV) or os.environ.get(OWNER_ENV))

    def tags(self) -> dict[str, str]:
        """The ``studio.*`` tags of the current job, and ``mlflow.user`` as the Studio user."""
        tags: dict[str, str] = {}
        job_id = os.environ.get(JOB_ID_ENV)
        space_id = os.environ.get(SPACE_ID_ENV)
        owner = os.environ.get(OWNER_ENV)
        if job_id:
            tags[JOB_ID_TAG] = job_id
        if space_id:
            tags[SPACE_ID_TAG] = space_id
        if owner:
            tags[OWNER_TAG] = owner
            tags[MLFLOW_USER_TAG] = owner
        return tags
