"""The ``automl`` job kind: the same engine as ``AutoML(...).fit`` run in a worker process.

The output folder receives, as the run goes: ``leaderboard.json`` and ``leaderboard.csv`` after
every candidate (a UI polls them); at the end ``report.json``, ``best_model/`` (MLflow format), two
notebooks and ``candidates/<name>/`` (the other finished candidates, best first, while the budget
lasts; ready to register or deploy). The whole job, saving included, keeps ``max_runtime`` counted
from the job's start (:class:`ResultsClock`). A stop saves the best model so far before the job
ends.
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
from .settings import ALGORITHMS, DEFAULT_MIN_ROWS, MODES, RunHooks, RunSettings
from .tracking import experiment_name_for
from .validate import TABLE_SUFFIXES


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

    @classmethod
    def of_request(cls, request: Any, *, min_rows: int) -> AutoMLParameters:
        """The parameters of an experiment's job: the REST request's fields of the same name."""
        shared = request.model_dump(include=set(cls.model_fields), exclude_none=True)
        return cls(**shared, min_rows=min_rows)

    def run_settings(self, **overrides: Any) -> RunSettings:
        """The run's settings (checked: ``InvalidInput`` names each bad field), plus ``overrides``."""
        return RunSettings.of(self, **{"min_rows": self.min_rows, **overrides})


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


class AutoMLJob(JobKind[AutoMLParameters]):
    """Tabular AutoML (Autopilot) as a job."""

    name = "automl"
    title = "AutoML experiment"
    description = (
        "Trains and ensembles tabular models on a CSV or Parquet file within a time budget; "
        "writes a live leaderboard, the best model in MLflow format, a report and notebooks."
    )
    Parameters = AutoMLParameters

    def prepare(self, params: AutoMLParameters, context: PrepareContext) -> dict[str, Any]:
        try:
            params.run_settings()
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

    def default_name(self, params: AutoMLParameters) -> str:
        if params.experiment_name:
            return params.experiment_name
        return f"automl-{Path(params.data).stem}"[:60] or self.name

    def run(self, context: JobContext) -> None:
        from .api import AutoML

        params = self.parameters_of(context)
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
        # a stop request cuts the model in training short at once (it keeps what it has), so
        # the grace period goes to saving the best model, not to finishing a long candidate
        threading.Thread(
            target=_stop_models_on_request, args=(context,), name="stop-models", daemon=True
        ).start()
        context.log.studio(f"AutoML on {params.data}, target {params.target!r}, {budget:g} s")
        context.set_progress(0.0, "checking the data")
        # the job as a whole keeps the budget, counted from the job's start: training ends early
        # enough to leave what the results are measured to cost here (see ResultsClock)
        clock = ResultsClock(budget, context.started_at, run_logger)
        training = max(1.0, clock.end_by() - time.monotonic())
        context.log.studio(
            f"{training:.0f} s for training, about {clock.reserve():.0f} s kept for the results "
            "(adjusted as their cost is measured)"
        )
        settings = params.run_settings(
            max_runtime=training,
            validation=validation,
            min_rows=max(params.min_rows, int(context.resolved.get("min_rows") or 0)),
            min_rows_setting="c.Studio.automl_min_rows",
        )
        hooks = RunHooks(
            on_candidate=on_candidate,
            on_plan=lambda plan: _write_json(out, "plan.json", plan),
            should_stop=lambda: context.should_stop,
            end_by=clock.end_by,
            on_model=clock.on_model,
        )
        try:
            result = AutoML.from_settings(settings, hooks).fit(data)
        except InvalidInput as exc:
            raise JobFailed(f"Invalid input: {exc.message}") from None
        summary = result.summary()
        context.log.studio(
            f"{summary['problem_type_reason']} {result.mode_reason} {result.validation_reason}"
        )
        _write_leaderboard(out, [r for r in result.leaderboard().to_dict(orient="records")])
        if result.best_candidate is None:
            raise JobFailed("No candidate finished: see leaderboard.json for the reasons.")
        report = _write_results(context, params, result, out, data, clock, run_logger)
        best = summary["best_candidate"]
        context.set_progress(
            1.0, f"best {best}: {result.objective_metric} {report['best']['objective']}"
        )


def _stop_models_on_request(context: JobContext) -> None:
    """Watch for a stop request and make the model in training stop (see ``stop_training``)."""
    from .models import stop_training

    while not context.should_stop:
        time.sleep(0.2)
    stop_training()


