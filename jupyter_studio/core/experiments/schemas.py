"""Experiment models: experiments, runs, metric histories and run comparisons as users see them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

MAX_RUNS_PAGE = 1000
MIN_COMPARED_RUNS = 2
MAX_COMPARED_RUNS = 5
#: An experiment id of the tracking store: a whole number (as text) its database can hold.
EXPERIMENT_ID_PATTERN = r"^[0-9]{1,18}$"
ExperimentId = Annotated[str, StringConstraints(pattern=EXPERIMENT_ID_PATTERN)]
#: An experiment name: no control characters, something besides spaces.
EXPERIMENT_NAME_PATTERN = r"^[^\x00-\x1f]*[^\x00-\x20][^\x00-\x1f]*$"


class CreateExperiment(BaseModel):
    """Body of an experiment creation: an experiment shared with a space, or private."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500, pattern=EXPERIMENT_NAME_PATTERN)
    space_id: str | None = Field(
        default=None, max_length=64, description="Members of this space see it (default: you)."
    )

    @field_validator("name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        value = value.strip(" ")
        if not value or any(ord(ch) < 32 for ch in value):
            raise ValueError("the name may not be blank or contain control characters")
        return value


class DescribeExperiment(BaseModel):
    """An MLflow experiment of the domain's tracking store."""

    experiment_id: str
    name: str
    lifecycle_stage: str
    space_id: str | None = Field(description="The space the experiment is tagged with, if any.")
    owner: str | None = Field(description="Who created it in Studio, if known.")
    tags: dict[str, str] = Field(description="Experiment tags (MLflow's own mlflow.* left out).")
    run_count: int = Field(description="Runs of this experiment that you may see.")
    created_at: datetime | None
    updated_at: datetime | None


class ListRunsQuery(BaseModel):
    """Query of the run list: MLflow's own filter and order syntax."""

    model_config = ConfigDict(extra="forbid")

    experiment_id: ExperimentId | None = None
    filter: str | None = Field(
        default=None,
        max_length=4000,
        description="MLflow search filter, e.g. \"metrics.rmse < 1 and params.model = 'tree'\".",
    )
    order_by: list[str] | None = Field(
        default=None,
        max_length=10,
        description="MLflow order clauses, e.g. ['metrics.rmse ASC', 'attributes.start_time DESC'].",
    )
    max_results: int = Field(default=100, ge=1, le=MAX_RUNS_PAGE)
    page_token: str | None = Field(default=None, max_length=2000)


class DescribeRun(BaseModel):
    """One run: its parameters, latest metrics, tags, status and where its artifacts are."""

    run_id: str
    run_name: str | None
    experiment_id: str
    experiment_name: str | None
    status: str = Field(
        description="MLflow's status: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED."
    )
    start_time: datetime | None
    end_time: datetime | None
    owner: str | None = Field(description="Studio user (tag studio.owner, else mlflow.user).")
    space_id: str | None = Field(description="Space of the run (tag studio.space_id).")
    job_id: str | None = Field(description="Studio job that made the run (tag studio.job_id).")
    source_name: str | None = Field(description="The script or notebook that started the run.")
    params: dict[str, str]
    metrics: dict[str, float] = Field(description="Latest value of each metric.")
    tags: dict[str, str] = Field(description="Tags (MLflow's own mlflow.* left out).")
    artifact_path: str | None = Field(
        description="File-browser path of the run's artifact folder (null if outside it)."
    )


class RunModel(BaseModel):
    """A model a run logged: an MLflow 3 logged model, or an artifact folder with an MLmodel file."""

    name: str
    model_id: str | None = Field(description="MLflow's logged-model id (null for a plain folder).")
    path: str | None = Field(description="File-browser path of the model folder (null if outside).")


class ListRunsResponse(BaseModel):
    items: list[DescribeRun]
    next_token: str | None


class MetricPoint(BaseModel):
    step: int
    value: float
    timestamp: datetime


class MetricHistory(BaseModel):
    """Every logged value of one metric of one run, by step."""

    run_id: str
    key: str
    points: list[MetricPoint]


class ComparedParam(BaseModel):
    key: str
    values: dict[str, str | None] = Field(description="Value by run id (null: not logged).")
    differs: bool


class ComparedMetric(BaseModel):
    key: str
    values: dict[str, float | None] = Field(
        description="Latest value by run id (null: not logged)."
    )


class RunComparison(BaseModel):
    """Two to five runs side by side: parameters, latest metrics and metric histories."""

    run_ids: list[str]
    runs: list[DescribeRun]
    params: list[ComparedParam]
    metrics: list[ComparedMetric]
    histories: dict[str, dict[str, list[MetricPoint]]] = Field(
        description="Metric key → run id → points by step, for line charts."
    )


class CompareRunsQuery(BaseModel):
    """Which runs to compare (2 to 5 distinct ids)."""

    model_config = ConfigDict(extra="forbid")

    run_ids: list[str] = Field(
        min_length=MIN_COMPARED_RUNS,
        max_length=MAX_COMPARED_RUNS,
        json_schema_extra={"uniqueItems": True},
    )

    @field_validator("run_ids")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each run may appear only once")
        return value
