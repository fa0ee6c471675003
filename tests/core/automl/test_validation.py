"""Bad input is refused before any training, with an error naming the field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jupyter_studio.automl import AutoML
from jupyter_studio.core.automl import validate_request, validate_settings
from jupyter_studio.core.automl.problem import infer_problem_type
from jupyter_studio.core.errors import InvalidInput


def fields(exc: pytest.ExceptionInfo[InvalidInput]) -> list[list[str]]:
    assert exc.value.detail, exc.value.message
    return [d["loc"] for d in exc.value.detail]


def frame(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.normal(size=rows),
            "b": rng.choice(["u", "v"], rows),
            "y": rng.integers(0, 2, rows),
        }
    )


def test_too_few_rows_names_the_data_and_the_minimum() -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_request(frame(60), target="y")
    assert fields(exc) == [["data"]] and "at least 100" in exc.value.message
    assert "the min_rows setting" in exc.value.message  # the message says what to change
    validate_request(frame(60), target="y", min_rows=50)  # configurable
    validate_request(frame(400), target="y")  # a 400-row file is enough by default


def test_missing_constant_and_one_class_targets() -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_request(frame(), target="nope")
    assert fields(exc) == [["target"]]
    empty = frame().assign(y=np.nan)
    with pytest.raises(InvalidInput, match="missing") as exc:
        validate_request(empty, target="y")
    assert fields(exc) == [["target"]]
    with pytest.raises(InvalidInput, match="single value") as exc:
        validate_request(frame().assign(y="only"), target="y")
    assert fields(exc) == [["target"]]


def test_text_regression_target() -> None:
    data = frame().assign(y=lambda f: np.where(f["a"] > 0, "high", "low"))
    with pytest.raises(InvalidInput, match="regression target") as exc:
        validate_request(data, target="y", problem_type="regression")
    assert fields(exc) == [["target"]]


def test_all_null_column_is_named() -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_request(frame().assign(empty=np.nan), target="y")
    assert fields(exc) == [["features", "empty"]]


def test_negative_and_missing_weights() -> None:
    data = frame().assign(w=1.0)
    data.loc[3, "w"] = -1
    with pytest.raises(InvalidInput, match="negative") as exc:
        validate_request(data, target="y", sample_weight="w")
    assert fields(exc) == [["sample_weight"]]
    with pytest.raises(InvalidInput) as exc:
        validate_request(frame(), target="y", sample_weight="nope")
    assert fields(exc) == [["sample_weight"]]


def test_files_that_are_not_csv_or_parquet(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidInput, match="not a CSV or Parquet") as exc:
        validate_request(path, target="y")
    assert fields(exc) == [["data"]]
    with pytest.raises(InvalidInput, match="does not exist"):
        validate_request(tmp_path / "gone.csv", target="y")
    with pytest.raises(InvalidInput) as exc:
        AutoML(target="y", max_runtime=5).fit(str(path))  # the API refuses it the same way
    assert fields(exc) == [["data"]]


def test_too_many_columns() -> None:
    wide = pd.DataFrame(np.zeros((600, 1002)), columns=[f"c{i}" for i in range(1002)])
    wide["y"] = np.arange(600) % 2
    with pytest.raises(InvalidInput, match="at most 1000") as exc:
        validate_request(wide, target="y")
    assert fields(exc) == [["data"]]


def test_validation_file_with_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "valid.csv"
    frame().rename(columns={"b": "other"}).to_csv(path, index=False)
    with pytest.raises(InvalidInput, match="validation data") as exc:
        validate_request(frame(), target="y", validation=str(path))
    assert fields(exc) == [["validation"]]
    assert "b" in exc.value.message and "other" in exc.value.message


def test_settings_are_checked_field_by_field() -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_settings(
            target="y",
            mode="fast",
            max_runtime=0,
            algorithms=["lightgbm", "svm"],
            objective_metric="nope",
            feature_types={"a": "image"},
            validation=1.5,
        )
    locs = fields(exc)
    for loc in (
        ["mode"],
        ["max_runtime"],
        ["algorithms"],
        ["objective_metric"],
        ["feature_types", "a"],
        ["validation"],
    ):
        assert loc in locs
    with pytest.raises(InvalidInput) as exc:
        validate_settings(problem_type="regression", objective_metric="roc_auc")
    assert fields(exc) == [["objective_metric"]]


def test_problem_type_inference_gives_a_reason_or_asks() -> None:
    assert infer_problem_type(pd.Series(["a", "b", "a"]))[0] == "binary"
    kind, reason = infer_problem_type(pd.Series([0.5, 1.25, 3.0, 4.5]))
    assert kind == "regression" and "fractional" in reason
    assert infer_problem_type(pd.Series([1, 2, 3, 1, 2, 3]))[0] == "multiclass"
    assert infer_problem_type(pd.Series(np.arange(1000)))[0] == "regression"
    with pytest.raises(InvalidInput, match="Choose the problem type") as exc:
        infer_problem_type(pd.Series(np.arange(600) % 30))
    assert fields(exc) == [["problem_type"]]
