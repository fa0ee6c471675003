"""Checking an AutoML request before any training: every problem is a 400 naming its field.

:func:`~.settings.validate_settings` checks the settings alone (instant, for a wizard field by
field; it runs whenever a :class:`~.settings.RunSettings` is built); :func:`validate_request` also
reads the data and checks it against the settings, and returns everything the engine needs. Both
raise :class:`~jupyter_studio.core.errors.InvalidInput` whose ``detail`` lists
``{"loc": [field, ...], "msg": ...}`` for every problem found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..tabular_files import TABLE_FORMATS, TableFileError, read_table, show_value
from .problem import BINARY, MULTICLASS, REGRESSION, infer_problem_type
from .settings import (  # noqa: F401 - validate_settings and the constants are imported from here
    ALGORITHMS,
    DEFAULT_MIN_ROWS,
    MODES,
    RunSettings,
    validate_settings,
)
from .settings import field_problem as _problem
from .settings import raise_problems as _raise

#: How a refusal for too few rows names the setting that sets the minimum.
MIN_ROWS_SETTING = "the min_rows setting"
MAX_COLUMNS = 1000
TABLE_SUFFIXES = TABLE_FORMATS


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
    settings: RunSettings | None = None,
    *,
    max_columns: int = MAX_COLUMNS,
    **fields: Any,
) -> ValidatedRequest:
    """Check settings and data together; :class:`InvalidInput` naming each bad field, else the data.

    ``settings`` are the run's (checked when they were built); without them, ``fields`` are the
    settings as keyword arguments (``target="y", min_rows=50``), checked first.
    """
    if settings is None:
        fields.setdefault("min_rows_setting", MIN_ROWS_SETTING)
        settings = RunSettings(**fields)
    frame, notes = _rows_with_target(_as_frame(data, "data"), settings, max_columns)
    problems: list[dict[str, Any]] = []
    weights = _weights(frame, settings, problems)
    columns = _feature_columns(frame, settings, problems)
    y = _typed_target(frame, settings, problems)
    _raise(problems)
    problem_type, reason = _problem_type(y, settings)
    val_frame, val_y, val_w = _validation_data(settings, frame, y, columns, problem_type)
    validation = settings.validation
    is_ratio = isinstance(validation, (int, float)) and validation is not None
    return ValidatedRequest(
        frame=frame[columns],
        y=y,
        weights=weights,
        validation_frame=val_frame,
        validation_y=val_y,
        validation_weights=val_w,
        validation_ratio=float(validation) if is_ratio and val_frame is None else None,
        problem_type=problem_type,
        problem_type_reason=reason,
        notes=notes,
    )


def _rows_with_target(
    frame: pd.DataFrame, settings: RunSettings, max_columns: int
) -> tuple[pd.DataFrame, list[str]]:
    """The rows with a target (and notes on those left out); the shape and target are checked."""
    target = settings.target
    frame.columns = [str(c) for c in frame.columns]
    if frame.shape[1] > max_columns:
        _raise([_problem(["data"], f"{frame.shape[1]} columns: at most {max_columns} are allowed")])
    if len(set(frame.columns)) != frame.shape[1]:
        _raise([_problem(["data"], "two columns have the same name")])
    if target is None:
        _raise([_problem(["target"], "choose the target column")])
    if target not in frame.columns:
        _raise([_problem(["target"], f"no column {target!r} in the data")])
    y_all = frame[target]
    if y_all.isna().all():
        _raise([_problem(["target"], f"every value of {target!r} is missing")])
    notes: list[str] = []
    keep = y_all.notna().to_numpy()
    if not keep.all():
        notes.append(f"{int((~keep).sum())} rows without a target value were left out")
    frame = frame.loc[keep].reset_index(drop=True)
    y = frame[target]
    if y.nunique() < 2:
        single = f"{target!r} has a single value ({show_value(y.iloc[0])}): nothing to learn"
        _raise([_problem(["target"], single)])
    if len(frame) < settings.min_rows:
        refusal = too_few_rows(len(frame), settings.min_rows, settings.min_rows_setting)
        _raise([_problem(["data"], refusal)])
    return frame, notes


def _weights(
    frame: pd.DataFrame, settings: RunSettings, problems: list[dict[str, Any]]
) -> np.ndarray | None:
    """The ``sample_weight`` column as numbers (None without one); its problems are added."""
    column = settings.sample_weight
    if not column:
        return None
    if column not in frame.columns:
        problems.append(_problem(["sample_weight"], f"no column {column!r} in the data"))
        return None
    if column == settings.target:
        problems.append(_problem(["sample_weight"], "the weight column cannot be the target"))
        return None
    w = pd.to_numeric(frame[column], errors="coerce")
    if w.isna().any():
        problems.append(
            _problem(["sample_weight"], "every weight must be a number (some are missing)")
        )
    elif (w < 0).any():
        problems.append(_problem(["sample_weight"], f"{int((w < 0).sum())} weights are negative"))
    elif not (w > 0).any():
        problems.append(_problem(["sample_weight"], "every weight is zero"))
    else:
        return w.to_numpy(float)
    return None


def _feature_columns(
    frame: pd.DataFrame, settings: RunSettings, problems: list[dict[str, Any]]
) -> list[str]:
    """The columns to learn from; unknown, empty or mistyped columns are added to ``problems``."""
    excluded = {settings.target, *([settings.sample_weight] if settings.sample_weight else [])}
    if settings.features is not None:
        unknown = [c for c in settings.features if c not in frame.columns]
        if unknown:
            problems.append(_problem(["features"], f"no column {', '.join(unknown)} in the data"))
        columns = [c for c in settings.features if c in frame.columns and c not in excluded]
    else:
        columns = [c for c in frame.columns if c not in excluded]
    if not columns and not problems:
        problems.append(_problem(["features"], "no feature column is left to learn from"))
    for column in settings.feature_types or {}:
        if column not in frame.columns:
            problems.append(_problem(["feature_types", column], "no such column in the data"))
    for column in columns:
        if frame[column].isna().all():
            problems.append(
                _problem(["features", column], "every value is missing: leave this column out")
            )
    return columns


def _typed_target(
    frame: pd.DataFrame, settings: RunSettings, problems: list[dict[str, Any]]
) -> pd.Series:
    """The target, as numbers for a chosen regression; a mismatch with the chosen problem type
    is added to ``problems``."""
    target, chosen = str(settings.target), settings.problem_type
    y = frame[target]
    target_numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    if chosen == REGRESSION and not target_numeric:
        numeric = pd.to_numeric(y, errors="coerce")
        if numeric.isna().any():
            problems.append(
                _problem(["target"], f"{target!r} holds text: a regression target must be numbers")
            )
        else:
            y = numeric
            frame[target] = numeric
    if chosen == BINARY and y.nunique() != 2:
        problems.append(
            _problem(["problem_type"], f"binary needs two classes; {target!r} has {y.nunique()}")
        )
    if chosen == MULTICLASS and y.nunique() > 1000:
        problems.append(
            _problem(["problem_type"], f"{y.nunique()} classes: too many for multiclass")
        )
    return y


def _problem_type(y: pd.Series, settings: RunSettings) -> tuple[str, str]:
    """The problem type (chosen, or inferred from the target) and the reason for it."""
    if settings.problem_type is None:
        resolved, reason = infer_problem_type(y)
        resolved_reason = f"Inferred {resolved}: {reason}."
    else:
        resolved = settings.problem_type
        resolved_reason = f"{resolved.capitalize()}, as chosen."
    if settings.objective_metric is not None:
        from .problem import get_metric

        get_metric(settings.objective_metric, resolved)
    return resolved, resolved_reason


def _validation_data(
    settings: RunSettings,
    frame: pd.DataFrame,
    y: pd.Series,
    columns: list[str],
    problem_type: str,
) -> tuple[pd.DataFrame | None, pd.Series | None, np.ndarray | None]:
    """The validation rows, target and weights when ``validation`` is a table (else None)."""
    validation, target = settings.validation, str(settings.target)
    if not isinstance(validation, (str, Path, pd.DataFrame)):
        if validation is not None and not isinstance(validation, (int, float)):
            _raise([_problem(["validation"], "give a ratio, a DataFrame or a CSV/Parquet path")])
        return None, None, None
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
    if problem_type == REGRESSION:
        val_y = pd.to_numeric(val_y, errors="coerce")
        if val_y.isna().any():
            _raise([_problem(["validation"], "the validation target holds text")])
    else:
        unseen = sorted(set(val_y.astype(str)) - set(y.astype(str)))
        if unseen:
            absent = f"classes absent from the training data: {', '.join(unseen[:5])}"
            _raise([_problem(["validation"], absent)])
    val_w = None
    if settings.sample_weight:
        val_w = pd.to_numeric(vf[settings.sample_weight], errors="coerce").fillna(0).to_numpy(float)
        if (val_w < 0).any():
            _raise([_problem(["validation"], "the validation data has negative weights")])
    return vf[columns], val_y, val_w
