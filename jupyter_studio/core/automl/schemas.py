"""AutoML experiment models: what users send to create, check and act on experiments, and what they get."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..endpoints.schemas import ENDPOINT_NAME_PATTERN
from ..jobs.schemas import JobStatus
from ..models.schemas import MODEL_NAME_PATTERN
from ..schemas import Seed, StrictBool, StrictFloat, StrictInt

if TYPE_CHECKING:
    from .settings import RunSettings

#: Letters, digits and hyphens, at most 63, not starting or ending with a hyphen.
EXPERIMENT_NAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
FeatureType = Literal["auto", "numerical", "categorical", "text", "datetime", "sequence"]


class AutoMLSettings(BaseModel):
    """The training settings of an experiment (every field of the wizard but its name)."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    space_id: str | None = Field(
        default=None, max_length=64, description="Run in this space (default: your home)."
    )
    data: str | None = Field(default=None, description="Path of the CSV or Parquet training file.")
    target: str | None = Field(default=None, description="The column to predict.")
    sample_weight: str | None = Field(default=None, description="Column of non-negative weights.")
    features: list[str] | None = Field(
        default=None, description="Columns to learn from (default: all but target and weight)."
    )
    feature_types: dict[str, FeatureType] = Field(
        default_factory=dict, description="Column -> auto, numerical, categorical, text, ..."
    )
    validation_ratio: StrictFloat | None = Field(
        default=None, gt=0, lt=1, description="Share of rows held out (default: automatic)."
    )
    validation_data: str | None = Field(default=None, description="Path of a validation file.")
    output: str | None = Field(
        default=None, description="Folder for the results (default: the job's output folder)."
    )
    problem_type: Literal["auto", "binary", "multiclass", "regression"] = "auto"
    objective_metric: str | None = Field(default=None, description="Default per problem type.")
    mode: Literal["auto", "ensembling", "hpo"] = "auto"
    algorithms: list[str] | None = Field(default=None, description="Default: all of the mode.")
    max_runtime: StrictFloat = Field(
        default=300, gt=0, le=7 * 86400, description="Seconds for the whole job."
    )
    max_candidate_runtime: StrictFloat | None = Field(
        default=None, gt=0, description="Seconds for one candidate."
    )
    seed: Seed = 0
    tags: dict[str, str] = Field(default_factory=dict, description="Free key/value labels.")
    auto_deploy: StrictBool = Field(
        default=False, description="Deploy the best candidate when the job completes."
    )
    endpoint_name: str | None = Field(
        default=None, description="Endpoint to create when auto_deploy is set."
    )

    def run_settings(self, **overrides: Any) -> RunSettings:
        """The engine's settings for this request, plus ``overrides`` (``min_rows``...); building
        them checks them: :class:`~..errors.InvalidInput` names each bad field."""
        from .settings import RunSettings

        return RunSettings.of(self, **overrides)


class CreateAutoMLExperiment(AutoMLSettings):
    """Body of ``POST /studio/api/automl/experiments``."""

    experiment_name: str = Field(
        pattern=EXPERIMENT_NAME_PATTERN,
        description="Unique in the domain: letters, digits and hyphens, at most 63 characters.",
    )
    endpoint_name: str | None = Field(
        default=None,
        pattern=ENDPOINT_NAME_PATTERN,
        description="Endpoint to create when auto_deploy is set.",
    )
    data: str = Field(min_length=1, description="Path of the CSV or Parquet training file.")
    target: str = Field(min_length=1, description="The column to predict.")


class ValidateAutoMLExperiment(AutoMLSettings):
    """Body of ``POST /studio/api/automl/validate``: any subset of the fields, checked as typed."""

    experiment_name: str | None = None


class FieldProblem(BaseModel):
    """One problem with one field: ``loc`` names the field (and a column, for per-column fields)."""

    loc: list[str]
    msg: str
    #: The error code behind the problem (``path_not_found``, ``not_a_file``...), when one says it.
    code: str | None = None


class AutoMLValidation(BaseModel):
    """What ``validate`` found: every problem, and what the data says when it could be read."""

    valid: bool
    problems: list[FieldProblem]
    rows: int | None = None
    columns: list[str] | None = None
    problem_type: str | None = Field(default=None, description="Inferred or chosen.")
    problem_type_reason: str | None = None


