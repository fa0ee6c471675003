"""The ``solution`` job kind: runs a solution template's chain from its worker.

Each step is submitted as a job of its own in the same home or space, and the chain waits for it
in this worker (the server's job runner launches it, so the Jobs panel shows every step with its
log); a failed step fails the chain with its reason, and a stop stops the running step too.
``chain.json`` in the output folder lists the steps' jobs as they start.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..endpoints.schemas import ENDPOINT_NAME_PATTERN
from ..errors import Conflict
from ..jobs.context import JobContext
from ..jobs.errors import JobFailed, JobStopped
from ..jobs.kinds import JobKind, PrepareContext
from .solutions import get_solution
from .worker_studio import facade_settings

__all__ = ["SolutionJob", "SolutionParameters"]

POLL_SECONDS = 1.0


class SolutionParameters(BaseModel):
    """Parameters of a ``solution`` job (written by ``launch_solution``)."""

    model_config = ConfigDict(extra="forbid")

    solution: Literal["text-classifier", "tabular-automl"]
    folder: str = Field(min_length=1, description="Folder holding the solution's sample files.")
    endpoint_name: str = Field(pattern=ENDPOINT_NAME_PATTERN)
    max_steps: int = Field(30, ge=1, le=10_000)
    automl_max_runtime: float = Field(120, gt=0, le=86_400)


class SolutionJob(JobKind[SolutionParameters]):
    """A solution template's chain of jobs, ending in a deployed endpoint."""

    name = "solution"
    title = "Model hub solution"
    description = (
        "Runs a solution template: its steps as jobs one after the other, then registers the "
        "model and deploys an endpoint."
    )
    Parameters = SolutionParameters

    def default_name(self, params: SolutionParameters) -> str:
        return f"solution-{params.solution}"

    def prepare(self, params: SolutionParameters, context: PrepareContext) -> dict[str, Any]:
        solution = get_solution(params.solution)
        folder = context.scope.resolve(
            params.folder, what="solution folder", must_exist=True, expect="dir"
        )
        for name in solution.samples:
            context.scope.resolve(
                f"{params.folder}/{name}", what=name, must_exist=True, expect="file"
            )
        endpoints = getattr(context.services, "endpoints", None)
        if endpoints is not None:
            try:
                endpoints.get(context.caller, params.endpoint_name)
            except Exception:  # free (404) or not ours to see (403): free enough to try
                pass
            else:
                raise Conflict(
                    f"The endpoint name {params.endpoint_name!r} is in use: launch again.",
                    code="endpoint_exists",
                )
        return {
            "folder_dir": str(folder),
            "studio": facade_settings(context.services),
        }

    def run(self, context: JobContext) -> None:
        from ..experiments.tags import SPACE_ID_ENV
        from .worker_studio import open_studio

        params = self.parameters_of(context)
        space_id = (context.resolved.get("tracking_environment") or {}).get(SPACE_ID_ENV) or None
        studio = open_studio(context.resolved.get("studio") or {})
        try:
            chain = Chain(studio, studio.caller(context.owner), space_id, context)
            if params.solution == "text-classifier":
                text_classifier(chain, params)
            else:
                tabular_automl(chain, params, Path(context.resolved["folder_dir"]))
        finally:
            studio.close()


