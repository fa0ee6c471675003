"""The jobs API of the engine: create, list, describe, stop, logs and artifacts."""

from __future__ import annotations

import codecs
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..paging import next_page_token, page_offset
from ..spaces.paths import contents_path
from ..spaces.service import Caller, SpaceService, slugify
from ..store import Store
from ..store.orm import utcnow
from ..validation import parse_model
from . import state
from .kinds import PrepareContext, describe_kind, get_job_kind, job_kinds
from .logview import ends_with_dropped_warning, readable
from .runner import JobRunner
from .schemas import (
    ACTIVE_STATUSES,
    CreateJob,
    DescribeJob,
    JobArtifact,
    JobKindInfo,
    JobLogs,
    JobStatus,
    ListJobsQuery,
    ListJobsResponse,
    default_job_name,
)
from .tables import JobRow

MAX_LOG_CHUNK = 1024 * 1024
#: How far a log read goes past its limit to end on a line end.
LINE_READ_AHEAD = 64 * 1024
#: Folder names that are by-products in an output folder (besides any name starting with a dot).
HIDDEN_ARTIFACT_NAMES = frozenset({"__pycache__"})


def is_hidden_artifact(relative: Path) -> bool:
    """True when a path inside an output folder lies in (or is) a hidden or by-product folder."""
    return any(part.startswith(".") or part in HIDDEN_ARTIFACT_NAMES for part in relative.parts)


MAX_ARTIFACTS = 2000


