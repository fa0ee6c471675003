"""Solution templates of the model hub: a whole story from a bundled sample in one call.

:func:`launch_solution` copies the sample files into ``solutions/<id>/`` of the caller's home (or
a space) and submits one ``solution`` job (:mod:`.solution_job`) that runs the chain in its worker:
each step is a job of its own (``finetune``, ``evaluate``, ``flow``, ``automl``), started when the
previous one completes, then the model is registered and deployed. The server never waits.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import NotFound
from ..jobs.schemas import DescribeJob
from ..schemas import StrictFloat, StrictInt

__all__ = ["SOLUTIONS", "LaunchSolution", "LaunchedSolution", "Solution", "launch_solution"]

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "modelhub"


class Solution(BaseModel):
    """A solution template as ``GET /modelhub/solutions`` lists it."""

    id: str
    title: str
    description: str
    steps: list[str]
    samples: list[str] = Field(default_factory=list, description="Bundled files it copies.")
    endpoint_prefix: str = Field(description="Its endpoint is named <prefix>-<6 hex digits>.")


SOLUTIONS: list[Solution] = [
    Solution(
        id="text-classifier",
        title="Text classifier: fine-tune MiniLM and deploy it",
        description=(
            "Fine-tunes all-MiniLM-L6-v2 with LoRA and a classification head on 108 short product "
            "reviews (positive, negative, neutral), compares it with zero-shot MiniLM on 42 "
            "held-out reviews, registers it and deploys an endpoint."
        ),
        steps=[
            "Copy reviews_train.csv and reviews_test.csv into solutions/text-classifier/",
            "Fine-tune all-MiniLM-L6-v2 (finetune job) and register review-classifier",
            "Evaluate zero-shot MiniLM against the fine-tuned version (evaluate job)",
            "Deploy the new version to an endpoint",
        ],
        samples=["reviews_train.csv", "reviews_test.csv"],
        endpoint_prefix="review-classifier",
    ),
    Solution(
        id="tabular-automl",
        title="Tabular: Data Wrangler flow → AutoML → endpoint",
        description=(
            "Cleans a 600-row customer churn table with a Data Wrangler flow (missing monthly "
            "charges filled with the median), trains AutoML on the flow's output, registers the "
            "best model and deploys it."
        ),
        steps=[
            "Copy customers.csv into solutions/tabular-automl/",
            "Run the flow churn.flow with its training hand-off (flow job)",
            "AutoML on the cleaned rows, target churned (automl job)",
            "Register churn-model from the best candidate and deploy it to an endpoint",
        ],
        samples=["customers.csv"],
        endpoint_prefix="churn",
    ),
]


def get_solution(solution_id: str) -> Solution:
    """The solution ``solution_id``; a 404 naming the known ones otherwise."""
    for solution in SOLUTIONS:
        if solution.id == solution_id:
            return solution
    raise NotFound(
        f"No solution template {solution_id!r}. Solutions: {', '.join(s.id for s in SOLUTIONS)}.",
        code="solution_not_found",
    )


class LaunchSolution(BaseModel):
    """Body of ``POST /modelhub/solutions/{id}/launch``."""

    model_config = ConfigDict(extra="forbid")

    space_id: str | None = Field(None, max_length=64, description="Run in this space.")
    max_steps: StrictInt | None = Field(
        None, ge=1, le=10_000, description="Fine-tuning steps (text classifier; default 30)."
    )
    automl_max_runtime: StrictFloat | None = Field(
        None, gt=0, le=86_400, description="AutoML seconds (tabular; default 120)."
    )


class LaunchedSolution(BaseModel):
    """What a launch returns: the chain's job, and the endpoint it will deploy."""

    jobs: list[DescribeJob]
    endpoint: str | None = None
    folder: str = Field(description="File-browser path of the solution's files.")


def launch_solution(
    services: Any, caller: Any, solution_id: str, body: LaunchSolution | None = None
) -> LaunchedSolution:
    """Copy the samples and submit the chain as one ``solution`` job (never waits)."""
    from ..jobs.schemas import CreateJob
    from ..spaces.paths import contents_path

    solution = get_solution(solution_id)
    body = body or LaunchSolution()
    spaces = services.spaces
    base = (
        spaces.space_path(caller, body.space_id)
        if body.space_id
        else spaces.home_dir(caller.username)
    )
    folder = base / "solutions" / solution.id
    folder.mkdir(parents=True, exist_ok=True)
    for name in solution.samples:
        target = folder / name
        if not target.exists():  # never overwrite a user's edits
            shutil.copyfile(SAMPLES / name, target)
    endpoint = f"{solution.endpoint_prefix}-{uuid.uuid4().hex[:6]}"
    parameters: dict[str, Any] = {
        "solution": solution.id,
        "folder": contents_path(spaces.contents_root, folder),
        "endpoint_name": endpoint,
    }
    if body.max_steps:
        parameters["max_steps"] = body.max_steps
    if body.automl_max_runtime:
        parameters["automl_max_runtime"] = body.automl_max_runtime
    job = services.jobs.create(
        caller,
        CreateJob(
            kind="solution",
            name=f"solution-{solution.id}",
            space_id=body.space_id,
            parameters=parameters,
        ),
    )
    return LaunchedSolution(jobs=[job], endpoint=endpoint, folder=parameters["folder"])
