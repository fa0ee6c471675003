"""The training side of ``studio.modelhub``: fine-tune, evaluate and solution templates.

:class:`TrainingMixin` is inherited by the model hub service, which provides ``store``,
``spaces`` and ``jobs``; the REST handlers call these methods (``POST /modelhub/finetune``,
``GET /modelhub/finetune/{job_id}/loss``, ``POST /modelhub/evaluate``,
``GET /modelhub/evaluate/{job_id}``, ``GET /modelhub/solutions``,
``POST /modelhub/solutions/{id}/launch``). Everything here is quick: the work runs in jobs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import NotFound
from ..jobs.schemas import JOB_NAME_PATTERN
from ..validation import parse_model
from .evaluate import EvaluateParameters, EvaluationResult, evaluation_result
from .finetune import FinetuneParameters, LossCurve, loss_curve
from .solutions import SOLUTIONS, LaunchedSolution, LaunchSolution, Solution, launch_solution

__all__ = [
    "EvaluateRequest",
    "FinetuneRequest",
    "TrainingMixin",
    "submit_evaluate",
    "submit_finetune",
]


class FinetuneRequest(FinetuneParameters):
    """Body of ``POST /modelhub/finetune``: the job's parameters (``space_id`` also runs the
    job in that space) and an optional job name."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    name: str | None = Field(
        None, max_length=100, pattern=JOB_NAME_PATTERN, description="Job name (default: generated)."
    )


class EvaluateRequest(EvaluateParameters):
    """Body of ``POST /modelhub/evaluate``."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    space_id: str | None = Field(None, max_length=64, description="Run the job in this space.")
    name: str | None = Field(
        None, max_length=100, pattern=JOB_NAME_PATTERN, description="Job name (default: generated)."
    )


def _create(jobs: Any, caller: Any, kind: str, body: BaseModel, space_id: str | None) -> Any:
    from ..jobs.schemas import CreateJob

    parameters = body.model_dump(mode="json", exclude={"name"}, exclude_none=True)
    if kind == "evaluate":
        parameters.pop("space_id", None)
    return jobs.create(
        caller,
        CreateJob(
            kind=kind, name=getattr(body, "name", None), space_id=space_id, parameters=parameters
        ),
    )


def submit_finetune(jobs: Any, caller: Any, request: FinetuneRequest | dict[str, Any]) -> Any:
    """Validate and queue a ``finetune`` job; the jobs API's Job (4xx before anything starts)."""
    body = (
        request
        if isinstance(request, FinetuneRequest)
        else parse_model(FinetuneRequest, request, "fine-tuning request")
    )
    return _create(jobs, caller, "finetune", body, body.space_id)


def submit_evaluate(jobs: Any, caller: Any, request: EvaluateRequest | dict[str, Any]) -> Any:
    """Validate and queue an ``evaluate`` job."""
    body = (
        request
        if isinstance(request, EvaluateRequest)
        else parse_model(EvaluateRequest, request, "evaluation request")
    )
    return _create(jobs, caller, "evaluate", body, body.space_id)


class TrainingMixin:
    """Fine-tune, evaluate and solution templates on the model hub service."""

    jobs: Any
    spaces: Any

    def _job_output(self, caller: Any, job_id: str, kind: str) -> Any:
        job = self.jobs.get(caller, job_id)  # 404 / 403
        if job.kind != kind:  # there is no such job of this kind: 404, as for an unknown id
            raise NotFound(
                f"Job {job.name!r} is a {job.kind!r} job, not a {kind} job.",
                code="wrong_job_kind",
            )
        return self.jobs.job_dir(caller, job_id) / "output"

    def finetune(self, caller: Any, request: FinetuneRequest | dict[str, Any]) -> Any:
        """Start a fine-tuning job (``POST /modelhub/finetune``)."""
        return submit_finetune(self.jobs, caller, request)

    def finetune_loss(self, caller: Any, job_id: str) -> LossCurve:
        """The loss so far and the last checkpoint (``GET /modelhub/finetune/{job_id}/loss``)."""
        output = self._job_output(caller, job_id, "finetune")
        return loss_curve(output, self.spaces.contents_root)

    def evaluate(self, caller: Any, request: EvaluateRequest | dict[str, Any]) -> Any:
        """Start an evaluation job (``POST /modelhub/evaluate``)."""
        return submit_evaluate(self.jobs, caller, request)

    def evaluation(self, caller: Any, job_id: str) -> EvaluationResult:
        """Rows and chart of an evaluation (``GET /modelhub/evaluate/{job_id}``)."""
        return evaluation_result(self._job_output(caller, job_id, "evaluate"))

    def solutions(self) -> list[Solution]:
        """The solution templates (``GET /modelhub/solutions``)."""
        return list(SOLUTIONS)

    def launch_solution(
        self, caller: Any, solution_id: str, body: LaunchSolution | dict[str, Any] | None = None
    ) -> LaunchedSolution:
        """Launch a solution's chain (``POST /modelhub/solutions/{id}/launch``)."""
        if isinstance(body, dict):
            body = parse_model(LaunchSolution, body, "solution launch")
        return launch_solution(self, caller, solution_id, body)
