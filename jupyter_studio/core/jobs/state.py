"""Job state transitions as conditional updates, safe with several writers.

The server, its monitor, CLI calls and the worker itself may all touch a job row.
Each transition only applies when the row is still in a state it may leave, so a
late writer can never turn a finished job back into a running one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, update

from ..store import Store
from ..store.orm import utcnow
from .schemas import ACTIVE_STATUSES, JobStatus
from .tables import JobRow

_ACTIVE = [status.value for status in ACTIVE_STATUSES]
# A job that ends before reporting progress drops its placeholder message: the status message says why.
_ENDED_PROGRESS_MESSAGE = case(
    (JobRow.progress_message.in_(["Queued", "Starting"]), ""), else_=JobRow.progress_message
)


def finish(
    store: Store,
    job_id: str,
    status: JobStatus,
    message: str | None = None,
    *,
    exit_code: int | None = None,
    progress: float | None = None,
) -> bool:
    """Move an active job to a final status. Returns False if it had already ended."""
    values: dict[str, object] = {
        "status": status.value,
        "status_message": message,
        "ended_at": utcnow(),
        "progress_message": _ENDED_PROGRESS_MESSAGE,
    }
    if exit_code is not None:
        values["exit_code"] = exit_code
    if progress is not None:
        values["progress"] = progress
    with store.session() as session:
        result = session.execute(
            update(JobRow)
            .where(JobRow.job_id == job_id, JobRow.status.in_(_ACTIVE))
            .values(**values)
        )
        return result.rowcount == 1


def claim_pending(store: Store, job_id: str, *, host: str, executor: str) -> bool:
    """Take a Pending job for launching; only one launcher can win."""
    now = utcnow()
    with store.session() as session:
        result = session.execute(
            update(JobRow)
            .where(JobRow.job_id == job_id, JobRow.status == JobStatus.PENDING.value)
            .values(
                status=JobStatus.IN_PROGRESS.value,
                started_at=now,
                heartbeat_at=now,
                host=host,
                executor=executor,
                progress_message="Starting",
            )
        )
        return result.rowcount == 1


def record_process(
    store: Store, job_id: str, *, pid: int, pid_started_at: float | None, host: str
) -> None:
    with store.session() as session:
        session.execute(
            update(JobRow)
            .where(JobRow.job_id == job_id)
            .values(pid=pid, pid_started_at=pid_started_at, host=host, heartbeat_at=utcnow())
        )


def request_stop(store: Store, job_id: str, message: str) -> bool:
    """Mark a running job Stopping (once); the worker and the monitor act on it."""
    with store.session() as session:
        result = session.execute(
            update(JobRow)
            .where(JobRow.job_id == job_id, JobRow.status == JobStatus.IN_PROGRESS.value)
            .values(
                status=JobStatus.STOPPING.value, stop_requested_at=utcnow(), status_message=message
            )
        )
        return result.rowcount == 1


def heartbeat(
    store: Store, job_id: str, *, progress: float | None = None, progress_message: str | None = None
) -> tuple[str | None, datetime | None, str | None]:
    """Record that the worker is alive (and its progress); return (status, stop_requested_at, message)."""
    values: dict[str, object] = {"heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = progress
    if progress_message is not None:
        values["progress_message"] = progress_message
    with store.session() as session:
        session.execute(
            update(JobRow)
            .where(JobRow.job_id == job_id, JobRow.status.in_(_ACTIVE))
            .values(**values)
        )
        row = session.get(JobRow, job_id)
        if row is None:
            return None, None, None
        return row.status, row.stop_requested_at, row.status_message


def finish_lost_worker(store: Store, job_id: str, failure: str) -> JobStatus | None:
    """End a job whose worker vanished, in one atomic update: a job that was being
    stopped ends Stopped (the worker died of the stop), any other active job Failed.

    Returns the status it ended with, or None if the job had already ended."""
    stopping = JobRow.status == JobStatus.STOPPING.value
    with store.session() as session:
        result = session.execute(
            update(JobRow)
            .where(JobRow.job_id == job_id, JobRow.status.in_(_ACTIVE))
            .values(
                status=case((stopping, JobStatus.STOPPED.value), else_=JobStatus.FAILED.value),
                status_message=case(
                    (stopping, func.coalesce(JobRow.status_message, "Stopped")), else_=failure
                ),
                ended_at=utcnow(),
                progress_message=_ENDED_PROGRESS_MESSAGE,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        ended = session.get(JobRow, job_id, populate_existing=True)
        return JobStatus(ended.status) if ended is not None else None
