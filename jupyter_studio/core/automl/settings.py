"""The settings of one AutoML run: one typed model from the request to the engine.

A REST request (:class:`~.schemas.AutoMLSettings`), the stored parameters of an ``automl`` job
(:class:`~.job.AutoMLParameters`) and the keyword arguments of ``AutoML(...)`` all become a
:class:`RunSettings`, checked once when it is built (:func:`.validate.validate_settings`: every
bad field is a 400 naming it). The engine reads its typed attributes. What only a running
engine has (callbacks, the job's clock) travels beside it in :class:`RunHooks`.

:func:`validate_settings` checks the settings that need no data (instant, for a wizard field by
field); :func:`.validate.validate_request` then checks them against the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from ..errors import InvalidInput
from .preprocess import FEATURE_TYPES
from .problem import ALIASES, METRICS, PROBLEM_TYPES

MODES = ("auto", "ensembling", "hpo")
ALGORITHMS = (
    "lightgbm",
    "catboost",
    "xgboost",
    "random_forest",
    "extra_trees",
    "linear",
    "knn",
    "neural_network",
)
#: The fewest rows with a target a run accepts by default: 8-fold bagging, stratified folds and
#: the ensemble still work at 100 rows (checked on 100-row samples of iris, diabetes and breast
#: cancer); fewer rows give validation scores too noisy to choose between candidates.
DEFAULT_MIN_ROWS = 100

#: How a refusal for too few rows names the setting, for users of the Python API.
API_MIN_ROWS_SETTING = "AutoML(min_rows=...)"
#: Fields with the same name and meaning in a REST request, job parameters and the run settings.
SHARED_FIELDS = (
    "target",
    "problem_type",
    "objective_metric",
    "mode",
    "max_runtime",
    "max_candidate_runtime",
    "seed",
    "sample_weight",
    "features",
    "algorithms",
)
#: The fields :func:`.validate.validate_settings` checks (``validation`` only when a ratio).
_CHECKED = (
    "target",
    "problem_type",
    "objective_metric",
    "mode",
    "max_runtime",
    "max_candidate_runtime",
    "algorithms",
    "feature_types",
    "min_rows",
)


def field_problem(loc: list[Any], msg: str) -> dict[str, Any]:
    """One problem as ``InvalidInput.detail`` lists it: the field (and column), and what is wrong."""
    return {"loc": [str(part) for part in loc], "msg": msg}


def raise_problems(problems: list[dict[str, Any]], code: str = "invalid_automl_request") -> None:
    """Raise :class:`InvalidInput` naming the first problem and listing all, if there are any."""
    if not problems:
        return
    first = problems[0]
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
    message = f"{'.'.join(first['loc'])}: {first['msg']}" + (more if len(problems) > 1 else "")
    raise InvalidInput(message, code=code, detail=problems)


def validate_settings(
    *,
    target: str | None = None,
    problem_type: str | None = None,
    objective_metric: str | None = None,
    mode: str = "auto",
    max_runtime: float = 300,
    max_candidate_runtime: float | None = None,
    algorithms: list[str] | None = None,
    feature_types: dict[str, str] | None = None,
    validation: Any = None,
    min_rows: int = DEFAULT_MIN_ROWS,
) -> None:
    """Check the settings that need no data; :class:`InvalidInput` lists every bad field."""
    problems: list[dict[str, Any]] = []
    if target is not None and (not isinstance(target, str) or not target.strip()):
        problems.append(field_problem(["target"], "choose the target column"))
    if problem_type not in (None, "auto", *PROBLEM_TYPES):
        problems.append(
            field_problem(["problem_type"], f"must be auto or one of {', '.join(PROBLEM_TYPES)}")
        )
    problems += _metric_problems(objective_metric, problem_type)
    if mode not in MODES:
        problems.append(field_problem(["mode"], f"must be one of {', '.join(MODES)}"))
    if not isinstance(max_runtime, (int, float)) or not max_runtime > 0:
        problems.append(field_problem(["max_runtime"], "must be more than 0 seconds"))
    if max_candidate_runtime is not None and not max_candidate_runtime > 0:
        problems.append(field_problem(["max_candidate_runtime"], "must be more than 0 seconds"))
    if algorithms is not None:
        unknown = [a for a in algorithms if a not in ALGORITHMS]
        if unknown:
            problems.append(
                field_problem(
                    ["algorithms"],
                    f"unknown algorithm {', '.join(unknown)}; known: {', '.join(ALGORITHMS)}",
                )
            )
        elif not algorithms:
            problems.append(field_problem(["algorithms"], "choose at least one algorithm"))
    for column, kind in (feature_types or {}).items():
        if str(kind).lower() not in ("auto", *FEATURE_TYPES):
            problems.append(
                field_problem(
                    ["feature_types", column],
                    f"unknown type {kind!r}; use auto or one of {', '.join(FEATURE_TYPES)}",
                )
            )
    is_ratio = isinstance(validation, (int, float)) and not isinstance(validation, bool)
    if is_ratio and not 0 < validation < 1:
        problems.append(field_problem(["validation"], "a validation ratio is between 0 and 1"))
    if not isinstance(min_rows, int) or min_rows < 0:
        problems.append(field_problem(["min_rows"], "must be a whole number, 0 or more"))
    raise_problems(problems)


def _metric_problems(
    objective_metric: str | None, problem_type: str | None
) -> list[dict[str, Any]]:
    if objective_metric is None:
        return []
    key = ALIASES.get(str(objective_metric).lower(), str(objective_metric).lower())
    if key not in METRICS:
        return [field_problem(["objective_metric"], f"unknown metric; known: {', '.join(METRICS)}")]
    if problem_type in PROBLEM_TYPES and problem_type not in METRICS[key].problem_types:
        return [
            field_problem(["objective_metric"], f"{key} does not apply to a {problem_type} problem")
        ]
    return []


class RunSettings(BaseModel):
    """Everything one AutoML run is asked to do, validated when built.

    ``target`` is None only while a wizard checks settings before choosing it; a run needs one.
    ``validation`` is None (automatic), a ratio, a CSV/Parquet path or a DataFrame.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, protected_namespaces=())

    target: str | None = None
    problem_type: str | None = None
    objective_metric: str | None = None
    mode: str = "auto"
    max_runtime: float = 300
    max_candidate_runtime: float | None = None
    seed: int = 0
    sample_weight: str | None = None
    feature_types: dict[str, str] | None = None
    features: list[str] | None = None
    algorithms: list[str] | None = None
    validation: Any = None
    min_rows: int = DEFAULT_MIN_ROWS
    #: How a refusal for too few rows names the setting that sets the minimum.
    min_rows_setting: str = API_MIN_ROWS_SETTING
    #: Cross-validation folds (None: 8 up to 1,000 rows, else 5; 0: a holdout).
    folds: int | None = None
    stacking: bool = True

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any) -> Any:
        """The same checks, and messages, whatever builds the settings (``InvalidInput``)."""
        if isinstance(data, dict):
            checked = {k: data[k] for k in _CHECKED if k in data}
            validation = data.get("validation")
            if isinstance(validation, (int, float)) and not isinstance(validation, bool):
                checked["validation"] = validation
            validate_settings(**checked)
        return data

    @field_validator("problem_type")
    @classmethod
    def _auto_is_none(cls, value: str | None) -> str | None:
        return None if value == "auto" else value

    @field_validator("feature_types")
    @classmethod
    def _empty_is_none(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return dict(value) if value else None

    @classmethod
    def of(cls, request: Any, **overrides: Any) -> RunSettings:
        """The settings of a REST request or of job parameters (same field names), plus
        ``overrides``; ``validation_ratio`` becomes ``validation`` unless an override sets it."""
        values: dict[str, Any] = {name: getattr(request, name) for name in SHARED_FIELDS}
        values["feature_types"] = dict(request.feature_types or {})
        values["validation"] = request.validation_ratio
        values.update(overrides)
        return cls(**values)

    def replayable(self) -> dict[str, Any]:
        """JSON-ready settings (no validation data): what a candidate's recipe keeps."""
        return self.model_dump(exclude={"validation"})


@dataclass
class RunHooks:
    """What a running engine calls back; not settings, so never stored or validated."""

    #: Called with each leaderboard row (a dict) as soon as a candidate ends.
    on_candidate: Callable[[dict[str, Any]], None] | None = None
    #: Called once the data is checked, before training, with the plan and its reasons.
    on_plan: Callable[[dict[str, Any]], None] | None = None
    #: Polled between steps; True ends the run with what has finished.
    should_stop: Callable[[], bool] | None = None
    #: Called with a finished candidate's name and a function returning its model.
    on_model: Callable[[str, Callable[[], Any]], None] | None = None
    #: When training must end (``time.monotonic()``), if earlier than the budget's deadline.
    end_by: Callable[[], float] | None = None


__all__ = [
    "ALGORITHMS",
    "API_MIN_ROWS_SETTING",
    "DEFAULT_MIN_ROWS",
    "MODES",
    "RunHooks",
    "RunSettings",
    "validate_settings",
]
