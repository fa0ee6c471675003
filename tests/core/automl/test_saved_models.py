"""Saved AutoML models answer what the candidate computes, through every way a model is served.

Defect 10 of issue 22: a weighted-ensemble best model was saved as a ``PythonModel``, so its
endpoint answered predictions only (``probabilities: false``). Every classifier candidate (a single
model, a stacked one and the ensemble) must answer per-class probabilities through the endpoint
runtime, batch transform and ``predict_proba``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jupyter_studio.core.automl.api import AutoMLResult
from jupyter_studio.core.automl.engine import Engine
from jupyter_studio.core.automl.pipeline import CandidateSpec
from jupyter_studio.core.automl.settings import RunSettings


def _replayed(frame: pd.DataFrame, problem_type: str | None = None) -> AutoMLResult:
    """Two level-1 candidates, one stacked on them and their weighted ensemble, whatever the
    machine's load (the candidates are replayed, not searched within a budget)."""
    engine = Engine(RunSettings(target="y", max_runtime=600, problem_type=problem_type, min_rows=0))
    engine.prepare(frame)
    specs = [
        CandidateSpec("Linear", "linear"),
        CandidateSpec("KNN", "knn"),
        CandidateSpec("Linear_L2", "linear", level=2),
    ]
    engine.replay(specs, stack_base=["Linear", "KNN"])
    engine._build_ensemble()
    engine.elapsed = 0.0
    return AutoMLResult(engine)


@pytest.fixture(scope="module")
def classifier() -> AutoMLResult:
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=4, n_classes=3, random_state=3
    )
    frame = pd.DataFrame(X).add_prefix("f").assign(y=np.array(["red", "green", "blue"])[y])
    return _replayed(frame)


def test_every_classifier_candidate_answers_probabilities_when_served(
    classifier: AutoMLResult, tmp_path: Path
) -> None:
    import mlflow.sklearn

    from jupyter_studio.core.endpoints.batch.transform import score_file
    from jupyter_studio.core.endpoints.runtime.model import LoadedModel

    board = classifier.leaderboard().set_index("candidate")
    assert {"Linear", "KNN", "Linear_L2", "WeightedEnsemble"} <= set(
        board.index[board["status"] == "completed"]
    ), board[["status", "failure_reason"]]
    rows = classifier._engine.request.frame.head(25)
    rows.to_csv(tmp_path / "rows.csv", index=False)
    for name in ("Linear", "Linear_L2", "WeightedEnsemble"):
        expected = classifier.model(name).predict_proba(rows)
        path = classifier.save(tmp_path / name, candidate=name)
        # the endpoint runtime
        served = LoadedModel(path)
        assert served.describe()["probabilities"] is True, name
        answer = served.predict(rows)
        assert answer.probabilities is not None, name
        assert list(answer.classes) == ["blue", "green", "red"]
        assert np.allclose(answer.probabilities, expected.to_numpy(), atol=1e-9), name
        assert list(answer.values) == list(classifier.model(name).predict(rows)), name
        # batch transform
        result = score_file(path, tmp_path / "rows.csv", tmp_path / f"{name}-scored.csv")
        scored = pd.read_csv(result.output)
        columns = ["probability_blue", "probability_green", "probability_red"]
        assert set(columns) <= set(scored.columns), scored.columns
        assert np.allclose(scored[columns].to_numpy(), expected.to_numpy(), atol=1e-6)
        # predict_proba of the saved model
        loaded = mlflow.sklearn.load_model(str(path))
        assert np.allclose(loaded.predict_proba(rows), expected.to_numpy(), atol=1e-9)
        assert list(loaded.classes_) == ["blue", "green", "red"]


def test_predict_after_predict_proba_on_the_same_rows_runs_the_model_once(
    classifier: AutoMLResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_studio.core.automl.mlflow_model import as_estimator

    estimator = as_estimator(classifier.model("WeightedEnsemble"))
    rows = classifier._engine.request.frame.head(10)
    calls = []
    original = estimator.model.predict_raw

    def counted(X, rows=None):  # noqa: ANN001, ANN202
        calls.append(len(X))
        return original(X, rows)

    monkeypatch.setattr(estimator.model, "predict_raw", counted)
    proba = estimator.predict_proba(rows)
    labels = estimator.predict(rows)
    assert len(calls) == 1
    assert list(labels) == list(estimator.classes_[proba.argmax(axis=1)])
    changed = rows.copy()
    changed.iloc[0, 0] += 1.0
    estimator.predict(changed)  # other values: the model runs again
    assert len(calls) == 2


def test_a_saved_regressor_answers_values_without_probabilities(tmp_path: Path) -> None:
    from sklearn.datasets import make_regression

    from jupyter_studio.core.endpoints.runtime.model import LoadedModel

    X, y = make_regression(n_samples=200, n_features=4, noise=0.1, random_state=0)
    result = _replayed(pd.DataFrame(X).add_prefix("f").assign(y=y), problem_type="regression")
    rows = result._engine.request.frame.head(5)
    served = LoadedModel(result.save(tmp_path / "ensemble", candidate="WeightedEnsemble"))
    assert served.describe()["probabilities"] is False
    answer = served.predict(rows)
    assert answer.probabilities is None
    assert np.allclose(answer.values, result.model("WeightedEnsemble").predict(rows))


def test_saved_model_reloads_in_a_fresh_process(classifier: AutoMLResult, tmp_path: Path) -> None:
    path = classifier.save(tmp_path / "model")
    rows = classifier._engine.request.frame.head(40)
    rows.to_parquet(tmp_path / "rows.parquet")
    expected = classifier.best_model().predict_proba(rows)
    script = f"""
import json, mlflow.pyfunc, mlflow.sklearn, pandas as pd
rows = pd.read_parquet({str(tmp_path / "rows.parquet")!r})
labels = mlflow.pyfunc.load_model({str(path)!r}).predict(rows)
model = mlflow.sklearn.load_model({str(path)!r})
print(json.dumps({{"labels": list(labels), "proba": model.predict_proba(rows).tolist(),
                   "classes": list(map(str, model.classes_))}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded["classes"] == ["blue", "green", "red"]
    assert np.allclose(loaded["proba"], expected.to_numpy(), atol=1e-9)
    assert loaded["labels"] == list(classifier.best_model().predict(rows))
    saved = classifier.save_candidates(tmp_path / "candidates")
    assert set(saved) == set(classifier.candidate_names())
    assert all((p / "MLmodel").is_file() for p in saved.values())
