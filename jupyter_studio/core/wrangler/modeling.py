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


def _splits(y: np.ndarray, problem: str, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled k-fold splits, stratified by class when every class has ``folds`` rows."""
    rng = np.random.default_rng(SEED)
    n = len(y)
    assignment = np.empty(n, dtype=np.int64)
    if problem != "regression" and n and np.bincount(y).min() >= folds:
        for cls in np.unique(y):
            rows = np.flatnonzero(y == cls)
            rng.shuffle(rows)
            assignment[rows] = np.arange(len(rows)) % folds
    else:
        order = rng.permutation(n)
        assignment[order] = np.arange(n) % folds
    return [
        (np.flatnonzero(assignment != k), np.flatnonzero(assignment == k)) for k in range(folds)
    ]


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties averaged)."""
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return 0.5
    ranks = pl.Series(score).rank("average").to_numpy()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _f1_macro(y: np.ndarray, pred: np.ndarray) -> float:
    scores = []
    for cls in np.unique(np.concatenate([y, pred])):
        tp = float(np.sum((pred == cls) & (y == cls)))
        fp = float(np.sum((pred == cls) & (y != cls)))
        fn = float(np.sum((pred != cls) & (y == cls)))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else 0.0


def _r2(y: np.ndarray, pred: np.ndarray) -> float:
    total = float(np.sum((y - y.mean()) ** 2))
    return 0.0 if total == 0 else 1.0 - float(np.sum((y - pred) ** 2)) / total


def _score(problem: str, y_true: np.ndarray, proba: np.ndarray | None, pred: np.ndarray) -> float:
    if problem == "regression":
        return _r2(y_true, pred)
    if problem == "binary" and proba is not None and len(np.unique(y_true)) == 2:
        return _auc(y_true, proba)
    return _f1_macro(y_true, pred)


METRICS = {"binary": "roc_auc", "multiclass": "f1_macro", "regression": "r2"}


def _fit_predict(
    problem: str, classes: int, Xtr: np.ndarray, ytr: np.ndarray, Xte: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, str]:
    """Train a gradient-boosting model: predictions, P(class 1) for binary, importances, name."""
    try:
        import lightgbm as lgb
    except ImportError:
        lgb = None
    if lgb is not None:
        params: dict[str, Any] = {
            "learning_rate": 0.15,
            "num_leaves": 31,
            "verbose": -1,
            "seed": SEED,
            "num_threads": 1,
            "deterministic": True,
        }
        if problem == "regression":
            params["objective"] = "regression"
        elif problem == "binary":
            params["objective"] = "binary"
        else:
            params.update(objective="multiclass", num_class=classes)
        booster = lgb.train(params, lgb.Dataset(Xtr, ytr), num_boost_round=60)
        raw = booster.predict(Xte)
        importance = booster.feature_importance("gain").astype(float)
        if problem == "regression":
            return raw, None, importance, "LightGBM"
        if problem == "binary":
            return (raw >= 0.5).astype(int), raw, importance, "LightGBM"
        return np.argmax(raw, axis=1), None, importance, "LightGBM"
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.inspection import permutation_importance

    cls = (
        HistGradientBoostingRegressor if problem == "regression" else HistGradientBoostingClassifier
    )
    model = cls(max_iter=100, random_state=SEED).fit(Xtr, ytr)
    pred = model.predict(Xte)
    proba = model.predict_proba(Xte)[:, 1] if problem == "binary" else None
    imp = permutation_importance(model, Xte, pred, n_repeats=2, random_state=SEED).importances_mean
    return pred, proba, np.asarray(imp, dtype=float), "HistGradientBoosting"


def quick_model(
    frame: pl.DataFrame, target: str, *, folds: int = 3, max_rows: int = 30_000
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
    classes = len(np.unique(y)) if problem != "regression" else 0
    if problem != "regression" and classes < 2:
        raise NodeError(
            None,
            f"The target {target!r} has a single value.",
            "Pick a target with at least two classes.",
            code="constant_target",
        )
    scores = []
    importance = np.zeros(X.shape[1])
    name = ""
    for train, test in _splits(y, problem, folds):
        pred, proba, imp, name = _fit_predict(problem, classes, X[train], y[train], X[test])
        scores.append(_score(problem, y[test], proba, pred))
        importance += np.maximum(imp, 0.0)
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


def _binned(x: np.ndarray, train: np.ndarray, bins: int = 32) -> np.ndarray:
    """Bin codes of a feature (quantile edges from the training rows; missing values bin 0)."""
    finite = np.isfinite(x)
    edges = (
        np.unique(np.quantile(x[train][finite[train]], np.linspace(0, 1, bins + 1)[1:-1]))
        if finite[train].any()
        else np.array([])
    )
    codes = np.searchsorted(edges, x, side="right") + 1
    codes[~finite] = 0
    return codes


def prediction_power(
    frame: pl.DataFrame,
    target: str,
    features: list[str] | None = None,
    *,
    max_rows: int = 20_000,
    folds: int = 3,
) -> tuple[dict[str, float], str]:
    """Each feature's power to predict the target alone, in 0..1 (0: chance, 1: perfect).

    The feature is cut into (up to) 32 quantile bins, or its categories, and each bin predicts
    the target's mean (or most frequent class) over the training folds: a one-feature model
    like a shallow decision tree. Binary targets score 2·AUC − 1 (the Gini coefficient),
    multiclass targets the chance-corrected macro F1, regression targets R² (negative values
    count as 0).
    """
    X, y, names, problem = feature_matrix(frame, target, features, max_rows=max_rows)
    out: dict[str, float] = {}
    if X.shape[0] < folds * 2:
        return {n: 0.0 for n in names}, problem
    splits = _splits(y, problem, folds)
    classes = len(np.unique(y)) if problem != "regression" else 0
    yf = y.astype(float)
    for j, name in enumerate(names):
        scores = []
        for train, test in splits:
            codes = _binned(X[:, j], train)
            size = int(codes.max()) + 1
            if problem == "multiclass":
                table = np.zeros((size, classes))
                np.add.at(table, (codes[train], y[train]), 1.0)
                default = np.bincount(y[train], minlength=classes).argmax()
                pred = np.where(
                    table[codes[test]].sum(axis=1) > 0, table[codes[test]].argmax(axis=1), default
                )
                scores.append(_score(problem, y[test], None, pred))
                continue
            sums = np.bincount(codes[train], weights=yf[train], minlength=size)
            counts = np.bincount(codes[train], minlength=size)
            means = np.where(counts > 0, sums / np.maximum(counts, 1), yf[train].mean())
            pred = means[codes[test]]
            if problem == "binary":
                scores.append(
                    _score(
                        problem, y[test], pred if classes == 2 else None, (pred >= 0.5).astype(int)
                    )
                )
            else:
                scores.append(_score(problem, yf[test], None, pred))
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
