"""The engine on small data: each problem type and mode, the time limit, stop, failures, reload."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from jupyter_studio.automl import AutoML
from jupyter_studio.core.automl import models

SLACK = lambda budget: budget * 1.05 + 2  # noqa: E731 - the promised bound


def test_binary_ensembling_on_mixed_columns_with_weights(mixed: pd.DataFrame) -> None:
    rows: list[dict] = []
    started = time.monotonic()
    result = AutoML(
        target="y", max_runtime=15, sample_weight="weight", on_candidate=rows.append
    ).fit(mixed)
    elapsed = time.monotonic() - started
    assert elapsed <= SLACK(15), elapsed
    assert result.problem_type == "binary" and "two distinct values" in result.problem_type_reason
    assert result.mode == "ensembling" and "small" in result.mode_reason
    assert "cross-validation" in result.validation_reason
    assert result.feature_types == {
        "x": "numerical",
        "city": "categorical",
        "shop": "categorical",
        "review": "text",
        "day": "datetime",
    }
    board = result.leaderboard()
    for column in (
        "candidate",
        "algorithm",
        "objective",
        "roc_auc",
        "log_loss",
        "accuracy",
        "training_seconds",
        "hyperparameters",
        "status",
        "failure_reason",
    ):
        assert column in board.columns
    done = board[board["status"] == "completed"]
    assert len(done) >= 3 and board["best"].sum() == 1
    failed = board[board["status"] == "failed"]
    assert failed.empty, failed[["candidate", "failure_reason"]].to_dict(orient="records")
    assert done["objective"].iloc[0] == done["objective"].max() > 0.8
    assert [r["candidate"] for r in rows] == list(pd.DataFrame(rows)["candidate"])  # streamed
    assert {r["candidate"] for r in rows} == set(board["candidate"])
    model = result.best_model()
    raw = mixed.drop(columns=["y", "weight"]).head(50)
    labels = model.predict(raw)
    assert set(labels) <= {"yes", "no"}
    proba = model.predict_proba(raw)
    assert list(proba.columns) == ["no", "yes"] and np.allclose(proba.sum(axis=1), 1)
    assert (np.asarray(proba.columns)[proba.to_numpy().argmax(axis=1)] == labels).all()
    importance = result.explain(max_rows=150, repeats=1)
    assert set(importance["feature"]) == set(result.feature_types)
    assert {"x", "review"} & set(importance.head(2)["feature"])  # the strongest signals


def test_multiclass_hpo(multiclass_frame: pd.DataFrame) -> None:
    started = time.monotonic()
    result = AutoML(target="y", mode="hpo", max_runtime=10, min_rows=0).fit(multiclass_frame)
    assert time.monotonic() - started <= SLACK(10)
    assert result.problem_type == "multiclass" and result.mode == "hpo"
    assert result.objective_metric == "log_loss"
    board = result.leaderboard()
    assert (board["status"] == "completed").sum() >= 3
    assert set(board["status"]) <= {"completed", "pruned", "skipped", "failed"}
    proba = result.best_model().predict_proba(multiclass_frame.drop(columns="y"))
    assert list(proba.columns) == [0, 1, 2]
    accuracy = (proba.to_numpy().argmax(axis=1) == multiclass_frame["y"]).mean()
    assert accuracy > 0.9


def test_regression_with_a_holdout_ratio(regression_frame: pd.DataFrame) -> None:
    result = AutoML(
        target="y",
        objective_metric="r2",
        validation=0.25,
        max_runtime=8,
        min_rows=0,
        algorithms=["lightgbm", "linear", "extra_trees", "knn"],
    ).fit(regression_frame)
    assert result.problem_type == "regression" and result.objective_metric == "r2"
    assert "Holdout: 25%" in result.validation_reason
    board = result.leaderboard()
    assert set(board["algorithm"]) <= {"lightgbm", "linear", "extra_trees", "knn", "ensemble"}
    assert board.loc[0, "objective"] > 0.15 and {"rmse", "mae", "mse"} <= set(board.columns)
    predictions = result.best_model().predict(regression_frame.drop(columns="y"))
    assert predictions.dtype.kind == "f" and len(predictions) == len(regression_frame)
    with pytest.raises(ValueError):
        result.best_model().predict_proba(regression_frame.drop(columns="y"))


def test_a_validation_frame_is_used_as_given(binary_frame: pd.DataFrame) -> None:
    train, valid = binary_frame.iloc[:400], binary_frame.iloc[400:]
    result = AutoML(
        target="y", validation=valid, max_runtime=6, min_rows=0, algorithms=["lightgbm", "linear"]
    ).fit(train)
    assert "169 rows" in result.validation_reason
    assert result.leaderboard().loc[0, "objective"] > 0.95


def test_the_time_limit_is_kept_on_bigger_data() -> None:
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=30000, n_features=30, flip_y=0.1, random_state=0)
    data = pd.DataFrame(X).add_prefix("f").assign(y=y)
    started = time.monotonic()
    result = AutoML(target="y", max_runtime=12).fit(data)
    elapsed = time.monotonic() - started
    assert elapsed <= SLACK(12), elapsed
    assert result.best_candidate is not None
    board = result.leaderboard()
    assert (board["status"] == "skipped").any()  # what could not fit was not started


def test_stop_keeps_the_finished_candidates(binary_frame: pd.DataFrame) -> None:
    finished: list[str] = []

    def on_candidate(row: dict) -> None:
        if row["status"] == "completed":
            finished.append(row["candidate"])

    result = AutoML(
        target="y",
        max_runtime=60,
        on_candidate=on_candidate,
        should_stop=lambda: len(finished) >= 2,
    ).fit(binary_frame)
    assert result.stopped and result.elapsed < 30
    board = result.leaderboard()
    kept = set(board.loc[board["status"] == "completed", "candidate"])
    assert set(finished[:2]) <= kept
    assert result.best_candidate in kept
    assert len(result.best_model().predict(binary_frame.head())) == 5


def test_a_crashing_candidate_is_recorded_and_the_run_goes_on(
    binary_frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise MemoryError("the kNN index does not fit")

    monkeypatch.setattr(models.KNNModel, "fit", crash)
    result = AutoML(target="y", max_runtime=6, algorithms=["knn", "linear"], stacking=False).fit(
        binary_frame
    )
    board = result.leaderboard().set_index("candidate")
    assert board.loc["KNN", "status"] == "failed"
    assert "MemoryError: the kNN index does not fit" in board.loc["KNN", "failure_reason"]
    assert board.loc["Linear", "status"] == "completed"
    assert result.best_candidate in {"Linear", "Linear_strong", "WeightedEnsemble"}
    assert "KNN" not in (result.leaderboard().iloc[0]["hyperparameters"].get("weights") or {})


def test_hpo_on_a_holdout_split(binary_frame: pd.DataFrame) -> None:
    result = AutoML(
        target="y", mode="hpo", validation=0.3, max_runtime=20, algorithms=["lightgbm", "linear"]
    ).fit(binary_frame)
    board = result.leaderboard()
    assert "Holdout: 30%" in result.validation_reason
    assert board["candidate"].str.startswith(("Default", "Trial", "Weighted")).all()
    assert (board["status"] == "completed").sum() >= 2


def test_a_stacked_level_predicts_from_raw_rows() -> None:
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=1500, n_features=8, random_state=1)
    data = pd.DataFrame(X).add_prefix("f").assign(y=y)
    result = AutoML(target="y", max_runtime=20, algorithms=["linear", "knn"]).fit(data)
    board = result.leaderboard()
    done = board[board["status"] == "completed"]
    stacked = done[(done["level"] == 2) & (done["algorithm"] != "ensemble")]
    assert len(stacked), board[["candidate", "status", "failure_reason"]]
    name = stacked.iloc[0]["candidate"]
    model = result.model(name)
    assert set(model.members) > {name}  # the level-1 candidates it stacks on come along
    proba = model.predict_proba(data.drop(columns="y").head(20))
    assert proba.shape == (20, 2) and np.allclose(proba.sum(axis=1), 1)
