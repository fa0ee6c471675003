"""Endpoints: a registered model version served by its own model-server process.

Each endpoint runs ``jupyter_studio.core.endpoints.runtime.model_server`` as a detached process
group (never inside the Jupyter server), on a loopback port, with ``instance_count`` workers.
The store records which process serves it; a supervisor (:meth:`EndpointService.supervise`)
promotes a process to serving once it answers ``/ping``, restarts one that died, and marks an
endpoint Failed with the reason and the end of the server's log when it cannot.

An update starts the new version beside the old one and switches traffic only when the new
process answers ``/ping``; the old one then drains its in-flight requests and stops.

Launches agree through the store: a launch first claims the row's next ``generation`` with a
compare-and-swap that also writes a lease into ``pending``, so of two launchers (a create and the
supervisor, two Jupyter servers) only one starts a process, and the supervisor leaves a Creating
endpoint alone while its creator's lease runs (:data:`LAUNCH_LEASE_SECONDS`). Each model server
is told its endpoint, generation and the store, and stops itself once the row is gone or no longer
names it as serving or pending (see :mod:`.runtime.lease`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..processes import THIS_HOST, ProcessHandle, find_process, signal_group, spawn_detached
from ..spaces.paths import contents_path
from ..spaces.service import Caller, SpaceService
from ..store import Store
from ..store.orm import utcnow
from .runtime.lease import STORE_URL_ENV
from .schemas import (
    CreateEndpoint,
    DescribeEndpoint,
    EndpointStats,
    EndpointStatus,
    UpdateEndpoint,
)
from .tables import EndpointRow

log = logging.getLogger(__name__)

MODEL_SERVER_MODULE = "jupyter_studio.core.endpoints.runtime.model_server"
LOG_NAME = "server.log"
CAPTURE_FOLDER = "capture"
INVOKE_PREFIX = "studio/endpoints"
#: Seconds a launcher holds its claim on an endpoint before it has started the process: within it
#: the supervisor does not start another one; past it the launcher is taken for dead.
LAUNCH_LEASE_SECONDS = 60.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ping(port: int, timeout: float = 1.0) -> bool:
    """True when a model server answers ``GET /ping`` with 200 on ``port``."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=timeout) as reply:
            return reply.status == 200
    except (OSError, urllib.error.URLError):
        return False


def log_tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log file (for a Failed status message)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - 8192))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _timestamp(value: Any) -> float:
    """Seconds since the epoch of a stored datetime (naive ones are UTC)."""
    if value is None:
        return 0.0
    if value.tzinfo is None:
        from datetime import timezone

        value = value.replace(tzinfo=timezone.utc)
    return float(value.timestamp())


def _handle(data: dict[str, Any] | EndpointRow | None) -> ProcessHandle | None:
    if data is None:
        return None
    if isinstance(data, EndpointRow):
        if data.pid is None:
            return None
        return ProcessHandle(data.pid, data.pid_started_at, data.host or "")
    if data.get("pid") is None:
        return None
    return ProcessHandle(data["pid"], data.get("pid_started_at"), data.get("host") or "")


