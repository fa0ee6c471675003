"""Evaluation requests of the model hub: parameters, model references, the stored result.

An ``evaluate`` job (:mod:`.evaluate_job`) scores one or more models on a labelled file and writes
``evaluation.json`` (rows and a Vega-Lite chart, read by :func:`evaluation_result`) and one
``predictions-<n>.csv`` per model in its output folder. Models are named as

- a packaged hub id (``all-minilm-l6-v2`` classifies zero-shot by cosine similarity to
  ``"This text is about {label}."``; ``smollm2-135m-instruct`` generates with its chat template),
- ``registry:<name>/<version>`` (a registered version, e.g. a fine-tuned copy),
- ``endpoint:<name>`` (a deployed endpoint, invoked through its model server).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InvalidInput, NotFound
from ..schemas import Seed, StrictBool, StrictInt
from .finetune import TRAINABLE_MODELS

__all__ = [
    "EVALUATION_FILE",
    "EvaluateParameters",
    "EvaluationResult",
    "EvaluationRow",
    "ModelRef",
    "evaluation_result",
    "parse_model_ref",
]

EVALUATION_FILE = "evaluation.json"
#: Which packaged models evaluate for which task.
HUB_TASKS = {
    "all-minilm-l6-v2": "classification",
    "smollm2-135m-instruct": "generation",
    "gemma3-270m": "generation",
}
_REGISTRY = re.compile(r"^registry:(?P<name>[A-Za-z0-9-]{1,63})/(?P<version>[0-9]{1,9})$")
_ENDPOINT = re.compile(r"^endpoint:(?P<name>[A-Za-z0-9-]{1,63})$")


class EvaluateParameters(BaseModel):
    """Parameters of an ``evaluate`` job (``data`` is a file-browser path)."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    models: list[str] = Field(
        min_length=1,
        max_length=5,
        json_schema_extra={"uniqueItems": True},
        description="Hub ids, registry:<name>/<version> or endpoint:<name> (1 to 5).",
    )
    data: str = Field(min_length=1, description="Labelled CSV or Parquet file.")
    task: Literal["generation", "classification"]
    text_column: str = Field("text", min_length=1, max_length=200)
    label_column: str = Field("label", min_length=1, max_length=200)
    instruction_column: str = Field("instruction", min_length=1, max_length=200)
    response_column: str = Field("response", min_length=1, max_length=200)
    perturbations: StrictBool = Field(
        False, description="Also score typo, case and whitespace perturbations of the inputs."
    )
    max_rows: StrictInt = Field(200, ge=1, le=100_000, description="Evaluate the first rows only.")
    max_new_tokens: StrictInt = Field(
        32, ge=1, le=2048, description="Generation length per answer."
    )
    zero_shot_template: str = Field(
        "This text is about {label}.",
        min_length=1,
        max_length=500,
        pattern=r"\{label\}",
        description="Label sentence of zero-shot classification (must contain {label}).",
    )
    seed: Seed = 0


@dataclass(frozen=True)
class ModelRef:
    """A model to evaluate: ``kind`` is hub, registry or endpoint."""

    raw: str
    kind: Literal["hub", "registry", "endpoint"]
    name: str
    version: int | None = None


def parse_model_ref(raw: str, task: str) -> ModelRef:
    """Parse one entry of ``models``; a 400 (or 404 for an unknown hub id) naming it otherwise."""
    match = _REGISTRY.match(raw)
    if match:
        return ModelRef(raw, "registry", match["name"], int(match["version"]))
    match = _ENDPOINT.match(raw)
    if match:
        return ModelRef(raw, "endpoint", match["name"])
    if raw.startswith(("registry:", "endpoint:")):
        raise InvalidInput(
            f"{raw!r} is not a model reference: write registry:<name>/<version> or "
            "endpoint:<name>.",
            code="invalid_model_reference",
            detail=[{"loc": ["parameters", "models"], "msg": f"bad reference {raw!r}"}],
        )
    if raw not in HUB_TASKS:
        raise NotFound(
            f"No model {raw!r} in the model hub. Evaluate a packaged model "
            f"({', '.join(sorted(HUB_TASKS))}), registry:<name>/<version> or endpoint:<name>.",
            code="model_not_found",
        )
    if HUB_TASKS[raw] != task:
        raise InvalidInput(
            f"{raw!r} does {HUB_TASKS[raw]}, not {task}: pick a model for this task.",
            code="unsupported_task",
            detail=[{"loc": ["parameters", "models"], "msg": f"{raw!r} does {HUB_TASKS[raw]}"}],
        )
    return ModelRef(raw, "hub", raw)


def hub_model(ref: ModelRef) -> Any:
    """The trainable-model record of a hub reference (license, gate)."""
    return TRAINABLE_MODELS[ref.name]


class EvaluationRow(BaseModel):
    """One metric of one model, on clean or perturbed inputs."""

    model: str
    metric: str
    value: float
    perturbation: str | None = None


class EvaluationResult(BaseModel):
    """``GET /modelhub/evaluate/{job_id}``: metric rows and a Vega-Lite comparison chart."""

    rows: list[EvaluationRow]
    chart: dict[str, Any]
    task: str | None = None
    rows_evaluated: int | None = None
    complete: bool = Field(False, description="False while the job is still scoring.")


def evaluation_result(output_dir: Path) -> EvaluationResult:
    """The result an evaluate job wrote in ``output_dir`` (empty while nothing is written)."""
    from .metrics import comparison_chart

    path = output_dir / EVALUATION_FILE
    if not path.is_file():
        return EvaluationResult(rows=[], chart=comparison_chart([]))
    try:
        data = json.loads(path.read_text())
    except ValueError:  # being replaced: the next poll reads it
        return EvaluationResult(rows=[], chart=comparison_chart([]))
    return EvaluationResult.model_validate(data)
