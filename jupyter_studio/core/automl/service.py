"""AutoML experiments: a named ``automl`` job with its checks, live leaderboard, results and deployment.

An experiment is a row (its unique name, its job, tags and auto-deploy settings) beside an
``automl`` job that does the training in a worker. Everything about its progress is read from the
job and from the files the job writes in its results folder (``leaderboard.json`` while it runs,
``report.json`` at the end), so the server never trains anything.

Auto-deploy survives restarts: the request is stored in the row, and :meth:`AutoMLService.reconcile`
(run by every server's supervisor thread, and by :meth:`AutoMLService.wait`) deploys the best
candidate of each completed experiment that asked for it, claiming the row first so that two
servers never deploy the same experiment twice.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..endpoints.schemas import ENDPOINT_NAME_PATTERN, CreateEndpoint
from ..endpoints.tables import EndpointRow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, StudioError
from ..jobs.schemas import CreateJob, DescribeJob, JobStatus
from ..jobs.tables import JobRow
from ..spaces.paths import contents_path
from ..spaces.service import Caller, SpaceService
from ..store import Store
from ..store.orm import utcnow
from .schemas import (
    EXPERIMENT_NAME_PATTERN,
    AutoDeployState,
    AutoMLLeaderboard,
    AutoMLNotebooks,
    AutoMLValidation,
    CandidateResults,
    ColumnPreview,
    CreateAutoMLExperiment,
    DataPreview,
    DeployCandidate,
    DeployedCandidate,
    DescribeAutoMLExperiment,
    FieldProblem,
    LeaderboardRow,
    RegisterCandidate,
    ValidateAutoMLExperiment,
)
from .tables import AutoMLExperimentRow
from .tracking import ROW_KEYS
from .validate import DEFAULT_MIN_ROWS, MAX_COLUMNS, TABLE_SUFFIXES, too_few_rows

#: How a refusal for too few rows names the server setting that sets the minimum.
MIN_ROWS_SETTING = "c.Studio.automl_min_rows"

log = logging.getLogger(__name__)

LOWER_IS_BETTER = {"log_loss", "mse", "rmse", "mae"}
#: A deployment claimed longer ago than this by a server that died is claimed again.
CLAIM_TIMEOUT = timedelta(minutes=10)
PREVIEW_MAX_ROWS = 100


def _problem(loc: list[str], msg: str) -> FieldProblem:
    return FieldProblem(loc=[str(x) for x in loc], msg=msg)


def check_experiment_name(name: str) -> str | None:
    """Why ``name`` cannot name an experiment, or None when it can."""
    if not name:
        return "give the experiment a name"
    if len(name) > 63:
        return "at most 63 characters"
    if not re.match(EXPERIMENT_NAME_PATTERN, name):
        return "letters, digits and hyphens only, not starting or ending with a hyphen"
    return None


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


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


class AutoMLService:
    """Create, follow, stop, register and deploy AutoML experiments."""

    def __init__(
        self,
        store: Store,
        spaces: SpaceService,
        *,
        jobs: Any,
        models: Any = None,
        endpoints: Any = None,
        min_rows: int = DEFAULT_MIN_ROWS,
        default_user: str | None = None,
        logger: logging.Logger | None = None,
    ):
        self.store = store
        self.spaces = spaces
        self.jobs = jobs
        self.models = models
        self.endpoints = endpoints
        #: Fewer rows with a target than this are refused (``c.Studio.automl_min_rows``).
        self.min_rows = min_rows
        self.default_user = default_user
        self.log = logger or log
        self._frames: dict[tuple[str, int, int], pd.DataFrame] = {}
        self._frames_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------ helpers
    def _can_see(self, caller: Caller, row: AutoMLExperimentRow) -> bool:
        if caller.is_admin or row.owner == caller.username:
            return True
        return bool(row.space_id) and row.space_id in self.spaces.member_space_ids(caller.username)

    def _row(self, caller: Caller, name: str) -> AutoMLExperimentRow:
        with self.store.session() as session:
            row = session.get(AutoMLExperimentRow, name)
        if row is None or row.job_id is None:
            raise NotFound(
                f"No AutoML experiment {name!r}: list experiments to see their names.",
                code="automl_experiment_not_found",
            )
        if not self._can_see(caller, row):
            raise Forbidden(
                f"AutoML experiment {name!r} belongs to another user or to a space you are not "
                "a member of.",
                code="automl_experiment_forbidden",
            )
        return row

    def _job_row(self, job_id: str) -> JobRow | None:
        with self.store.session() as session:
            return session.get(JobRow, job_id)

    @staticmethod
    def results_dir(job_row: JobRow) -> Path:
        """The folder the job writes its results in (its output folder unless ``output`` was set)."""
        resolved = (job_row.spec or {}).get("resolved") or {}
        return Path(resolved.get("output") or Path(job_row.job_dir) / "output")

    def _results(self, row: AutoMLExperimentRow) -> Path:
        job_row = self._job_row(row.job_id or "")
        if job_row is None:
            raise NotFound(
                f"The job of experiment {row.experiment_name!r} no longer exists.",
                code="automl_job_not_found",
            )
        return self.results_dir(job_row)

    @staticmethod
    def _read_json(path: Path) -> Any:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def _path(self, path: Path) -> str | None:
        return contents_path(self.spaces.contents_root, path) if path.exists() else None

    def _scope(self, caller: Caller) -> Any:
        return self.spaces.path_scope(caller)

    # ------------------------------------------------------- data reading
    def _frame(self, path: Path, field: str) -> pd.DataFrame:
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

    def _resolve_table(self, caller: Caller, raw: str, field: str, what: str) -> Path:
        path = self._scope(caller).resolve(raw, what=what, must_exist=True, expect="file")
        if path.suffix.lower() not in TABLE_SUFFIXES:
            raise InvalidInput(
                f"{field}: {path.name!r} is not a CSV or Parquet file: pick a .csv or .parquet file.",
                code="invalid_automl_request",
                detail=[{"loc": [field], "msg": "not a CSV or Parquet file"}],
            )
        return path

    def _check_paths_permitted(self, caller: Caller, body: CreateAutoMLExperiment) -> None:
        """A path outside the caller's folders is a 403 (another user's file), not a field problem.

        Only :class:`Forbidden` is raised here; any other problem with a path (missing, not a
        table...) is left for :meth:`validate`, which names its field in a 400.
        """
        scope = self._scope(caller)
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
        file = self._resolve_table(caller, path, "path", "data file")
        frame = self._frame(file, "path")
        head = frame.head(rows)
        values = head.astype(object).where(head.notna(), None).to_numpy().tolist()
        clean = [[_finite(v) if isinstance(v, float) else _cell(v) for v in row] for row in values]
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
    def _name_taken(self, name: str) -> bool:
        with self.store.session() as session:
            return session.get(AutoMLExperimentRow, name) is not None

    def _endpoint_taken(self, name: str) -> bool:
        with self.store.session() as session:
            return session.get(EndpointRow, name) is not None

    def validate(self, caller: Caller, body: ValidateAutoMLExperiment) -> AutoMLValidation:
        """Check any subset of an experiment's fields; every problem names its field.

        Nothing is submitted. The data (and validation) files are read to check rows, columns,
        target and weights exactly as the job would, so a valid request starts training.
        """
        from .validate import validate_request, validate_settings

        problems: list[FieldProblem] = []
        result = AutoMLValidation(valid=True, problems=problems)
        if body.experiment_name is not None:
            why = check_experiment_name(body.experiment_name)
            if why is None and self._name_taken(body.experiment_name):
                why = "an experiment of this name exists in the domain: pick another name"
            if why:
                problems.append(_problem(["experiment_name"], why))
        ratio_or_none = body.validation_ratio
        try:
            validate_settings(
                target=body.target,
                problem_type=body.problem_type,
                objective_metric=body.objective_metric,
                mode=body.mode,
                max_runtime=body.max_runtime,
                max_candidate_runtime=body.max_candidate_runtime,
                algorithms=body.algorithms,
                feature_types=dict(body.feature_types),
                validation=ratio_or_none,
                min_rows=self.min_rows,
            )
        except InvalidInput as exc:
            problems.extend(self._problems(exc, body))
        if body.max_candidate_runtime is not None and body.max_candidate_runtime > body.max_runtime:
            problems.append(
                _problem(["max_candidate_runtime"], "longer than the whole job's maximum runtime")
            )
        if body.validation_ratio is not None and body.validation_data:
            problems.append(
                _problem(["validation_data"], "give a validation ratio or a file, not both")
            )
        if body.auto_deploy or body.endpoint_name:
            name = body.endpoint_name or ""
            if not name:
                problems.append(_problem(["endpoint_name"], "name the endpoint to deploy to"))
            elif not re.match(ENDPOINT_NAME_PATTERN, name):
                problems.append(
                    _problem(
                        ["endpoint_name"],
                        "letters, digits and hyphens only (at most 63), not starting or ending "
                        "with a hyphen",
                    )
                )
            elif self._endpoint_taken(name):
                problems.append(
                    _problem(["endpoint_name"], "an endpoint of this name exists: pick another")
                )
        if body.space_id:
            try:
                self.spaces.space_path(caller, body.space_id)
            except StudioError as exc:
                problems.append(_problem(["space_id"], exc.message))
        if body.output:
            try:
                self._scope(caller).resolve(body.output, what="output folder", expect="dir")
            except StudioError as exc:
                problems.append(_problem(["output"], exc.message))
        validation: Any = body.validation_ratio
        if body.validation_data:
            try:
                vpath = self._resolve_table(
                    caller, body.validation_data, "validation_data", "validation file"
                )
                validation = self._frame(vpath, "validation_data").copy()
            except StudioError as exc:
                problems.extend(self._problems(exc, body, default="validation_data"))
                validation = None
        if body.data:
            try:
                frame = self._frame(
                    self._resolve_table(caller, body.data, "data", "data file"), "data"
                )
            except StudioError as exc:
                problems.extend(self._problems(exc, body, default="data"))
                frame = None
            if frame is not None:
                result.rows = len(frame)
                result.columns = [str(c) for c in frame.columns]
                if frame.shape[1] > MAX_COLUMNS:
                    problems.append(
                        _problem(
                            ["data"],
                            f"{frame.shape[1]} columns: at most {MAX_COLUMNS} are allowed; "
                            "keep fewer columns",
                        )
                    )
                elif body.target:
                    try:
                        checked = validate_request(
                            frame.copy(),
                            target=body.target,
                            problem_type=body.problem_type,
                            objective_metric=body.objective_metric,
                            mode=body.mode,
                            max_runtime=body.max_runtime,
                            max_candidate_runtime=body.max_candidate_runtime,
                            sample_weight=body.sample_weight,
                            feature_types=dict(body.feature_types) or None,
                            features=body.features,
                            algorithms=body.algorithms,
                            validation=validation,
                            min_rows=self.min_rows,
                            min_rows_setting=MIN_ROWS_SETTING,
                        )
                        result.problem_type = checked.problem_type
                        result.problem_type_reason = checked.problem_type_reason
                    except InvalidInput as exc:
                        found = self._problems(exc, body)
                        problems.extend(p for p in found if p not in problems)
                elif len(frame) < self.min_rows:
                    problems.append(
                        _problem(
                            ["data"], too_few_rows(len(frame), self.min_rows, MIN_ROWS_SETTING)
                        )
                    )
        result.problems = problems
        result.valid = not problems
        return result

    @staticmethod
    def _problems(
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
            out.append(_problem(loc, str(item.get("msg") or exc.message)))
        return out

    # ------------------------------------------------------------- creating
    def create(self, caller: Caller, body: CreateAutoMLExperiment) -> DescribeAutoMLExperiment:
        """Check everything (data included), then submit the ``automl`` job.

        400 with every bad field in ``detail`` before any training; 409 when the name is in use.
        """
        why = check_experiment_name(body.experiment_name)
        if why:
            raise InvalidInput(
                f"experiment_name: {why}.",
                code="invalid_automl_request",
                detail=[{"loc": ["experiment_name"], "msg": why}],
            )
        if self._name_taken(body.experiment_name):
            raise Conflict(
                f"An AutoML experiment named {body.experiment_name!r} exists in this domain: "
                "pick another name.",
                code="automl_experiment_exists",
            )
        self._check_paths_permitted(caller, body)
        checked = self.validate(caller, ValidateAutoMLExperiment(**body.model_dump()))
        if not checked.valid:
            first = checked.problems[0]
            more = len(checked.problems) - 1
            raise InvalidInput(
                f"{'.'.join(first.loc)}: {first.msg}"
                + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""),
                code="invalid_automl_request",
                detail=[p.model_dump() for p in checked.problems],
            )
        with self.store.session() as session:
            session.add(
                AutoMLExperimentRow(
                    experiment_name=body.experiment_name,
                    owner=caller.username,
                    space_id=body.space_id,
                    tags=dict(body.tags),
                    auto_deploy_endpoint=body.endpoint_name if body.auto_deploy else None,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                raise Conflict(
                    f"An AutoML experiment named {body.experiment_name!r} exists in this domain.",
                    code="automl_experiment_exists",
                ) from None
        try:
            job = self.jobs.create(caller, self._job_request(body))
        except BaseException:
            with self.store.session() as session:
                row = session.get(AutoMLExperimentRow, body.experiment_name)
                if row is not None:
                    session.delete(row)
            raise
        with self.store.session() as session:
            session.execute(
                update(AutoMLExperimentRow)
                .where(AutoMLExperimentRow.experiment_name == body.experiment_name)
                .values(job_id=job.job_id)
            )
        return self.get(caller, body.experiment_name)

    def _job_request(self, body: CreateAutoMLExperiment) -> CreateJob:
        params: dict[str, Any] = {
            "data": body.data,
            "target": body.target,
            "problem_type": body.problem_type,
            "objective_metric": body.objective_metric,
            "mode": body.mode,
            "max_runtime": body.max_runtime,
            "max_candidate_runtime": body.max_candidate_runtime,
            "seed": body.seed,
            "sample_weight": body.sample_weight,
            "features": body.features,
            "feature_types": dict(body.feature_types),
            "algorithms": body.algorithms,
            "validation_ratio": body.validation_ratio,
            "validation_data": body.validation_data,
            "output": body.output,
            "min_rows": self.min_rows,
            "experiment_name": body.experiment_name,
            "tags": dict(body.tags),
        }
        # the job keeps max_runtime, its results included (the job page shows what was asked)
        limit = body.max_runtime
        return CreateJob(
            kind="automl",
            name=body.experiment_name,
            space_id=body.space_id,
            max_runtime_seconds=min(limit, 7 * 86400),
            parameters={k: v for k, v in params.items() if v is not None},
        )

    def submit(
        self,
        experiment_name: str,
        data: str,
        target: str,
        *,
        user: str | None = None,
        **settings: Any,
    ) -> DescribeAutoMLExperiment:
        """Python entry point: ``studio.automl.submit("churn-1", "data/churn.csv", "churned")``.

        ``settings`` are the other fields of :class:`CreateAutoMLExperiment` (``max_runtime``,
        ``mode``, ``space_id``, ``auto_deploy``, ``endpoint_name``, ``tags``...).
        """
        from ..validation import parse_model

        body = parse_model(
            CreateAutoMLExperiment,
            {"experiment_name": experiment_name, "data": data, "target": target, **settings},
            "AutoML experiment",
        )
        caller = self.spaces.caller(user or self.default_user or "user")
        return self.create(caller, body)

    # -------------------------------------------------------------- reading
    def _describe(
        self, row: AutoMLExperimentRow, job: DescribeJob, job_row: JobRow | None
    ) -> DescribeAutoMLExperiment:
        results = self.results_dir(job_row) if job_row is not None else None
        board: list[dict[str, Any]] = []
        report: dict[str, Any] | None = None
        plan: dict[str, Any] = {}
        if results is not None:
            board = self._read_json(results / "leaderboard.json") or []
            report = self._read_json(results / "report.json")
            # the plan (problem type, metric) is written before training; the report at the end
            plan = self._read_json(results / "plan.json") or {}
        summary = (report or {}).get("summary") or plan
        done = [
            r for r in board if r.get("status") == "completed" and r.get("objective") is not None
        ]
        metric = summary.get("objective_metric") or (
            board[0].get("objective_metric") if board else None
        )
        best_name = summary.get("best_candidate")
        best_value = None
        if done:
            marked = [r for r in done if r.get("best")]
            if marked:
                top = marked[0]
            else:
                pick = min if metric in LOWER_IS_BETTER else max
                top = pick(done, key=lambda r: r["objective"])
            best_name = best_name or top["candidate"]
            best_value = next(
                (_finite(r["objective"]) for r in done if r["candidate"] == best_name),
                _finite(top["objective"]),
            )
        deploy = None
        if row.auto_deploy_endpoint:
            deploy = AutoDeployState(
                endpoint_name=row.auto_deploy_endpoint,
                status=row.deploy_status or "Waiting",
                message=row.deploy_message,
            )
        return DescribeAutoMLExperiment(
            experiment_name=row.experiment_name,
            job_id=job.job_id,
            owner=row.owner,
            space_id=row.space_id,
            status=job.status,
            status_message=job.status_message,
            progress=job.progress,
            progress_message=job.progress_message,
            created_at=row.created_at,
            started_at=job.started_at,
            ended_at=job.ended_at,
            elapsed_seconds=job.elapsed_seconds,
            settings=job.parameters,
            tags=dict(row.tags or {}),
            problem_type=summary.get("problem_type"),
            objective_metric=metric,
            best_candidate=best_name,
            best_objective=best_value,
            candidate_count=len(done),
            output_path=self._path(results) if results is not None else None,
            log_path=job.log_path,
            best_model_path=self._path(results / "best_model") if results is not None else None,
            notebooks=AutoMLNotebooks(
                data_exploration_path=self._path(results / "data_exploration.ipynb")
                if results is not None
                else None,
                candidate_definition_path=self._path(results / "candidate_definition.ipynb")
                if results is not None
                else None,
            ),
            auto_deploy=deploy,
        )

    def list(self, caller: Caller) -> list[DescribeAutoMLExperiment]:
        """Experiments the caller may see (own, their spaces', or all for admins), newest first."""
        with self.store.session() as session:
            query = select(AutoMLExperimentRow).where(AutoMLExperimentRow.job_id.is_not(None))
            if not caller.is_admin:
                spaces = self.spaces.member_space_ids(caller.username)
                query = query.where(
                    or_(
                        AutoMLExperimentRow.owner == caller.username,
                        AutoMLExperimentRow.space_id.in_(spaces),
                    )
                )
            rows = session.scalars(query.order_by(AutoMLExperimentRow.created_at.desc())).all()
        out = []
        for row in rows:
            try:
                job = self.jobs.get(caller, row.job_id)
            except NotFound:
                continue
            out.append(self._describe(row, job, self._job_row(row.job_id or "")))
        return out

    def get(self, caller: Caller, name: str) -> DescribeAutoMLExperiment:
        """One experiment: its job's status and progress, the best candidate so far, its files."""
        row = self._row(caller, name)
        job = self.jobs.get(caller, row.job_id)
        return self._describe(row, job, self._job_row(row.job_id or ""))

    def leaderboard(self, caller: Caller, name: str) -> AutoMLLeaderboard:
        """Every candidate so far (live while the job runs), best first."""
        row = self._row(caller, name)
        job = self.jobs.get(caller, row.job_id)
        results = self._results(row)
        board = self._read_json(results / "leaderboard.json") or []
        report = self._read_json(results / "report.json") or {}
        metric = (report.get("summary") or {}).get("objective_metric") or (
            board[0].get("objective_metric") if board else None
        )
        greater = None if metric is None else metric not in LOWER_IS_BETTER
        items = self._rank(board, greater)
        best = (report.get("summary") or {}).get("best_candidate")
        if best is None and items and items[0]["status"] == "completed":
            best = items[0]["candidate"]
        rows = [
            LeaderboardRow(
                rank=i + 1,
                candidate=str(r["candidate"]),
                algorithm=str(r.get("algorithm") or ""),
                level=r.get("level"),
                status=str(r.get("status") or ""),
                objective_metric=str(r.get("objective_metric") or metric or ""),
                objective=_finite(r.get("objective")),
                metrics={
                    k: _finite(v)
                    for k, v in r.items()
                    if k not in ROW_KEYS and not isinstance(v, (dict, list, str))
                },
                training_seconds=_finite(r.get("training_seconds")),
                hyperparameters=r.get("hyperparameters") or {},
                failure_reason=r.get("failure_reason"),
                best=r["candidate"] == best,
                saved=self._model_dir(results, str(r["candidate"]), best) is not None,
            )
            for i, r in enumerate(items)
        ]
        return AutoMLLeaderboard(
            experiment_name=name,
            status=job.status,
            objective_metric=metric,
            greater_is_better=greater,
            items=rows,
        )

    @staticmethod
    def _rank(board: list[dict[str, Any]], greater: bool | None) -> list[dict[str, Any]]:
        def key(r: dict[str, Any]) -> tuple[int, float]:
            value = _finite(r.get("objective"))
            if r.get("status") != "completed" or value is None:
                return (1, 0.0)
            return (0, -value if greater else value)

        return sorted(board, key=key)

    @staticmethod
    def _model_dir(results: Path, candidate: str, best: str | None) -> Path | None:
        folder = results / "candidates" / candidate
        if (folder / "MLmodel").is_file():
            return folder
        if candidate == best and (results / "best_model" / "MLmodel").is_file():
            return results / "best_model"
        return None

    def candidate(self, caller: Caller, name: str, candidate: str) -> CandidateResults:
        """Metrics and charts' data of one candidate (``best`` for the best one)."""
        board = self.leaderboard(caller, name)
        results = self._results(self._row(caller, name))
        best = next((r.candidate for r in board.items if r.best), None)
        if candidate == "best":
            if best is None:
                raise Conflict(
                    f"Experiment {name!r} has no finished candidate yet.",
                    code="automl_no_candidate",
                )
            candidate = best
        item = next((r for r in board.items if r.candidate == candidate), None)
        if item is None:
            raise NotFound(
                f"Experiment {name!r} has no candidate {candidate!r}: see its leaderboard.",
                code="automl_candidate_not_found",
            )
        report = self._read_json(results / "report.json")
        charts: dict[str, Any] | None = None
        note = None
        if report is not None:
            if (report.get("best") or {}).get("candidate") == candidate:
                charts = report["best"]
            else:
                charts = (report.get("candidates") or {}).get(candidate)
            if charts is None:
                note = (
                    "No charts for this candidate: it did not finish."
                    if item.status != "completed"
                    else "No charts were saved for this candidate."
                )
            elif charts.get("error"):
                note = f"Its charts could not be computed: {charts['error']}"
                charts = None
            elif any(f.get("importance") is None for f in charts.get("feature_importance") or []):
                items = charts["feature_importance"]
                done = sum(f.get("importance") is not None for f in items)
                note = (
                    f"Feature importance covers {done} of {len(items)} features: its time "
                    "limit (10 % of the budget) was reached."
                )
            elif charts.get("feature_importance") is None:
                note = (
                    charts.get("feature_importance_error")
                    or "Feature importance is computed for the best candidates while the job's "
                    "time allows (at most three); this one has none. In Python, "
                    "result.explain(candidate) computes it for any candidate."
                )
        elif board.status.is_final:
            note = "The job ended before writing its report: only the leaderboard is available."
        else:
            note = "The charts come when the job ends; the metrics are live."
        folder = self._model_dir(results, candidate, best)
        data: dict[str, Any] = {
            "experiment_name": name,
            "candidate": candidate,
            "algorithm": item.algorithm,
            "objective_metric": item.objective_metric,
            "objective": item.objective,
            "metrics": item.metrics,
            "hyperparameters": item.hyperparameters,
            "training_seconds": item.training_seconds,
            "best": item.best,
            "charts_ready": charts is not None,
            "note": note,
            "model_path": self._path(folder) if folder is not None else None,
        }
        if charts:
            for key in (
                "confusion_matrix",
                "residuals",
                "roc_curve",
                "pr_curve",
                "positive_class",
                "feature_importance",
            ):
                if charts.get(key) is not None:
                    data[key] = charts[key]
        return CandidateResults.model_validate(data)

    # -------------------------------------------------------------- actions
    def stop(self, caller: Caller, name: str) -> DescribeAutoMLExperiment:
        """Stop the job; every finished candidate and the best model so far are kept."""
        row = self._row(caller, name)
        self.jobs.stop(caller, row.job_id)
        return self.get(caller, name)

    def _candidate_folder(
        self, caller: Caller, name: str, candidate: str | None
    ) -> tuple[AutoMLExperimentRow, str, Path, LeaderboardRow]:
        row = self._row(caller, name)
        board = self.leaderboard(caller, name)
        best = next((r.candidate for r in board.items if r.best), None)
        chosen = candidate if candidate not in (None, "", "best") else best
        item = next((r for r in board.items if r.candidate == chosen), None)
        if chosen is None or item is None:
            if chosen is None:
                raise Conflict(
                    f"Experiment {name!r} has no finished candidate yet.",
                    code="automl_no_candidate",
                )
            raise NotFound(
                f"Experiment {name!r} has no candidate {chosen!r}: see its leaderboard.",
                code="automl_candidate_not_found",
            )
        folder = self._model_dir(self._results(row), chosen, best)
        if folder is None:
            if not board.status.is_final:
                reason = ": candidates are saved when the job ends."
            elif item.status == "completed":
                reason = (
                    ": the job's budget ran out before it was saved (lower-ranked candidates "
                    "go last); run the experiment with a longer max_runtime to keep them all."
                )
            else:
                reason = f" (it is {item.status})."
            raise Conflict(
                f"Candidate {chosen!r} has no saved model{reason}",
                code="automl_candidate_not_saved",
            )
        return row, chosen, folder, item

    def register(self, caller: Caller, name: str, body: RegisterCandidate) -> Any:
        """Register a candidate (default: the best) as the next version of ``body.model_name``."""
        if self.models is None:
            raise Conflict("The model registry is not available.", code="no_model_registry")
        row, chosen, folder, item = self._candidate_folder(caller, name, body.candidate)
        metrics = {k: v for k, v in item.metrics.items() if v is not None}
        if item.objective is not None:
            metrics.setdefault(item.objective_metric, item.objective)
        return self.models.register(
            caller,
            str(folder),
            body.model_name,
            space_id=body.space_id if body.space_id is not None else row.space_id,
            metrics=dict(list(metrics.items())[:100]),
            tags={"automl.experiment": name, "automl.candidate": chosen, **(row.tags or {})},
            description=f"AutoML experiment {name}, candidate {chosen} ({item.algorithm})",
            source=f"job:{row.job_id}",
        )

    def deploy(self, caller: Caller, name: str, body: DeployCandidate) -> DeployedCandidate:
        """Register a candidate, then deploy that version to a new endpoint."""
        if self.endpoints is None:
            raise Conflict("Endpoints are not available.", code="no_endpoints")
        if not re.match(ENDPOINT_NAME_PATTERN, body.endpoint_name):
            raise InvalidInput(
                "endpoint_name: letters, digits and hyphens only (at most 63).",
                code="invalid_endpoint_name",
                detail=[{"loc": ["endpoint_name"], "msg": "letters, digits and hyphens only"}],
            )
        if self._endpoint_taken(body.endpoint_name):
            raise Conflict(
                f"The endpoint name {body.endpoint_name!r} is in use: pick another name.",
                code="endpoint_exists",
            )
        # the model is named after the experiment: each deployment of it is one more version
        model_name = body.model_name or name
        version = self.register(
            caller, name, RegisterCandidate(candidate=body.candidate, model_name=model_name)
        )
        endpoint = self.endpoints.create(
            caller,
            CreateEndpoint(
                endpoint_name=body.endpoint_name,
                model_name=version.model_name,
                model_version=version.version,
                model_space_id=version.space_id,
                instance_count=body.instance_count,
            ),
        )
        return DeployedCandidate(
            experiment_name=name,
            candidate=version.tags.get("automl.candidate", body.candidate or ""),
            model_name=version.model_name,
            model_version=version.version,
            endpoint_name=endpoint.endpoint_name,
            endpoint_status=endpoint.status.value,
        )

    # --------------------------------------------------------- auto-deploy
    def reconcile(self) -> int:
        """Deploy the best candidate of every completed experiment that asked for it.

        Safe in several servers at once: each deployment is claimed by an atomic update first.
        Returns how many deployments this call made (or recorded as failed or skipped).
        """
        now = utcnow()
        with self.store.session() as session:
            pending = session.execute(
                select(AutoMLExperimentRow, JobRow.status)
                .join(JobRow, JobRow.job_id == AutoMLExperimentRow.job_id)
                .where(
                    AutoMLExperimentRow.auto_deploy_endpoint.is_not(None),
                    or_(
                        AutoMLExperimentRow.deploy_status.is_(None),
                        (AutoMLExperimentRow.deploy_status == "Deploying")
                        & (AutoMLExperimentRow.deploy_claimed_at < now - CLAIM_TIMEOUT),
                    ),
                )
            ).all()
        handled = 0
        for row, status in pending:
            if not JobStatus(status).is_final:
                continue
            if not self._claim(row):
                continue
            handled += 1
            if status != JobStatus.COMPLETED.value:
                self._set_deploy(
                    row.experiment_name, "Skipped", f"The job ended {status}: nothing deployed."
                )
                continue
            try:
                caller = self.spaces.caller(row.owner)
                done = self.deploy(
                    caller,
                    row.experiment_name,
                    DeployCandidate(endpoint_name=row.auto_deploy_endpoint or ""),
                )
                self._set_deploy(
                    row.experiment_name,
                    "Deployed",
                    f"{done.candidate} as {done.model_name} version {done.model_version} "
                    f"on endpoint {done.endpoint_name}",
                )
            except Exception as exc:
                message = (
                    exc.message if isinstance(exc, StudioError) else f"{type(exc).__name__}: {exc}"
                )
                self.log.warning("auto-deploy of %s failed: %s", row.experiment_name, message)
                self._set_deploy(row.experiment_name, "Failed", message)
        return handled

    def _claim(self, row: AutoMLExperimentRow) -> bool:
        now = utcnow()
        with self.store.session() as session:
            claimed = session.execute(
                update(AutoMLExperimentRow)
                .where(
                    AutoMLExperimentRow.experiment_name == row.experiment_name,
                    or_(
                        AutoMLExperimentRow.deploy_status.is_(None),
                        (AutoMLExperimentRow.deploy_status == "Deploying")
                        & (AutoMLExperimentRow.deploy_claimed_at < now - CLAIM_TIMEOUT),
                    ),
                )
                .values(deploy_status="Deploying", deploy_claimed_at=now, deploy_message=None)
            )
            return bool(claimed.rowcount)

    def _set_deploy(self, name: str, status: str, message: str | None) -> None:
        with self.store.session() as session:
            session.execute(
                update(AutoMLExperimentRow)
                .where(AutoMLExperimentRow.experiment_name == name)
                .values(deploy_status=status, deploy_message=(message or "")[:2000])
            )

    def wait(
        self, caller: Caller, name: str, timeout: float | None = None
    ) -> DescribeAutoMLExperiment:
        """Block until the experiment's job ends (and its auto-deploy is done), then describe it."""
        row = self._row(caller, name)
        runner = getattr(self.jobs, "runner", None)
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.jobs.get(caller, row.job_id)
            if job.status.is_final or (deadline is not None and time.monotonic() > deadline):
                break
            if runner is not None and not runner.running:
                runner.tick()
            time.sleep(0.5)
        if job.status.is_final:
            self.reconcile()
        return self.get(caller, name)

    # ------------------------------------------------------------ supervisor
    def start(self, interval: float = 2.0) -> None:
        """Run :meth:`reconcile` every ``interval`` seconds in a daemon thread (the server does)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.reconcile()
                except Exception:  # a database hiccup: try again next time
                    self.log.exception("AutoML auto-deploy pass failed")

        self._thread = threading.Thread(target=loop, name="studio-automl-deploy", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the supervisor thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _finite(value)
    if hasattr(value, "item"):
        try:
            return _cell(value.item())
        except (ValueError, TypeError):
            pass
    return str(value)
