"""Reading AutoML experiments: their state, live leaderboard and each candidate's results.

Everything is read from the job and from the files it writes in its results folder
(``leaderboard.json`` while it runs, ``plan.json`` before training, ``report.json`` at the end),
so the server never trains anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from ..errors import Conflict, NotFound
from ..jobs.schemas import DescribeJob
from ..jobs.tables import JobRow
from ..spaces.service import Caller
from .access import LOWER_IS_BETTER, ExperimentAccess, finite
from .schemas import (
    AutoDeployState,
    AutoMLLeaderboard,
    AutoMLNotebooks,
    CandidateResults,
    DescribeAutoMLExperiment,
    LeaderboardRow,
)
from .tables import AutoMLExperimentRow
from .tracking import ROW_KEYS


class ExperimentResults:
    """Describe experiments, their leaderboards and candidates, and find saved models."""

    def __init__(self, access: ExperimentAccess) -> None:
        self.access = access

    def describe(
        self, row: AutoMLExperimentRow, job: DescribeJob, job_row: JobRow | None
    ) -> DescribeAutoMLExperiment:
        """The experiment ``row`` as users see it: its job's state, best candidate and files."""
        results = self.access.results_dir(job_row) if job_row is not None else None
        board: list[dict[str, Any]] = []
        report: dict[str, Any] | None = None
        plan: dict[str, Any] = {}
        if results is not None:
            board = self.access.read_json(results / "leaderboard.json") or []
            report = self.access.read_json(results / "report.json")
            # the plan (problem type, metric) is written before training; the report at the end
            plan = self.access.read_json(results / "plan.json") or {}
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
                (finite(r["objective"]) for r in done if r["candidate"] == best_name),
                finite(top["objective"]),
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
            output_path=self.access.browser_path(results) if results is not None else None,
            log_path=job.log_path,
            best_model_path=self.access.browser_path(results / "best_model")
            if results is not None
            else None,
            notebooks=AutoMLNotebooks(
                data_exploration_path=self.access.browser_path(results / "data_exploration.ipynb")
                if results is not None
                else None,
                candidate_definition_path=self.access.browser_path(
                    results / "candidate_definition.ipynb"
                )
                if results is not None
                else None,
            ),
            auto_deploy=deploy,
        )

    def list(self, caller: Caller) -> list[DescribeAutoMLExperiment]:
        """Experiments the caller may see (own, their spaces', or all for admins), newest first."""
        with self.access.store.session() as session:
            query = select(AutoMLExperimentRow).where(AutoMLExperimentRow.job_id.is_not(None))
            if not caller.is_admin:
                spaces = self.access.spaces.member_space_ids(caller.username)
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
                job = self.access.jobs.get(caller, row.job_id)
            except NotFound:
                continue
            out.append(self.describe(row, job, self.access.job_row(row.job_id or "")))
        return out

    def get(self, caller: Caller, name: str) -> DescribeAutoMLExperiment:
        """One experiment: its job's status and progress, the best candidate so far, its files."""
        row = self.access.row(caller, name)
        job = self.access.jobs.get(caller, row.job_id)
        return self.describe(row, job, self.access.job_row(row.job_id or ""))

    def leaderboard(self, caller: Caller, name: str) -> AutoMLLeaderboard:
        """Every candidate so far (live while the job runs), best first."""
        row = self.access.row(caller, name)
        job = self.access.jobs.get(caller, row.job_id)
        results = self.access.results(row)
        board = self.access.read_json(results / "leaderboard.json") or []
        report = self.access.read_json(results / "report.json") or {}
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
                objective=finite(r.get("objective")),
                metrics={
                    k: finite(v)
                    for k, v in r.items()
                    if k not in ROW_KEYS and not isinstance(v, (dict, list, str))
                },
                training_seconds=finite(r.get("training_seconds")),
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
            value = finite(r.get("objective"))
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
        results = self.access.results(self.access.row(caller, name))
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
        report = self.access.read_json(results / "report.json")
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
            "model_path": self.access.browser_path(folder) if folder is not None else None,
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

    def candidate_folder(
        self, caller: Caller, name: str, candidate: str | None
    ) -> tuple[AutoMLExperimentRow, str, Path, LeaderboardRow]:
        """The experiment, the chosen candidate (default: the best), its saved model folder and
        leaderboard row; 409 when it has no saved model yet."""
        row = self.access.row(caller, name)
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
        folder = self._model_dir(self.access.results(row), chosen, best)
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
