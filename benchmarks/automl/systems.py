"""One benchmark run in a fresh process: fit a system on train.parquet, score test.parquet.

Runs with any Python that has the system installed (AutoGluon may live in its own virtual
environment), so it needs only numpy, pandas and scikit-learn besides the system itself.
Prints one JSON line: the test score, the fit's seconds and the process's peak memory.

    python systems.py SYSTEM WORKDIR BUDGET
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

METRIC = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}


def score(problem_type: str, y_true: pd.Series, output: np.ndarray, classes: list) -> float:
    """ROC AUC (binary), log loss (multiclass) or RMSE (regression) on the test rows."""
    from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score

    if problem_type == "regression":
        return float(np.sqrt(mean_squared_error(y_true.astype(float), output)))
    index = {str(c): i for i, c in enumerate(classes)}
    y = np.array([index[str(v)] for v in y_true])
    if problem_type == "binary":
        return float(roc_auc_score(y, output[:, 1]))
    proba = np.clip(output, 1e-15, 1)
    proba = proba / proba.sum(axis=1, keepdims=True)
    return float(log_loss(y, proba, labels=list(range(len(classes)))))


def _aligned(proba: pd.DataFrame, classes: list) -> np.ndarray:
    columns = {str(c): c for c in proba.columns}
    return np.column_stack([proba[columns[str(c)]].to_numpy(float) for c in classes])


def run_studio(train, test, target, problem_type, budget, classes):  # noqa: ANN001, ANN201
    from jupyter_studio.automl import AutoML

    t = time.monotonic()
    result = AutoML(
        target=target,
        problem_type=problem_type,
        objective_metric=METRIC[problem_type],
        max_runtime=budget,
        min_rows=0,
        seed=0,
    ).fit(train)
    info = {"best": result.best_candidate, "fit_seconds": time.monotonic() - t}
    model = result.best_model()
    X = test.drop(columns=[target])
    if problem_type == "regression":
        return model.predict(X), info
    return _aligned(model.predict_proba(X), classes), info


def run_flaml(train, test, target, problem_type, budget, classes):  # noqa: ANN001, ANN201
    from flaml import AutoML as FLAML

    automl = FLAML()
    X, y = train.drop(columns=[target]), train[target]
    task = "regression" if problem_type == "regression" else "classification"
    t = time.monotonic()
    automl.fit(
        X,
        y,
        task=task,
        time_budget=budget,
        metric={"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}[problem_type],
        n_jobs=2,
        seed=0,
        verbose=0,
    )
    info = {"best": automl.best_estimator, "fit_seconds": time.monotonic() - t}
    Xt = test.drop(columns=[target])
    if problem_type == "regression":
        return automl.predict(Xt), info
    proba = pd.DataFrame(automl.predict_proba(Xt), columns=list(automl.classes_))
    return _aligned(proba, classes), info


def run_autogluon(preset):  # noqa: ANN001, ANN201
    def run(train, test, target, problem_type, budget, classes):  # noqa: ANN001, ANN202
        from autogluon.tabular import TabularPredictor

        metric = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}
        with tempfile.TemporaryDirectory() as folder:
            t = time.monotonic()
            predictor = TabularPredictor(
                label=target,
                problem_type=problem_type,
                eval_metric=metric[problem_type],
                path=folder,
                verbosity=0,
            ).fit(train, time_limit=budget, presets=preset, num_cpus=2)
            info = {"best": predictor.model_best, "fit_seconds": time.monotonic() - t}
            Xt = test.drop(columns=[target])
            if problem_type == "regression":
                out = predictor.predict(Xt).to_numpy(float)
            else:
                out = _aligned(predictor.predict_proba(Xt), classes)
            return out, info

    return run


SYSTEMS = {
    "studio": run_studio,
    "flaml": run_flaml,
    "autogluon_best": run_autogluon("best_quality"),
    "autogluon_medium": run_autogluon("medium_quality"),
}


def main() -> None:
    system, workdir, budget = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    meta = json.loads((workdir / "meta.json").read_text())
    train = pd.read_parquet(workdir / "train.parquet")
    test = pd.read_parquet(workdir / "test.parquet")
    target, problem_type = meta["target"], meta["problem_type"]
    classes = meta["classes"]
    started = time.monotonic()
    output, info = SYSTEMS[system](train, test, target, problem_type, budget, classes)
    seconds = time.monotonic() - started  # fit and predict
    value = score(problem_type, test[target], np.asarray(output), classes)
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(
        "RESULT "
        + json.dumps(
            {"score": value, "seconds": seconds, "peak_mb_self": peak / 1024, **info},
            default=str,
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
