"""The engine's facade: one object the server, the CLI and notebooks all build.

>>> from jupyter_studio import Studio
>>> studio = Studio()                      # same domain as the server it runs under
>>> job = studio.submit_job("processing", {"script": "train.py", "arguments": ["--epochs", "3"]})
>>> studio.wait(job.job_id).status
<JobStatus.COMPLETED: 'Completed'>

Every setting is a traitlet: ``c.Studio.domain_root``, ``c.Studio.db_url``,
``c.Studio.max_workers``, ... in any Jupyter config file, or keyword arguments here.
"""

from __future__ import annotations

import getpass
import importlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from traitlets import (
    Bool,
    Dict,
    Float,
    Instance,
    Int,
    List,
    Set,
    TraitError,
    Type,
    Unicode,
    default,
    observe,
    validate,
)
from traitlets.config import LoggingConfigurable

from .endpoints.service import EndpointService
from .experiments.service import ExperimentService
from .jobs.executors import Executor, LocalProcessExecutor
from .jobs.kinds import JobKind, register_job_kind
from .jobs.runner import JobRunner
from .jobs.schemas import CreateJob, DescribeJob, JobLogs, ListJobsQuery, ListJobsResponse
from .jobs.service import JobService
from .models.service import ModelRegistry
from .spaces.schemas import (
    CreateProfile,
    CreateSpace,
    DescribeProfile,
    DescribeSpace,
    ProfileSettings,
    SpaceKind,
    UpdateProfile,
)
from .spaces.service import Caller, SpaceService
from .store import Store
from .validation import invalid_input, parse_model

if TYPE_CHECKING:  # loaded lazily (by their traits) so that `import jupyter_studio` stays light
    from .automl.service import AutoMLService
    from .modelhub.service import ModelHubService
    from .processing.service import ProcessingService
    from .wrangler.service import FlowService

ROOT_ENV = "JUPYTER_STUDIO_ROOT"
DB_URL_ENV = "JUPYTER_STUDIO_DB_URL"
CONTENTS_ROOT_ENV = "JUPYTER_STUDIO_CONTENTS_ROOT"


