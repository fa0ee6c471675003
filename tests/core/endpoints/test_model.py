"""The direct scikit-learn path answers exactly what ``mlflow.pyfunc`` answers."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jupyter_studio.core.endpoints.runtime.capture import DataCapture
from jupyter_studio.core.endpoints.runtime.model import LoadedModel, ModelLoadError
from jupyter_studio.core.endpoints.runtime.payloads import build_frame

from .conftest import save_pipeline, training_frame


def classifiers() -> list[Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    found = [
        LogisticRegression(),
        RandomForestClassifier(n_estimators=15, random_state=0),
        HistGradientBoostingClassifier(max_iter=20),
    ]
    try:
        from lightgbm import LGBMClassifier

        found.append(LGBMClassifier(n_estimators=20, verbose=-1))
    except ImportError:
        pass
    return found


@pytest.mark.parametrize("classifier", classifiers(), ids=lambda c: type(c).__name__)
def test_direct_path_equals_pyfunc(tmp_path: Path, classifier: Any) -> None:
    import mlflow.pyfunc

    path = tmp_path / "model"
    pipeline = save_pipeline(path, classifier)
    model = LoadedModel(path)
    assert model.fast and model.has_probabilities
    rows = training_frame(rows=200, seed=3)
    columns = [rows[name].tolist() for name in rows.columns]
    frame = build_frame(list(rows.columns), columns, model.schema, from_text=False)
    prediction = model.predict(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = mlflow.pyfunc.load_model(str(path)).predict(rows)
    assert list(prediction.values) == list(want)
    assert np.array_equal(prediction.probabilities, pipeline.predict_proba(rows))
    assert list(prediction.classes) == list(pipeline.classes_)


def test_argmax_shortcut_only_where_predict_is_the_argmax(tmp_path: Path) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

    save_pipeline(tmp_path / "forest", RandomForestClassifier(n_estimators=5))
    save_pipeline(tmp_path / "hgb", HistGradientBoostingClassifier(max_iter=5))
    assert LoadedModel(tmp_path / "forest")._argmax
    assert not LoadedModel(tmp_path / "hgb")._argmax


def test_pyfunc_predict_fn_is_honoured(tmp_path: Path) -> None:
    import mlflow.sklearn
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression

    rows = training_frame()[["age", "income"]]
    model = LogisticRegression().fit(rows, rows.income > 50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(
            model,
            str(tmp_path / "m"),
            signature=infer_signature(rows),
            pyfunc_predict_fn="predict_proba",
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn"],
        )
    loaded = LoadedModel(tmp_path / "m")
    frame = build_frame(
        ["age", "income"], [rows.age.tolist(), rows.income.tolist()], loaded.schema, from_text=False
    )
    prediction = loaded.predict(frame)
    assert prediction.probabilities is None
    assert np.array_equal(prediction.values, model.predict_proba(rows))


def test_not_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="no MLmodel"):
        LoadedModel(tmp_path)


def test_capture_samples_by_percentage_and_rotates(tmp_path: Path) -> None:
    draws = iter([0.05, 0.5, 0.09, 0.95])
    capture = DataCapture(tmp_path / "c", 10, max_bytes=300, random_fn=lambda: next(draws))
    assert [capture.sample() for _ in range(4)] == [True, False, True, False]
    for number in range(5):
        capture.record(
            started_at=1_700_000_000.0 + number,
            request_body=b"1,2\n",
            request_type="text/csv",
            response_body=b"\xff\x00",
            response_type="application/octet-stream",
            status=200,
            latency_ms=1.0,
        )
    capture.close()
    files = sorted((tmp_path / "c").iterdir())
    assert len(files) >= 2
    assert all(f.name.startswith("capture-") and f.name.endswith(".jsonl") for f in files)
    lines = [line for f in files for line in f.read_text().splitlines()]
    assert len(lines) == 5
    assert '"encoding":"base64","data":"/wA="' in lines[0]
    assert not DataCapture(tmp_path / "none", 0).enabled
    assert not (tmp_path / "none").exists()
    with pytest.raises(ValueError):
        DataCapture(tmp_path, 101)


def test_capture_keeps_its_folder_under_the_total_size_by_dropping_the_oldest(
    tmp_path: Path,
) -> None:
    capture = DataCapture(tmp_path / "c", 100, max_bytes=1000, max_total_bytes=3000)
    for number in range(60):
        capture.write_line(b'{"n": %d, "pad": "%s"}\n' % (number, b"x" * 150))
    capture.close()
    files = sorted((tmp_path / "c").iterdir())
    assert sum(f.stat().st_size for f in files) <= 3000
    kept = [line for f in files for line in f.read_text().splitlines()]
    # the newest records are kept, in order, and none is cut
    assert kept[-1].startswith('{"n": 59,')
    numbers = [int(line.split(",")[0].split(": ")[1]) for line in kept]
    assert numbers == list(range(numbers[0], 60)) and numbers[0] > 0


def test_a_request_is_scored_in_the_workers_process(tmp_path: Path) -> None:
    """scikit-learn's n_jobs become 1 (no joblib process pool per request, nothing left behind
    when the server stops); a native library's n_jobs (LightGBM's threads) the worker's share."""
    import psutil
    from sklearn.linear_model import LogisticRegression

    path = tmp_path / "model"
    save_pipeline(path, LogisticRegression())
    model = LoadedModel(path, threads=2)
    raw = model.pyfunc.get_raw_model()
    jobs = {
        name: value for name, value in raw.get_params(deep=True).items() if name.endswith("n_jobs")
    }
    assert jobs and set(jobs.values()) == {1}, jobs  # ColumnTransformer's and the model's
    rows = training_frame(rows=1, seed=4)
    frame = build_frame(
        list(rows.columns), [rows[c].tolist() for c in rows.columns], model.schema, from_text=False
    )
    # other tests of the session may have left children of their own: count only new ones
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    for _ in range(3):
        model.predict(frame)
    after = {child.pid for child in psutil.Process().children(recursive=True)}
    assert after - before == set()


def test_native_threads_follow_the_workers_share() -> None:
    lightgbm = pytest.importorskip("lightgbm")
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from jupyter_studio.core.endpoints.runtime.model import limit_threads

    pipeline = Pipeline(
        [
            ("prepare", ColumnTransformer([("n", StandardScaler(), [0])], n_jobs=-1)),
            ("model", lightgbm.LGBMClassifier(n_jobs=-1)),
        ]
    )
    assert limit_threads(pipeline, 3) == {"prepare__n_jobs": 1, "model__n_jobs": 3}