class JobService:
    """Jobs as users see them, with the visibility rules of spaces."""

    def __init__(
        self,
        store: Store,
        spaces: SpaceService,
        runner: JobRunner,
        *,
        default_max_runtime_seconds: float | None,
        grace_seconds: float,
        services: Any = None,
    ):
        self.store = store
        #: The facade (``Studio``), handed to job kinds so they can reach other features.
        self.services = services
        self.spaces = spaces
        self.runner = runner
        self.default_max_runtime_seconds = default_max_runtime_seconds
        self.grace_seconds = grace_seconds
        spaces.add_delete_guard(self.refuse_while_running)

    def refuse_while_running(self, space_id: str, space_name: str) -> None:
        """Refuse deleting a space while jobs still run in it (a guard of ``SpaceService``)."""
        with self.store.session() as session:
            running = session.scalar(
                select(func.count())
                .select_from(JobRow)
                .where(
                    JobRow.space_id == space_id,
                    JobRow.status.in_([s.value for s in ACTIVE_STATUSES]),
                )
            )
        if running:
            raise Conflict(
                f"{running} job{'s' if running > 1 else ''} still running in space {space_name!r}: "
                "stop them (or wait for them to end) before deleting the space.",
                code="space_has_running_jobs",
            )

    # --------------------------------------------------------------- helpers
    def _describe(self, row: JobRow) -> DescribeJob:
        started, ended = row.started_at, row.ended_at
        elapsed = ((ended or utcnow()) - started).total_seconds() if started else 0.0
        job_dir = Path(row.job_dir)
        root = self.spaces.contents_root
        return DescribeJob(
            job_id=row.job_id,
            name=row.name,
            kind=row.kind,
            owner=row.owner,
            space_id=row.space_id,
            parameters=row.parameters or {},
            status=JobStatus(row.status),
            status_message=row.status_message,
            progress=row.progress or 0.0,
            progress_message=row.progress_message or "",
            created_at=row.created_at,
            started_at=started,
            ended_at=ended,
            elapsed_seconds=max(0.0, elapsed),
            max_runtime_seconds=row.max_runtime_seconds,
            exit_code=row.exit_code,
            log_path=contents_path(root, job_dir / "job.log"),
            output_path=contents_path(root, job_dir / "output"),
        )

    def _visible_filter(self, caller: Caller):  # noqa: ANN202 - a SQL expression
        if caller.is_admin:
            return None
        spaces = self.spaces.member_space_ids(caller.username)
        return (
            or_(JobRow.owner == caller.username, JobRow.space_id.in_(spaces))
            if spaces
            else (JobRow.owner == caller.username)
        )

    def _row(self, caller: Caller, job_id: str) -> JobRow:
        with self.store.session() as session:
            row = session.get(JobRow, job_id)
        if row is None:
            raise NotFound(f"No job with id {job_id!r}.", code="job_not_found")
        if (
            not caller.is_admin
            and row.owner != caller.username
            and (
                row.space_id is None
                or row.space_id not in self.spaces.member_space_ids(caller.username)
            )
        ):
            raise Forbidden(
                "This job belongs to another user or to a space you are not a member of.",
                code="job_forbidden",
            )
        return row

    # ------------------------------------------------------------------- API
    def kinds(self) -> list[JobKindInfo]:
        """Registered job kinds with their parameter schemas."""
        return [JobKindInfo(**describe_kind(kind)) for kind in job_kinds().values()]

    def create(self, caller: Caller, body: CreateJob) -> DescribeJob:
        """Validate a job request, record it as Pending and wake the runner.

        Nothing is written when the kind, the parameters, the space or a path is invalid.
        """
        kind = get_job_kind(body.kind)()
        params = kind.validate_parameters(body.parameters)
        base = (
            self.spaces.space_path(caller, body.space_id)
            if body.space_id
            else self.spaces.home_dir(caller.username)
        )
        job_id = uuid.uuid4().hex
        name = body.name or default_job_name(kind.default_name(params), kind.name)
        job_dir = base / "jobs" / f"{slugify(name)}-{job_id[:8]}"
        settings = self.spaces.profile_settings(caller.username)
        context = PrepareContext(
            caller=caller,
            scope=self.spaces.path_scope(caller),
            job_dir=job_dir,
            settings=settings,
            services=self.services,
        )
        resolved = kind.prepare(params, context)
        experiments = getattr(self.services, "experiments", None)
        if experiments is not None:  # scripts that log with plain mlflow land in the domain
            resolved["tracking_environment"] = experiments.tracking_environment(
                job_id=job_id, owner=caller.username, space_id=body.space_id
            )
        max_runtime = (
            body.max_runtime_seconds
            or settings.default_max_runtime_seconds
            or self.default_max_runtime_seconds
        )
        (job_dir / "output").mkdir(parents=True, exist_ok=True)
        (job_dir / "job.log").touch()
        row = JobRow(
            job_id=job_id,
            name=name,
            kind=kind.name,
            owner=caller.username,
            space_id=body.space_id,
            parameters=params.model_dump(mode="json"),
            status=JobStatus.PENDING.value,
            progress=0.0,
            progress_message="Queued",
            max_runtime_seconds=max_runtime,
            executor=self.runner.executor.name,
            job_dir=str(job_dir),
            spec={
                "kind_ref": kind.import_path(),
                "resolved": resolved,
                "grace_seconds": self.grace_seconds,
            },
        )
        with self.store.session() as session:
            session.add(row)
        self.runner.wake()
        return self._describe(row)

    def list(self, caller: Caller, query: ListJobsQuery) -> ListJobsResponse:
        """Jobs the caller may see, newest first, filtered and paginated."""
        offset = page_offset(query.next_token)
        conditions = []
        visible = self._visible_filter(caller)
        if visible is not None:
            conditions.append(visible)
        if query.status:
            conditions.append(JobRow.status.in_([s.value for s in query.status]))
        if query.kind:
            conditions.append(JobRow.kind == query.kind)
        if query.space_id:
            conditions.append(JobRow.space_id == query.space_id)
        if query.owner:
            conditions.append(JobRow.owner == query.owner)
        with self.store.session() as session:
            total = session.scalar(select(func.count()).select_from(JobRow).where(*conditions)) or 0
            rows = session.scalars(
                select(JobRow)
                .where(*conditions)
                .order_by(JobRow.created_at.desc(), JobRow.job_id)
                .offset(offset)
                .limit(query.limit)
            ).all()
        return ListJobsResponse(
            items=[self._describe(row) for row in rows],
            next_token=next_page_token(offset, len(rows), total),
            total_count=total,
        )

    def get(self, caller: Caller, job_id: str) -> DescribeJob:
        return self._describe(self._row(caller, job_id))

    def stop(self, caller: Caller, job_id: str) -> DescribeJob:
        """Stop a job: a queued job ends at once, a running one gets a graceful signal,
        then is killed after the grace period."""
        row = self._row(caller, job_id)
        status = JobStatus(row.status)
        if status.is_final:
            raise Conflict(
                f"Job {row.name!r} has already ended ({status.value}); there is nothing to stop.",
                code="job_already_ended",
            )
        message = f"Stopped by {caller.username}"
        if status == JobStatus.PENDING:
            state.finish(self.store, job_id, JobStatus.STOPPED, message + " before it started")
        if state.request_stop(self.store, job_id, message):
            with self.store.session() as session:
                fresh = session.get(JobRow, job_id)
            if fresh is not None:
                self.runner.executor.terminate(fresh)
        self.runner.wake()
        return self._describe(self._row(caller, job_id))

    def retry(self, caller: Caller, job_id: str) -> DescribeJob:
        """Run an ended job again as a new job with the same kind, parameters, space and limit."""
        row = self._row(caller, job_id)
        if not JobStatus(row.status).is_final:
            raise Conflict(
                f"Job {row.name!r} is still {row.status}: stop it or wait for it to end first.",
                code="job_still_active",
            )
        body = parse_model(
            CreateJob,
            {
                "kind": row.kind,
                "name": row.name,
                "space_id": row.space_id,
                "max_runtime_seconds": row.max_runtime_seconds,
                "parameters": row.parameters or {},
            },
            f"job {row.name!r} to retry",
        )
        return self.create(caller, body)

    def logs(self, caller: Caller, job_id: str, offset: int = 0, limit: int = 65536) -> JobLogs:
        """A slice of the job log from byte ``offset``; poll with ``next_offset`` to follow it."""
        row = self._row(caller, job_id)
        if offset < 0:
            raise InvalidInput("offset must be 0 or more.", code="invalid_offset")
        limit = max(1, min(limit, MAX_LOG_CHUNK))
        path = Path(row.job_dir) / "job.log"
        size = path.stat().st_size if path.exists() else 0
        offset = min(offset, size)
        data = b""
        if size > offset:
            with open(path, "rb") as handle:
                handle.seek(offset)
                data = handle.read(limit)
                # Finish the line (and the source line under a noise warning), so that what is
                # shown does not depend on the read size.
                for _ in range(2):
                    if data.endswith(b"\n") and not ends_with_dropped_warning(data):
                        break
                    ahead = handle.read(LINE_READ_AHEAD)
                    end = ahead.find(b"\n")
                    if end < 0:
                        break
                    data += ahead[: end + 1]
                    handle.seek(offset + len(data))
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        text = decoder.decode(data, final=False)
        held_back = len(decoder.getstate()[0])
        finished = JobStatus(row.status).is_final
        # What is shown drops terminal codes and known noise (the file keeps them); a line or a
        # code cut by this read is left for the next one.
        shown, used = readable(text, final=finished and offset + len(data) >= size)
        held_back += len(text[used:].encode("utf-8", "surrogatepass"))
        next_offset = offset + len(data) - held_back
        text = shown
        return JobLogs(
            content=text,
            offset=offset,
            next_offset=next_offset,
            size=size,
            complete=finished and next_offset >= size,
        )

    def artifacts(self, caller: Caller, job_id: str) -> list[JobArtifact]:
        """Files the job wrote to its output folder, without hidden files and folders.

        Names starting with a dot (``.ipynb_checkpoints/``, ``.cache/``) and ``__pycache__/``
        are left out: they are by-products, not results.
        """
        row = self._row(caller, job_id)
        output = Path(row.job_dir) / "output"
        items: list[JobArtifact] = []
        if output.is_dir():
            for path in sorted(output.rglob("*")):
                if is_hidden_artifact(path.relative_to(output)):
                    continue
                if path.is_file() and not path.is_symlink():
                    items.append(
                        JobArtifact(
                            name=path.relative_to(output).as_posix(),
                            size=path.stat().st_size,
                            path=contents_path(self.spaces.contents_root, path),
                        )
                    )
                    if len(items) >= MAX_ARTIFACTS:
                        break
        return items

    def job_dir(self, caller: Caller, job_id: str) -> Path:
        return Path(self._row(caller, job_id).job_dir)
