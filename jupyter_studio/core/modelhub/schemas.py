"""Model hub models: catalogue cards, model pages, license acceptance, deploy and prompt templates.

The REST contract is ``/studio/api/modelhub/...`` (see docs/rest-api.md); invocation bodies of a
deployed hub model are checked in the model server (:mod:`jupyter_studio.core.modelhub.serving`).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..endpoints.schemas import ENDPOINT_NAME_PATTERN, MAX_INSTANCES
from ..schemas import StrictBool, StrictFloat, StrictInt


class ModelTask(str, Enum):
    TEXT_GENERATION = "text-generation"
    TEXT_EMBEDDING = "text-embedding"
    TEXT_CLASSIFICATION = "text-classification"


class ModelSource(str, Enum):
    PACKAGED = "packaged"  # a model an installed Python package carries
    REGISTRY = "registry"  # a registry version made from a hub model (fine-tuned copies)
    FOLDER = "folder"  # a folder an administrator lists in c.Studio.modelhub_folders
    HUGGINGFACE = "huggingface"  # the Hugging Face Hub (online only)


class ModelCard(BaseModel):
    """One catalogue entry as the catalogue lists it."""

    id: str = Field(description="Catalogue id: a packaged id, registry:<name>/<version>, ...")
    name: str
    task: ModelTask
    tasks: list[ModelTask]
    framework: str = Field(description="transformers or sentence-transformers")
    source: ModelSource
    license: str = Field(description="SPDX-like license name: apache-2.0, mit, gemma, ...")
    gated: bool = Field(description="Deploy and fine-tune need the license accepted first.")
    accepted: bool = Field(
        description="The caller accepted the license (always true if not gated)."
    )
    size_mb: float | None = None
    parameters: int | None = Field(default=None, description="Number of weights, when known.")
    description: str
    tags: list[str] = Field(default_factory=list)


class Notebook(BaseModel):
    """An example notebook of a model page, as a file-browser path."""

    title: str
    path: str


class Acceptance(BaseModel):
    """A license accepted by a profile."""

    model_id: str
    license: str
    accepted_at: datetime
    profile: str


class ModelDetail(ModelCard):
    """The model page: a card plus license text, inputs and outputs, example calls."""

    license_text: str
    license_url: str | None = None
    inputs: dict[str, Any] = Field(description="What an invocation body holds (JSON Schema-like).")
    outputs: dict[str, Any] = Field(description="What an invocation answers.")
    example_request: dict[str, Any] = Field(description="A body for POST .../invocations.")
    example_python: str = Field(description="The same call from Python.")
    notebooks: list[Notebook] = Field(default_factory=list)
    acceptance: Acceptance | None = None
    context_length: int | None = Field(default=None, description="Longest prompt + answer, tokens.")


class ListModelsQuery(BaseModel):
    """Query of ``GET /modelhub/models``: free text and filters (all optional)."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(
        default=None, max_length=200, description="Words in name, description, tags."
    )
    task: ModelTask | None = None
    framework: str | None = Field(default=None, max_length=100)
    license: str | None = Field(default=None, max_length=100)
    gated: bool | None = None
    source: ModelSource | None = None
    max_size_mb: float | None = Field(
        default=None, gt=0, le=1e9, description="Only models this small or smaller."
    )


class ListModelsResponse(BaseModel):
    items: list[ModelCard]
    total: int


class DeployModel(BaseModel):
    """Body of ``POST /modelhub/models/{id}/deploy``."""

    model_config = ConfigDict(extra="forbid")

    endpoint_name: str = Field(
        pattern=ENDPOINT_NAME_PATTERN,
        description="Letters, digits and hyphens, at most 63 characters; unique in the domain.",
    )
    space_id: str | None = Field(default=None, max_length=64, description="Deploy in this space.")
    accept_eula: StrictBool = Field(
        default=False, description="Accept the model's license now (needed once for a gated model)."
    )
    instance_count: StrictInt = Field(default=1, ge=1, le=MAX_INSTANCES)


class TemplateKind(str, Enum):
    ZERO_SHOT = "zero-shot"
    FEW_SHOT = "few-shot"


#: A template name: a file name without folders (letters, digits, ``-``, ``_``, ``.``, spaces).
TEMPLATE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$"


class GenerationSettings(BaseModel):
    """Generation settings saved with a template (same ranges as an invocation)."""

    model_config = ConfigDict(extra="forbid")

    max_new_tokens: StrictInt | None = Field(default=None, ge=1, le=2048)
    temperature: StrictFloat | None = Field(default=None, ge=0, le=2)
    top_p: StrictFloat | None = Field(default=None, gt=0, le=1)
    stop: list[str] | None = Field(default=None, max_length=8)


class SaveTemplate(BaseModel):
    """Body of ``POST /modelhub/templates``: saved as ``prompt-templates/<name>.json``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=TEMPLATE_NAME_PATTERN)
    space_id: str | None = Field(default=None, max_length=64, description="Default: your home.")
    template: str = Field(min_length=1, max_length=20000)
    kind: TemplateKind = TemplateKind.ZERO_SHOT
    settings: GenerationSettings = Field(default_factory=GenerationSettings)

    @field_validator("template")
    @classmethod
    def _check_template(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the template is blank: write the prompt it fills in")
        return value


class PromptTemplate(BaseModel):
    """A saved prompt template."""

    name: str
    space_id: str | None
    template: str
    kind: TemplateKind
    placeholders: list[str]
    settings: GenerationSettings
    path: str | None = Field(default=None, description="File-browser path of the JSON file.")
    updated_at: datetime | None = None


class ListTemplatesResponse(BaseModel):
    items: list[PromptTemplate]
    total: int
