"""The AutoML engine: plan the run, train candidates within the time budget, ensemble them.

A run is:

1. check the request (:func:`.validate.validate_request`), infer the problem type and column types;
2. plan the validation (k-fold bagging with out-of-fold predictions when it fits the budget, a
   holdout split otherwise or when the user gives one) and the mode (ensembling or HPO);
3. train candidates one after the other (folds two at a time, one thread each), estimating each
   one's cost from measured speeds before starting it and skipping what cannot finish;
4. stack a second level on the out-of-fold predictions when time remains;
5. combine candidates by greedy ensemble selection (Caruana) on out-of-fold or holdout predictions.

Everything a candidate learns from data (preprocessing included) is fitted on its training rows.
"""

from __future__ import annotations

import math
import os
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .ensemble import greedy_ensemble
from .models import FAMILIES, Model, TimeLimitExceeded, training_stopped
from .pipeline import CandidateSpec, FittedCandidate, TabularModel, stack_columns
from .portfolio import portfolio, stack_portfolio
from .preprocess import NUMERICAL, Preprocessor, infer_feature_types
from .problem import DEFAULT_METRIC_REASON, REGRESSION, Metric, all_scores, get_metric
from .settings import ALGORITHMS, RunHooks, RunSettings
from .validate import ValidatedRequest, validate_request

#: Below this many bytes of data (and rows), Auto picks ensembling, like SageMaker Autopilot.
AUTO_ENSEMBLING_MAX_BYTES = 100 * 2**20
AUTO_ENSEMBLING_MAX_ROWS = 200_000
ENSEMBLE_NAME = "WeightedEnsemble"
#: Greedy ensemble selection picks among at most this many of the best candidates.
ENSEMBLE_POOL = 25
#: Ensembling mode searches at most this many extra candidates in the time its portfolio left.
MAX_SEARCH_TRIALS = 60


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class CandidateResult:
    """One leaderboard row, and the fitted candidate when it finished."""

    name: str
    algorithm: str
    level: int
    params: dict[str, Any]
    status: str = "pending"
    failure_reason: str | None = None
    score: float | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    fitted: FittedCandidate | None = None
    predictions: np.ndarray | None = None  # out-of-fold (cv) or holdout predictions
    fitted_params: dict[str, Any] = field(default_factory=dict)
    weights: dict[str, float] | None = None  # for the ensemble row
    retry: bool = False  # skipped for the per-candidate share only: may run when time is left

    def row(self, objective: str) -> dict[str, Any]:
        """The public leaderboard row."""
        return {
            "candidate": self.name,
            "algorithm": self.algorithm,
            "level": self.level,
            "status": self.status,
            "objective_metric": objective,
            "objective": self.score,
            **{k: v for k, v in self.metrics.items()},
            "training_seconds": round(self.seconds, 3),
            "hyperparameters": {**self.params, **self.fitted_params}
            if self.weights is None
            else {"weights": self.weights},
            "failure_reason": self.failure_reason,
        }


class StopRun(Exception):
    """The caller asked the run to stop."""