class Chain:
    """Submits steps as jobs and waits for each, recording them in ``chain.json``."""

    def __init__(self, studio: Any, caller: Any, space_id: str | None, context: JobContext):
        self.studio, self.caller, self.space_id, self.context = studio, caller, space_id, context
        self.steps: list[dict[str, Any]] = []

    def _save(self) -> None:
        out = self.context.output_dir
        out.mkdir(parents=True, exist_ok=True)
        (out / "chain.json").write_text(json.dumps({"steps": self.steps}, indent=1))

    def note(self, step: str, **details: Any) -> None:
        """Record a step that is not a job (registering, deploying)."""
        self.steps.append({"step": step, **details})
        self._save()
        self.context.log.studio(f"{step}: {json.dumps(details)}")

    def job(self, step: str, kind: str, parameters: dict[str, Any], progress: float) -> Any:
        """Submit a step's job and wait for it; its description when it completed."""
        from ..jobs.schemas import CreateJob, JobStatus

        self.context.set_progress(progress, step)
        job = self.studio.jobs.create(
            self.caller,
            CreateJob(kind=kind, name=step, space_id=self.space_id, parameters=parameters),
        )
        self.steps.append({"step": step, "job_id": job.job_id, "kind": kind})
        self._save()
        self.context.log.studio(f"{step}: job {job.job_id} ({kind}) submitted")
        while True:
            if self.context.should_stop:
                try:
                    self.studio.jobs.stop(self.caller, job.job_id)
                except Exception as exc:  # it may have ended meanwhile
                    self.context.log.studio(f"could not stop {job.job_id}: {exc}")
                raise JobStopped(self.context.stop_reason or "Stopped")
            current = self.studio.jobs.get(self.caller, job.job_id)
            if current.status.is_final:
                break
            time.sleep(POLL_SECONDS)
        self.steps[-1]["status"] = current.status.value
        self._save()
        if current.status != JobStatus.COMPLETED:
            raise JobFailed(
                f"Step {step!r} ended {current.status.value}: {current.status_message or ''} "
                f"(job {job.job_id}; its log says more)."
            )
        return current

    def output_dir(self, job: Any) -> Path:
        return self.studio.jobs.job_dir(self.caller, job.job_id) / "output"

    def deploy(self, endpoint: str, model_name: str, version: int, progress: float) -> None:
        """Deploy a registered version and wait until it serves (or fails)."""
        from ..endpoints.schemas import CreateEndpoint

        self.context.set_progress(progress, f"deploying {model_name} v{version} to {endpoint}")
        self.studio.endpoints.create(
            self.caller,
            CreateEndpoint(
                endpoint_name=endpoint,
                model_name=model_name,
                model_version=version,
                model_space_id=self.space_id,
            ),
        )
        described = self.studio.endpoints.wait(self.caller, endpoint, timeout=300)
        self.note("deploy", endpoint=endpoint, status=described.status.value)
        if described.status.value != "InService":
            raise JobFailed(
                f"The endpoint {endpoint!r} is {described.status.value}: "
                f"{described.status_message or 'see the Endpoints panel'}."
            )
        self.context.set_progress(1.0, f"endpoint {endpoint} is InService")


def text_classifier(chain: Chain, params: SolutionParameters) -> None:
    """Fine-tune MiniLM on the reviews, evaluate it against zero-shot, deploy it."""
    folder = params.folder.rstrip("/")
    tuned = chain.job(
        "fine-tune MiniLM",
        "finetune",
        {
            "model_id": "all-minilm-l6-v2",
            "data": f"{folder}/reviews_train.csv",
            "max_steps": params.max_steps,
            "batch_size": 8,
            "max_length": 48,
            "output_model_name": "review-classifier",
            "space_id": chain.space_id,
        },
        0.05,
    )
    result = json.loads((chain.output_dir(tuned) / "result.json").read_text())
    name, version = result["model_name"], int(result["model_version"])
    chain.note("register", model_name=name, version=version)
    chain.job(
        "evaluate zero-shot vs fine-tuned",
        "evaluate",
        {
            "models": ["all-minilm-l6-v2", f"registry:{name}/{version}"],
            "data": f"{folder}/reviews_test.csv",
            "task": "classification",
        },
        0.6,
    )
    chain.deploy(params.endpoint_name, name, version, 0.8)


def tabular_automl(chain: Chain, params: SolutionParameters, folder_dir: Path) -> None:
    """Flow (fill missing) → AutoML → register the best model → deploy."""
    from ..wrangler.flow import Flow

    folder = params.folder.rstrip("/")
    flow = Flow.new("churn")
    source = flow.add_source(f"{folder}/customers.csv")
    flow.add_step(source, "fill_missing", columns=["monthly_charges"], strategy="median")
    flow.save(str(folder_dir / "churn.flow"))
    flowed = chain.job(
        "clean with a Data Wrangler flow",
        "flow",
        {"flow": f"{folder}/churn.flow", "handoff_target": "churned"},
        0.05,
    )
    automl = chain.job(
        "AutoML on the cleaned rows",
        "automl",
        {
            "data": f"{flowed.output_path}/data.parquet",
            "target": "churned",
            "max_runtime": params.automl_max_runtime,
        },
        0.2,
    )
    best = chain.output_dir(automl) / "best_model"
    version = chain.studio.models.register(
        chain.caller,
        str(best),
        "churn-model",
        space_id=chain.space_id,
        description="Best AutoML candidate of the tabular solution template",
        source=f"job:{automl.job_id}",
    )
    chain.note("register", model_name=version.model_name, version=version.version)
    chain.deploy(params.endpoint_name, version.model_name, version.version, 0.85)
