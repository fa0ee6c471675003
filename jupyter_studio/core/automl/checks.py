"""Checking an AutoML request before it is submitted, data included, and previewing data files.

:meth:`RequestChecks.validate` answers the wizard field by field: every problem names its field,
and the data (and validation) files are read to check rows, columns, target and weights exactly
as the job will, so a valid request starts training. Files are cached while unchanged, since
the wizard asks often.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from ..endpoints.schemas import ENDPOINT_NAME_PATTERN
from ..errors import Forbidden, InvalidInput, StudioError
from ..spaces.service import Caller
from .access import ExperimentAccess, finite
from .schemas import (
    EXPERIMENT_NAME_PATTERN,
    AutoMLValidation,
    ColumnPreview,
    CreateAutoMLExperiment,
    DataPreview,
    FieldProblem,
    ValidateAutoMLExperiment,
)
from .settings import DEFAULT_MIN_ROWS, RunSettings
from .validate import MAX_COLUMNS, TABLE_SUFFIXES, too_few_rows

#: How a refusal for too few rows names the server setting that sets the minimum.
MIN_ROWS_SETTING = "c.Studio.automl_min_rows"
PREVIEW_MAX_ROWS = 100


def _problem(loc: list[str], msg: str, code: str | None = None) -> FieldProblem:
    return FieldProblem(loc=[str(x) for x in loc], msg=msg, code=code)


def check_experiment_name(name: str) -> str | None:
    """Why ``name`` cannot name an experiment, or None when it can."""
    if not name:
        return "give the experiment a name"
    if len(name) > 63:
        return "at most 63 characters"
    if not re.match(EXPERIMENT_NAME_PATTERN, name):
        return "letters, digits and hyphens only, not starting or ending with a hyphen"
    return None


class RequestChecks:
    """Validate AutoML requests against the data, and preview data files."""

    def __init__(self, access: ExperimentAccess, min_rows: int = DEFAULT_MIN_ROWS) -> None:
        self.access = access
        #: Fewer rows with a target than this are refused (``c.Studio.automl_min_rows``).
        self.min_rows = min_rows
        self._frames: dict[tuple[str, int, int], pd.DataFrame] = {}
        self._frames_lock = threading.Lock()

    # ------------------------------------------------------- data reading
    def frame(self, path: Path, field: str) -> pd.DataFrame:
        """The table at ``path`` (cached while the file is unchanged: the wizard asks often)."""
        from .validate import load_table

        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self._frames_lock:
            cached = self._frames.get(key)
        if cached is not None:
            return cached
        frame = load_table(path, field)
        with self._frames_lock:
            while len(self._frames) >= 3:
                self._frames.pop(next(iter(self._frames)))
            self._frames[key] = frame
        return frame

    def resolve_table(self, caller: Caller, raw: str, field: str, what: str) -> Path:
        """The CSV or Parquet file at the file-browser path ``raw`` (400 naming ``field``)."""
        path = self.access.scope(caller).resolve(raw, what=what, must_exist=True, expect="file")
        if path.suffix.lower() not in TABLE_SUFFIXES:
            raise InvalidInput(
                f"{field}: {path.name!r} is not a CSV or Parquet file: pick a .csv or .parquet file.",
                code="invalid_automl_request",
                detail=[{"loc": [field], "msg": "not a CSV or Parquet file"}],
            )
        return path

    def check_paths_permitted(self, caller: Caller, body: CreateAutoMLExperiment) -> None:
        """A path outside the caller's folders is a 403 (another user's file), not a field problem.

        Only :class:`Forbidden` is raised here; any other problem with a path (missing, not a
        table...) is left for :meth:`validate`, which names its field in a 400.
        """
        scope = self.access.scope(caller)
        for raw, what in (
            (body.data, "data file"),
            (body.validation_data, "validation file"),
            (body.output, "output folder"),
        ):
            if raw:
                try:
                    scope.resolve(raw, what=what)
                except Forbidden:
                    raise
                except StudioError:
                    continue

    def preview(self, caller: Caller, path: str, rows: int = 20) -> DataPreview:
        """Columns (with inferred types), row count and the first ``rows`` rows of a data file."""
        if not 1 <= rows <= PREVIEW_MAX_ROWS:
            raise InvalidInput(
                f"rows: ask for 1 to {PREVIEW_MAX_ROWS} rows.",
                code="invalid_preview",
                detail=[{"loc": ["rows"], "msg": f"between 1 and {PREVIEW_MAX_ROWS}"}],
            )
        file = self.resolve_table(caller, path, "path", "data file")
        frame = self.frame(file, "path")
        head = frame.head(rows)
        values = head.astype(object).where(head.notna(), None).to_numpy().tolist()
        clean = [[finite(v) if isinstance(v, float) else _cell(v) for v in row] for row in values]
        columns = [
            ColumnPreview(
                name=str(c),
                inferred_type=_inferred_type(frame[c]),
                missing=int(frame[c].isna().sum()),
                unique=int(frame[c].nunique(dropna=True)),
            )
            for c in frame.columns
        ]
        return DataPreview(path=path, row_count=len(frame), columns=columns, rows=clean)

    # ------------------------------------------------------------ checking
    def validate(
        self,
        caller: Caller,
        body: ValidateAutoMLExperiment | CreateAutoMLExperiment,
        *,
        check_name: bool = True,
    ) -> AutoMLValidation:
        """Check any subset of an experiment's fields; every problem names its field.

        Nothing is submitted. The data (and validation) files are read to check rows, columns,
        target and weights exactly as the job would, so a valid request starts training.
        ``check_name=False`` leaves the experiment's name to the caller (creation checks it
        first, with its own status codes).
        """
        problems: list[FieldProblem] = []
        result = AutoMLValidation(valid=True, problems=problems)
        if check_name and body.experiment_name is not None:
            problems += self._name_problems(body.experiment_name)
        settings = self._settings(body, problems)
        problems += self._consistency_problems(body)
        problems += self._endpoint_problems(body)
        problems += self._place_problems(caller, body)
        validation = self._validation_table(caller, body, problems)
        if body.data:
            self._check_data(caller, body, (settings, validation), result, problems)
        result.problems = problems
        result.valid = not problems
        return result

    def _name_problems(self, name: str) -> list[FieldProblem]:
        why = check_experiment_name(name)
        if why is None and self.access.name_taken(name):
            why = "an experiment of this name exists in the domain: pick another name"
        return [_problem(["experiment_name"], why)] if why else []

    def _settings(
        self, body: ValidateAutoMLExperiment, problems: list[FieldProblem]
    ) -> RunSettings | None:
        """The run settings of the request (None, with their problems added, when invalid)."""
        try:
            return body.run_settings(min_rows=self.min_rows, min_rows_setting=MIN_ROWS_SETTING)
        except InvalidInput as exc:
            problems.extend(self.problems(exc, body))
            return None

    @staticmethod
    def _consistency_problems(body: ValidateAutoMLExperiment) -> list[FieldProblem]:
        out = []
        if body.max_candidate_runtime is not None and body.max_candidate_runtime > body.max_runtime:
            out.append(
                _problem(["max_candidate_runtime"], "longer than the whole job's maximum runtime")
            )
        if body.validation_ratio is not None and body.validation_data:
            out.append(_problem(["validation_data"], "give a validation ratio or a file, not both"))
        return out

    def _endpoint_problems(self, body: ValidateAutoMLExperiment) -> list[FieldProblem]:
        if not (body.auto_deploy or body.endpoint_name):
            return []
        name = body.endpoint_name or ""
        if not name:
            return [_problem(["endpoint_name"], "name the endpoint to deploy to")]
        if not re.match(ENDPOINT_NAME_PATTERN, name):
            why = (
                "letters, digits and hyphens only (at most 63), not starting or ending with a "
                "hyphen"
            )
            return [_problem(["endpoint_name"], why)]
        if self.access.endpoint_taken(name):
            return [_problem(["endpoint_name"], "an endpoint of this name exists: pick another")]
        return []

    def _place_problems(self, caller: Caller, body: ValidateAutoMLExperiment) -> list[FieldProblem]:
        """Problems with the space and the output folder."""
        out = []
        if body.space_id:
            try:
                self.access.spaces.space_path(caller, body.space_id)
            except StudioError as exc:
                out.append(_problem(["space_id"], exc.message))
        if body.output:
            try:
                self.access.scope(caller).resolve(body.output, what="output folder", expect="dir")
            except StudioError as exc:
                out.append(_problem(["output"], exc.message))
        return out

    def _validation_table(
        self, caller: Caller, body: ValidateAutoMLExperiment, problems: list[FieldProblem]
    ) -> Any:
        """The validation the run will use: the ratio, the validation file's rows, or None."""
        if not body.validation_data:
            return body.validation_ratio
        try:
            vpath = self.resolve_table(
                caller, body.validation_data, "validation_data", "validation file"
            )
            return self.frame(vpath, "validation_data").copy()
        except StudioError as exc:
            problems.extend(self.problems(exc, body, default="validation_data"))
            return None

    def _check_data(
        self,
        caller: Caller,
        body: ValidateAutoMLExperiment,
        run: tuple[RunSettings | None, Any],
        result: AutoMLValidation,
        problems: list[FieldProblem],
    ) -> None:
        """Read the data file and check it against the settings and validation ``run`` will
        use, as the job will; what the data says goes in ``result``, its problems in
        ``problems``."""
        settings, validation = run
        try:
            path = self.resolve_table(caller, str(body.data), "data", "data file")
            frame = self.frame(path, "data")
        except StudioError as exc:
            problems.extend(self.problems(exc, body, default="data"))
            return
        result.rows = len(frame)
        result.columns = [str(c) for c in frame.columns]
        if frame.shape[1] > MAX_COLUMNS:
            too_wide = (
                f"{frame.shape[1]} columns: at most {MAX_COLUMNS} are allowed; keep fewer columns"
            )
            problems.append(_problem(["data"], too_wide))
        elif body.target:
            if settings is None:  # their problems are listed: the data would only repeat them
                return
            from .validate import validate_request

            try:
                checked = validate_request(
                    frame.copy(), settings.model_copy(update={"validation": validation})
                )
                result.problem_type = checked.problem_type
                result.problem_type_reason = checked.problem_type_reason
            except InvalidInput as exc:
                found = self.problems(exc, body)
                problems.extend(p for p in found if p not in problems)
        elif len(frame) < self.min_rows:
            refusal = too_few_rows(len(frame), self.min_rows, MIN_ROWS_SETTING)
            problems.append(_problem(["data"], refusal))

    @staticmethod
    def problems(
        exc: StudioError, body: ValidateAutoMLExperiment, default: str = "data"
    ) -> list[FieldProblem]:
        """The engine's field errors, with its field names mapped to the request's."""
        out = []
        for item in exc.detail or [{"loc": [default], "msg": exc.message}]:
            loc = [str(x) for x in item.get("loc") or [default]]
            if loc and loc[0] == "parameters":
                loc = loc[1:] or [default]
            if loc[0] == "validation":
                loc[0] = "validation_data" if body.validation_data else "validation_ratio"
            code = item.get("code") or (exc.code if not exc.detail else None)
            out.append(_problem(loc, str(item.get("msg") or exc.message), code))
        return out


def _inferred_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_numeric_dtype(series):
        return "numerical"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    values = series.dropna().astype(str)
    if values.empty:
        return "categorical"
    sample = values.head(200)
    with_spaces = sample.str.contains(r"\s\S+\s").mean()
    if with_spaces > 0.5 and values.nunique() > 0.3 * len(values):
        return "text"
    if sample.str.match(r"^\d{4}-\d{2}-\d{2}").mean() > 0.9:
        return "datetime"
    return "categorical"


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return finite(value)
    if hasattr(value, "item"):
        try:
            return _cell(value.item())
        except (ValueError, TypeError):
            pass
    return str(value)
