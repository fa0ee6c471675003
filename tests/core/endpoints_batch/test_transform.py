"""Batch transform: chunked scoring of CSV and Parquet files equals the model on the whole file."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd
import pytest

from jupyter_studio.core.endpoints.batch.transform import (
    BatchTransformError,
    TransformStopped,
    input_files,
    score_file,
)

from .conftest import customers

ROWS, CHUNK = 25_000, 10_000
FEATURES = ["age", "income", "city"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    frame = customers(ROWS, seed=5)
    frame.insert(0, "id", np.arange(ROWS))
    return frame


@pytest.fixture(scope="module")
def expected(classifier: Path, data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The model's predictions and probabilities on the whole file at once."""
    model = mlflow.pyfunc.load_model(str(classifier))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = np.asarray(model.predict(data))
    probabilities = model.get_raw_model().predict_proba(data[FEATURES])
    return labels, probabilities


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path)
    return pd.read_parquet(path)


def check_output(frame: pd.DataFrame, data: pd.DataFrame, expected: Any) -> None:
    labels, probabilities = expected
    assert list(frame.columns) == [
        "id",
        *FEATURES,
        "prediction",
        "probability_no",
        "probability_yes",
    ]
    assert len(frame) == ROWS
    assert frame["id"].astype(int).tolist() == data["id"].tolist()  # order kept
    np.testing.assert_array_equal(frame["income"].to_numpy(), data["income"].to_numpy())
    np.testing.assert_array_equal(frame["prediction"].to_numpy(dtype=object), labels)
    np.testing.assert_allclose(
        frame[["probability_no", "probability_yes"]].to_numpy(), probabilities, rtol=1e-12
    )