class EndpointService:
    """Deploy, list, update, delete and supervise endpoints."""

    def __init__(
        self,
        store: Store,
        spaces: SpaceService,
        *,
        models: Any = None,
        startup_timeout: float = 300.0,
        grace_seconds: float = 10.0,
        max_restarts: int = 3,
        owner: str | None = None,
        logger: logging.Logger | None = None,
    ):
        self.store = store
        self.spaces = spaces
        #: The model registry (``studio.models``): ``resolve_version(caller, name, version)``.
        self.models = models
        self.startup_timeout = startup_timeout
        self.grace_seconds = grace_seconds
        self.max_restarts = max_restarts
        #: Seconds between a model server's checks that its endpoint row still names it.
        self.lease_check_seconds = 5.0
        #: Seconds a launcher's claim keeps the supervisor from starting another process.
        self.launch_lease_seconds = LAUNCH_LEASE_SECONDS
        #: Supervise only this user's endpoints (each hub user's server runs its own).
        self.owner = owner
        self.log = logger or log
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    # ------------------------------------------------------------ helpers
    def _describe(self, row: EndpointRow) -> DescribeEndpoint:
        folder = Path(row.endpoint_dir)
        root = self.spaces.contents_root
        return DescribeEndpoint(
            endpoint_name=row.endpoint_name,
            status=EndpointStatus(row.status),
            status_message=row.status_message,
            model_name=row.model_name,
            model_version=row.model_version,
            instance_count=row.instance_count,
            capture_percent=row.capture_percent,
            owner=row.owner,
            space_id=row.space_id,
            invoke_url=f"{INVOKE_PREFIX}/{row.endpoint_name}/invocations",
            port=row.port if row.status != EndpointStatus.CREATING.value else None,
            path=contents_path(root, folder),
            log_path=contents_path(root, folder / LOG_NAME),
            capture_path=contents_path(root, folder / CAPTURE_FOLDER),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def _can_see(self, caller: Caller, row: EndpointRow) -> bool:
        if caller.is_admin or row.owner == caller.username:
            return True
        return bool(row.space_id) and row.space_id in self.spaces.member_space_ids(caller.username)

    def _row(self, session: Any, caller: Caller, name: str) -> EndpointRow:
        row = session.get(EndpointRow, name)
        if row is None:
            raise NotFound(
                f"No endpoint {name!r}: list endpoints to see their names.",
                code="endpoint_not_found",
            )
        if not self._can_see(caller, row):
            raise Forbidden(
                f"Endpoint {name!r} belongs to another user or to a space you are not a member of.",
                code="endpoint_forbidden",
            )
        return row

    def _require_owner(self, caller: Caller, row: EndpointRow, action: str) -> None:
        if not (caller.is_admin or row.owner == caller.username):
            raise Forbidden(
                f"Only {row.owner!r} (its owner) or a domain administrator may {action} "
                f"endpoint {row.endpoint_name!r}.",
                code="endpoint_owner_only",
            )

    def _resolve(
        self, caller: Caller, model_name: str, version: int | None, space_id: str | None = None
    ) -> Any:
        if self.models is None:
            raise Conflict(
                "The model registry is not available in this Studio.", code="no_model_registry"
            )
        return self.models.resolve_version(caller, model_name, version, space_id=space_id)

    @staticmethod
    def _version_of(resolved: Any) -> int:
        describe = getattr(resolved, "describe", None)
        return int(getattr(describe, "version", None) or resolved.version)

    def _folder(self, caller: Caller, space_id: str | None, name: str) -> Path:
        base = (
            self.spaces.space_path(caller, space_id)
            if space_id
            else self.spaces.home_dir(caller.username)
        )
        return base / "endpoints" / name

    # ---------------------------------------------------------------- API
    def list(self, caller: Caller) -> list[DescribeEndpoint]:
        """Endpoints the caller may see (own, their spaces', or all for admins)."""
        with self.store.session() as session:
            rows = session.scalars(select(EndpointRow).order_by(EndpointRow.endpoint_name)).all()
            return [self._describe(row) for row in rows if self._can_see(caller, row)]

    def get(self, caller: Caller, name: str) -> DescribeEndpoint:
        with self.store.session() as session:
            return self._describe(self._row(session, caller, name))

    def port_of(self, caller: Caller, name: str) -> int:
        """The loopback port serving ``name`` (for the proxy and local clients)."""
        with self.store.session() as session:
            row = self._row(session, caller, name)
            if row.port is None or row.status not in (
                EndpointStatus.IN_SERVICE.value,
                EndpointStatus.UPDATING.value,
            ):
                raise Conflict(
                    f"Endpoint {name!r} is {row.status}"
                    + (f" ({row.status_message})" if row.status_message else "")
                    + ": it takes requests once it is InService.",
                    code="endpoint_not_in_service",
                )
            return row.port

    def create(self, caller: Caller, body: CreateEndpoint) -> DescribeEndpoint:
        """Deploy a model version to a new endpoint; it is Creating until its server answers."""
        resolved = self._resolve(caller, body.model_name, body.model_version, body.model_space_id)
        version = self._version_of(resolved)
        space_id = getattr(getattr(resolved, "describe", None), "space_id", None)
        folder = self._folder(caller, space_id, body.endpoint_name)
        with self.store.session() as session:
            existing = session.get(EndpointRow, body.endpoint_name)
            if existing is not None:
                raise Conflict(
                    f"The endpoint name {body.endpoint_name!r} is in use in this domain: "
                    "pick another name, or update that endpoint to the new version.",
                    code="endpoint_exists",
                )
            row = EndpointRow(
                endpoint_name=body.endpoint_name,
                owner=caller.username,
                space_id=space_id,
                model_name=body.model_name,
                model_version=version,
                instance_count=body.instance_count,
                capture_percent=body.capture_percent,
                status=EndpointStatus.CREATING.value,
                status_message="Starting the model server",
                endpoint_dir=str(folder),
                generation=0,
            )
            session.add(row)
            try:
                session.flush()
            except Exception:
                session.rollback()
                raise Conflict(
                    f"The endpoint name {body.endpoint_name!r} is in use in this domain.",
                    code="endpoint_exists",
                ) from None
        self._launch(
            body.endpoint_name, Path(resolved.model_dir), body.model_name, version, claim_from=0
        )
        return self.get(caller, body.endpoint_name)

    def update(self, caller: Caller, name: str, body: UpdateEndpoint) -> DescribeEndpoint:
        """Switch to another model version (or instance count, capture rate) with no downtime."""
        with self.store.session() as session:
            row = self._row(session, caller, name)
            self._require_owner(caller, row, "update")
            if row.status in (EndpointStatus.DELETING.value, EndpointStatus.CREATING.value):
                raise Conflict(
                    f"Endpoint {name!r} is {row.status}: wait for it to finish first.",
                    code="endpoint_busy",
                )
            if row.pending:
                raise Conflict(
                    f"Endpoint {name!r} is already being updated: wait for it to finish.",
                    code="endpoint_busy",
                )
            model_name = body.model_name or row.model_name
            version_wanted = body.model_version
            if version_wanted is None and body.model_name is None:
                version_wanted = row.model_version
            # the endpoint lives in its model's space: without a new name or space, keep that one
            model_space = body.model_space_id
            if model_space is None and body.model_name is None:
                model_space = row.space_id
        resolved = self._resolve(caller, model_name, version_wanted, model_space)
        version = self._version_of(resolved)
        with self.store.session() as session:
            row = self._row(session, caller, name)
            row.space_id = getattr(getattr(resolved, "describe", None), "space_id", row.space_id)
            if body.instance_count is not None:
                row.instance_count = body.instance_count
            if body.capture_percent is not None:
                row.capture_percent = body.capture_percent
            row.restarts = 0
            serving = row.status == EndpointStatus.IN_SERVICE.value and row.port is not None
            row.status = (EndpointStatus.UPDATING if serving else EndpointStatus.CREATING).value
            row.status_message = f"Starting {model_name} version {version}"
            row.updated_at = utcnow()
            generation = row.generation
        self._launch(name, Path(resolved.model_dir), model_name, version, claim_from=generation)
        return self.get(caller, name)

    def delete(self, caller: Caller, name: str) -> None:
        """Stop the endpoint's model server and forget the endpoint (its folder and captures stay)."""
        with self.store.session() as session:
            row = self._row(session, caller, name)
            self._require_owner(caller, row, "delete")
            row.status = EndpointStatus.DELETING.value
            row.status_message = f"Deleted by {caller.username}"
        self._finish_delete(name)

    def stats(self, caller: Caller, name: str) -> EndpointStats:
        """Request count, errors and latency percentiles reported by the model server."""
        port = self.port_of(caller, name)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as reply:
                raw = json.loads(reply.read())
        except (OSError, ValueError) as exc:
            raise Conflict(
                f"Endpoint {name!r} did not report its statistics: {exc}.", code="stats_unavailable"
            ) from None
        latency = raw.get("latency") or {}
        return EndpointStats(
            endpoint_name=name,
            request_count=int(raw.get("requests", 0)),
            error_count=int(raw.get("errors", 0)),
            p50_ms=latency.get("p50_ms"),
            p99_ms=latency.get("p99_ms"),
            latency_window=latency.get("window"),
            raw=raw,
        )

    def wait(self, caller: Caller, name: str, timeout: float = 300.0) -> DescribeEndpoint:
        """Block until the endpoint is InService or Failed (supervising it if nobody else does)."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.running:
                self.supervise()
            described = self.get(caller, name)
            if described.status in (EndpointStatus.IN_SERVICE, EndpointStatus.FAILED):
                return described
            if time.monotonic() > deadline:
                return described
            time.sleep(0.2)

    # ------------------------------------------------------------ launching
    def _claim(self, name: str, claim_from: int) -> tuple[int, Path, int, float] | None:
        """Claim generation ``claim_from + 1`` of the endpoint for a launch, or None if taken.

        One compare-and-swap on (name, generation, no pending process) bumps the generation and
        writes the launcher's lease into ``pending``: of two launchers only one wins.
        """
        generation = claim_from + 1
        with self.store.session() as session:
            claimed = _update_if(
                session,
                name,
                claim_from,
                pending_claimed=False,
                generation=generation,
                pending={"generation": generation, "claimed_at": time.time()},
            )
            if not claimed:
                return None
            row = session.get(EndpointRow, name)
            if row is None:
                return None
            return generation, Path(row.endpoint_dir), row.instance_count, row.capture_percent

    def _launch(
        self, name: str, model_dir: Path, model_name: str, version: int, *, claim_from: int
    ) -> None:
        """Start a model-server process as the endpoint's pending generation ``claim_from + 1``.

        Nothing starts when another launcher claimed that generation first.
        """
        claim = self._claim(name, claim_from)
        if claim is None:
            return  # someone else launched this generation
        generation, folder, instance_count, capture_percent = claim
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CAPTURE_FOLDER).mkdir(exist_ok=True)
        port = free_port()
        with open(folder / LOG_NAME, "ab") as handle:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            handle.write(
                f"[studio {stamp}] starting {model_name} version {version} "
                f"(generation {generation}) on port {port}\n".encode()
            )
        arguments = [
            "--model-dir",
            str(model_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(instance_count),
            "--capture-dir",
            str(folder / CAPTURE_FOLDER),
            "--capture-percent",
            f"{capture_percent:g}",
            "--model-version",
            f"{model_name}:{version}",
            "--endpoint-name",
            name,
            "--generation",
            str(generation),
            "--lease-check-seconds",
            f"{self.lease_check_seconds:g}",
        ]
        try:
            _, handle_ = spawn_detached(
                MODEL_SERVER_MODULE,
                arguments,
                cwd=folder,
                log_path=folder / LOG_NAME,
                env={STORE_URL_ENV: self.store.db_url},
            )
        except OSError as exc:
            self._fail(name, generation, f"Could not start the model server: {exc}")
            return
        pending = {
            "generation": generation,
            "port": port,
            "pid": handle_.pid,
            "pid_started_at": handle_.started_at,
            "host": handle_.host,
            "model_name": model_name,
            "model_version": version,
            "model_dir": str(model_dir),
            "started_at": time.time(),
        }
        with self.store.session() as session:
            recorded = _update_if(session, name, generation, pending=pending)
        if not recorded:  # deleted or superseded meanwhile: nobody would ever stop this process
            self.log.warning("Endpoint %s moved on while it started: stopping it", name)
            signal_group(handle_, signal.SIGKILL)

    def _fail(self, name: str, generation: int, reason: str) -> None:
        with self.store.session() as session:
            row = session.get(EndpointRow, name)
            if row is None or row.generation != generation:
                return
            tail = log_tail(Path(row.endpoint_dir) / LOG_NAME)
            message = reason + (f"\n--- end of the model server log ---\n{tail}" if tail else "")
            pending_handle = _handle(row.pending)
            serving_alive = row.port is not None and find_process(_handle(row)) is not None
            if row.status == EndpointStatus.UPDATING.value and serving_alive:
                # The old version keeps serving; say why the update did not happen.
                row.status = EndpointStatus.IN_SERVICE.value
                row.status_message = (
                    "The update failed, the previous version still serves: " + message
                )
            else:
                row.status = EndpointStatus.FAILED.value
                row.status_message = message
                row.port = None
            row.pending = None
        if pending_handle is not None:
            signal_group(pending_handle, signal.SIGKILL)

    def _promote(self, row: EndpointRow) -> ProcessHandle | None:
        """Make the pending process the serving one; returns the process it replaces."""
        pending = row.pending or {}
        old = _handle(row)
        with self.store.session() as session:
            done = _update_if(
                session,
                row.endpoint_name,
                pending.get("generation"),
                status=EndpointStatus.IN_SERVICE.value,
                status_message=None,
                port=pending["port"],
                pid=pending["pid"],
                pid_started_at=pending.get("pid_started_at"),
                host=pending.get("host"),
                model_name=pending.get("model_name", row.model_name),
                model_version=pending.get("model_version", row.model_version),
                pending=None,
            )
        if not done:
            return None
        return old if old is not None and old.pid != pending["pid"] else None

    def _retire(self, handle: ProcessHandle | None) -> None:
        """Stop a replaced server gracefully (it finishes in-flight requests), then kill it."""
        if handle is None:
            return

        def stop() -> None:
            # Only the model server's supervisor: it stops its workers, which stop accepting and
            # finish their requests. Signalling the whole group would also end the helpers of a
            # request in flight (the 500 of a retiring server).
            process = find_process(handle)
            if process is not None:
                with contextlib.suppress(Exception):
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + self.grace_seconds
            while time.monotonic() < deadline and find_process(handle) is not None:
                time.sleep(0.1)
            signal_group(handle, signal.SIGKILL)

        threading.Thread(target=stop, daemon=True, name="studio-endpoint-retire").start()

    def _finish_delete(self, name: str) -> None:
        with self.store.session() as session:
            row = session.get(EndpointRow, name)
            if row is None:
                return
            handles = [h for h in (_handle(row), _handle(row.pending)) if h is not None]
        for handle in handles:
            signal_group(handle, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        while time.monotonic() < deadline and any(find_process(h) for h in handles):
            time.sleep(0.1)
        for handle in handles:
            signal_group(handle, signal.SIGKILL)
        with self.store.session() as session:
            row = session.get(EndpointRow, name)
            if row is not None and row.status == EndpointStatus.DELETING.value:
                session.delete(row)

    # ----------------------------------------------------------- supervising
    def _supervised_rows(self) -> list[EndpointRow]:
        with self.store.session() as session:
            query = select(EndpointRow)
            if self.owner is not None:
                query = query.where(EndpointRow.owner == self.owner)
            rows = session.scalars(query).all()
            session.expunge_all()
        return [
            row
            for row in rows
            if (row.host in (None, "", THIS_HOST))
            or (row.pending and row.pending.get("host") in (None, "", THIS_HOST))
        ]

    def supervise(self) -> None:
        """One pass: promote servers that answer, restart dead ones, fail the hopeless."""
        with self._lock:
            for row in self._supervised_rows():
                try:
                    self._supervise_row(row)
                except Exception:  # one broken endpoint must not stop the others
                    self.log.exception("Supervising endpoint %s failed", row.endpoint_name)

    def _supervise_row(self, row: EndpointRow) -> None:
        if row.status == EndpointStatus.DELETING.value:
            self._finish_delete(row.endpoint_name)
            return
        if row.pending:
            pending = row.pending
            if pending.get("pid") is None:  # claimed, the process not started yet
                self._check_launch_lease(row)
                return
            if ping(pending["port"]):
                self._retire(self._promote(row))
                self.log.info("Endpoint %s is InService", row.endpoint_name)
                return
            proc = find_process(_handle(pending))  # type: ignore[arg-type]
            if proc is None:
                self._fail(
                    row.endpoint_name,
                    pending["generation"],
                    "The model server exited before it answered /ping.",
                )
            elif time.time() - pending.get("started_at", 0) > self.startup_timeout:
                self._fail(
                    row.endpoint_name,
                    pending["generation"],
                    f"The model server did not answer /ping within {self.startup_timeout:g} s.",
                )
            return
        if row.status == EndpointStatus.IN_SERVICE.value:
            handle = _handle(row)
            if handle is not None and find_process(handle) is not None:
                return
            self._restart(row, "The model server process ended unexpectedly")
        elif row.status == EndpointStatus.CREATING.value and row.generation == 0:
            # Its creator is launching it: wait for the lease before taking it for lost.
            age = time.time() - _timestamp(row.updated_at)
            if age > self.launch_lease_seconds:
                self._restart(row, "The model server was never started")

    def _check_launch_lease(self, row: EndpointRow) -> None:
        """Release a launch claim whose launcher died before it started the process."""
        pending = row.pending or {}
        if time.time() - float(pending.get("claimed_at") or 0) <= self.launch_lease_seconds:
            return
        serving = row.port is not None and find_process(_handle(row)) is not None
        values: dict[str, Any] = {"pending": None}
        if serving:
            values.update(
                status=EndpointStatus.IN_SERVICE.value,
                status_message="The update was interrupted before its model server started; "
                "the previous version still serves: send the update again.",
            )
        with self.store.session() as session:
            released = _update_if(
                session, row.endpoint_name, row.generation, pending_claimed=True, **values
            )
        if not released or serving:
            return
        self.log.warning("Endpoint %s: its launch was interrupted", row.endpoint_name)
        row.pending = None
        self._restart(row, "The launch of the model server was interrupted")

    def _restart(self, row: EndpointRow, reason: str) -> None:
        if row.restarts >= self.max_restarts:
            with self.store.session() as session:
                fresh = session.get(EndpointRow, row.endpoint_name)
                if fresh is None or fresh.generation != row.generation:
                    return
            self._fail(
                row.endpoint_name,
                row.generation,
                f"{reason}, and it was restarted {row.restarts} times already.",
            )
            return
        with self.store.session() as session:
            done = _update_if(
                session,
                row.endpoint_name,
                row.generation,
                pending_claimed=False,
                restarts=row.restarts + 1,
                status=EndpointStatus.CREATING.value,
                status_message=f"{reason}: restarting it (attempt {row.restarts + 1}).",
                port=None,
            )
        if not done:
            return
        self.log.warning("Endpoint %s: %s; restarting it", row.endpoint_name, reason)
        try:
            resolved = self.models.resolve_version(
                Caller(row.owner, is_admin=True),
                row.model_name,
                row.model_version,
                space_id=row.space_id,
            )
            model_dir = Path(resolved.model_dir)
        except Exception as exc:
            self._fail(row.endpoint_name, row.generation, f"{reason}; cannot restart it: {exc}")
            return
        self._launch(
            row.endpoint_name,
            model_dir,
            row.model_name,
            row.model_version,
            claim_from=row.generation,
        )

    # -------------------------------------------------------------- thread
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, interval: float = 1.0) -> None:
        """Supervise endpoints in a background thread (the Jupyter server does this)."""
        if self.running:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                with contextlib.suppress(Exception):
                    self.supervise()
                self._stop.wait(interval)

        self._thread = threading.Thread(target=loop, daemon=True, name="studio-endpoints")
        self._thread.start()

    def stop(self) -> None:
        """Stop supervising; model servers keep running and are adopted by the next server."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None


def _update_if(
    session: Session,
    name: str,
    expected_generation: int | None,
    *,
    pending_claimed: bool | None = None,
    **values: Any,
) -> bool:
    """Compare-and-swap on an endpoint row: set ``values`` (and ``updated_at``) only while the
    row is still at ``expected_generation`` and, if ``pending_claimed`` is given, while a launch
    claim is (True) or is not (False) pending. True when the row was updated.

    Launchers and supervisors on several servers race on the same row; this single UPDATE is
    how exactly one of them wins.
    """
    conditions = [EndpointRow.endpoint_name == name, EndpointRow.generation == expected_generation]
    if pending_claimed is True:
        conditions.append(EndpointRow.pending.is_not(None))
    elif pending_claimed is False:
        conditions.append(EndpointRow.pending.is_(None))
    statement = update(EndpointRow).where(*conditions).values(**values, updated_at=utcnow())
    return bool(session.execute(statement).rowcount)


def check_endpoint_name(name: str) -> str:
    """Raise InvalidInput unless ``name`` is a valid endpoint name."""
    import re

    from .schemas import ENDPOINT_NAME_PATTERN

    if not re.match(ENDPOINT_NAME_PATTERN, name or ""):
        raise InvalidInput(
            f"{name!r} is not a valid endpoint name: use letters, digits and hyphens "
            "(at most 63, not starting or ending with a hyphen).",
            code="invalid_endpoint_name",
        )
    return name
