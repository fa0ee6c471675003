"""Small models for analyses and the insights report: problem type, quick model, prediction power.

The quick model is LightGBM when it is installed, else scikit-learn's histogram gradient
boosting; both are cross-validated on at most ``max_rows`` rows (a random sample), so a report
on millions of rows stays fast.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from .errors import NodeError

__all__ = ["feature_matrix", "infer_problem_type", "prediction_power", "quick_model", "vif"]

SEED = 0


def infer_problem_type(series: pl.Series) -> str:
    """binary, multiclass or regression, from the target's type and number of values."""
    values = series.drop_nulls()
    unique = values.n_unique()
    if unique <= 2:
        return "binary"
    if series.dtype.is_float():
        finite = values.cast(pl.Float64)
        if unique > 20 or not bool((finite == finite.round(0)).all()):
            return "regression"
        return "multiclass"
    if series.dtype.is_integer():
        return "multiclass" if unique <= 20 else "regression"
    return "multiclass"


def _encode(series: pl.Series) -> np.ndarray:
    """A column as floats: numbers as they are, booleans 0/1, dates as epochs, text as codes."""
    dtype = series.dtype
    if dtype == pl.Boolean:
        return series.cast(pl.Float64).to_numpy()
    if dtype.is_numeric():
        return series.cast(pl.Float64).to_numpy()
    if dtype.is_temporal():
        return series.cast(pl.Datetime("us")).dt.epoch("s").cast(pl.Float64).to_numpy()
    codes = series.cast(pl.String).rank("dense").cast(pl.Float64)
    return codes.to_numpy()


def feature_matrix(
    frame: pl.DataFrame, target: str, features: list[str] | None = None, max_rows: int = 50_000
) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    """X, y, the feature names and the problem type, on a random sample of rows."""
    if target not in frame.columns:
        raise NodeError(
            None,
            f"The target column {target!r} is not in the data.",
            f"Pick one of: {', '.join(frame.columns[:20])}.",
            code="column_missing",
            columns=[target],
        )
    frame = frame.filter(pl.col(target).is_not_null())
    if frame.height > max_rows:
        frame = frame.sample(max_rows, seed=SEED)
    names = features or [c for c in frame.columns if c != target]
    names = [
        c
        for c in names
        if frame.schema[c] != pl.Object and not isinstance(frame.schema[c], pl.List | pl.Struct)
    ]
    problem = infer_problem_type(frame[target])
    X = (
        np.column_stack([_encode(frame[c]) for c in names])
        if names
        else np.empty((frame.height, 0))
    )
    y_series = frame[target]
    if problem == "regression":
        y = y_series.cast(pl.Float64).to_numpy()
    else:
        y = y_series.cast(pl.String).rank("dense").cast(pl.Int64).to_numpy() - 1
    return X, y, names, problem


def _folds(y: np.ndarray, problem: str, folds: int) -> Any:
    from sklearn.model_selection import KFold, StratifiedKFold

    if problem != "regression":
        smallest = np.bincount(y).min() if y.size else 0
        if smallest >= folds:
            return StratifiedKFold(folds, shuffle=True, random_state=SEED)
    return KFold(folds, shuffle=True, random_state=SEED)


def _model(problem: str, small: bool = False) -> tuple[Any, str]:
    try:
        import lightgbm as lgb

        params = {
            "n_estimators": 30 if small else 100,
            "num_leaves": 8 if small else 31,
            "learning_rate": 0.1,
            "verbose": -1,
            "random_state": SEED,
            "n_jobs": 2,
        }
        return (
            lgb.LGBMRegressor(**params) if problem == "regression" else lgb.LGBMClassifier(**params)
        ), "LightGBM"
    except ImportError:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        kwargs = {"max_iter": 30 if small else 100, "random_state": SEED}
        cls = (
            HistGradientBoostingRegressor
            if problem == "regression"
            else HistGradientBoostingClassifier
        )
        return cls(**kwargs), "HistGradientBoosting"