class ColumnPreview(BaseModel):
    name: str
    inferred_type: str = Field(description="numerical, categorical, text, datetime or boolean.")
    missing: int
    unique: int


class DataPreview(BaseModel):
    """First rows of a CSV or Parquet file, with its columns and inferred types."""

    path: str
    row_count: int
    columns: list[ColumnPreview]
    rows: list[list[Any]] = Field(description="The first rows, one list of values per row.")


class AutoDeployState(BaseModel):
    endpoint_name: str
    status: str = Field(description="Waiting, Deploying, Deployed, Failed or Skipped.")
    message: str | None = None


class AutoMLNotebooks(BaseModel):
    data_exploration_path: str | None = None
    candidate_definition_path: str | None = None


class DescribeAutoMLExperiment(BaseModel):
    """An AutoML experiment as users see it: its job's state and its best candidate so far."""

    model_config = ConfigDict(protected_namespaces=())

    experiment_name: str
    job_id: str
    owner: str
    space_id: str | None
    status: JobStatus
    status_message: str | None
    progress: float
    progress_message: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    elapsed_seconds: float
    settings: dict[str, Any] = Field(description="The job's parameters.")
    tags: dict[str, str]
    problem_type: str | None
    objective_metric: str | None
    best_candidate: str | None
    best_objective: float | None
    candidate_count: int
    output_path: str | None = Field(description="File-browser path of the results folder.")
    log_path: str | None
    best_model_path: str | None
    notebooks: AutoMLNotebooks
    auto_deploy: AutoDeployState | None


class LeaderboardRow(BaseModel):
    rank: int
    candidate: str
    algorithm: str
    level: int | None = None
    status: str
    objective_metric: str
    objective: float | None
    metrics: dict[str, float | None]
    training_seconds: float | None
    hyperparameters: dict[str, Any]
    failure_reason: str | None = None
    best: bool
    saved: bool = Field(description="Its model folder exists: it can be registered or deployed.")


class AutoMLLeaderboard(BaseModel):
    experiment_name: str
    status: JobStatus
    objective_metric: str | None
    greater_is_better: bool | None
    items: list[LeaderboardRow]


class ConfusionMatrix(BaseModel):
    labels: list[str]
    matrix: list[list[float]]


class Residuals(BaseModel):
    actual: list[float | None]
    predicted: list[float | None]
    mean: float | None
    std: float | None


class FeatureImportance(BaseModel):
    feature: str
    importance: float | None
    std: float | None = None


class CandidateResults(BaseModel):
    """Results of one candidate: metrics and the data of its charts."""

    experiment_name: str
    candidate: str
    algorithm: str
    objective_metric: str | None
    objective: float | None
    metrics: dict[str, float | None]
    hyperparameters: dict[str, Any]
    training_seconds: float | None
    best: bool
    charts_ready: bool = Field(description="False while the job runs: charts come at its end.")
    confusion_matrix: ConfusionMatrix | None = None
    residuals: Residuals | None = None
    roc_curve: list[list[float | None]] | None = Field(default=None, description="[fpr, tpr]")
    pr_curve: list[list[float | None]] | None = Field(
        default=None, description="[recall, precision]"
    )
    positive_class: str | None = None
    feature_importance: list[FeatureImportance] | None = None
    note: str | None = None
    model_path: str | None = Field(description="File-browser path of its MLflow model folder.")


class RegisterCandidate(BaseModel):
    """Body of ``POST /studio/api/automl/experiments/{name}/register``."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    candidate: str | None = Field(default=None, description="Default: the best candidate.")
    model_name: str = Field(pattern=MODEL_NAME_PATTERN, description="Registered model name.")
    space_id: str | None = Field(
        default=None, max_length=64, description="Default: the experiment's space."
    )


class DeployCandidate(BaseModel):
    """Body of ``POST /studio/api/automl/experiments/{name}/deploy``."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    candidate: str | None = Field(default=None, description="Default: the best candidate.")
    endpoint_name: str = Field(pattern=ENDPOINT_NAME_PATTERN)
    model_name: str | None = Field(
        default=None,
        pattern=MODEL_NAME_PATTERN,
        description="Default: the experiment's name (each deployment adds a version).",
    )
    instance_count: StrictInt = Field(default=1, ge=1, le=8)


class DeployedCandidate(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    experiment_name: str
    candidate: str
    model_name: str
    model_version: int
    endpoint_name: str | None = None
    endpoint_status: str | None = None
