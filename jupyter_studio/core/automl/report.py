"""The results report of a run (``report.json``): what was decided, metrics and charts' data.

For the chosen candidate: its metrics on validation (out-of-fold under cross-validation), a
confusion matrix (classification), ROC and precision-recall points (binary), residuals
(regression), and permutation feature importance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .problem import BINARY, REGRESSION

MAX_POINTS = 200


def _thin(points: list[list[float]], limit: int = MAX_POINTS) -> list[list[float]]:
    if len(points) <= limit:
        return points
    keep = np.unique(np.linspace(0, len(points) - 1, limit).round().astype(int))
    return [points[i] for i in keep]


def _r(value: Any) -> Any:
    return None if value is None or not np.isfinite(value) else round(float(value), 6)


def candidate_report(
    result: Any,
    candidate: str | None = None,
    importance: bool = True,
    importance_seconds: float = 30.0,
) -> dict[str, Any]:
    """Metrics and charts' data of one candidate (default: the best).

    ``importance_seconds`` bounds the permutation importance (a short run gets a short one).
    """
    name = candidate or result.best_candidate
    board = result.leaderboard()
    row = board.loc[board["candidate"] == name].iloc[0]
    y, pred, w = result.validation_predictions(name)
    out: dict[str, Any] = {
        "candidate": name,
        "algorithm": row["algorithm"],
        "objective_metric": result.objective_metric,
        "objective": _r(row["objective"]),
        "metrics": {
            k: _r(row[k]) for k in board.columns if k in _metric_columns(result.problem_type)
        },
    }
    if result.problem_type == REGRESSION:
        residuals = np.asarray(y, float) - pred
        rng = np.random.default_rng(0)
        pick = np.sort(rng.choice(len(y), size=min(len(y), 500), replace=False))
        out["residuals"] = {
            "actual": [_r(v) for v in np.asarray(y, float)[pick]],
            "predicted": [_r(v) for v in np.asarray(pred)[pick]],
            "mean": _r(residuals.mean()),
            "std": _r(residuals.std()),
        }
    else:
        from sklearn.metrics import confusion_matrix

        labels = [str(c) for c in result.classes]
        matrix = confusion_matrix(
            y, pred.argmax(axis=1), labels=list(range(len(labels))), sample_weight=w
        )
        out["confusion_matrix"] = {"labels": labels, "matrix": matrix.round(6).tolist()}
        if result.problem_type == BINARY:
            from sklearn.metrics import precision_recall_curve, roc_curve

            fpr, tpr, _ = roc_curve(y, pred[:, 1], sample_weight=w)
            precision, recall, _ = precision_recall_curve(y, pred[:, 1], sample_weight=w)
            out["roc_curve"] = _thin([[_r(a), _r(b)] for a, b in zip(fpr, tpr, strict=True)])
            out["pr_curve"] = _thin(
                [[_r(a), _r(b)] for a, b in zip(recall, precision, strict=True)]
            )
            out["positive_class"] = labels[1]
    if importance:
        try:
            imp = result.explain(name, max_rows=1000, repeats=2, time_limit=importance_seconds)
            out["feature_importance"] = [
                {"feature": r.feature, "importance": _r(r.importance), "std": _r(r.std)}
                for r in imp.itertuples()
            ]
        except Exception as exc:  # importance is a nice-to-have, not worth failing a job
            out["feature_importance_error"] = f"{type(exc).__name__}: {exc}"
    return out


#: Candidates (the best included) whose feature importance a report computes.
IMPORTANCE_CANDIDATES = 3


def _metric_columns(problem_type: str) -> list[str]:
    from .problem import metric_names

    return metric_names(problem_type)


def run_report(
    result: Any,
    importance: bool = True,
    candidates: bool = True,
    importance_seconds: float = 30.0,
) -> dict[str, Any]:
    """The whole ``report.json``: the run's decisions, the leaderboard and the best candidate.

    With ``candidates``, ``report["candidates"]`` holds every other finished candidate's
    metrics and charts' data. Feature importance shares one allowance of
    ``importance_seconds``: the best candidate first, then the next ones by rank (at most
    :data:`IMPORTANCE_CANDIDATES` in all) while at least a second of it is left.
    """
    import time

    board = result.leaderboard()
    rows = board.replace({np.nan: None}).to_dict(orient="records")
    report: dict[str, Any] = {"summary": result.summary(), "leaderboard": rows}
    deadline = time.monotonic() + importance_seconds
    if result.best_candidate is not None:
        report["best"] = candidate_report(
            result, importance=importance, importance_seconds=importance_seconds
        )
    if candidates:
        others: dict[str, Any] = {}
        explained = 1
        for name in result.candidate_names():
            if name == result.best_candidate:
                continue
            left = deadline - time.monotonic()
            explain = importance and explained < IMPORTANCE_CANDIDATES and left >= 1.0
            try:
                others[name] = candidate_report(
                    result, name, importance=explain, importance_seconds=max(left, 0.0)
                )
                explained += explain
            except Exception as exc:  # one odd candidate must not lose the report
                others[name] = {"candidate": name, "error": f"{type(exc).__name__}: {exc}"}
        report["candidates"] = others
    return report
