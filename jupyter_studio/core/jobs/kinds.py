"""The job-kind registry: later features add kinds without touching the runner.

A kind validates its parameters in the server (``prepare``) and does the work in a
worker process (``run``). Kinds come from three places: the built-in ones, the
``jupyter_studio.job_kinds`` entry-point group of installed packages, and
``register_job_kind`` (or ``c.Studio.extra_job_kinds``) at run time. Workers import
a kind by the import path stored with the job, so a kind must be importable there.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from ..errors import InvalidInput
from ..validation import parse_model
from .errors import JobFailed, JobStopped

if TYPE_CHECKING:
    from ..spaces.paths import PathScope
    from ..spaces.schemas import ProfileSettings
    from ..spaces.service import Caller
    from .context import JobContext

__all__ = [
    "BUILTIN_KINDS",
    "JobFailed",
    "JobKind",
    "JobStopped",
    "PrepareContext",
    "UnknownJobKind",
    "get_job_kind",
    "job_kinds",
    "register_job_kind",
]

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "jupyter_studio.job_kinds"


#: Import paths of the kinds that ship with Studio (features add theirs here).
BUILTIN_KINDS: tuple[str, ...] = (
    "jupyter_studio.core.jobs.processing:ProcessingJob",
    "jupyter_studio.core.processing.job:ProcessorJob",
    "jupyter_studio.core.endpoints.batch.job:BatchTransformJob",
    "jupyter_studio.core.endpoints.monitor.job:ModelMonitorJob",
    "jupyter_studio.core.wrangler.job:FlowJob",
    "jupyter_studio.core.automl.job:AutoMLJob",
    "jupyter_studio.core.modelhub.finetune_job:FinetuneJob",
    "jupyter_studio.core.modelhub.evaluate_job:EvaluateJob",
    "jupyter_studio.core.modelhub.solution_job:SolutionJob",
)


@dataclass
class PrepareContext:
    """What a kind may use while validating a request in the server."""

    caller: Caller
    scope: PathScope
    job_dir: Path
    settings: ProfileSettings | None = None
    #: The Studio facade, so a kind can look up other features (e.g. ``services.models``).
    services: Any = field(default=None, repr=False)


#: The parameters model of a job kind.
P = TypeVar("P", bound=BaseModel)


class JobKind(Generic[P]):
    """Base class of a job kind. Subclasses set the class attributes and ``run``.

    A kind is generic over its parameters model (``class MyJob(JobKind[MyParameters])``), so
    ``prepare``, ``default_name`` and ``run`` (through :meth:`parameters_of`) read typed fields.
    """

    name: ClassVar[str]
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    Parameters: ClassVar[type[BaseModel]]  # the model P stands for

    def validate_parameters(self, raw: dict[str, Any]) -> P:
        """Parse raw parameters, turning pydantic errors into a 400 with field details.

        Unknown parameters are refused by name, whatever the kind's model config says.
        """
        if isinstance(raw, dict):
            known = set(self.Parameters.model_fields)
            unknown = sorted(str(key) for key in raw if key not in known)
            if unknown:
                raise InvalidInput(
                    f"Unknown parameter{'s' if len(unknown) > 1 else ''} for a {self.name!r} job: "
                    f"{', '.join(unknown)}. Known parameters: {', '.join(sorted(known)) or 'none'}.",
                    code="unknown_parameters",
                    detail=[
                        {
                            "loc": ["parameters", key],
                            "msg": "unknown parameter",
                            "type": "extra_forbidden",
                        }
                        for key in unknown
                    ],
                )
        return parse_model(
            self.Parameters,
            raw,
            f"parameters for a {self.name!r} job",
            prefix=("parameters",),
            code="invalid_parameters",
        )

    def prepare(self, params: P, context: PrepareContext) -> dict[str, Any]:
        """Check the request in the server and return what the worker needs (resolved paths...).

        Raise :class:`~jupyter_studio.core.errors.StudioError` subclasses for bad input.
        """
        return {}

    def default_name(self, params: P) -> str:
        return self.name

    def parameters_of(self, context: JobContext) -> P:
        """The job's parameters as this kind's model (the worker built them from it)."""
        params = context.parameters
        if not isinstance(params, self.Parameters):
            raise TypeError(
                f"a {self.name!r} job got {type(params).__name__} parameters, "
                f"not {self.Parameters.__name__}"
            )
        return params  # type: ignore[return-value]

    def run(self, context: JobContext) -> None:
        """Do the work, in a worker process. Raise JobFailed/JobStopped or any exception."""
        raise NotImplementedError

    @classmethod
    def import_path(cls) -> str:
        return f"{cls.__module__}:{cls.__qualname__}"


_REGISTRY: dict[str, type[JobKind]] = {}
_LOADED = False


def register_job_kind(kind: type[JobKind]) -> type[JobKind]:
    """Register a job kind (usable as a class decorator)."""
    existing = _REGISTRY.get(kind.name)
    if existing is not None and existing is not kind:
        log.warning(
            "Job kind %r from %s replaces %s", kind.name, kind.import_path(), existing.import_path()
        )
    _REGISTRY[kind.name] = kind
    return kind


def import_kind(path: str) -> type[JobKind]:
    """Import ``module:QualName`` and check it is a JobKind."""
    module_name, _, qualname = path.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and issubclass(obj, JobKind)):
        raise TypeError(f"{path} is not a JobKind subclass")
    return obj


def _load_builtin_and_plugins() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for path in BUILTIN_KINDS:
        register_job_kind(import_kind(path))
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            register_job_kind(entry.load())
        except Exception:  # a broken plugin must not take Studio down
            log.exception("Could not load job kind %r from %s", entry.name, entry.value)


def job_kinds() -> dict[str, type[JobKind]]:
    """All registered kinds by name."""
    _load_builtin_and_plugins()
    return dict(_REGISTRY)


class UnknownJobKind(InvalidInput):
    """No job kind of that name is registered (HTTP 404; the message names the kinds that are)."""

    status = 404
    code = "unknown_job_kind"


def get_job_kind(name: str) -> type[JobKind]:
    """The kind called ``name``; a 404 naming the known kinds otherwise."""
    kinds = job_kinds()
    if name not in kinds:
        known = ", ".join(sorted(kinds)) or "none"
        raise UnknownJobKind(f"Unknown job kind {name!r}. Known kinds: {known}.")
    return kinds[name]


def describe_kind(kind: type[JobKind]) -> dict[str, Any]:
    """The public description of a kind (``GET /job_kinds``)."""
    return {
        "name": kind.name,
        "title": kind.title or kind.name,
        "description": kind.description,
        "parameters_schema": kind.Parameters.model_json_schema(),
    }