@pytest.mark.parametrize(
    ("source", "target"),
    [("csv", "parquet"), ("parquet", "parquet"), ("csv", "csv"), ("parquet", "csv")],
)
def test_a_file_larger_than_a_chunk(
    tmp_path: Path,
    classifier: Path,
    data: pd.DataFrame,
    expected: Any,
    source: str,
    target: str,
) -> None:
    path = tmp_path / f"rows.{source}"
    if source == "csv":
        data.to_csv(path, index=False)
    else:
        data.to_parquet(path, row_group_size=4_000)
    progress: list[tuple[int, float]] = []
    result = score_file(
        classifier,
        [path],
        tmp_path / f"out.{target}",
        chunk_rows=CHUNK,
        on_progress=lambda rows, fraction: progress.append((rows, fraction)),
    )
    assert result.rows == ROWS and result.chunks == 3 and result.format == target
    assert result.prediction_columns == ["prediction", "probability_no", "probability_yes"]
    assert [rows for rows, _ in progress] == [10_000, 20_000, 25_000]
    fractions = [fraction for _, fraction in progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    check_output(read(tmp_path / f"out.{target}"), data, expected)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_folder_of_csv_and_parquet_files(
    tmp_path: Path, classifier: Path, data: pd.DataFrame, expected: Any
) -> None:
    folder = tmp_path / "in"
    (folder / "late").mkdir(parents=True)
    data.iloc[:9_000].to_csv(folder / "part-0.csv", index=False)
    data.iloc[9_000:17_000].to_parquet(folder / "part-1.parquet")
    data.iloc[17_000:].to_csv(folder / "late" / "part-2.csv", index=False)
    (folder / "_SUCCESS").write_text("")
    (folder / "README.md").write_text("not data")
    data.iloc[:5].to_csv(folder / ".hidden.csv", index=False)
    assert [p.relative_to(folder).as_posix() for p in input_files([folder])] == [
        "late/part-2.csv",
        "part-0.csv",
        "part-1.parquet",
    ]
    result = score_file(classifier, [folder], tmp_path / "out.parquet", chunk_rows=CHUNK)
    assert len(result.files) == 3 and result.rows == ROWS
    frame = read(tmp_path / "out.parquet")
    order = np.argsort(frame["id"].astype(int).to_numpy(), kind="stable")
    check_output(frame.iloc[order].reset_index(drop=True), data, expected)


def test_regression_predictions_round_trip_in_csv(tmp_path: Path, regressor: Path) -> None:
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({"x2": rng.normal(size=2_500), "x1": rng.normal(size=2_500)})
    frame.to_csv(tmp_path / "x.csv", index=False)
    result = score_file(regressor, tmp_path / "x.csv", tmp_path / "y.csv", chunk_rows=1_000)
    assert result.prediction_columns == ["prediction"]
    out = read(tmp_path / "y.csv")
    reference = mlflow.pyfunc.load_model(str(regressor)).predict(pd.read_csv(tmp_path / "x.csv"))
    np.testing.assert_array_equal(out["prediction"].to_numpy(), np.asarray(reference))
    assert list(out.columns) == ["x2", "x1", "prediction"]


def test_headerless_csv_in_schema_order(tmp_path: Path, classifier: Path) -> None:
    rows = customers(30, seed=8)
    rows.to_csv(tmp_path / "rows.csv", index=False, header=False)
    score_file(classifier, [tmp_path / "rows.csv"], tmp_path / "out.csv", chunk_rows=7)
    out = read(tmp_path / "out.csv")
    assert list(out.columns[:3]) == FEATURES and len(out) == 30
    reference = mlflow.pyfunc.load_model(str(classifier)).predict(rows)
    assert out["prediction"].tolist() == list(reference)


def test_a_model_without_schema_gets_the_inferred_columns(tmp_path: Path) -> None:
    import mlflow.sklearn
    from sklearn.linear_model import LinearRegression

    frame = pd.DataFrame({"a": np.arange(50.0), "b": np.arange(50.0) % 7})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(
            LinearRegression().fit(frame, frame.a + frame.b),
            tmp_path / "m",
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn"],
        )
    frame.to_csv(tmp_path / "in.csv", index=False)
    score_file(tmp_path / "m", [tmp_path / "in.csv"], tmp_path / "out.parquet", chunk_rows=20)
    out = read(tmp_path / "out.parquet")
    np.testing.assert_allclose(out["prediction"], frame.a + frame.b, atol=1e-9)

    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression().fit(frame, frame.b > 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(
            classifier,
            tmp_path / "c",
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn"],
        )
    score_file(tmp_path / "c", [tmp_path / "in.csv"], tmp_path / "out.csv", chunk_rows=20)
    out = read(tmp_path / "out.csv")
    assert list(out.columns) == ["a", "b", "prediction", "probability_False", "probability_True"]
    np.testing.assert_array_equal(out["prediction"], classifier.predict(frame))
    np.testing.assert_allclose(
        out[["probability_False", "probability_True"]], classifier.predict_proba(frame)
    )


# ---------------------------------------------------------------------------------- bad input


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_a_missing_column_is_named(tmp_path: Path, classifier: Path) -> None:
    path = write_csv(tmp_path / "rows.csv", customers(20, seed=1).drop(columns=["income"]))
    with pytest.raises(BatchTransformError, match=r"rows\.csv has no column 'income' \(double\)"):
        score_file(classifier, [path], tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_wrong_value_is_named_with_its_row(tmp_path: Path, classifier: Path) -> None:
    frame = customers(300, seed=1).astype({"income": object, "age": object})
    frame.loc[254, "income"] = "lots"
    path = write_csv(tmp_path / "rows.csv", frame)
    with pytest.raises(
        BatchTransformError,
        match=r"rows\.csv: column 'income': expected a number \(double\), got 'lots' in row 255",
    ):
        score_file(classifier, [path], tmp_path / "out.parquet", chunk_rows=100)
    frame.loc[254, "income"] = 1.0
    frame.loc[120, "age"] = None
    frame.to_parquet(tmp_path / "rows.parquet")
    with pytest.raises(BatchTransformError, match=r"column 'age'.*row 121"):
        score_file(classifier, [tmp_path / "rows.parquet"], tmp_path / "out.csv", chunk_rows=100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv", "rows.parquet"]


def test_files_that_are_not_csv_or_parquet(tmp_path: Path, classifier: Path) -> None:
    (tmp_path / "rows.txt").write_text("age,income,city\n1,2,Lyon\n")
    with pytest.raises(BatchTransformError, match=r"rows\.txt is not a CSV or Parquet file"):
        score_file(classifier, [tmp_path / "rows.txt"], tmp_path / "out.csv")
    (tmp_path / "fake.parquet").write_text("age,income,city\n1,2,Lyon\n")
    with pytest.raises(BatchTransformError, match=r"fake\.parquet cannot be read as Parquet"):
        score_file(classifier, [tmp_path / "fake.parquet"], tmp_path / "out.csv")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00garbage\x00\n")
    with pytest.raises(BatchTransformError, match=r"binary\.csv"):
        score_file(classifier, [tmp_path / "binary.csv"], tmp_path / "out.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(BatchTransformError, match=r"empty\.csv: the file is empty"):
        score_file(classifier, [tmp_path / "empty.csv"], tmp_path / "out.csv")
    (tmp_path / "header.csv").write_text("age,income,city\n")
    with pytest.raises(BatchTransformError, match="no rows to score in header.csv"):
        score_file(classifier, [tmp_path / "header.csv"], tmp_path / "out.csv")
    (tmp_path / "folder").mkdir()
    with pytest.raises(BatchTransformError, match="the folder folder has no CSV or Parquet"):
        score_file(classifier, [tmp_path / "folder"], tmp_path / "out.csv")
    with pytest.raises(BatchTransformError, match="does not exist"):
        score_file(classifier, [tmp_path / "nothing.csv"], tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_other_refusals(tmp_path: Path, classifier: Path) -> None:
    (tmp_path / "in").mkdir()
    one = write_csv(tmp_path / "in" / "a.csv", customers(10, seed=1))
    write_csv(tmp_path / "in" / "b.csv", customers(10, seed=2).assign(extra=1))
    with pytest.raises(BatchTransformError, match=r"b\.csv does not have the columns of a\.csv"):
        score_file(classifier, [tmp_path / "in"], tmp_path / "out.csv")
    with pytest.raises(BatchTransformError, match=r"must end with \.csv or \.parquet"):
        score_file(classifier, [one], tmp_path / "out.json")
    with pytest.raises(BatchTransformError, match="is also an input"):
        score_file(classifier, [one], one)
    with pytest.raises(BatchTransformError, match="not an MLflow model folder"):
        score_file(tmp_path, [one], tmp_path / "out.csv")


def test_stopping_leaves_no_output(tmp_path: Path, classifier: Path) -> None:
    path = write_csv(tmp_path / "rows.csv", customers(1_000, seed=1))
    (tmp_path / "out.parquet").write_text("previous output")
    calls: list[int] = []

    def should_stop() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(TransformStopped):
        score_file(
            classifier, [path], tmp_path / "out.parquet", chunk_rows=100, should_stop=should_stop
        )
    assert (tmp_path / "out.parquet").read_text() == "previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet", "rows.csv"]