def _score(problem: str, y_true: np.ndarray, proba: np.ndarray | None, pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score, r2_score, roc_auc_score

    if problem == "regression":
        return float(r2_score(y_true, pred))
    if problem == "binary" and proba is not None and len(np.unique(y_true)) == 2:
        return float(roc_auc_score(y_true, proba[:, 1]))
    return float(f1_score(y_true, pred, average="macro"))


METRICS = {"binary": "roc_auc", "multiclass": "f1_macro", "regression": "r2"}


def quick_model(
    frame: pl.DataFrame, target: str, *, folds: int = 3, max_rows: int = 50_000
) -> dict[str, Any]:
    """Cross-validated score and feature importance of a gradient-boosting model."""
    X, y, names, problem = feature_matrix(frame, target, max_rows=max_rows)
    if X.shape[0] < folds * 2 or X.shape[1] == 0:
        raise NodeError(
            None,
            "Too few rows or no feature columns for a quick model.",
            "Use more rows or keep some feature columns.",
            code="too_little_data",
        )
    if problem != "regression" and len(np.unique(y)) < 2:
        raise NodeError(
            None,
            f"The target {target!r} has a single value.",
            "Pick a target with at least two classes.",
            code="constant_target",
        )
    scores = []
    importance = np.zeros(X.shape[1])
    for train, test in _folds(y, problem, folds).split(X, y):
        model, name = _model(problem)
        model.fit(X[train], y[train])
        pred = model.predict(X[test])
        proba = model.predict_proba(X[test]) if problem != "regression" else None
        scores.append(_score(problem, y[test], proba, pred))
        imp = getattr(model, "feature_importances_", None)
        if imp is None:
            from sklearn.inspection import permutation_importance

            imp = permutation_importance(
                model, X[test], y[test], n_repeats=2, random_state=SEED
            ).importances_mean
        importance += np.asarray(imp, dtype=float)
    total = importance.sum() or 1.0
    ranked = sorted(zip(names, importance / total, strict=True), key=lambda kv: -kv[1])
    return {
        "model": name,
        "metric": METRICS[problem],
        "score": float(np.mean(scores)),
        "folds": folds,
        "rows_used": int(X.shape[0]),
        "problem_type": problem,
        "feature_importance": [{"feature": f, "importance": float(v)} for f, v in ranked],
    }


def prediction_power(
    frame: pl.DataFrame,
    target: str,
    features: list[str] | None = None,
    *,
    max_rows: int = 20_000,
    folds: int = 3,
) -> tuple[dict[str, float], str]:
    """Each feature's power to predict the target alone, in 0..1 (0: chance, 1: perfect).

    A shallow decision tree is cross-validated on each feature: binary targets score
    2·AUC − 1 (the Gini coefficient), multiclass targets the chance-corrected macro F1,
    regression targets R² (negative values count as 0).
    """
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    X, y, names, problem = feature_matrix(frame, target, features, max_rows=max_rows)
    out: dict[str, float] = {}
    if X.shape[0] < folds * 2:
        return {n: 0.0 for n in names}, problem
    splits = list(_folds(y, problem, folds).split(X, y))
    classes = len(np.unique(y)) if problem != "regression" else 0
    for j, name in enumerate(names):
        x = X[:, [j]].copy()
        x[~np.isfinite(x)] = -1e18
        scores = []
        for train, test in splits:
            model = (DecisionTreeRegressor if problem == "regression" else DecisionTreeClassifier)(
                max_depth=4, random_state=SEED
            )
            model.fit(x[train], y[train])
            pred = model.predict(x[test])
            proba = model.predict_proba(x[test]) if problem == "binary" and classes == 2 else None
            if proba is not None and proba.shape[1] == 1:
                proba = None
            scores.append(_score(problem, y[test], proba, pred))
        score = float(np.mean(scores))
        if problem == "binary" and classes == 2:
            score = 2 * score - 1
        elif problem == "multiclass" and classes > 1:
            chance = 1.0 / classes
            score = (score - chance) / (1 - chance)
        out[name] = float(min(1.0, max(0.0, score)))
    return out, problem


def vif(
    frame: pl.DataFrame, columns: list[str] | None = None, *, max_rows: int = 20_000
) -> dict[str, float]:
    """Variance inflation factor of each numeric column (1: independent; > 10: collinear)."""
    names = columns or [c for c, t in frame.schema.items() if t.is_numeric()]
    if len(names) < 2:
        return {n: 1.0 for n in names}
    data = frame.select(names).drop_nulls()
    if data.height > max_rows:
        data = data.sample(max_rows, seed=SEED)
    X = data.cast(pl.Float64).to_numpy()
    keep = np.isfinite(X).all(axis=1)
    X = X[keep]
    out: dict[str, float] = {}
    for j, name in enumerate(names):
        y = X[:, j]
        others = np.delete(X, j, axis=1)
        A = np.column_stack([np.ones(len(y)), others])
        if len(y) < A.shape[1] + 1 or np.var(y) == 0:
            out[name] = float("inf") if np.var(y) == 0 else 1.0
            continue
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        resid = y - A @ coef
        r2 = 1 - resid.var() / y.var()
        out[name] = float("inf") if r2 >= 1 - 1e-12 else float(1 / (1 - r2))
    return out
