"""The ``automl`` job kind: the same engine as ``AutoML(...).fit`` run in a worker process.

The output folder receives, as the run goes: ``leaderboard.json`` and ``leaderboard.csv`` after
every candidate (a UI polls them); at the end ``best_model/`` (MLflow format), ``candidates/<name>/``
(every finished candidate, ready to register or deploy), ``report.json`` and two notebooks.
A stop keeps every finished candidate and saves the best model so far before the job ends.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InvalidInput
from ..jobs.context import JobContext
from ..jobs.errors import JobFailed, JobStopped
from ..jobs.kinds import JobKind, PrepareContext
from .tracking import experiment_name_for
from .validate import ALGORITHMS, DEFAULT_MIN_ROWS, MODES, TABLE_SUFFIXES, validate_settings


class AutoMLParameters(BaseModel):
    """Parameters of an ``automl`` job (file paths are file-browser paths)."""

    model_config = ConfigDict(extra="forbid")

    data: str = Field(min_length=1, description="CSV or Parquet file with the training rows.")
    target: str = Field(min_length=1, description="The column to predict.")
    problem_type: Literal["auto", "binary", "multiclass", "regression"] = "auto"
    objective_metric: str | None = Field(
        None, description="accuracy, balanced_accuracy, f1, f1_macro, roc_auc, log_loss, mse, ..."
    )
    mode: Literal["auto", "ensembling", "hpo"] = "auto"
    max_runtime: float = Field(300, gt=0, le=7 * 86400, description="Seconds for the whole run.")
    max_candidate_runtime: float | None = Field(None, gt=0, description="Seconds per candidate.")
    seed: int = 0
    sample_weight: str | None = Field(None, description="Column of non-negative row weights.")
    features: list[str] | None = Field(None, description="Columns to learn from (default: all).")
    feature_types: dict[str, str] = Field(
        default_factory=dict, description="Column -> auto/numerical/categorical/text/datetime."
    )
    algorithms: list[str] | None = Field(None, description=f"Any of {', '.join(ALGORITHMS)}.")
    validation_ratio: float | None = Field(None, gt=0, lt=1)
    validation_data: str | None = Field(None, description="CSV or Parquet file to validate on.")
    output: str | None = Field(
        None, description="Folder for the results (default: the job's output folder)."
    )
    min_rows: int = Field(DEFAULT_MIN_ROWS, ge=0)
    experiment_name: str | None = Field(
        None, max_length=63, description="The AutoML experiment (names the MLflow experiment)."
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Labels copied onto every run.")


def _prefixed(exc: InvalidInput) -> InvalidInput:
    detail = [
        {**d, "loc": ["parameters", *[str(x) for x in d.get("loc", [])]]} for d in exc.detail or []
    ]
    return InvalidInput(exc.message, code=exc.code, detail=detail)


def _check_table(path: Path, field: str) -> None:
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise InvalidInput(
            f"{field}: {path.name!r} is not a CSV or Parquet file.",
            code="invalid_automl_request",
            detail=[{"loc": ["parameters", field], "msg": "not a CSV or Parquet file"}],
        )


class AutoMLJob(JobKind):
    """Tabular AutoML (Autopilot) as a job."""

    name = "automl"
    title = "AutoML experiment"
    description = (
        "Trains and ensembles tabular models on a CSV or Parquet file within a time budget; "
        "writes a live leaderboard, the best model in MLflow format, a report and notebooks."
    )
    Parameters = AutoMLParameters

    def prepare(self, params: BaseModel, context: PrepareContext) -> dict[str, Any]:
        assert isinstance(params, AutoMLParameters)
        try:
            validate_settings(
                target=params.target,
                problem_type=params.problem_type,
                objective_metric=params.objective_metric,
                mode=params.mode,
                max_runtime=params.max_runtime,
                max_candidate_runtime=params.max_candidate_runtime,
                algorithms=params.algorithms,
                feature_types=params.feature_types,
                validation=params.validation_ratio,
                min_rows=params.min_rows,
            )
        except InvalidInput as exc:
            raise _prefixed(exc) from None
        if params.validation_ratio is not None and params.validation_data is not None:
            raise InvalidInput(
                "Give a validation ratio or a validation file, not both.",
                code="invalid_automl_request",
                detail=[{"loc": ["parameters", "validation_data"], "msg": "choose one"}],
            )
        data = context.scope.resolve(params.data, what="data file", must_exist=True, expect="file")
        _check_table(data, "data")
        resolved: dict[str, Any] = {"data": str(data)}
        # the administrators' minimum holds whatever the request says
        floor = getattr(context.services, "automl_min_rows", None)
        if isinstance(floor, int) and params.min_rows < floor:
            resolved["min_rows"] = floor
        if params.validation_data:
            valid = context.scope.resolve(
                params.validation_data, what="validation file", must_exist=True, expect="file"
            )
            _check_table(valid, "validation_data")
            resolved["validation_data"] = str(valid)
        if params.output:
            resolved["output"] = str(
                context.scope.resolve(params.output, what="output folder", expect="dir")
            )
        return resolved

    def default_name(self, params: BaseModel) -> str:
        assert isinstance(params, AutoMLParameters)
        if params.experiment_name:
            return params.experiment_name
        return f"automl-{Path(params.data).stem}"[:60] or self.name

    def run(self, context: JobContext) -> None:
        from .api import AutoML

        params = context.parameters
        assert isinstance(params, AutoMLParameters)
        out = Path(context.resolved.get("output") or context.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        data = context.resolved["data"]
        validation: Any = context.resolved.get("validation_data") or params.validation_ratio
        rows: list[dict[str, Any]] = []
        started = time.monotonic()
        budget = params.max_runtime

        run_logger = _run_logger(context, params)

        def on_candidate(row: dict[str, Any]) -> None:
            rows.append(row)
            if run_logger is not None:
                run_logger.add(row)
            _write_leaderboard(out, rows)
            done = [r for r in rows if r["status"] == "completed" and r["objective"] is not None]
            best = ""
            if done:
                pick = min if row["objective_metric"] in _LOWER_IS_BETTER else max
                top = pick(done, key=lambda r: r["objective"])
                best = f", best {top['candidate']} {top['objective_metric']}={top['objective']:.4g}"
            elapsed = time.monotonic() - started
            context.set_progress(min(0.95, elapsed / budget), f"{len(done)} candidates{best}")
            context.log.studio(
                f"candidate {row['candidate']} ({row['algorithm']}): {row['status']}"
                + (
                    f", {row['objective_metric']}={row['objective']:.6g}"
                    if row["objective"] is not None
                    else ""
                )
                + (f" — {row['failure_reason']}" if row.get("failure_reason") else "")
            )

        # MLflow takes seconds to import: load it while training, so a stop (whose grace period
        # ends in a kill) still has the time to save the best model
        threading.Thread(target=_preload_mlflow, name="preload-mlflow", daemon=True).start()
        context.log.studio(f"AutoML on {params.data}, target {params.target!r}, {budget:g} s")
        context.set_progress(0.0, "checking the data")
        # the job as a whole keeps the budget: training gets it minus the time its results take
        reserve = results_reserve(budget)
        deadline = started + budget
        training = max(1.0, budget - reserve - (time.monotonic() - started))
        context.log.studio(
            f"{training:.0f} s for training, {reserve:.0f} s kept for saving the results"
        )
        automl = AutoML(
            target=params.target,
            problem_type=None if params.problem_type == "auto" else params.problem_type,
            objective_metric=params.objective_metric,
            mode=params.mode,
            max_runtime=training,
            max_candidate_runtime=params.max_candidate_runtime,
            seed=params.seed,
            sample_weight=params.sample_weight,
            feature_types=params.feature_types or None,
            features=params.features,
            algorithms=params.algorithms,
            validation=validation,
            on_candidate=on_candidate,
            on_plan=lambda plan: _write_json(out, "plan.json", plan),
            should_stop=lambda: context.should_stop,
            min_rows=max(params.min_rows, int(context.resolved.get("min_rows") or 0)),
        )
        automl.settings["min_rows_setting"] = "c.Studio.automl_min_rows"
        try:
            result = automl.fit(data)
        except InvalidInput as exc:
            raise JobFailed(f"Invalid input: {exc.message}") from None
        summary = result.summary()
        context.log.studio(
            f"{summary['problem_type_reason']} {result.mode_reason} {result.validation_reason}"
        )
        _write_leaderboard(out, [r for r in result.leaderboard().to_dict(orient="records")])
        if result.best_candidate is None:
            raise JobFailed("No candidate finished: see leaderboard.json for the reasons.")
        from .report import run_report

        stopping = context.should_stop

        def left() -> float:
            return deadline - time.monotonic()

        # when stopping, the quick parts first: the worker is killed after a grace period
        # feature importance is a key result: at least 1.5 s of it even for a short run
        importance_seconds = max(1.5, min(30.0, 0.08 * budget, left() - 0.5 * reserve))
        report = run_report(
            result,
            importance=not stopping,
            candidates=not stopping and left() > 0.6 * reserve,
            importance_seconds=importance_seconds,
        )
        (out / "report.json").write_text(json.dumps(report, indent=1, default=str))
        context.set_progress(0.96, "saving the best model")
        result.save(out / "best_model")
        context.log.studio(f"best model {result.best_candidate} saved in best_model/")
        if stopping or context.should_stop:
            raise JobStopped(context.stop_reason or "Stopped")
        context.set_progress(0.97, "saving every candidate")
        names = result.candidate_names()
        skipped: list[str] = []
        for index, name in enumerate(names):  # best first: the leaderboard's order
            if context.should_stop:
                raise JobStopped(context.stop_reason or "Stopped")
            if index and left() < 0.25 * reserve:
                skipped = names[index:]
                break
            result.save(out / "candidates" / name, candidate=name)
        if skipped:
            context.log.studio(
                f"the budget ran out: {len(skipped)} lower-ranked candidates were not saved "
                f"({', '.join(skipped)}); give a longer max_runtime to keep them all"
            )
        context.set_progress(0.99, "writing notebooks")
        from .notebooks import candidate_notebook, data_exploration_notebook

        data_exploration_notebook(result, data, out / "data_exploration.ipynb")
        candidate_notebook(
            result,
            data,
            out / "candidate_definition.ipynb",
            validation=context.resolved.get("validation_data") or params.validation_ratio,
        )
        if run_logger is not None:  # never end the job with half-written runs
            count = run_logger.close()
            if run_logger.error is None:
                context.log.studio(
                    f"{count} candidates logged as runs in "
                    f"{experiment_name_for(run_logger.experiment)!r}"
                )
        best = summary["best_candidate"]
        context.set_progress(
            1.0, f"best {best}: {result.objective_metric} {report['best']['objective']}"
        )


_LOWER_IS_BETTER = {"log_loss", "mse", "rmse", "mae"}


def results_reserve(budget: float) -> float:
    """Seconds of a job's budget kept for its results (report, models, runs, notebooks):
    a quarter of a short budget, about 12 % + 3 s of a longer one, never more than 60 s."""
    return min(0.25 * budget, max(4.0, 0.12 * budget + 3.0), 60.0)


def _run_logger(context: JobContext, params: AutoMLParameters) -> Any:
    """A logger that writes each candidate as a run as it finishes (None without tracking)."""
    environment = context.resolved.get("tracking_environment")
    if not environment:
        return None
    from .tracking import CandidateRunLogger

    return CandidateRunLogger(
        environment,
        params.experiment_name or context.name,
        tags=params.tags,
        # the models are saved: tracking trouble is worth a line in the log, not a failed job
        on_error=lambda error: context.log.studio(f"could not log the candidates as runs: {error}"),
    )


def _preload_mlflow() -> None:
    with contextlib.suppress(Exception):  # saving will report the problem
        from . import mlflow_model  # noqa: F401


def _write_json(out: Path, name: str, value: Any) -> None:
    """Write ``out/name`` atomically."""
    tmp = out / f".{name}.tmp"
    tmp.write_text(json.dumps(value, indent=2))
    tmp.replace(out / name)


def _write_leaderboard(out: Path, rows: list[dict[str, Any]]) -> None:
    """Write leaderboard.json and leaderboard.csv atomically (a reader never sees half a file)."""
    import pandas as pd

    from .api import _jsonable

    clean = _jsonable(rows)
    _write_json(out, "leaderboard.json", clean)
    frame = pd.DataFrame(clean)
    if "hyperparameters" in frame:
        frame["hyperparameters"] = frame["hyperparameters"].map(json.dumps)
    tmp_csv = out / ".leaderboard.csv.tmp"
    frame.to_csv(tmp_csv, index=False)
    tmp_csv.replace(out / "leaderboard.csv")


__all__ = ["MODES", "AutoMLJob", "AutoMLParameters"]
