"""Experiments and runs in the domain's MLflow tracking store, with the visibility rules of spaces.

**The tracking store** is MLflow's own SQL store: by default a SQLite file in the domain,
``<domain_root>/mlflow/mlflow.db``, with artifacts under ``<domain_root>/mlflow/artifacts/``; for a
team, a PostgreSQL URL (its own database, not the metadata store's: both keep an
``alembic_version`` table). A script that logs with the plain ``mlflow`` API records its runs here
when it runs as a Studio job, with no change: the job's environment
(:meth:`ExperimentService.tracking_environment`) sets ``MLFLOW_TRACKING_URI``, and the run-context
provider of :mod:`.context` tags each run with the job, its space and its Studio user. ``mlflow ui
--backend-store-uri <tracking_uri> --default-artifact-root <artifact_root>`` shows the same runs.

**Who sees what.** A run belongs to

- a *space*: its tag ``studio.space_id``, else the ``studio.space_id`` tag of its experiment;
- an *owner*: its tag ``studio.owner``, else MLflow's ``mlflow.user`` (the account that ran it),
  else the ``studio.owner`` tag of its experiment.

A caller sees a run when they are a domain administrator, its owner, or a member of its space (as
for jobs). Runs without any of these tags are visible to administrators only. An experiment is
listed when its own tags say it belongs to the caller or to one of their spaces, or when it holds
at least one run they may see; its ``run_count`` counts only those runs. Asking for a run or an
experiment one may not see is a 403; an unknown id is a 404.

The tags are written by the processes that log runs, so they say where a run belongs, not who may
change it: anyone who can reach the tracking store (every kernel and job can) can write any run.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from sqlalchemy.engine import make_url

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..spaces.paths import contents_path
from ..spaces.service import Caller, SpaceService
from ..validation import parse_model
from .schemas import (
    ComparedMetric,
    ComparedParam,
    CompareRunsQuery,
    CreateExperiment,
    DescribeExperiment,
    DescribeRun,
    ListRunsQuery,
    ListRunsResponse,
    MetricHistory,
    MetricPoint,
    RunComparison,
    RunModel,
)
from .tags import (
    ARTIFACT_ROOT_ENV,
    JOB_ID_ENV,
    JOB_ID_TAG,
    MLFLOW_RUN_NAME_TAG,
    MLFLOW_SOURCE_NAME_TAG,
    MLFLOW_USER_TAG,
    OWNER_ENV,
    OWNER_TAG,
    SPACE_ID_ENV,
    SPACE_ID_TAG,
    TRACKING_URI_ENV,
)

log = logging.getLogger(__name__)

TRACKING_FOLDER = "mlflow"
TRACKING_DB = "mlflow.db"
ARTIFACTS_FOLDER = "artifacts"
#: Runs MLflow returns per query while a page of visible runs is being filled.
SCAN_BATCH = 200
#: Seconds the server's start waits for a new tracking store to be created (see ``warm_up``).
STORE_CREATION_WAIT = 60.0
_SCOPE_TAGS = (SPACE_ID_TAG, OWNER_TAG, MLFLOW_USER_TAG)


def _ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=timezone.utc)


def _user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in tags.items() if not key.startswith("mlflow.")}


def default_tracking_uri(domain_root: Path) -> str:
    """The SQLite tracking store of a domain: ``sqlite:///<domain_root>/mlflow/mlflow.db``."""
    return f"sqlite:///{Path(domain_root).resolve() / TRACKING_FOLDER / TRACKING_DB}"


