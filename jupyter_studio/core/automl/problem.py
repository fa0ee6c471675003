"""Problem types, their inference from the target column, and the metrics candidates are scored by.

Every metric takes the true targets (encoded class indices for classification), the model's
output (class probabilities ``(n, k)`` for classification, values ``(n,)`` for regression)
and optional sample weights, so a leaderboard, an ensemble selection and a report all score
the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvalidInput

BINARY = "binary"
MULTICLASS = "multiclass"
REGRESSION = "regression"
PROBLEM_TYPES = (BINARY, MULTICLASS, REGRESSION)

#: Integer targets with at most this many distinct values are classes.
MAX_INTEGER_CLASSES = 10
#: Integer targets with more distinct values than this (or than 10 % of the rows) are a quantity.
MIN_INTEGER_REGRESSION = 50
#: Text targets with more distinct values than this are not a classification target.
MAX_TEXT_CLASSES = 200


def infer_problem_type(y: pd.Series) -> tuple[str, str]:
    """The problem type of target ``y`` and the reason, or :class:`InvalidInput` when ambiguous."""
    values = y.dropna()
    n_unique = int(values.nunique())
    if n_unique == 2:
        return BINARY, f"the target has exactly two distinct values ({_show(values)})"
    is_bool = pd.api.types.is_bool_dtype(values)
    if pd.api.types.is_numeric_dtype(values) and not is_bool:
        numbers = values.astype(float)
        if not np.all(np.isclose(numbers, np.round(numbers))):
            return REGRESSION, "the target holds numbers with fractional parts"
        if n_unique <= MAX_INTEGER_CLASSES:
            return (
                MULTICLASS,
                f"the target holds whole numbers with only {n_unique} distinct values "
                f"(at most {MAX_INTEGER_CLASSES} are read as classes)",
            )
        if n_unique > MIN_INTEGER_REGRESSION or n_unique > 0.1 * len(values):
            return REGRESSION, f"the target holds whole numbers with {n_unique} distinct values"
        raise InvalidInput(
            f"Cannot tell whether the target is a class or a quantity: it holds whole numbers with "
            f"{n_unique} distinct values. Choose the problem type (multiclass or regression).",
            code="ambiguous_problem_type",
            detail=[{"loc": ["problem_type"], "msg": "choose multiclass or regression"}],
        )
    if n_unique > MAX_TEXT_CLASSES:
        raise InvalidInput(
            f"The target column holds text with {n_unique} distinct values: too many classes for "
            f"classification (at most {MAX_TEXT_CLASSES}), and text cannot be a regression target.",
            code="ambiguous_problem_type",
            detail=[{"loc": ["target"], "msg": f"{n_unique} distinct text values"}],
        )
    return MULTICLASS, f"the target holds {n_unique} distinct labels ({_show(values)})"


def _show(values: pd.Series, limit: int = 4) -> str:
    uniques = [str(v) for v in pd.unique(values)[:limit]]
    more = ", ..." if values.nunique() > limit else ""
    return ", ".join(uniques) + more


# ----------------------------------------------------------------------------- metrics


def _weights(w: np.ndarray | None, n: int) -> np.ndarray:
    return np.ones(n) if w is None else np.asarray(w, dtype=float)


def _labels(pred: np.ndarray) -> np.ndarray:
    return np.asarray(pred).argmax(axis=1)


def _clip_proba(pred: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(pred, dtype=float), 1e-15, 1.0)
    return p / p.sum(axis=1, keepdims=True)


def accuracy(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    ww = _weights(w, len(y))
    return float(np.sum(ww * (_labels(pred) == y)) / np.sum(ww))


def balanced_accuracy(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    ww = _weights(w, len(y))
    hits = _labels(pred) == y
    recalls = [np.sum(ww[y == c] * hits[y == c]) / np.sum(ww[y == c]) for c in np.unique(y)]
    return float(np.mean(recalls))


def _f1_for(y: np.ndarray, labels: np.ndarray, ww: np.ndarray, c: int) -> float:
    tp = np.sum(ww * ((labels == c) & (y == c)))
    fp = np.sum(ww * ((labels == c) & (y != c)))
    fn = np.sum(ww * ((labels != c) & (y == c)))
    return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn > 0 else 0.0


def f1(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    """F1 of the positive class (the second label in sorted order)."""
    return _f1_for(y, _labels(pred), _weights(w, len(y)), 1)


def f1_macro(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    labels, ww = _labels(pred), _weights(w, len(y))
    return float(np.mean([_f1_for(y, labels, ww, c) for c in range(np.asarray(pred).shape[1])]))


def roc_auc(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    from sklearn.metrics import roc_auc_score

    p = np.asarray(pred)
    if p.shape[1] == 2:
        return float(roc_auc_score(y, p[:, 1], sample_weight=w))
    present = np.unique(y)
    if len(present) < p.shape[1]:  # a class absent from these rows: score the present ones
        sub = _clip_proba(p[:, present])
        remap = np.searchsorted(present, y)
        return float(
            roc_auc_score(remap, sub, sample_weight=w, multi_class="ovr", average="macro")
            if len(present) > 2
            else roc_auc_score(remap, sub[:, 1], sample_weight=w)
        )
    return float(roc_auc_score(y, _clip_proba(p), sample_weight=w, multi_class="ovr"))


def log_loss(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    p = _clip_proba(pred)
    ww = _weights(w, len(y))
    return float(-np.sum(ww * np.log(p[np.arange(len(y)), y])) / np.sum(ww))


def mse(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    ww = _weights(w, len(y))
    return float(np.sum(ww * (np.asarray(y, float) - pred) ** 2) / np.sum(ww))


def rmse(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    return float(np.sqrt(mse(y, pred, w)))


def mae(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    ww = _weights(w, len(y))
    return float(np.sum(ww * np.abs(np.asarray(y, float) - pred)) / np.sum(ww))


def r2(y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
    ww = _weights(w, len(y))
    yy = np.asarray(y, float)
    mean = np.sum(ww * yy) / np.sum(ww)
    total = np.sum(ww * (yy - mean) ** 2)
    return float(1 - np.sum(ww * (yy - pred) ** 2) / total) if total > 0 else 0.0


@dataclass(frozen=True)
class Metric:
    """A named metric, whether greater is better, and the problem types it applies to."""

    name: str
    function: Callable[..., float]
    greater_is_better: bool
    problem_types: tuple[str, ...]
    title: str

    def __call__(self, y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
        return self.function(y, pred, w)

    def loss(self, y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None) -> float:
        """The metric turned into something to minimise."""
        value = self.function(y, pred, w)
        return -value if self.greater_is_better else value


_CLS = (BINARY, MULTICLASS)
METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("accuracy", accuracy, True, _CLS, "Accuracy"),
        Metric("balanced_accuracy", balanced_accuracy, True, _CLS, "Balanced accuracy"),
        Metric("f1", f1, True, (BINARY,), "F1"),
        Metric("f1_macro", f1_macro, True, _CLS, "F1 (macro)"),
        Metric("roc_auc", roc_auc, True, _CLS, "ROC AUC"),
        Metric("log_loss", log_loss, False, _CLS, "Log loss"),
        Metric("mse", mse, False, (REGRESSION,), "MSE"),
        Metric("rmse", rmse, False, (REGRESSION,), "RMSE"),
        Metric("mae", mae, False, (REGRESSION,), "MAE"),
        Metric("r2", r2, True, (REGRESSION,), "R²"),
    ]
}
ALIASES = {"auc": "roc_auc", "logloss": "log_loss", "f1_binary": "f1", "r_squared": "r2"}

DEFAULT_METRIC = {BINARY: "roc_auc", MULTICLASS: "log_loss", REGRESSION: "rmse"}
DEFAULT_METRIC_REASON = {
    BINARY: "ROC AUC ranks the positive class independently of a threshold",
    MULTICLASS: "log loss rewards calibrated probabilities over every class",
    REGRESSION: "RMSE is in the target's unit and penalises large errors",
}


def metric_names(problem_type: str) -> list[str]:
    """The metrics reported for a problem type (the objective first is up to the caller)."""
    return [name for name, m in METRICS.items() if problem_type in m.problem_types]


def get_metric(name: str | None, problem_type: str) -> Metric:
    """The metric called ``name`` (or the problem type's default); 400 if it does not apply."""
    if name is None:
        return METRICS[DEFAULT_METRIC[problem_type]]
    key = ALIASES.get(name.lower(), name.lower())
    if key not in METRICS:
        raise InvalidInput(
            f"Unknown objective metric {name!r}. Known: {', '.join(METRICS)}.",
            code="unknown_metric",
            detail=[{"loc": ["objective_metric"], "msg": f"unknown metric {name!r}"}],
        )
    metric = METRICS[key]
    if problem_type not in metric.problem_types:
        raise InvalidInput(
            f"The metric {metric.name!r} does not apply to a {problem_type} problem. "
            f"Choose one of: {', '.join(metric_names(problem_type))}.",
            code="metric_problem_mismatch",
            detail=[{"loc": ["objective_metric"], "msg": f"not a {problem_type} metric"}],
        )
    return metric


def all_scores(
    problem_type: str, y: np.ndarray, pred: np.ndarray, w: np.ndarray | None = None
) -> dict[str, Any]:
    """Every metric of the problem type (a metric that cannot be computed is None)."""
    scores: dict[str, Any] = {}
    for name in metric_names(problem_type):
        try:
            value = METRICS[name](y, pred, w)
            scores[name] = None if not np.isfinite(value) else round(float(value), 6)
        except Exception:  # e.g. AUC on rows of a single class
            scores[name] = None
    return scores
