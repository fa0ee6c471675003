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
    OWNER_ENV,
    scope_tags,
)


class StudioRunContext(RunContextProvider):
    """Tags runs started inside a Studio job (or a process that says who its Studio user is)."""

    def in_context(self) -> bool:
        """True when the process runs for a Studio job or user."""
        return bool(os.environ.get(JOB_ID_ENV) or os.environ.get(OWNER_ENV))

    def tags(self) -> dict[str, str]:
        """The ``studio.*`` tags of the current job, and ``mlflow.user`` as the Studio user."""
        return scope_tags(os.environ)