class TrackingStore:
    """The domain's MLflow SQL store: opened once, created under a lock shared by processes."""

    def __init__(self, tracking_uri: str, artifact_root: str):
        self.tracking_uri = tracking_uri
        self.artifact_root = artifact_root
        self._store: Any = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _init_lock(self) -> Iterator[None]:
        """Serialise the creation of a new SQLite store between processes (servers, CLI)."""
        url = make_url(self.tracking_uri)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            yield
            return
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        with open(url.database + ".init.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def exists(self) -> bool:
        """False for a SQLite store whose file is not there yet (its creation runs MLflow's
        migrations, which take seconds); True for any other database (a server that may hold it)."""
        url = make_url(self.tracking_uri)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return True
        return Path(url.database).exists()

    def open(self) -> Any:
        """MLflow's ``SqlAlchemyStore``, created (and its schema made or upgraded by MLflow) on
        first use."""
        if self._store is not None:
            return self._store
        with self._lock:
            if self._store is None:
                self._store = self._open_store()
        return self._store

    def _open_store(self) -> Any:
        from mlflow.exceptions import MlflowException
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

        try:
            make_url(self.tracking_uri)
        except Exception as exc:
            raise InvalidInput(
                f"The tracking URI {self.tracking_uri!r} is not a database URL: {exc}",
                code="invalid_tracking_uri",
            ) from None
        Path(self.artifact_root).mkdir(parents=True, exist_ok=True)
        with self._init_lock():
            try:
                return SqlAlchemyStore(self.tracking_uri, self.artifact_root)
            except MlflowException as exc:
                if "out-of-date database schema" not in str(exc):
                    raise
            # A newer MLflow than the one that made the store: upgrade it, as `mlflow db upgrade`.
            from mlflow.store.db.utils import _upgrade_db, create_sqlalchemy_engine_with_retry

            log.warning("Upgrading the MLflow tracking store at %s", self.tracking_uri)
            engine = create_sqlalchemy_engine_with_retry(self.tracking_uri)
            try:
                _upgrade_db(engine)
            finally:
                engine.dispose()
            return SqlAlchemyStore(self.tracking_uri, self.artifact_root)

    def close(self) -> None:
        """Release the store's database connections."""
        with self._lock:
            store, self._store = self._store, None
        engine = getattr(store, "engine", None)
        if engine is not None:
            engine.dispose()


class ExperimentService:
    """Experiments and runs of the domain's MLflow tracking store, as each caller may see them."""

    def __init__(
        self,
        spaces: SpaceService,
        domain_root: Path,
        tracking_uri: str | None = None,
        *,
        artifact_root: str | Path | None = None,
    ):
        self.spaces = spaces
        self.domain_root = Path(domain_root).resolve()
        #: The MLflow tracking URI every job gets, and that ``mlflow ui --backend-store-uri`` takes.
        self.tracking_uri = tracking_uri or default_tracking_uri(self.domain_root)
        #: Where runs of experiments created in Studio (or by jobs) keep their artifacts.
        self.artifact_root = str(
            artifact_root or self.domain_root / TRACKING_FOLDER / ARTIFACTS_FOLDER
        )
        self._tracking = TrackingStore(self.tracking_uri, self.artifact_root)

    # ------------------------------------------------------------ the store
    @property
    def ui_command(self) -> str:
        """The command that opens MLflow's own UI on the same runs (needs the full ``mlflow``)."""
        return (
            f"mlflow ui --backend-store-uri '{self.tracking_uri}' "
            f"--default-artifact-root '{self.artifact_root}'"
        )

    def store(self) -> Any:
        """MLflow's ``SqlAlchemyStore`` on the tracking URI, created on first use."""
        return self._tracking.open()

    def warm_up(self, create_wait: float = STORE_CREATION_WAIT) -> threading.Thread:
        """Have the store ready before the first experiments request needs it.

        The store is opened in a background thread (importing MLflow takes seconds), which is
        returned. A new SQLite store is waited for up to ``create_wait`` seconds: MLflow's
        migrations take seconds (a minute or more on a busy machine), once per domain, and a
        request arriving meanwhile would wait for them (the first schemathesis requests timed
        out); past that the server starts anyway and the creation goes on in the background.
        A store that cannot be opened is logged, not raised: the requests that need it say why.
        """

        def open_store() -> None:
            try:
                self.store()
            except Exception:
                log.exception("Cannot open the MLflow tracking store at %s", self.tracking_uri)

        new = not self._tracking.exists()
        thread = threading.Thread(target=open_store, name="studio-mlflow-store", daemon=True)
        thread.start()
        if new:
            log.info("Creating the MLflow tracking store at %s (once)", self.tracking_uri)
            thread.join(create_wait)
        return thread

    def close(self) -> None:
        """Release the store's database connections."""
        self._tracking.close()

    def tracking_environment(
        self,
        job: Any = None,
        *,
        job_id: str | None = None,
        owner: str | None = None,
        space_id: str | None = None,
    ) -> dict[str, str]:
        """Environment variables that make plain ``mlflow`` calls in a job record into Studio.

        ``job`` is anything with ``job_id``, ``owner`` and ``space_id`` attributes (a job row or
        description); or give them as keywords. Nothing is opened here (creating a store takes
        seconds): the job calls :func:`ensure_tracking_store` with this environment before its
        code runs, so jobs starting together never race to create the store.
        """
        if job is not None:
            job_id = job_id or getattr(job, "job_id", None)
            owner = owner or getattr(job, "owner", None)
            space_id = space_id or getattr(job, "space_id", None)
        env = {TRACKING_URI_ENV: self.tracking_uri, ARTIFACT_ROOT_ENV: self.artifact_root}
        if job_id:
            env[JOB_ID_ENV] = str(job_id)
        if owner:
            env[OWNER_ENV] = str(owner)
        if space_id:
            env[SPACE_ID_ENV] = str(space_id)
        return env

    def _mlflow_error(self, exc: Exception, what: str) -> Exception:
        code = getattr(exc, "error_code", "")
        message = getattr(exc, "message", None) or str(exc)
        if code == "RESOURCE_DOES_NOT_EXIST":
            return NotFound(f"No {what}: {message}", code=f"{what.split()[0]}_not_found")
        if code in ("INVALID_PARAMETER_VALUE", "BAD_REQUEST"):
            return InvalidInput(f"Invalid {what}: {message}", code="invalid_search")
        return exc

    # ----------------------------------------------------------- visibility
    def _member_spaces(self, caller: Caller) -> set[str]:
        return self.spaces.member_space_ids(caller.username)

    @staticmethod
    def _scope_of(
        run_tags: Mapping[str, str], experiment_tags: Mapping[str, str]
    ) -> tuple[str | None, str | None]:
        """``(space_id, owner)`` of a run, by the rule in the module docstring."""
        space = run_tags.get(SPACE_ID_TAG) or experiment_tags.get(SPACE_ID_TAG) or None
        owner = (
            run_tags.get(OWNER_TAG)
            or run_tags.get(MLFLOW_USER_TAG)
            or experiment_tags.get(OWNER_TAG)
            or None
        )
        return space, owner

    @staticmethod
    def _may_see(caller: Caller, space: str | None, owner: str | None, spaces: set[str]) -> bool:
        if caller.is_admin or (owner is not None and owner == caller.username):
            return True
        return space is not None and space in spaces

    def _experiments(self) -> dict[str, Any]:
        """Every active experiment by id."""
        from mlflow.entities import ViewType

        store = self.store()
        found: dict[str, Any] = {}
        token = None
        while True:
            page = store.search_experiments(
                view_type=ViewType.ACTIVE_ONLY, max_results=1000, page_token=token
            )
            found.update((exp.experiment_id, exp) for exp in page)
            token = page.token
            if not token:
                return found

    def _run_scopes(self) -> dict[str, list[dict[str, str]]]:
        """For each experiment id, the scope tags of each of its active runs (one query)."""
        from mlflow.store.tracking.dbmodels.models import SqlRun, SqlTag

        store = self.store()
        by_run: dict[str, tuple[str, dict[str, str]]] = {}
        with store.ManagedSessionMaker() as session:
            runs = session.query(SqlRun.run_uuid, SqlRun.experiment_id).filter(
                SqlRun.lifecycle_stage == "active"
            )
            for run_uuid, experiment_id in runs:
                by_run[run_uuid] = (str(experiment_id), {})
            tags = session.query(SqlTag.run_uuid, SqlTag.key, SqlTag.value).filter(
                SqlTag.key.in_(_SCOPE_TAGS)
            )
            for run_uuid, key, value in tags:
                if run_uuid in by_run:
                    by_run[run_uuid][1][key] = value
        grouped: dict[str, list[dict[str, str]]] = {}
        for experiment_id, run_tags in by_run.values():
            grouped.setdefault(experiment_id, []).append(run_tags)
        return grouped

    def _describe_experiment(self, exp: Any, run_count: int) -> DescribeExperiment:
        tags = dict(exp.tags or {})
        return DescribeExperiment(
            experiment_id=str(exp.experiment_id),
            name=exp.name,
            lifecycle_stage=exp.lifecycle_stage,
            space_id=tags.get(SPACE_ID_TAG),
            owner=tags.get(OWNER_TAG),
            tags=_user_tags(tags),
            run_count=run_count,
            created_at=_ms(getattr(exp, "creation_time", None)),
            updated_at=_ms(getattr(exp, "last_update_time", None)),
        )

    def _visible_experiments(self, caller: Caller) -> list[DescribeExperiment]:
        experiments = self._experiments()
        scopes = self._run_scopes()
        spaces = self._member_spaces(caller)
        visible: list[DescribeExperiment] = []
        for experiment_id, exp in experiments.items():
            exp_tags = dict(exp.tags or {})
            runs = scopes.get(experiment_id, [])
            count = sum(
                1 for tags in runs if self._may_see(caller, *self._scope_of(tags, exp_tags), spaces)
            )
            own_space, own_owner = exp_tags.get(SPACE_ID_TAG), exp_tags.get(OWNER_TAG)
            tagged = bool(own_space or own_owner) and self._may_see(
                caller, own_space, own_owner, spaces
            )
            if caller.is_admin or tagged or count:
                visible.append(self._describe_experiment(exp, count))
        visible.sort(key=lambda item: (item.name.lower(), item.experiment_id))
        return visible

    # ---------------------------------------------------------- experiments
    def list_experiments(self, caller: Caller) -> list[DescribeExperiment]:
        """Experiments the caller may see (see the module docstring), by name."""
        return self._visible_experiments(caller)

    def get_experiment(self, caller: Caller, experiment_id: str) -> DescribeExperiment:
        """One experiment; 404 when unknown, 403 when the caller may see none of it."""
        for item in self._visible_experiments(caller):
            if item.experiment_id == str(experiment_id):
                return item
        self._experiment_or_404(experiment_id)
        raise Forbidden(
            "This experiment belongs to other users or to spaces you are not a member of.",
            code="experiment_forbidden",
        )

    def _experiment_or_404(self, experiment_id: str) -> Any:
        from mlflow.exceptions import MlflowException

        try:
            exp = self.store().get_experiment(str(experiment_id))
        except MlflowException as exc:
            raise self._mlflow_error(exc, "experiment with this id") from None
        if exp.lifecycle_stage != "active":
            raise NotFound(
                f"Experiment {experiment_id!r} was deleted.", code="experiment_not_found"
            )
        return exp

    def create_experiment(
        self, caller: Caller, name: str, *, space_id: str | None = None
    ) -> DescribeExperiment:
        """Create an experiment tagged with its owner and space, so members see it before runs."""
        from mlflow.entities import ExperimentTag
        from mlflow.exceptions import MlflowException

        body = parse_model(CreateExperiment, {"name": name, "space_id": space_id}, "experiment")
        if body.space_id:
            self.spaces.get_space(caller, body.space_id)  # 403/404 for a space not yours
        tags = [ExperimentTag(OWNER_TAG, caller.username)]
        if body.space_id:
            tags.append(ExperimentTag(SPACE_ID_TAG, body.space_id))
        try:
            experiment_id = self.store().create_experiment(body.name, tags=tags)
        except MlflowException as exc:
            if getattr(exc, "error_code", "") == "RESOURCE_ALREADY_EXISTS":
                raise Conflict(
                    f"An experiment named {body.name!r} already exists in this domain: "
                    "pick another name.",
                    code="experiment_exists",
                ) from None
            raise
        return self._describe_experiment(self.store().get_experiment(experiment_id), 0)

    # ----------------------------------------------------------------- runs
    @staticmethod
    def _local_dir(uri: str | None) -> Path | None:
        """The disk folder of a local artifact URI (``file://...`` or an absolute path)."""
        if not uri:
            return None
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            return Path(unquote(parsed.path))
        if parsed.scheme == "" and uri.startswith("/"):
            return Path(uri)
        return None

    def _artifact_path(self, artifact_uri: str | None) -> str | None:
        disk = self._local_dir(artifact_uri)
        return contents_path(self.spaces.contents_root, disk) if disk is not None else None

    def _describe_run(self, run: Any, experiments: Mapping[str, Any]) -> DescribeRun:
        tags = dict(run.data.tags or {})
        exp = experiments.get(str(run.info.experiment_id))
        space, owner = self._scope_of(tags, dict(exp.tags or {}) if exp is not None else {})
        return DescribeRun(
            run_id=run.info.run_id,
            run_name=getattr(run.info, "run_name", None) or tags.get(MLFLOW_RUN_NAME_TAG),
            experiment_id=str(run.info.experiment_id),
            experiment_name=exp.name if exp is not None else None,
            status=str(run.info.status),
            start_time=_ms(run.info.start_time),
            end_time=_ms(run.info.end_time),
            owner=owner,
            space_id=space,
            job_id=tags.get(JOB_ID_TAG),
            source_name=tags.get(MLFLOW_SOURCE_NAME_TAG),
            params=dict(run.data.params or {}),
            metrics={key: float(value) for key, value in (run.data.metrics or {}).items()},
            tags=_user_tags(tags),
            artifact_path=self._artifact_path(run.info.artifact_uri),
        )

    def _run(self, caller: Caller, run_id: str) -> tuple[Any, dict[str, Any]]:
        """The MLflow run ``run_id`` if the caller may see it, with the experiments by id."""
        from mlflow.exceptions import MlflowException

        if not isinstance(run_id, str) or not run_id.strip() or len(run_id) > 64:
            raise NotFound(f"No run with id {str(run_id)[:70]!r}.", code="run_not_found")
        try:
            run = self.store().get_run(run_id)
        except MlflowException as exc:
            raise NotFound(f"No run with id {run_id!r}.", code="run_not_found") from exc
        if run.info.lifecycle_stage != "active":
            raise NotFound(f"Run {run_id!r} was deleted.", code="run_not_found")
        experiments = self._experiments()
        exp = experiments.get(str(run.info.experiment_id))
        exp_tags = dict(exp.tags or {}) if exp is not None else {}
        space, owner = self._scope_of(dict(run.data.tags or {}), exp_tags)
        if not self._may_see(caller, space, owner, self._member_spaces(caller)):
            raise Forbidden(
                "This run belongs to another user or to a space you are not a member of.",
                code="run_forbidden",
            )
        return run, experiments

    def may_read_artifact(self, caller: Caller, path: Path) -> bool:
        """Whether ``path``, inside the local artifact root, belongs to a run (or a logged model
        of an experiment) the caller may see; the artifact root itself may be browsed.

        Artifacts live under ``<artifact root>/<experiment id>/<run id>/`` and, for models that
        MLflow 3 logs, ``<experiment id>/models/<model id>/``: the file browser (a multi-user
        contents manager) asks this before it opens such a file.
        """
        root = self._local_dir(self.artifact_root)
        if root is None:
            return False
        try:
            parts = Path(path).resolve().relative_to(root.resolve()).parts
        except ValueError:
            return False
        if not parts:
            return True
        try:
            if len(parts) == 1:
                self.get_experiment(caller, parts[0])
            elif parts[1] == "models":
                self._logged_model_check(caller, parts[0], parts[2] if len(parts) > 2 else None)
            else:
                self._run(caller, parts[1])
        except (Forbidden, NotFound):
            return False
        return True

    def _logged_model_check(self, caller: Caller, experiment_id: str, model_id: str | None) -> None:
        """Raise unless the caller may see the run that logged ``model_id`` (or the experiment)."""
        from mlflow.exceptions import MlflowException

        if model_id is None:
            self.get_experiment(caller, experiment_id)
            return
        try:
            model = self.store().get_logged_model(model_id)
        except MlflowException as exc:
            raise NotFound(f"No logged model {model_id!r}.", code="model_not_found") from exc
        if model.source_run_id:
            self._run(caller, model.source_run_id)
        else:
            self.get_experiment(caller, str(model.experiment_id))

    def get_run(self, caller: Caller, run_id: str) -> DescribeRun:
        """One run with its parameters, latest metrics, tags and artifact folder."""
        run, experiments = self._run(caller, run_id)
        return self._describe_run(run, experiments)

    @staticmethod
    def _encode_token(mlflow_token: str | None, skip: int, batch: int) -> str:
        raw = json.dumps({"t": mlflow_token, "s": skip, "b": batch}).encode()
        return base64.urlsafe_b64encode(raw).decode()

    @staticmethod
    def _decode_token(token: str) -> tuple[str | None, int, int]:
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode()))
            mlflow_token, skip, batch = data["t"], int(data["s"]), int(data["b"])
            if (
                skip < 0
                or not 1 <= batch <= 50_000
                or not isinstance(mlflow_token, (str, type(None)))
            ):
                raise ValueError
            return mlflow_token, skip, batch
        except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
            raise InvalidInput(
                f"page_token {token[:40]!r} is not one this API returned.",
                code="invalid_page_token",
            ) from None

    def list_runs(
        self,
        caller: Caller,
        experiment_id: str | None = None,
        *,
        order_by: list[str] | None = None,
        filter: str | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> ListRunsResponse:
        """Runs the caller may see, in one experiment or in all, newest first by default.

        ``filter`` and ``order_by`` use MLflow's search syntax (``"metrics.rmse < 1"``,
        ``["metrics.rmse ASC"]``); a bad clause is a 400. ``next_token`` pages on.
        """
        from mlflow.entities import ViewType
        from mlflow.exceptions import MlflowException

        query = parse_model(
            ListRunsQuery,
            {
                "experiment_id": experiment_id,
                "filter": filter,
                "order_by": order_by,
                "max_results": max_results,
                "page_token": page_token,
            },
            "run query",
        )
        if query.experiment_id is not None:
            self.get_experiment(caller, query.experiment_id)
            experiment_ids = [query.experiment_id]
        else:
            experiment_ids = [item.experiment_id for item in self._visible_experiments(caller)]
        if not experiment_ids:
            return ListRunsResponse(items=[], next_token=None)
        experiments = self._experiments()
        spaces = self._member_spaces(caller)
        mlflow_token, skip, batch = (
            self._decode_token(query.page_token)
            if query.page_token
            else (None, 0, max(SCAN_BATCH, query.max_results))
        )
        store = self.store()
        items: list[DescribeRun] = []
        while True:
            try:
                page = store.search_runs(
                    experiment_ids,
                    query.filter or "",
                    ViewType.ACTIVE_ONLY,
                    max_results=batch,
                    order_by=query.order_by,
                    page_token=mlflow_token,
                )
            except MlflowException as exc:
                raise self._mlflow_error(exc, "run search") from None
            runs = list(page)
            for index in range(skip, len(runs)):
                run = runs[index]
                exp = experiments.get(str(run.info.experiment_id))
                exp_tags = dict(exp.tags or {}) if exp is not None else {}
                scope = self._scope_of(dict(run.data.tags or {}), exp_tags)
                if not self._may_see(caller, *scope, spaces):
                    continue
                items.append(self._describe_run(run, experiments))
                if len(items) == query.max_results:
                    more = index + 1 < len(runs) or page.token
                    next_token = (
                        self._encode_token(mlflow_token, index + 1, batch)
                        if index + 1 < len(runs)
                        else self._encode_token(page.token, 0, batch)
                        if more
                        else None
                    )
                    return ListRunsResponse(items=items, next_token=next_token)
            if not page.token:
                return ListRunsResponse(items=items, next_token=None)
            mlflow_token, skip = page.token, 0

    def _run_models(self, run: Any) -> list[tuple[RunModel, Path]]:
        found: list[tuple[RunModel, Path]] = []
        logged = self.store().search_logged_models(
            [str(run.info.experiment_id)],
            filter_string=f"source_run_id = '{run.info.run_id}'",
            max_results=100,
        )
        for model in logged:
            folder = self._local_dir(model.artifact_location)
            if folder is not None and (folder / "MLmodel").is_file():
                item = RunModel(
                    name=model.name,
                    model_id=model.model_id,
                    path=contents_path(self.spaces.contents_root, folder),
                )
                found.append((item, folder))
        root = self._local_dir(run.info.artifact_uri)
        if root is not None and root.is_dir():
            for folder in sorted(root.iterdir()):
                if (folder / "MLmodel").is_file():
                    item = RunModel(
                        name=folder.name,
                        model_id=None,
                        path=contents_path(self.spaces.contents_root, folder),
                    )
                    found.append((item, folder))
        return found

    def run_models(self, caller: Caller, run_id: str) -> list[RunModel]:
        """The models a run logged (``mlflow.<flavor>.log_model``, or a saved model folder logged
        as artifacts), which can be registered."""
        run, _ = self._run(caller, run_id)
        return [item for item, _folder in self._run_models(run)]

    def run_model_dir(
        self, caller: Caller, run_id: str, model_name: str | None = None
    ) -> tuple[Path, DescribeRun]:
        """The disk folder of a model the run logged (by name or logged-model id; the only one
        when ``model_name`` is None), with the run. For the registry: never sent to clients."""
        run, experiments = self._run(caller, run_id)
        found = self._run_models(run)
        if model_name is not None:
            found = [(i, f) for i, f in found if model_name in (i.name, i.model_id)]
        if not found:
            raise NotFound(
                f"Run {run_id!r} logged no model"
                + (f" named {model_name!r}" if model_name else "")
                + ": log one with mlflow.<flavor>.log_model, or register a folder by its path.",
                code="run_model_not_found",
            )
        if len(found) > 1:
            names = ", ".join(item.name for item, _ in found)
            raise InvalidInput(
                f"Run {run_id!r} logged several models ({names}): say which one to use.",
                code="run_model_ambiguous",
            )
        return found[0][1], self._describe_run(run, experiments)

    def metric_history(self, caller: Caller, run_id: str, key: str) -> MetricHistory:
        """Every value logged for metric ``key`` of a run, by step then time."""
        run, _ = self._run(caller, run_id)
        if key not in (run.data.metrics or {}):
            raise NotFound(
                f"Run {run_id!r} has no metric {key!r}"
                + (
                    f": it has {', '.join(sorted(run.data.metrics))}."
                    if run.data.metrics
                    else ": it logged no metrics."
                ),
                code="metric_not_found",
            )
        return MetricHistory(run_id=run_id, key=key, points=self._points(run_id, key))

    def _points(self, run_id: str, key: str) -> list[MetricPoint]:
        history = self.store().get_metric_history(run_id, key)
        points = sorted(history, key=lambda m: (m.step, m.timestamp))
        return [
            MetricPoint(step=int(m.step), value=float(m.value), timestamp=_ms(m.timestamp))
            for m in points
        ]

    def compare_runs(self, caller: Caller, run_ids: list[str]) -> RunComparison:
        """Two to five runs side by side: parameters, latest metrics and every metric's history."""
        body = parse_model(CompareRunsQuery, {"run_ids": list(run_ids)}, "run comparison")
        fetched = [self._run(caller, run_id) for run_id in body.run_ids]
        experiments = fetched[0][1]
        runs = [run for run, _ in fetched]
        described = [self._describe_run(run, experiments) for run in runs]
        param_keys = sorted({key for item in described for key in item.params})
        metric_keys = sorted({key for item in described for key in item.metrics})
        params = []
        for key in param_keys:
            values = {item.run_id: item.params.get(key) for item in described}
            params.append(
                ComparedParam(key=key, values=values, differs=len(set(values.values())) > 1)
            )
        metrics = [
            ComparedMetric(
                key=key, values={item.run_id: item.metrics.get(key) for item in described}
            )
            for key in metric_keys
        ]
        histories = {
            key: {
                item.run_id: self._points(item.run_id, key)
                for item in described
                if key in item.metrics
            }
            for key in metric_keys
        }
        return RunComparison(
            run_ids=body.run_ids,
            runs=described,
            params=params,
            metrics=metrics,
            histories=histories,
        )


def ensure_tracking_store(environment: Mapping[str, str]) -> None:
    """Create the tracking store named by a job's environment if it does not exist yet.

    Cheap when the store exists (the server creates it at start); serialised between processes
    when it does not, so jobs starting together never race MLflow's migrations.
    """
    uri = environment.get(TRACKING_URI_ENV)
    if not uri:
        return
    url = make_url(uri)
    if url.get_backend_name() == "sqlite" and url.database and Path(url.database).exists():
        with open(url.database + ".init.lock", "w") as handle:  # wait for a creator to finish
            fcntl.flock(handle, fcntl.LOCK_SH)
            fcntl.flock(handle, fcntl.LOCK_UN)
        return
    artifact_root = environment.get(ARTIFACT_ROOT_ENV) or str(
        Path(url.database or ".").parent / ARTIFACTS_FOLDER
    )
    tracking = TrackingStore(uri, artifact_root)
    try:
        tracking.open()
    finally:
        tracking.close()