def _write_results(
    context: JobContext,
    params: AutoMLParameters,
    result: Any,
    out: Path,
    data: str,
    clock: ResultsClock,
    run_logger: Any,
) -> dict[str, Any]:
    """Report, best model, notebooks, runs, then the other candidates while time is left."""
    from .notebooks import candidate_notebook, data_exploration_notebook
    from .report import run_report

    stopping = context.should_stop
    best = result.best_candidate
    # when stopping, the quick parts first: the worker is killed after a grace period;
    # feature importance gets what is left after the best model's measured saving cost
    importance_seconds = max(0.5, min(clock.importance, clock.left() - clock.save_estimate(best)))
    report = run_report(
        result,
        importance=not stopping,
        candidates=not stopping,
        importance_seconds=importance_seconds,
    )
    (out / "report.json").write_text(json.dumps(report, indent=1, default=str))
    context.set_progress(0.96, "saving the best model")
    clock.save(result, best, out / "best_model")
    context.log.studio(f"best model {best} saved in best_model/")
    if stopping or context.should_stop:
        raise JobStopped(context.stop_reason or "Stopped")
    context.set_progress(0.97, "writing notebooks")
    data_exploration_notebook(result, data, out / "data_exploration.ipynb")
    candidate_notebook(
        result,
        data,
        out / "candidate_definition.ipynb",
        validation=context.resolved.get("validation_data") or params.validation_ratio,
    )
    if run_logger is not None:  # runs are logged while training: wait for the last ones
        count = run_logger.close(timeout=max(1.0, clock.left() - 1.0))
        if run_logger.error is None:
            context.log.studio(
                f"{count} candidates logged as runs in "
                f"{experiment_name_for(run_logger.experiment)!r}"
                + (f" ({run_logger.dropped} not logged: out of time)" if run_logger.dropped else "")
            )
    context.set_progress(0.98, "saving every candidate")
    # the best model is best_model/ (the service finds it there): the others, best first,
    # while their measured saving cost fits the budget
    names = [n for n in result.candidate_names() if n != best]
    skipped: list[str] = []
    for index, name in enumerate(names):
        if context.should_stop:
            raise JobStopped(context.stop_reason or "Stopped")
        if clock.left() < clock.save_estimate(name):
            skipped = names[index:]
            break
        clock.save(result, name, out / "candidates" / name)
    if skipped:
        context.log.studio(
            f"the budget ran out: {len(skipped)} lower-ranked candidates were not saved "
            f"({', '.join(skipped)}); give a longer max_runtime to keep them all"
        )
    return report


class ResultsClock:
    """The job's deadline, and what its results cost on this machine, measured as the job goes.

    Training ends at :meth:`end_by`: the deadline minus :meth:`reserve`, which is the feature
    importance allowance plus the measured cost of saving the best model (per member model:
    the first finished candidate is pickled during training to measure it, and every save
    updates it), the notebooks and the runs still to log. The deadline keeps a margin (10 % of
    the budget, 2 to 30 s): the worker stops a job at its max runtime, which is the budget.
    """

    #: Seconds to save one candidate's pickled models, before anything is measured.
    DEFAULT_MEMBER_SECONDS = 1.0
    #: Seconds of a save that do not depend on the model (MLflow's files), before measuring.
    DEFAULT_OVERHEAD_SECONDS = 0.5

    def __init__(self, budget: float, started_at: float, run_logger: Any = None) -> None:
        spent = max(0.0, time.time() - started_at)  # the worker's start and imports
        # the worker stops a job at its max runtime: aim at 90 % of it. On a machine loaded by
        # two busy loops a 60 s job still ended 6 s after a 95 % aim (the process's exit and the
        # last writes are not measured), so the margin covers that much.
        margin = min(30.0, max(2.0, 0.10 * budget))
        self.deadline = time.monotonic() - spent + budget - margin
        self.importance = max(1.5, min(30.0, 0.05 * budget))
        self.member_seconds = self.DEFAULT_MEMBER_SECONDS
        self.overhead_seconds = self.DEFAULT_OVERHEAD_SECONDS
        self.finished = 0
        self.measured = False
        self.run_logger = run_logger
        self.members: dict[str, int] = {}

    def left(self) -> float:
        """Seconds until the deadline."""
        return self.deadline - time.monotonic()

    def save_estimate(self, candidate: str | None = None) -> float:
        """Seconds to save ``candidate`` (the likely best ensemble when unknown), with 25 % spare."""
        members = self.members.get(candidate or "", min(5, max(1, self.finished)))
        return 1.25 * (self.overhead_seconds + self.member_seconds * members)

    def reserve(self) -> float:
        """Seconds kept after training for the results."""
        runs = 0.0
        if self.run_logger is not None:
            runs = self.run_logger.pending() * self.run_logger.seconds_per_run()
        return self.importance + self.save_estimate() + 1.0 + runs

    def end_by(self) -> float:
        """When training must end (``time.monotonic()``)."""
        return self.deadline - self.reserve()

    def on_model(self, name: str, model: Any) -> None:
        """A candidate finished: the first one is pickled to measure what saving costs."""
        self.finished += 1
        if self.measured:
            return
        self.measured = True
        import cloudpickle

        started = time.monotonic()
        cloudpickle.dumps(model())
        self.member_seconds = max(0.05, time.monotonic() - started)

    def save(self, result: Any, candidate: str, folder: Path) -> None:
        """Save ``candidate`` at ``folder`` (written aside, then renamed) and learn its cost."""
        import shutil

        started = time.monotonic()
        members = len(result.model(candidate).weights) or 1
        partial = folder.parent / f".{folder.name}.partial"
        result.save(partial, candidate=candidate)
        if folder.exists():
            shutil.rmtree(folder)
        partial.rename(folder)
        seconds = time.monotonic() - started
        per_member = max(0.05, (seconds - self.overhead_seconds) / members)
        self.member_seconds = 0.5 * (self.member_seconds + per_member)
        self.members[candidate] = members


_LOWER_IS_BETTER = {"log_loss", "mse", "rmse", "mae"}


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
        import cloudpickle  # noqa: F401
        from mlflow.models import infer_signature  # noqa: F401

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
