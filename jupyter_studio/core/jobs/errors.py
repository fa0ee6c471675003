"""How a job's own code ends it early: raised inside ``JobKind.run`` in the worker."""

from __future__ import annotations


class JobStopped(Exception):
    """Raised inside a job when it was asked to stop; the job ends as Stopped."""


class JobFailed(Exception):
    """Raised inside a job for an expected failure; the message becomes the status message."""

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.exit_code = exit_code