class Engine:
    """One AutoML run (use :class:`jupyter_studio.core.automl.AutoML`)."""

    def __init__(self, settings: RunSettings, hooks: RunHooks | None = None):
        self.settings = settings
        self.hooks = hooks or RunHooks()
        self.results: list[CandidateResult] = []
        self.lock = threading.Lock()
        self.speed: dict[str, float] = {}  # measured / estimated cost, per family
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.plan: dict[str, Any] = {}
        self.stopped = False
        self.ensemble: CandidateResult | None = None

    # ------------------------------------------------------------------ run
    def run(self, data: Any) -> None:
        """Train within the budget; fills ``self.results`` and ``self.ensemble``."""
        self.prepare(data)
        self.pool = ThreadPoolExecutor(max_workers=max(1, self.parallel_folds))
        from threadpoolctl import threadpool_limits

        # folds train side by side: one BLAS/OpenMP thread each, or they fight for the cores
        limits = threadpool_limits(1) if self.parallel_folds > 1 else None
        try:
            try:
                if self.mode == "hpo":
                    from .hpo import run_hpo

                    run_hpo(self)
                else:
                    self._run_portfolio()
                if self.scheme == "cv" and self.settings.stacking:
                    self._run_stacking()
                if self.mode != "hpo" and self.remaining() - self.reserve() > max(
                    5.0, 0.1 * self.settings.max_runtime
                ):
                    from .hpo import run_hpo

                    # the portfolio is done and time is left: search for more candidates
                    run_hpo(
                        self, with_defaults=False, prefix="Search", max_trials=MAX_SEARCH_TRIALS
                    )
            except StopRun:
                self.stopped = True
            self._build_ensemble()
        finally:
            self.pool.shutdown(wait=True)
            self.cache.clear()
            if limits is not None:
                limits.restore_original_limits()
        self.elapsed = time.monotonic() - self.t0

    def prepare(self, data: Any) -> None:
        """Check the request, infer types, plan validation and mode (the clock starts here)."""
        s = self.settings
        self.t0 = time.monotonic()
        self.deadline = self.t0 + s.max_runtime
        req = validate_request(data, s)
        self.request = req
        self.problem_type = req.problem_type
        self.metric: Metric = get_metric(s.objective_metric, req.problem_type)
        self.metric_reason = (
            "as chosen"
            if s.objective_metric
            else f"the default for {req.problem_type}: {DEFAULT_METRIC_REASON[req.problem_type]}"
        )
        self._encode_target(req)
        self.feature_types, self.feature_reasons, self.dropped = infer_feature_types(
            req.frame, s.feature_types
        )
        if not self.feature_types:
            from ..errors import InvalidInput

            raise InvalidInput(
                "No usable feature column: "
                + "; ".join(f"{k}: {v}" for k, v in self.dropped.items()),
                detail=[{"loc": ["features"], "msg": "every column was dropped"}],
            )
        self.columns = list(req.frame.columns)
        self.X = req.frame[list(self.feature_types)].reset_index(drop=True)
        self.w = req.weights
        self.n_jobs = cpu_count()
        self._plan_validation(req)
        self._plan_mode()
        self.elapsed = 0.0
        on_plan = self.hooks.on_plan
        if on_plan is not None:
            on_plan(
                {
                    "problem_type": self.problem_type,
                    "problem_type_reason": req.problem_type_reason,
                    "objective_metric": self.metric.name,
                    "objective_metric_reason": self.metric_reason,
                    "mode": self.mode,
                    "mode_reason": self.mode_reason,
                }
            )

    def replay(
        self, specs: list[CandidateSpec], stack_base: list[str] | None = None
    ) -> list[CandidateResult]:
        """Train exactly these candidates (after :meth:`prepare`), level 1 before level 2."""
        self.pool = ThreadPoolExecutor(max_workers=max(1, self.parallel_folds))
        try:
            for spec in [x for x in specs if x.level == 1]:
                self.train(spec)
            level2 = [x for x in specs if x.level >= 2]
            if level2:
                by_name = {r.name: r for r in self.results}
                self._prepare_stack([by_name[n] for n in stack_base or []])
                for spec in level2:
                    self.train(spec)
        finally:
            self.pool.shutdown(wait=True)
            self.cache.clear()
        return self.results

    def replay_settings(self) -> dict[str, Any]:
        """Settings that make a new run split the data exactly as this one did."""
        if self.scheme == "cv":
            return {"folds": len(self.folds), "validation": None}
        if self.request.validation_frame is not None:
            return {}
        return {"folds": 0, "validation": self.holdout_ratio}

    # ------------------------------------------------------------------ planning
    def _encode_target(self, req: ValidatedRequest) -> None:
        if self.problem_type == REGRESSION:
            self.classes = None
            self.y = req.y.to_numpy(float)
            self.n_classes = 0
            self.y_val = None if req.validation_y is None else req.validation_y.to_numpy(float)
            return
        values = req.y
        uniques = list(pd.unique(values))
        try:
            classes = sorted(uniques)
        except TypeError:  # mixed types: order by their text
            classes = sorted(uniques, key=str)
        self.classes = [c.item() if hasattr(c, "item") else c for c in classes]
        index = {str(c): i for i, c in enumerate(self.classes)}
        self.y = np.array([index[str(v)] for v in values], dtype=int)
        self.n_classes = len(self.classes)
        self.y_val = (
            None
            if req.validation_y is None
            else np.array([index[str(v)] for v in req.validation_y], dtype=int)
        )

    def estimate(self, family: str, n_rows: int | None = None) -> float:
        """Estimated seconds of one fit of ``family`` on this data, from measured speeds."""
        cls = FAMILIES[family]
        n = n_rows if n_rows is not None else len(self.X)
        width = sum(25 if t in ("text", "sequence") else 1 for t in self.feature_types.values())
        guess = cls.estimate_seconds(n, width, self.n_classes)
        if family in self.speed:
            return guess * self.speed[family]
        if self.speed:
            return guess * float(np.median(list(self.speed.values())))
        return guess

    def _learn_speed(self, family: str, seconds_per_fit: float, n_rows: int) -> None:
        guess = max(1e-3, self.estimate_base(family, n_rows))
        ratio = max(0.02, seconds_per_fit / guess)
        old = self.speed.get(family)
        self.speed[family] = ratio if old is None else 0.5 * (old + ratio)

    def estimate_base(self, family: str, n_rows: int) -> float:
        width = sum(25 if t in ("text", "sequence") else 1 for t in self.feature_types.values())
        return FAMILIES[family].estimate_seconds(n_rows, width, self.n_classes)

    def _plan_validation(self, req: ValidatedRequest) -> None:
        n = len(self.X)
        budget = self.settings.max_runtime
        cores = self.n_jobs
        self.parallel_folds = min(2, cores)
        rng = np.random.default_rng(self.settings.seed)
        if req.validation_frame is not None:
            self.scheme = "holdout"
            self.train_rows = np.arange(n)
            self.X_val = req.validation_frame[list(self.feature_types)].reset_index(drop=True)
            self.w_val = req.validation_weights
            self.validation_reason = (
                f"Holdout: the validation data you gave ({len(self.X_val)} rows)."
            )
            self.parallel_folds = 1
            return
        if req.validation_ratio is not None or self.settings.folds == 0:
            ratio = req.validation_ratio or 0.2
            self._holdout_split(ratio, rng)
            self.validation_reason = f"Holdout: {ratio:.0%} of the rows, chosen at random" + (
                " (stratified by class)." if self.problem_type != REGRESSION else "."
            )
            return
        folds = int(self.settings.folds or (8 if n <= 1000 else 5))
        lgb_bag = self.estimate("lightgbm", int(n * (folds - 1) / folds)) * folds / 2
        reason = ""
        if lgb_bag > 0.25 * budget and folds > 3:
            folds = 3
            lgb_bag = self.estimate("lightgbm", int(n * 2 / 3)) * 3 / 2
            reason = " (3 folds: more would not fit the time budget)"
        if lgb_bag > 0.25 * budget and n > 5000:
            self._holdout_split(0.2 if n < 50000 else max(0.05, 10000 / n), rng)
            self.validation_reason = (
                f"Holdout of {len(self.X_val)} rows: k-fold bagging of {n} rows would not fit "
                f"{budget:g} s."
            )
            return
        self.scheme = "cv"
        self.folds = self._kfold(folds, rng)
        self.X_val = None
        self.w_val = None
        self.validation_reason = (
            f"{folds}-fold cross-validation: every model is a bag of {folds} fold models and is "
            f"scored on out-of-fold predictions, so every row validates once{reason}."
        )

    def _kfold(self, k: int, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
        from sklearn.model_selection import KFold, StratifiedKFold

        seed = self.settings.seed
        n = len(self.X)
        if self.problem_type != REGRESSION and np.bincount(self.y).min() >= k:
            splitter: Any = StratifiedKFold(k, shuffle=True, random_state=seed)
            return [(tr, va) for tr, va in splitter.split(np.zeros(n), self.y)]
        splitter = KFold(k, shuffle=True, random_state=seed)
        return [(tr, va) for tr, va in splitter.split(np.zeros(n))]

    def _holdout_split(self, ratio: float, rng: np.random.Generator) -> None:
        from sklearn.model_selection import train_test_split

        n = len(self.X)
        stratify = None
        if self.problem_type != REGRESSION and np.bincount(self.y).min() >= 2:
            stratify = self.y
        tr, va = train_test_split(
            np.arange(n),
            test_size=ratio,
            random_state=self.settings.seed,
            stratify=stratify,
        )
        self.scheme = "holdout"
        self.holdout_ratio = ratio
        self.train_rows = np.sort(tr)
        va = np.sort(va)
        self.holdout_rows = va
        self.X_val = self.X.iloc[va].reset_index(drop=True)
        self.y_val = self.y[va]
        self.w_val = None if self.w is None else self.w[va]
        self.parallel_folds = 1

    def _plan_mode(self) -> None:
        mode = self.settings.mode
        n, size = len(self.X), int(self.X.memory_usage(deep=True).sum())
        if mode == "auto":
            if size < AUTO_ENSEMBLING_MAX_BYTES and n < AUTO_ENSEMBLING_MAX_ROWS:
                self.mode = "ensembling"
                self.mode_reason = (
                    f"Auto chose ensembling: the data is small ({n} rows, {size / 2**20:.1f} MB), "
                    "so a portfolio of strong defaults, bagged and ensembled, beats a search."
                )
            else:
                self.mode = "hpo"
                self.mode_reason = (
                    f"Auto chose HPO: the data is large ({n} rows, {size / 2**20:.0f} MB), "
                    "so a Bayesian search over fewer, bigger models uses the time better."
                )
        else:
            self.mode = mode
            self.mode_reason = f"{mode.upper() if mode == 'hpo' else mode.capitalize()}, as chosen."

    # ------------------------------------------------------------------ time
    def end(self) -> float:
        """When training must end (``time.monotonic()``): the budget's deadline, or earlier when
        the ``end_by`` setting (the job's clock, which keeps time to save the results) says so."""
        end_by = self.hooks.end_by
        return self.deadline if end_by is None else min(self.deadline, float(end_by()))

    def remaining(self) -> float:
        return self.end() - time.monotonic()

    def reserve(self) -> float:
        """Seconds kept for the final ensemble and bookkeeping."""
        return min(10.0, 1.0 + 0.03 * self.settings.max_runtime)

    def check_stop(self) -> None:
        stop = self.hooks.should_stop
        if stop is not None and stop():
            raise StopRun()

    # ------------------------------------------------------------------ candidates
    def _run_portfolio(self) -> None:
        specs = portfolio(self.settings.algorithms)
        for spec in specs:
            self.check_stop()
            if self.remaining() - self.reserve() < 0.5:
                self._record_skip(spec, "the time budget is spent")
                continue
            self.train(spec)
        # candidates skipped only because one candidate may not take a third of the budget
        # get the time that is left once every other has had its turn
        self.lift_share = True
        for spec in specs:
            row = next(r for r in self.results if r.name == spec.name)
            if row.status != "skipped" or not row.retry:
                continue
            self.check_stop()
            if self.remaining() - self.reserve() < 2.0:
                break
            self.train(spec)
            with self.lock:  # the new row replaces the skipped one
                self.results.remove(row)
        self.lift_share = False

    def _run_stacking(self) -> None:
        done = [r for r in self.results if r.status == "completed" and r.level == 1]
        budget = self.settings.max_runtime
        if len(done) < 3 or len(self.X) < 1000 or self.remaining() - self.reserve() < 0.25 * budget:
            return
        # the best candidate of each family, then the next best overall, at most 6
        ranked = sorted(done, key=lambda r: self.metric_loss(r.score))
        chosen: list[CandidateResult] = []
        for r in ranked:
            if r.algorithm not in {c.algorithm for c in chosen}:
                chosen.append(r)
        chosen = chosen[:6]
        self._prepare_stack(chosen)
        for spec in stack_portfolio(self.settings.algorithms):
            self.check_stop()
            if self.remaining() - self.reserve() < 0.5:
                self._record_skip(spec, "the time budget is spent")
                continue
            self.train(spec)

    def _prepare_stack(self, chosen: list[CandidateResult]) -> None:
        self.stack_base = [r.name for r in chosen]
        extra: dict[str, np.ndarray] = {}
        for r in chosen:
            assert r.predictions is not None
            extra.update(stack_columns(r.name, r.predictions, self.problem_type))
        self.X_stack = pd.concat([self.X, pd.DataFrame(extra)], axis=1)
        self.stack_types = {**self.feature_types, **{c: NUMERICAL for c in extra}}

    def metric_loss(self, score: float | None) -> float:
        if score is None or not np.isfinite(score):
            return math.inf
        return -score if self.metric.greater_is_better else score

    def _record_skip(self, spec: CandidateSpec, reason: str) -> CandidateResult:
        result = CandidateResult(spec.name, spec.family, spec.level, spec.params, status="skipped")
        result.failure_reason = reason
        self._publish(result)
        return result

    def _publish(self, result: CandidateResult) -> None:
        with self.lock:
            self.results.append(result)
        callback = self.hooks.on_candidate
        if callback is not None:
            callback(result.row(self.metric.name))
        on_model = self.hooks.on_model
        if on_model is not None and result.status == "completed" and result.weights is None:
            on_model(result.name, lambda: self.model(result.name))

    def candidate_budget(self, first: bool = False) -> float:
        left = self.remaining() - self.reserve()
        # one candidate may not eat the run: diversity is what ensembles need
        share = 0.45 if first else 0.3
        if not getattr(self, "lift_share", False):
            left = min(left, max(share * self.settings.max_runtime, 5.0))
        cap = self.settings.max_candidate_runtime
        if cap:
            left = min(left, float(cap))
        return left

    def train(
        self,
        spec: CandidateSpec,
        report: Callable[[int, float], None] | None = None,
    ) -> CandidateResult:
        """Train one candidate (bagged or holdout), score it and publish its leaderboard row."""
        result = CandidateResult(spec.name, spec.family, spec.level, dict(spec.params))
        n_fit = len(self.folds[0][0]) if self.scheme == "cv" else len(self.train_rows)
        fits = len(self.folds) if self.scheme == "cv" else 1
        rounds = math.ceil(fits / self.parallel_folds)
        estimate = self.estimate(spec.family, n_fit) * rounds
        if self.parallel_folds == 1 and self.n_jobs > 1 and spec.family != "knn":
            estimate /= 1.6  # one fit, both cores
        first = not any(r.status == "completed" for r in self.results)
        budget = self.candidate_budget(first)
        # a model that stops on time is still useful: skip only what would be cut very short
        if estimate > 2 * budget and not first:
            result.retry = estimate < 2 * (self.remaining() - self.reserve())
            result.status = "skipped"
            result.failure_reason = (
                f"estimated {estimate:.0f} s, only {max(budget, 0):.0f} s left in the budget"
            )
            self._publish(result)
            return result
        started = time.monotonic()
        try:
            self._fit_candidate(spec, result, started + max(budget, 0.5), report)
        except StopRun:
            raise
        except Exception as exc:  # a crashing candidate is recorded, the run goes on
            pruned = type(exc).__name__ == "TrialPruned"
            if isinstance(exc, TimeLimitExceeded):
                result.status = "skipped"
                result.failure_reason = (
                    "the job was stopped before a fold finished"
                    if training_stopped()
                    else "the time budget ran out before a fold finished"
                )
            else:
                result.status = "pruned" if pruned else "failed"
                result.failure_reason = (str(exc) if pruned else f"{type(exc).__name__}: {exc}")[
                    :500
                ]
            result.fitted = None
            if os.environ.get("STUDIO_AUTOML_DEBUG"):
                traceback.print_exc()
        result.seconds = time.monotonic() - started
        if result.status == "completed":
            self._learn_speed(
                spec.family,
                result.seconds
                / rounds
                * (1.6 if fits == 1 and spec.family != "knn" and self.n_jobs > 1 else 1.0),
                n_fit,
            )
        self._publish(result)
        return result

    def _data_for(self, spec: CandidateSpec) -> tuple[pd.DataFrame, dict[str, str]]:
        if spec.level >= 2:
            return self.X_stack, self.stack_types
        return self.X, self.feature_types

    def _prepared(
        self, spec: CandidateSpec, fold: int, train_idx: np.ndarray, X_valid: pd.DataFrame
    ) -> tuple[Preprocessor, Any, Any]:
        """The candidate's preprocessing fitted on its training rows (shared by same-style models)."""
        cls = FAMILIES[spec.family]
        scaler = "quantile" if spec.family in ("neural_network", "knn") else "standard"
        key = (cls.style, scaler, spec.level, fold)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        X, types = self._data_for(spec)
        prep = Preprocessor(
            types, cls.style, self.problem_type, scaler=scaler, seed=self.settings.seed
        )
        Xtr = prep.fit_transform(X.iloc[train_idx].reset_index(drop=True), self.y[train_idx])
        Xva = prep.transform(X_valid)
        value = (prep, Xtr, Xva)
        self.cache[key] = value
        return value

    def _fit_one(
        self,
        spec: CandidateSpec,
        fold: int,
        train_idx: np.ndarray,
        valid: tuple[Any, ...],
        deadline: float,
        n_jobs: int,
    ) -> tuple[Preprocessor, Model, np.ndarray]:
        X_valid, y_valid, w_valid = valid
        prep, Xtr, Xva = self._prepared(spec, fold, train_idx, X_valid)
        cls = FAMILIES[spec.family]
        model = cls(
            self.problem_type,
            self.n_classes,
            spec.params,
            self.settings.seed + fold,
            n_jobs,
        )
        w = None if self.w is None or not cls.supports_weights else self.w[train_idx]
        wv = None if w_valid is None or not cls.supports_weights else w_valid
        model.fit(Xtr, self.y[train_idx], w, Xva, y_valid, wv, deadline)
        return prep, model, model.predict(Xva)

    def _fit_candidate(
        self,
        spec: CandidateSpec,
        result: CandidateResult,
        deadline: float,
        report: Callable[[int, float], None] | None,
    ) -> None:
        X, _ = self._data_for(spec)
        if self.scheme == "holdout":
            X_val = self.X_val
            if spec.level >= 2:
                raise RuntimeError("stacking needs cross-validation")
            valid = (X_val, self.y_val, self.w_val)
            prep, model, pred = self._fit_one(
                spec, -1, self.train_rows, valid, deadline, self.n_jobs
            )
            result.fitted = FittedCandidate(
                spec, self.problem_type, self.n_classes, [(prep, model)]
            )
            result.predictions = pred
            result.fitted_params = model.fitted_params
            self._score(result, pred, self.y_val, self.w_val)
            result.status = "completed"
            return
        k = len(self.folds)
        shape = (len(X), self.n_classes) if self.problem_type != REGRESSION else (len(X),)
        oof = np.full(shape, np.nan)
        fitted: list[tuple[Preprocessor, Model] | None] = [None] * k
        width = self.parallel_folds
        n_jobs = max(1, self.n_jobs // width)
        started = time.monotonic()
        done = 0
        for start in range(0, k, width):
            self.check_stop()
            now = time.monotonic()
            rounds_left = math.ceil((k - start) / width)
            if done:
                per_round = (now - started) / (start / width)
                if now + per_round * rounds_left > deadline + 0.5 and time.monotonic() < deadline:
                    pass  # projected overrun: later folds get less time each (they stop on time)
                if now >= deadline:
                    break
            fold_deadline = now + max(0.2, (deadline - now) / rounds_left)
            futures = []
            for fold in range(start, min(k, start + width)):
                tr, va = self.folds[fold]
                valid = (
                    X.iloc[va].reset_index(drop=True),
                    self.y[va],
                    None if self.w is None else self.w[va],
                )
                futures.append(
                    (
                        fold,
                        self.pool.submit(
                            self._fit_one, spec, fold, tr, valid, fold_deadline, n_jobs
                        ),
                    )
                )
            for fold, future in futures:
                prep, model, pred = future.result()
                fitted[fold] = (prep, model)
                oof[self.folds[fold][1]] = pred
                done += 1
                result.fitted_params = model.fitted_params
            if report is not None:
                covered = ~np.isnan(oof if oof.ndim == 1 else oof[:, 0])
                report(
                    done,
                    self.metric(
                        self.y[covered], oof[covered], None if self.w is None else self.w[covered]
                    ),
                )
        pairs = [(i, f) for i, f in enumerate(fitted) if f is not None]
        if not pairs:
            raise TimeLimitExceeded("no fold finished in time")
        result.fitted = FittedCandidate(
            spec,
            self.problem_type,
            self.n_classes,
            [f for _, f in pairs],
            fold_rows=[self.folds[i][1] for i, _ in pairs],
            stack_on=list(getattr(self, "stack_base", [])) if spec.level >= 2 else [],
        )
        covered = ~np.isnan(oof if oof.ndim == 1 else oof[:, 0])
        if not covered.all():
            result.failure_reason = f"only {len(pairs)} of {k} folds finished in time"
        result.predictions = oof
        w = None if self.w is None else self.w[covered]
        self._score(result, oof[covered], self.y[covered], w)
        result.status = "completed" if covered.all() else "partial"

    def _score(self, result: CandidateResult, pred: np.ndarray, y: np.ndarray, w: Any) -> None:
        result.metrics = all_scores(self.problem_type, y, pred, w)
        result.score = result.metrics.get(self.metric.name)
        if result.score is None:
            result.score = float(self.metric(y, pred, w))

    # ------------------------------------------------------------------ ensemble
    def _build_ensemble(self) -> None:
        usable = [r for r in self.results if r.status == "completed" and r.predictions is not None]
        if not usable:
            partial = [r for r in self.results if r.status == "partial"]
            if partial:  # better a model from some folds than none
                best = partial[0]
                best.status = "completed"
            return
        if len(usable) < 2:
            return
        y = self.y if self.scheme == "cv" else self.y_val
        w = self.w if self.scheme == "cv" else self.w_val
        # the best candidates only: selection time grows with the pool, its benefit does not
        usable = sorted(usable, key=lambda r: self.metric_loss(r.score))[:ENSEMBLE_POOL]
        preds = [r.predictions for r in usable]
        started = time.monotonic()
        deadline = max(self.end() - 0.5, started + 1.0)
        weights = greedy_ensemble(preds, y, w, self.metric, rounds=25, deadline=deadline)
        chosen = {usable[i].name: float(wt) for i, wt in enumerate(weights) if wt > 0}
        blend = sum(wt * usable[i].predictions for i, wt in enumerate(weights) if wt > 0)
        ens = CandidateResult(ENSEMBLE_NAME, "ensemble", max(r.level for r in usable) + 1, {})
        ens.weights = {k: round(v, 4) for k, v in chosen.items()}
        ens.predictions = np.asarray(blend)
        self._score(ens, ens.predictions, y, w)
        ens.status = "completed"
        ens.seconds = time.monotonic() - started
        self.ensemble = ens
        self._publish(ens)

    # ------------------------------------------------------------------ models
    def completed(self) -> list[CandidateResult]:
        return [r for r in self.results if r.status == "completed"]

    def best_name(self) -> str | None:
        done = self.completed()
        if not done:
            return None
        return min(done, key=lambda r: self.metric_loss(r.score)).name

    def model(self, name: str) -> TabularModel:
        """The fitted model of candidate ``name`` (the ensemble included)."""
        by_name = {r.name: r for r in self.results}
        if name not in by_name or by_name[name].status != "completed":
            raise KeyError(f"no completed candidate called {name!r}")
        row = by_name[name]
        weights = row.weights if row.weights is not None else {name: 1.0}
        members: dict[str, FittedCandidate] = {}

        def add(member: str) -> None:
            fitted = by_name[member].fitted
            assert fitted is not None
            members[member] = fitted
            for base in fitted.stack_on:
                add(base)

        for member in weights:
            add(member)
        return TabularModel(
            name,
            self.problem_type,
            self.classes,
            self.columns,
            {c: str(t) for c, t in self.request.frame.dtypes.items()},
            members,
            dict(weights),
            target=str(self.settings.target),
        )


ALL_ALGORITHMS = ALGORITHMS
