"""Checking an AutoML request before any training: every problem is a 400 naming its field.

:func:`validate_settings` checks the settings alone (instant, for a wizard field by field);
:func:`validate_request` also reads the data and checks it against the settings, and returns
everything the engine needs. Both raise :class:`~jupyter_studio.core.errors.InvalidInput` whose
``detail`` lists ``{"loc": [field, ...], "msg": ...}`` for every problem found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvalidInput
from ..tabular_files import TABLE_FORMATS, TableFileError, read_table, show_value
from .preprocess import FEATURE_TYPES
from .problem import BINARY, METRICS, MULTICLASS, PROBLEM_TYPES, REGRESSION, infer_problem_type

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
#: How a refusal for too few rows names the setting that sets the minimum.
MIN_ROWS_SETTING = "the min_rows setting"
MAX_COLUMNS = 1000
TABLE_SUFFIXES = TABLE_FORMATS


def _problem(loc: list[Any], msg: str) -> dict[str, Any]:
    return {"loc": [str(part) for part in loc], "msg": msg}


def _raise(problems: list[dict[str, Any]], code: str = "invalid_automl_request") -> None:
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
        problems.append(_problem(["target"], "choose the target column"))
    if problem_type not in (None, "auto", *PROBLEM_TYPES):
        problems.append(
            _problem(["problem_type"], f"must be auto or one of {', '.join(PROBLEM_TYPES)}")
        )
    if objective_metric is not None:
        from .problem import ALIASES

        key = ALIASES.get(str(objective_metric).lower(), str(objective_metric).lower())
        if key not in METRICS:
            problems.append(
                _problem(["objective_metric"], f"unknown metric; known: {', '.join(METRICS)}")
            )
        elif problem_type in PROBLEM_TYPES and problem_type not in METRICS[key].problem_types:
            problems.append(
                _problem(["objective_metric"], f"{key} does not apply to a {problem_type} problem")
            )
    if mode not in MODES:
        problems.append(_problem(["mode"], f"must be one of {', '.join(MODES)}"))
    if not isinstance(max_runtime, (int, float)) or not max_runtime > 0:
        problems.append(_problem(["max_runtime"], "must be more than 0 seconds"))
    if max_candidate_runtime is not None and not max_candidate_runtime > 0:
        problems.append(_problem(["max_candidate_runtime"], "must be more than 0 seconds"))
    if algorithms is not None:
        unknown = [a for a in algorithms if a not in ALGORITHMS]
        if unknown:
            problems.append(
                _problem(
                    ["algorithms"],
                    f"unknown algorithm {', '.join(unknown)}; known: {', '.join(ALGORITHMS)}",
                )
            )
        elif not algorithms:
            problems.append(_problem(["algorithms"], "choose at least one algorithm"))
    for column, kind in (feature_types or {}).items():
        if str(kind).lower() not in ("auto", *FEATURE_TYPES):
            problems.append(
                _problem(
                    ["feature_types", column],
                    f"unknown type {kind!r}; use auto or one of {', '.join(FEATURE_TYPES)}",
                )
            )
    is_ratio = isinstance(validation, (int, float)) and not isinstance(validation, bool)
    if is_ratio and not 0 < validation < 1:
        problems.append(_problem(["validation"], "a validation ratio is between 0 and 1"))
    if not isinstance(min_rows, int) or min_rows < 0:
        problems.append(_problem(["min_rows"], "must be a whole number, 0 or more"))
    _raise(problems)


def load_table(path: str | Path, field_name: str = "data") -> pd.DataFrame:
    """Read a CSV or Parquet file as every feature does (:func:`~..tabular_files.read_table`).

    The delimiter is detected; an empty or header-only file, a row with more fields than the
    header, an unclosed quote or a corrupt Parquet file is a 400 naming the file and the line.
    """
    file = Path(path)
    if TABLE_SUFFIXES.get(file.suffix.lower()) is None:
        _raise([_problem([field_name], f"{file.name!r} is not a CSV or Parquet file")])
    if not file.is_file():
        _raise([_problem([field_name], f"{str(path)!r} does not exist")])
    try:
        return read_table(file, field=field_name)
    except TableFileError as exc:
        _raise([_problem([field_name], f"{exc.file_name}: {exc.problem}. {exc.hint}")])
    raise AssertionError  # pragma: no cover


def too_few_rows(rows: int, min_rows: int, setting: str = MIN_ROWS_SETTING) -> str:
    """The refusal of a file with fewer rows than the minimum, naming the setting to change."""
    return f"{rows} rows with a target: at least {min_rows} are needed (the minimum is {setting})"


@dataclass
class ValidatedRequest:
    """Data and settings checked and resolved, ready for training."""

    frame: pd.DataFrame  # feature columns only, rows with a target
    y: pd.Series
    weights: np.ndarray | None
    validation_frame: pd.DataFrame | None
    validation_y: pd.Series | None
    validation_weights: np.ndarray | None
    validation_ratio: float | None
    problem_type: str
    problem_type_reason: str
    notes: list[str] = field(default_factory=list)


def _as_frame(data: Any, field_name: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, (str, Path)):
        return load_table(data, field_name)
    _raise([_problem([field_name], "give a DataFrame or the path of a CSV or Parquet file")])
    raise AssertionError  # pragma: no cover


def validate_request(
    data: Any,
    *,
    target: str,
    problem_type: str | None = None,
    objective_metric: str | None = None,
    mode: str = "auto",
    max_runtime: float = 300,
    max_candidate_runtime: float | None = None,
    sample_weight: str | None = None,
    feature_types: dict[str, str] | None = None,
    features: list[str] | None = None,
    algorithms: list[str] | None = None,
    validation: Any = None,
    min_rows: int = DEFAULT_MIN_ROWS,
    max_columns: int = MAX_COLUMNS,
    min_rows_setting: str = MIN_ROWS_SETTING,
) -> ValidatedRequest:
    """Check settings and data together; :class:`InvalidInput` naming each bad field, else the data."""
    validate_settings(
        target=target,
        problem_type=problem_type,
        objective_metric=objective_metric,
        mode=mode,
        max_runtime=max_runtime,
        max_candidate_runtime=max_candidate_runtime,
        algorithms=algorithms,
        feature_types=feature_types,
        validation=validation,
        min_rows=min_rows,
    )
    frame = _as_frame(data, "data")
    frame.columns = [str(c) for c in frame.columns]
    problems: list[dict[str, Any]] = []
    notes: list[str] = []
    if frame.shape[1] > max_columns:
        _raise([_problem(["data"], f"{frame.shape[1]} columns: at most {max_columns} are allowed")])
    if len(set(frame.columns)) != frame.shape[1]:
        _raise([_problem(["data"], "two columns have the same name")])
    if target not in frame.columns:
        _raise([_problem(["target"], f"no column {target!r} in the data")])
    y_all = frame[target]
    if y_all.isna().all():
        _raise([_problem(["target"], f"every value of {target!r} is missing")])
    keep = y_all.notna().to_numpy()
    if not keep.all():
        notes.append(f"{int((~keep).sum())} rows without a target value were left out")
    frame = frame.loc[keep].reset_index(drop=True)
    y = frame[target]
    if y.nunique() < 2:
        _raise(
            [
                _problem(
                    ["target"],
                    f"{target!r} has a single value ({show_value(y.iloc[0])}): nothing to learn",
                )
            ]
        )
    if len(frame) < min_rows:
        _raise([_problem(["data"], too_few_rows(len(frame), min_rows, min_rows_setting))])
    weights = None
    if sample_weight:
        if sample_weight not in frame.columns:
            problems.append(_problem(["sample_weight"], f"no column {sample_weight!r} in the data"))
        elif sample_weight == target:
            problems.append(_problem(["sample_weight"], "the weight column cannot be the target"))
        else:
            w = pd.to_numeric(frame[sample_weight], errors="coerce")
            if w.isna().any():
                problems.append(
                    _problem(["sample_weight"], "every weight must be a number (some are missing)")
                )
            elif (w < 0).any():
                problems.append(
                    _problem(["sample_weight"], f"{int((w < 0).sum())} weights are negative")
                )
            elif not (w > 0).any():
                problems.append(_problem(["sample_weight"], "every weight is zero"))
            else:
                weights = w.to_numpy(float)
    excluded = {target, *([sample_weight] if sample_weight else [])}
    if features is not None:
        unknown = [c for c in features if c not in frame.columns]
        if unknown:
            problems.append(_problem(["features"], f"no column {', '.join(unknown)} in the data"))
        columns = [c for c in features if c in frame.columns and c not in excluded]
    else:
        columns = [c for c in frame.columns if c not in excluded]
    if not columns and not problems:
        problems.append(_problem(["features"], "no feature column is left to learn from"))
    for column in feature_types or {}:
        if column not in frame.columns:
            problems.append(_problem(["feature_types", column], "no such column in the data"))
    for column in columns:
        if frame[column].isna().all():
            problems.append(
                _problem(["features", column], "every value is missing: leave this column out")
            )
    # the problem type
    reason = ""
    resolved = None if problem_type in (None, "auto") else problem_type
    target_numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if resolved == REGRESSION and not target_numeric:
        numeric = pd.to_numeric(y, errors="coerce")
        if numeric.isna().any():
            problems.append(
                _problem(["target"], f"{target!r} holds text: a regression target must be numbers")
            )
        else:
            y = numeric
            frame[target] = numeric
    if resolved == BINARY and y.nunique() != 2:
        problems.append(
            _problem(["problem_type"], f"binary needs two classes; {target!r} has {y.nunique()}")
        )
    if resolved == MULTICLASS and y.nunique() > 1000:
        problems.append(
            _problem(["problem_type"], f"{y.nunique()} classes: too many for multiclass")
        )
    _raise(problems)
    if resolved is None:
        resolved, reason = infer_problem_type(y)
        reason = f"Inferred {resolved}: {reason}."
    else:
        reason = f"{resolved.capitalize()}, as chosen."
    if objective_metric is not None:
        from .problem import get_metric

        get_metric(objective_metric, resolved)
    # the validation data
    val_frame = val_y = val_w = None
    ratio = None
    if isinstance(validation, (str, Path, pd.DataFrame)):
        vf = _as_frame(validation, "validation")
        vf.columns = [str(c) for c in vf.columns]
        missing = [c for c in [*columns, target] if c not in vf.columns]
        extra = [c for c in vf.columns if c not in frame.columns]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"lacks {', '.join(missing[:10])}")
            if extra:
                parts.append(f"has columns the training data lacks: {', '.join(extra[:10])}")
            _raise([_problem(["validation"], "the validation data " + " and ".join(parts))])
        vf = vf.loc[vf[target].notna()].reset_index(drop=True)
        if vf.empty:
            _raise([_problem(["validation"], "the validation data has no row with a target")])
        val_y = vf[target]
        if resolved == REGRESSION:
            val_y = pd.to_numeric(val_y, errors="coerce")
            if val_y.isna().any():
                _raise([_problem(["validation"], "the validation target holds text")])
        else:
            unseen = set(val_y.astype(str)) - set(y.astype(str))
            if unseen:
                _raise(
                    [
                        _problem(
                            ["validation"],
                            f"classes absent from the training data: {', '.join(sorted(unseen)[:5])}",
                        )
                    ]
                )
        if sample_weight:
            val_w = pd.to_numeric(vf[sample_weight], errors="coerce").fillna(0).to_numpy(float)
            if (val_w < 0).any():
                _raise([_problem(["validation"], "the validation data has negative weights")])
        val_frame = vf[columns]
    elif isinstance(validation, (int, float)) and validation is not None:
        ratio = float(validation)
    elif validation is not None:
        _raise([_problem(["validation"], "give a ratio, a DataFrame or a CSV/Parquet path")])
    return ValidatedRequest(
        frame=frame[columns],
        y=y,
        weights=weights,
        validation_frame=val_frame,
        validation_y=val_y,
        validation_weights=val_w,
        validation_ratio=ratio,
        problem_type=resolved,
        problem_type_reason=reason,
        notes=notes,
    )
