"""The in-process Python API: ``AutoML(target="y", ...).fit(df_or_path)`` and its result."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .engine import ENSEMBLE_NAME, Engine
from .pipeline import TabularModel
from .problem import REGRESSION
from .settings import DEFAULT_MIN_ROWS, RunHooks, RunSettings

LEADERBOARD_COLUMNS = [
    "candidate",
    "algorithm",
    "level",
    "status",
    "objective_metric",
    "objective",
]


class AutoML:
    """Tabular AutoML: infer the problem, train candidates within a time budget, ensemble them.

    Parameters
    ----------
    target:
        The column to predict.
    problem_type:
        ``"binary"``, ``"multiclass"``, ``"regression"`` or None to infer it (with a reason).
    objective_metric:
        accuracy, balanced_accuracy, f1, f1_macro, roc_auc, log_loss, mse, rmse, mae or r2;
        None picks ROC AUC (binary), log loss (multiclass) or RMSE (regression).
    mode:
        ``"ensembling"`` (a portfolio of strong defaults, k-fold bagged, greedy ensemble and a
        stacking level), ``"hpo"`` (Optuna TPE with pruning) or ``"auto"`` (by data size).
    max_runtime:
        Seconds for the whole fit (data loading included); the fit ends within 5 % + 2 s of it.
    max_candidate_runtime:
        Seconds at most for one candidate.
    sample_weight:
        A column of non-negative row weights, used in training and in every metric.
    feature_types:
        Column -> ``numerical``, ``categorical``, ``text``, ``datetime``, ``sequence`` or ``auto``.
    features:
        The columns to learn from (all but the target and weight by default).
    algorithms:
        Families to use: lightgbm, catboost, xgboost, random_forest, extra_trees, linear, knn,
        neural_network (all by default).
    validation:
        None (cross-validation or an automatic holdout), a ratio for a random holdout, or a
        DataFrame / CSV / Parquet path with the same columns.
    on_candidate:
        Called with each leaderboard row (a dict) as soon as a candidate ends.
    on_plan:
        Called once the data is checked, before training: ``problem_type``, ``objective_metric``
        and ``mode`` with the reason for each.
    should_stop:
        Polled between steps; when it returns True the fit ends with what has finished.
    min_rows:
        Fewer rows with a target than this is refused (100 by default).
    folds:
        Number of cross-validation folds (None: 8 up to 2,000 rows, else 5; 0: a holdout).
    stacking:
        Allow a second level trained on the first level's out-of-fold predictions.
    """

    def __init__(
        self,
        target: str = "y",
        problem_type: str | None = None,
        objective_metric: str | None = None,
        mode: str = "auto",
        max_runtime: float = 300,
        max_candidate_runtime: float | None = None,
        seed: int = 0,
        sample_weight: str | None = None,
        feature_types: dict[str, str] | None = None,
        features: list[str] | None = None,
        algorithms: list[str] | None = None,
        validation: Any = None,
        on_candidate: Callable[[dict[str, Any]], None] | None = None,
        on_plan: Callable[[dict[str, Any]], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        min_rows: int = DEFAULT_MIN_ROWS,
        folds: int | None = None,
        stacking: bool = True,
    ):
        from ..validation import parse_model

        self.settings: RunSettings = parse_model(
            RunSettings,
            {
                "target": target,
                "problem_type": problem_type,
                "objective_metric": objective_metric,
                "mode": mode,
                "max_runtime": max_runtime,
                "max_candidate_runtime": max_candidate_runtime,
                "seed": seed,
                "sample_weight": sample_weight,
                "feature_types": feature_types,
                "features": features,
                "algorithms": algorithms,
                "validation": validation,
                "min_rows": min_rows,
                "folds": folds,
                "stacking": stacking,
            },
            "AutoML settings",
            code="invalid_automl_request",
        )
        self.hooks = RunHooks(on_candidate=on_candidate, on_plan=on_plan, should_stop=should_stop)

    @classmethod
    def from_settings(cls, settings: RunSettings, hooks: RunHooks | None = None) -> AutoML:
        """An AutoML for settings already built and checked (the ``automl`` job's way in)."""
        automl = cls.__new__(cls)
        automl.settings = settings
        automl.hooks = hooks or RunHooks()
        return automl

    def fit(self, data: pd.DataFrame | str | Path) -> AutoMLResult:
        """Train on a DataFrame or a CSV/Parquet path; bad input raises ``InvalidInput`` first."""
        engine = Engine(self.settings, replace(self.hooks))
        engine.run(data)
        return AutoMLResult(engine)


class AutoMLResult:
    """The outcome of a fit: leaderboard, best model, explanations and saving."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self.problem_type: str = engine.problem_type
        self.problem_type_reason: str = engine.request.problem_type_reason
        self.objective_metric: str = engine.metric.name
        self.objective_metric_reason: str = engine.metric_reason
        self.greater_is_better: bool = engine.metric.greater_is_better
        self.mode: str = engine.mode
        self.mode_reason: str = engine.mode_reason
        self.validation_reason: str = engine.validation_reason
        self.feature_types: dict[str, str] = dict(engine.feature_types)
        self.feature_type_reasons: dict[str, str] = dict(engine.feature_reasons)
        self.dropped_columns: dict[str, str] = dict(engine.dropped)
        self.notes: list[str] = list(engine.request.notes)
        self.classes: list[Any] | None = engine.classes
        self.stopped: bool = engine.stopped
        self.elapsed: float = engine.elapsed
        self.target: str = str(engine.settings.target)
        self.columns: list[str] = list(engine.columns)
        self.best_candidate: str | None = engine.best_name()

    # -- tables ----------------------------------------------------------------------
    def leaderboard(self) -> pd.DataFrame:
        """Every candidate: objective on validation, other metrics, seconds, settings, status."""
        rows = [r.row(self.objective_metric) for r in self._engine.results]
        frame = pd.DataFrame(rows)
        if frame.empty:
            return pd.DataFrame(columns=[*LEADERBOARD_COLUMNS, "training_seconds"])
        sign = -1 if self.greater_is_better else 1
        key = frame["objective"].astype(float) * sign
        key[frame["status"] != "completed"] = np.inf
        frame = frame.assign(_key=key).sort_values("_key", kind="stable").drop(columns="_key")
        frame.insert(0, "rank", range(1, len(frame) + 1))
        frame["best"] = frame["candidate"] == self.best_candidate
        return frame.reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        """What was decided and why, as JSON-ready data."""
        return {
            "target": self.target,
            "problem_type": self.problem_type,
            "problem_type_reason": self.problem_type_reason,
            "objective_metric": self.objective_metric,
            "objective_metric_reason": self.objective_metric_reason,
            "mode": self.mode,
            "mode_reason": self.mode_reason,
            "validation": self.validation_reason,
            "feature_types": self.feature_types,
            "feature_type_reasons": self.feature_type_reasons,
            "dropped_columns": self.dropped_columns,
            "classes": None if self.classes is None else [_jsonable(c) for c in self.classes],
            "best_candidate": self.best_candidate,
            "stopped": self.stopped,
            "elapsed_seconds": round(self.elapsed, 3),
            "notes": self.notes,
        }

    # -- models ----------------------------------------------------------------------
    def best_model(self) -> TabularModel:
        """The best candidate on validation (often the weighted ensemble)."""
        if self.best_candidate is None:
            raise RuntimeError("no candidate finished: see leaderboard() for the reasons")
        return self._engine.model(self.best_candidate)

    def model(self, candidate: str) -> TabularModel:
        """The fitted model of one candidate, by its leaderboard name."""
        return self._engine.model(candidate)

    def candidate_names(self) -> list[str]:
        """Names of the candidates that finished, best first."""
        board = self.leaderboard()
        return list(board.loc[board["status"] == "completed", "candidate"])

    def validation_predictions(
        self, candidate: str | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(true targets, predictions, weights) on the validation rows (out-of-fold under CV)."""
        name = candidate or self.best_candidate
        row = next(r for r in self._engine.results if r.name == name)
        e = self._engine
        if e.scheme == "cv":
            return e.y, row.predictions, e.w
        return e.y_val, row.predictions, e.w_val

    # -- explanations ------------------------------------------------------------------
    def explain(
        self,
        candidate: str | None = None,
        max_rows: int = 2000,
        repeats: int = 3,
        seed: int = 0,
        time_limit: float = 60.0,
    ) -> pd.DataFrame:
        """Permutation feature importance on validation rows (out-of-fold under cross-validation).

        ``importance`` is how much the objective gets worse when the column is shuffled. Every
        column is first ranked cheaply (one shuffle each on a sample of rows, all columns scored
        in one batch); then the columns are measured in that order, most important first, on up
        to ``max_rows`` rows with ``repeats`` shuffles. A column is measured only when its
        measurement, at the prediction cost measured so far, ends within ``time_limit`` seconds;
        the others keep their sample estimate (``estimated`` is True, ``std`` NaN). The ranking's
        sample shrinks (to 30 rows at least) to fit half the allowance when the model predicts
        slowly: whatever the allowance, every column has a value and the top ones are measured
        best, and the allowance is overrun by at most the 30-row ranking.
        """
        e = self._engine
        model = self.model(candidate or self.best_candidate or "")
        rng = np.random.default_rng(seed)
        if e.scheme == "cv":
            X_all, y_all, w_all = e.request.frame, e.y, e.w
        else:
            X_all, y_all, w_all = e.request.validation_frame, e.y_val, e.w_val
            if X_all is None:
                X_all = e.request.frame.iloc[e.holdout_rows]
            X_all = X_all.reset_index(drop=True)
        n = len(X_all)
        rows = np.sort(rng.choice(n, size=min(n, max_rows), replace=False))
        scorer = _ShuffleScorer(
            model,
            e.metric,
            X_all.iloc[rows].reset_index(drop=True),
            y_all[rows],
            None if w_all is None else np.asarray(w_all)[rows],
            rows if e.scheme == "cv" else None,
            rng,
        )
        started = time.monotonic()
        deadline = started + time_limit
        columns = list(self.columns)
        sample = self._ranking_sample(scorer, rng, len(rows), columns, time_limit)
        # one shuffle per column on a sample: a ranking in about one prediction's time
        estimate = dict(zip(columns, scorer.drops(columns, 1, sample), strict=True))
        out = []
        for column in sorted(columns, key=lambda c: -estimate[c]):
            kind = self.feature_types.get(column, "dropped")
            measure_seconds = scorer.row_seconds * len(rows) * max(1, repeats)
            if time.monotonic() + measure_seconds > deadline:
                out.append((column, estimate[column], float("nan"), kind, True))
                continue
            values = np.atleast_1d(scorer.drops([column], max(1, repeats))[0])
            out.append((column, float(np.mean(values)), float(np.std(values)), kind, False))
        frame = pd.DataFrame(out, columns=["feature", "importance", "std", "type", "estimated"])
        return frame.sort_values("importance", ascending=False).reset_index(drop=True)

    @staticmethod
    def _ranking_sample(
        scorer: _ShuffleScorer,
        rng: np.random.Generator,
        n_rows: int,
        columns: list[str],
        time_limit: float,
    ) -> np.ndarray:
        """Rows of the cheap ranking: as many as fit half of ``time_limit`` at the measured
        prediction cost (an ensemble predicts slowly, more so on a busy machine), at least 30."""
        size = min(n_rows, _sample_rows(columns))
        sample = np.sort(rng.choice(n_rows, size=size, replace=False))
        scorer.base_loss(sample)  # measures what a row of prediction costs
        fits = int(0.5 * time_limit / max(1e-9, scorer.row_seconds * max(1, len(columns))))
        if fits < size:
            sample = np.sort(rng.choice(sample, size=max(min(size, 30), fits), replace=False))
        return sample

    # -- saving ----------------------------------------------------------------------
    def save(self, path: str | Path, candidate: str | None = None) -> Path:
        """Write the best (or the named) candidate in MLflow's model format at ``path``."""
        from .mlflow_model import save_model

        name = candidate or self.best_candidate
        model = self.model(name or "")
        sample = self._engine.request.frame.head(20)
        board = self.leaderboard()
        row = board.loc[board["candidate"] == name].iloc[0].to_dict()
        # the registry reads problem_type and classes from the MLmodel metadata
        row.update(problem_type=self.problem_type, classes=self.classes)
        return save_model(model, Path(path), sample, metadata=_jsonable(row))

    def save_candidates(self, folder: str | Path) -> dict[str, Path]:
        """Every finished candidate in MLflow's format under ``folder/<candidate>/``."""
        out = {}
        for name in self.candidate_names():
            out[name] = self.save(Path(folder) / name, candidate=name)
        return out

    def __repr__(self) -> str:
        done = len(self.candidate_names())
        return (
            f"AutoMLResult({self.problem_type}, {self.objective_metric}, best={self.best_candidate!r}, "
            f"{done} candidates, {self.elapsed:.1f} s)"
        )


#: Rows x columns scored in one prediction while ranking the columns.
_RANKING_CELLS = 20_000


def _sample_rows(columns: list[str]) -> int:
    """Rows of the cheap ranking: at most :data:`_RANKING_CELLS` shuffled rows in all."""
    return max(30, min(500, _RANKING_CELLS // max(1, len(columns))))


class _ShuffleScorer:
    """How much a model's loss grows when columns are shuffled, many shuffles per prediction."""

    def __init__(
        self,
        model: TabularModel,
        metric: Any,
        X: pd.DataFrame,
        y: np.ndarray,
        w: np.ndarray | None,
        oof_rows: np.ndarray | None,
        rng: np.random.Generator,
    ) -> None:
        self.model, self.metric, self.X, self.y, self.w = model, metric, X, y, w
        self.oof_rows, self.rng = oof_rows, rng
        self._base: dict[int, float] = {}
        #: Seconds per predicted row, measured on the last prediction (overheads included).
        self.row_seconds = 0.0

    def _loss(self, pred: np.ndarray, at: np.ndarray) -> float:
        return float(self.metric.loss(self.y[at], pred, None if self.w is None else self.w[at]))

    def _predict(self, frames: list[pd.DataFrame], at: np.ndarray) -> list[np.ndarray]:
        rows = None if self.oof_rows is None else np.tile(self.oof_rows[at], len(frames))
        batch = pd.concat(frames, ignore_index=True)
        started = time.monotonic()
        raw = self.model.predict_raw(batch, rows=rows)
        self.row_seconds = (time.monotonic() - started) / max(1, len(batch))
        return np.split(raw, len(frames))

    def base_loss(self, at: np.ndarray) -> float:
        """The loss on the rows ``at`` with nothing shuffled (computed once per set of rows)."""
        key = hash(at.tobytes())
        if key not in self._base:
            X = self.X.iloc[at].reset_index(drop=True)
            self._base[key] = self._loss(self._predict([X], at)[0], at)
        return self._base[key]

    def drops(
        self, columns: list[str], repeats: int, at: np.ndarray | None = None
    ) -> list[np.ndarray | float]:
        """Per column, the loss increase of each of ``repeats`` shuffles (a float for one) on the
        rows ``at`` (all by default)."""
        at = np.arange(len(self.X)) if at is None else at
        base = self.base_loss(at)
        X = self.X.iloc[at].reset_index(drop=True)
        jobs = [column for column in columns for _ in range(repeats)]
        per_call = max(1, _RANKING_CELLS // max(1, len(X)))
        losses: list[float] = []
        for start in range(0, len(jobs), per_call):
            frames = []
            for column in jobs[start : start + per_call]:
                shuffled = X.copy()
                shuffled[column] = X[column].to_numpy()[self.rng.permutation(len(X))]
                frames.append(shuffled)
            losses += [self._loss(p, at) for p in self._predict(frames, at)]
        out: list[np.ndarray | float] = []
        for i in range(len(columns)):
            chunk = np.asarray(losses[i * repeats : (i + 1) * repeats]) - base
            out.append(float(chunk[0]) if repeats == 1 else chunk)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


__all__ = ["ENSEMBLE_NAME", "REGRESSION", "AutoML", "AutoMLResult"]