def local_username() -> str:
    """The name of the person running Studio on this machine."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (some containers)
        return "user"


class Studio(LoggingConfigurable):
    """Jupyter Studio's engine: domain, spaces, metadata store and jobs."""

    contents_root = Unicode(
        config=True,
        help="Folder that Jupyter serves as the file browser root; user paths are relative to it. "
        "Defaults to $JUPYTER_STUDIO_CONTENTS_ROOT, else the current folder. The server sets it to "
        "ServerApp.root_dir.",
    )
    domain_root = Unicode(
        config=True,
        help="Domain root on a (shared) filesystem: user homes, spaces, job folders, the trash and the "
        "default SQLite store live here. Defaults to $JUPYTER_STUDIO_ROOT, else <contents_root>/studio.",
    )
    root_dir = Unicode(
        config=True,
        help="Deprecated name of Studio.domain_root (ServerApp.root_dir is Jupyter's contents root).",
    )
    db_url = Unicode(
        config=True,
        help="SQLAlchemy URL of the metadata store. Defaults to $JUPYTER_STUDIO_DB_URL, else SQLite at "
        "<domain_root>/studio.db. Use PostgreSQL (postgresql+psycopg://...) when several servers share a "
        "domain: SQLite on a network filesystem is unsafe with several writers.",
    )
    domain_name = Unicode("default", config=True, help="Display name of the domain.")
    max_workers = Int(
        4, config=True, help="Jobs that may run at once on this machine; more wait as Pending."
    )
    stop_grace_seconds = Float(
        10.0,
        config=True,
        help="After a stop request, seconds a job has to end before it is killed.",
    )
    default_max_runtime_seconds = Float(
        24 * 3600.0,
        allow_none=True,
        config=True,
        help="Maximum runtime of a job that sets none (profile setting default_max_runtime_seconds wins).",
    )
    poll_interval = Float(1.0, config=True, help="Seconds between two passes of the job runner.")
    heartbeat_timeout = Float(
        120.0,
        config=True,
        help="A job whose worker cannot be observed directly (another host) fails after this many "
        "seconds without a heartbeat.",
    )
    admin_users = Set(Unicode(), config=True, help="Usernames that administer the domain.")
    default_user_settings = Dict(
        config=True,
        help="Default settings of every user profile (fields of ProfileSettings, e.g. "
        "default_max_runtime_seconds); a profile's own settings win.",
    )
    allow_files_outside_domain = Bool(
        True,
        config=True,
        help="Let users use files under the contents root that are outside the domain root (their own "
        "files in a single-user setup). Set False when the contents root is the shared domain root.",
    )
    default_user = Unicode(config=True, help="Username used by the Python API and the CLI.")
    launch_only_own_jobs = Bool(
        False,
        config=True,
        help="Launch only the default user's queued jobs from this process (set under JupyterHub, where "
        "each user's server runs that user's jobs).",
    )
    spaces_class = Type(
        default_value=SpaceService,
        klass=SpaceService,
        config=True,
        help="The spaces service (domain, profiles, spaces): studio.spaces.",
    )
    jobs_class = Type(
        default_value=JobService,
        klass=JobService,
        config=True,
        help="The jobs service: studio.jobs.",
    )
    processing_class = Type(
        default_value="jupyter_studio.core.processing.service.ProcessingService",
        klass="jupyter_studio.core.processing.service.ProcessingService",
        config=True,
        help="Processor runs (SageMaker-shaped processors as jobs): studio.processing.",
    )
    processing_max_instances = Int(
        4,
        config=True,
        help="The most workers (instance_count) a pyspark or dask processor job may start for "
        "its cluster; a request above it is refused (400). Each Spark worker is a JVM.",
    )
    dask_scheduler_address = Unicode(
        "",
        config=True,
        help="Address of an existing Dask scheduler (tcp://host:8786) that dask processor jobs "
        "run on, instead of a local cluster of instance_count workers started for each job. "
        "Studio never stops it.",
    )
    models_class = Type(
        default_value=ModelRegistry,
        klass=ModelRegistry,
        config=True,
        help="The model registry: studio.models.",
    )
    experiments_class = Type(
        default_value=ExperimentService,
        klass=ExperimentService,
        config=True,
        help="Experiments and runs (MLflow tracking store): studio.experiments.",
    )
    mlflow_tracking_uri = Unicode(
        config=True,
        help="MLflow tracking store of the domain. Default: SQLite at <domain_root>/mlflow/mlflow.db. "
        "For a team, a PostgreSQL URL of its OWN database (MLflow and Studio both keep an "
        "alembic_version table).",
    )
    warm_up_tracking_store = Bool(
        True,
        config=True,
        help="Have the MLflow tracking store ready when the server starts, so the first "
        "experiments request does not wait for it: it is opened in the background, and the "
        "creation of a new domain's store (once: MLflow's migrations take seconds) is waited "
        "for, up to a minute, before the server answers.",
    )
    flows_class = Type(
        default_value="jupyter_studio.core.wrangler.service.FlowService",
        klass="jupyter_studio.core.wrangler.service.FlowService",
        config=True,
        help="The Data Wrangler flow engine: studio.flows.",
    )
    endpoints_class = Type(
        default_value=EndpointService,
        klass=EndpointService,
        config=True,
        help="The endpoints service (deploy, invoke, supervise model servers): studio.endpoints.",
    )
    endpoint_startup_timeout = Float(
        300.0,
        config=True,
        help="Seconds a model server has to answer /ping before its endpoint is marked Failed "
        "(a server that exits fails at once). Gemma's first load converts its GGUF file and "
        "takes 80-100 s on two idle cores, longer on a busy machine.",
    )
    endpoint_max_restarts = Int(
        3,
        config=True,
        help="Times a model server that died is restarted before its endpoint is marked Failed.",
    )
    automl_class = Type(
        default_value="jupyter_studio.core.automl.service.AutoMLService",
        klass="jupyter_studio.core.automl.service.AutoMLService",
        config=True,
        help="AutoML experiments (wizard, leaderboard, results, deploy): studio.automl.",
    )
    automl_min_rows = Int(
        100,
        config=True,
        help="An AutoML experiment needs at least this many rows with a target value "
        "(100: what k-fold bagging and the ensemble handle; fewer give noisy validation scores).",
    )
    modelhub_class = Type(
        default_value="jupyter_studio.core.modelhub.service.ModelHubService",
        klass="jupyter_studio.core.modelhub.service.ModelHubService",
        config=True,
        help="The model hub (catalogue, license gate, deploy, prompt templates): studio.modelhub.",
    )
    modelhub_folders = List(
        Unicode(),
        config=True,
        help="Folders of models an administrator offers in the model hub catalogue: each a model "
        "folder (transformers or sentence-transformers, optionally with a modelhub.json giving "
        "name, task, license, gated, description, tags) or a folder of such folders.",
    )
    modelhub_online = Bool(
        False,
        config=True,
        help="Let the model hub search the Hugging Face Hub (source=huggingface) and download "
        "models into the domain's model cache. Off by default: packaged models need no network.",
    )
    executor_class = Type(
        default_value=LocalProcessExecutor,
        klass=Executor,
        config=True,
        help="Where job workers run: LocalProcessExecutor (default) or "
        "jupyter_studio.core.jobs.dask_executor.DaskExecutor.",
    )
    extra_job_kinds = List(
        Unicode(),
        config=True,
        help="Import paths ('module:Class') of extra JobKind classes to register.",
    )

    store = Instance(Store, allow_none=True)

    @default("contents_root")
    def _default_contents_root(self) -> str:
        return os.environ.get(CONTENTS_ROOT_ENV) or os.getcwd()

    @default("domain_root")
    def _default_domain_root(self) -> str:
        return os.environ.get(ROOT_ENV) or str(Path(self.contents_root) / "studio")

    @observe("root_dir")
    def _deprecated_root_dir(self, change: Any) -> None:
        if change["new"]:
            self.log.warning("Studio.root_dir is deprecated: use Studio.domain_root")
            self.domain_root = change["new"]

    @default("db_url")
    def _default_db_url(self) -> str:
        return (
            os.environ.get(DB_URL_ENV)
            or f"sqlite:///{Path(self.domain_root).resolve() / 'studio.db'}"
        )

    @default("default_user")
    def _default_default_user(self) -> str:
        return os.environ.get("JUPYTERHUB_USER") or local_username()

    @validate("default_user_settings")
    def _check_default_settings(self, proposal: Any) -> dict[str, Any]:
        try:
            ProfileSettings.model_validate(proposal["value"])
        except ValidationError as exc:
            message = invalid_input(exc, "settings").message
            raise TraitError(f"Studio.default_user_settings: {message}") from None
        return proposal["value"]

    @validate("processing_max_instances")
    def _check_max_instances(self, proposal: Any) -> int:
        if proposal["value"] < 1:
            raise ValueError("Studio.processing_max_instances must be at least 1")
        return proposal["value"]

    @validate("max_workers")
    def _check_workers(self, proposal: Any) -> int:
        if proposal["value"] < 1:
            raise ValueError("Studio.max_workers must be at least 1")
        return proposal["value"]

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        contents_root = Path(self.contents_root).expanduser().resolve()
        root = Path(self.domain_root).expanduser()
        root = (root if root.is_absolute() else contents_root / root).resolve()
        root.mkdir(parents=True, exist_ok=True)
        self.domain_root = str(root)
        self.contents_root = str(contents_root)
        for path in self.extra_job_kinds:
            module_name, _, qualname = path.partition(":")
            kind = getattr(importlib.import_module(module_name), qualname)
            if not (isinstance(kind, type) and issubclass(kind, JobKind)):
                raise TypeError(f"Studio.extra_job_kinds: {path} is not a JobKind")
            register_job_kind(kind)
        self.store = Store(self.db_url)
        self.spaces: SpaceService = self.spaces_class(
            self.store,
            domain_root=root,
            contents_root=contents_root,
            domain_name=self.domain_name,
            admin_users=frozenset(self.admin_users),
            default_settings=ProfileSettings.model_validate(self.default_user_settings),
            allow_outside_domain=self.allow_files_outside_domain,
        )
        self.executor: Executor = self.executor_class(parent=self)
        self.runner = JobRunner(
            self.store,
            self.executor,
            db_url=self.db_url,
            max_workers=self.max_workers,
            grace_seconds=self.stop_grace_seconds,
            poll_interval=self.poll_interval,
            heartbeat_timeout=self.heartbeat_timeout,
            owner=self.default_user if self.launch_only_own_jobs else None,
            logger=self.log,
        )
        self.jobs: JobService = self.jobs_class(
            self.store,
            self.spaces,
            self.runner,
            default_max_runtime_seconds=self.default_max_runtime_seconds,
            grace_seconds=self.stop_grace_seconds,
            services=self,
        )
        self.processing: ProcessingService = self.processing_class(self.jobs)
        self.experiments: ExperimentService = self.experiments_class(
            spaces=self.spaces, domain_root=root, tracking_uri=self.mlflow_tracking_uri or None
        )
        self.models: ModelRegistry = self.models_class(
            store=self.store, spaces=self.spaces, domain_root=root, experiments=self.experiments
        )
        self.flows: FlowService = self.flows_class()
        from .wrangler.operations import FlowOperations  # with the flow service, lazily

        #: What the Data Wrangler REST operations do (previews in children, exports, runs).
        self.flow_operations = FlowOperations(self.flows, self.jobs)
        self.endpoints: EndpointService = self.endpoints_class(
            self.store,
            self.spaces,
            models=self.models,
            startup_timeout=self.endpoint_startup_timeout,
            grace_seconds=self.stop_grace_seconds,
            max_restarts=self.endpoint_max_restarts,
            owner=self.default_user if self.launch_only_own_jobs else None,
            logger=self.log,
        )
        self.automl: AutoMLService = self.automl_class(
            self.store,
            self.spaces,
            jobs=self.jobs,
            models=self.models,
            endpoints=self.endpoints,
            min_rows=self.automl_min_rows,
            default_user=self.default_user,
            logger=self.log,
        )
        self.modelhub: ModelHubService = self.modelhub_class(
            self.store,
            self.spaces,
            models=self.models,
            endpoints=self.endpoints,
            jobs=self.jobs,
            domain_root=root,
            folders=list(self.modelhub_folders),
            online=self.modelhub_online,
            logger=self.log,
        )

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Repair jobs left by a previous run and start the job runner thread."""
        self.runner.start()

    def start_supervisors(self) -> None:
        """Start the job runner and the endpoint supervisor (the Jupyter server calls this)."""
        self.start()
        self.endpoints.start()
        self.automl.start()  # auto-deploys experiments that completed (also after a restart)
        if self.warm_up_tracking_store:
            self.experiments.warm_up()  # waits (a while) for a new store, opens an existing one meanwhile

    def close(self) -> None:
        """Stop the background threads; jobs and model servers keep running in their processes."""
        self.automl.close()
        self.endpoints.stop()
        self.runner.stop()
        self.experiments.close()
        self.executor.shutdown()
        if self.store is not None:
            self.store.dispose()

    def __enter__(self) -> Studio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------- Python API helpers
    def caller(self, username: str | None = None) -> Caller:
        """The caller for ``username`` (default: this machine's user), creating their profile."""
        return self.spaces.caller(username or self.default_user)

    def submit_job(
        self,
        kind: str,
        parameters: dict[str, Any] | None = None,
        *,
        name: str | None = None,
        space_id: str | None = None,
        max_runtime_seconds: float | None = None,
        user: str | None = None,
    ) -> DescribeJob:
        """Queue a job; the runner of this process (started here if needed) launches it."""
        body = parse_model(
            CreateJob,
            {
                "kind": kind,
                "name": name,
                "space_id": space_id,
                "max_runtime_seconds": max_runtime_seconds,
                "parameters": parameters if parameters is not None else {},
            },
            "job",
        )
        job = self.jobs.create(self.caller(user), body)
        self.start()
        return job

    def list_jobs(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        limit: int = 50,
        user: str | None = None,
    ) -> ListJobsResponse:
        """Jobs you may see, newest first (``status``: one of Pending, InProgress, ...)."""
        query = parse_model(
            ListJobsQuery,
            {"status": [status] if status else None, "kind": kind, "limit": limit},
            "job query",
        )
        return self.jobs.list(self.caller(user), query)

    def get_job(self, job_id: str, *, user: str | None = None) -> DescribeJob:
        """Describe one job."""
        return self.jobs.get(self.caller(user), job_id)

    def stop_job(self, job_id: str, *, user: str | None = None) -> DescribeJob:
        """Ask a job to stop (SIGTERM, then SIGKILL after the grace period)."""
        return self.jobs.stop(self.caller(user), job_id)

    def retry_job(self, job_id: str, *, user: str | None = None) -> DescribeJob:
        """Run an ended job again as a new job."""
        job = self.jobs.retry(self.caller(user), job_id)
        self.start()
        return job

    def job_logs(self, job_id: str, *, offset: int = 0, user: str | None = None) -> JobLogs:
        """The job's log from byte ``offset`` (at most 1 MiB)."""
        return self.jobs.logs(self.caller(user), job_id, offset=offset, limit=1024 * 1024)

    # spaces and profiles, for notebooks and scripts
    def list_spaces(self, *, user: str | None = None) -> list[DescribeSpace]:
        """Your private spaces and the shared spaces you belong to."""
        return self.spaces.list_spaces(self.caller(user))

    def create_space(
        self,
        name: str,
        *,
        shared: bool = False,
        members: list[str] | None = None,
        user: str | None = None,
    ) -> DescribeSpace:
        """Create a space (shared when ``shared`` or ``members`` is given)."""
        kind = SpaceKind.SHARED if shared or members else SpaceKind.PRIVATE
        body = parse_model(
            CreateSpace, {"name": name, "kind": kind, "members": members or []}, "space"
        )
        return self.spaces.create_space(self.caller(user), body)

    def list_profiles(self, *, user: str | None = None) -> list[DescribeProfile]:
        """Every user profile of the domain (admins only)."""
        return self.spaces.list_profiles(self.caller(user))

    def create_profile(
        self,
        username: str,
        *,
        display_name: str | None = None,
        is_admin: bool = False,
        settings: dict[str, Any] | None = None,
        user: str | None = None,
    ) -> DescribeProfile:
        """Create a user profile (admins only)."""
        body = parse_model(
            CreateProfile,
            {
                "username": username,
                "display_name": display_name,
                "is_admin": is_admin,
                "settings": settings or {},
            },
            "profile",
        )
        return self.spaces.create_profile(self.caller(user), body)

    def update_profile(
        self,
        username: str,
        *,
        display_name: str | None = None,
        is_admin: bool | None = None,
        settings: dict[str, Any] | None = None,
        user: str | None = None,
    ) -> DescribeProfile:
        """Change a profile's display name, admin flag or default settings (admins only)."""
        changes = {"display_name": display_name, "is_admin": is_admin, "settings": settings}
        body = parse_model(
            UpdateProfile, {k: v for k, v in changes.items() if v is not None}, "profile"
        )
        return self.spaces.update_profile(self.caller(user), username, body)

    def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        user: str | None = None,
        poll: float = 0.5,
    ) -> DescribeJob:
        """Block until the job ends (or ``timeout`` seconds pass) and return it."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get_job(job_id, user=user)
            if job.status.is_final:
                return job
            if deadline is not None and time.monotonic() > deadline:
                return job
            if not self.runner.running:
                self.runner.tick()
            time.sleep(poll)
