"""Model registry models: what users send to register and update models and what they get back."""

from __future__ import annotations

import math
import re
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ..schemas import MAX_INT, NEXT_TOKEN_PATTERN, StrictFloat

#: Letters, digits and hyphens, at most 63, not starting or ending with a hyphen (a DNS label).
MODEL_NAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
MODEL_NAME_RULE = "letters, digits and hyphens, at most 63 characters, no hyphen at either end"
MAX_TAGS = 50
MAX_TAG_KEY = 250
MAX_TAG_VALUE = 5000
MAX_METRICS = 200
MAX_DESCRIPTION = 5000
#: A tag key or metric name: 1 to 250 characters, not all blank.
NAME_KEY_PATTERN = r"[^ \t\n\r\f\v]"
TagKey = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_TAG_KEY, pattern=NAME_KEY_PATTERN)
]
TagValue = Annotated[str, StringConstraints(max_length=MAX_TAG_VALUE)]
#: Tags as sent: at most 50 pairs (the types say what ``check_tags`` checks).
Tags = Annotated[dict[TagKey, TagValue], Field(max_length=MAX_TAGS)]
#: Metrics as sent: at most 200 numbers by name.
Metrics = Annotated[
    dict[TagKey, Annotated[StrictFloat, Field(allow_inf_nan=False)]], Field(max_length=MAX_METRICS)
]
#: A version number in a path (text): 1, 2, ...
VersionNumber = Annotated[int, Field(ge=1, le=MAX_INT)]


class ProblemType(str, Enum):
    BINARY = "binary"
    MULTICLASS = "multiclass"
    REGRESSION = "regression"


class ModelVersionStatus(str, Enum):
    READY = "Ready"
    DELETED = "Deleted"


def check_tags(value: dict[str, str] | None) -> dict[str, str] | None:
    """Tags: at most 50 string pairs with non-empty keys of at most 250 characters."""
    if value is None:
        return None
    if len(value) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    for key, val in value.items():
        if not re.search(NAME_KEY_PATTERN, key) or len(key) > MAX_TAG_KEY:
            raise ValueError(f"tag keys have 1 to {MAX_TAG_KEY} characters ({key[:40]!r})")
        if len(val) > MAX_TAG_VALUE:
            raise ValueError(f"the value of tag {key!r} is longer than {MAX_TAG_VALUE} characters")
    return value


def check_metrics(value: dict[str, float] | None) -> dict[str, float] | None:
    """Metrics: at most 200 finite numbers by name."""
    if value is None:
        return None
    if len(value) > MAX_METRICS:
        raise ValueError(f"at most {MAX_METRICS} metrics")
    for key, val in value.items():
        if not re.search(NAME_KEY_PATTERN, key) or len(key) > MAX_TAG_KEY:
            raise ValueError(f"metric names have 1 to {MAX_TAG_KEY} characters ({key[:40]!r})")
        if not math.isfinite(val):
            raise ValueError(f"metric {key!r} is {val}: metrics must be finite numbers")
    return value


def check_model_name(value: str) -> str:
    """A model name: letters, digits and hyphens, at most 63, no hyphen at either end."""
    if not re.match(MODEL_NAME_PATTERN, value):
        raise ValueError(f"{value[:80]!r} is not a valid model name: use {MODEL_NAME_RULE}")
    return value


class _CheckedTagsAndMetrics(BaseModel):
    """Checks ``name``, ``tags`` and ``metrics`` in every model that has them."""

    @field_validator("name", check_fields=False)
    @classmethod
    def _check_name(cls, value: str) -> str:
        return check_model_name(value)

    @field_validator("tags", check_fields=False)
    @classmethod
    def _check_tags(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return check_tags(value)

    @field_validator("metrics", check_fields=False)
    @classmethod
    def _check_metrics(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        return check_metrics(value)


class RegistrationOptions(_CheckedTagsAndMetrics):
    """The checked options of a registration (from Python, REST or a job)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=MODEL_NAME_PATTERN, description=MODEL_NAME_RULE)
    space_id: str | None = Field(default=None, max_length=64)
    problem_type: ProblemType | None = None
    metrics: Metrics | None = None
    tags: Tags | None = None
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    source: str | None = Field(
        default=None,
        max_length=500,
        description="Where the model came from: 'python', 'job:<job_id>', 'run:<run_id>', ...",
    )


class RegisterModelFromPath(_CheckedTagsAndMetrics):
    """Body of a registration from a folder in the file browser (a job's artifact folder)."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        min_length=1, description="File-browser path of an MLflow model folder (with MLmodel)."
    )
    name: str = Field(pattern=MODEL_NAME_PATTERN, description=MODEL_NAME_RULE)
    space_id: str | None = Field(
        default=None, max_length=64, description="Register in this space (default: your home)."
    )
    training_data_path: str | None = Field(
        default=None,
        description="File-browser path of the training data (CSV or Parquet) for the baseline.",
    )
    problem_type: ProblemType | None = None
    metrics: Metrics | None = None
    tags: Tags | None = None
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    source: str | None = Field(default=None, max_length=500)


class UpdateModel(_CheckedTagsAndMetrics):
    """Body of ``PATCH`` on a model: only the fields sent change (tags are replaced)."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    tags: Tags | None = None


class InputColumn(BaseModel):
    """One input column of a model's signature."""

    name: str | None
    type: str
    required: bool = True


class ModelOutput(BaseModel):
    """What a model answers: its output columns and, for classifiers, the classes."""

    columns: list[InputColumn] = Field(default_factory=list)
    classes: list[Any] | None = Field(
        default=None, description="Class labels of a classifier, in the order of its probabilities."
    )


class DescribeModel(BaseModel):
    """A registered model as users see it."""

    model_id: str
    name: str
    owner: str
    space_id: str | None = Field(description="The space the model lives in (null: owner's home).")
    description: str | None
    tags: dict[str, str]
    latest_version: int | None
    version_count: int
    path: str | None = Field(
        description="File-browser path of the model's folder (null if outside the file browser)."
    )
    created_at: datetime
    updated_at: datetime


class DescribeModelVersion(BaseModel):
    """One numbered version of a registered model."""

    model_config = ConfigDict(protected_namespaces=())

    model_id: str
    model_name: str
    version: int
    status: ModelVersionStatus
    flavor: str = Field(description="Main MLflow flavor, e.g. 'sklearn' or 'python_function'.")
    flavors: list[str]
    problem_type: ProblemType | None
    input_schema: list[InputColumn]
    output: ModelOutput
    metrics: dict[str, float]
    tags: dict[str, str]
    source: str
    job_id: str | None
    run_id: str | None
    owner: str
    space_id: str | None
    path: str | None = Field(
        description="File-browser path of the version's MLflow model folder (null if outside)."
    )
    baseline_path: str | None = Field(
        description="File-browser path of the training-data baseline (null when none)."
    )
    mlflow_version: str | None
    created_at: datetime


class ListModelsQuery(BaseModel):
    """Query of the model list."""

    model_config = ConfigDict(extra="forbid")

    space_id: str | None = Field(default=None, max_length=64)
    home: bool | None = Field(
        default=None, description="True: only models in homes; False: only models in spaces."
    )
    name_contains: str | None = Field(default=None, max_length=63)
    owner: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=500)
    next_token: str | None = Field(default=None, pattern=NEXT_TOKEN_PATTERN)


class ListModelsResponse(BaseModel):
    items: list[DescribeModel]
    next_token: str | None
    total_count: int


class ListModelVersionsResponse(BaseModel):
    items: list[DescribeModelVersion]
