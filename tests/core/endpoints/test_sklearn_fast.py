"""The scikit-learn fast path transforms exactly as the pipeline does, and steps aside otherwise."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    RobustScaler,
    StandardScaler,
)

from jupyter_studio.core.endpoints.runtime.payloads import (
    Column,
    InputSchema,
    build_frame,
)
from jupyter_studio.core.endpoints.runtime.sklearn_fast import (
    VERIFY_CALLS,
    FastTransforms,
    same,
)

#: The MLflow type of each column of :func:`mixed_rows`.
TYPES = {
    "income": "double",
    "ratio": "float",
    "age": "long",
    "visits": "integer",
    "member": "boolean",
    "city": "string",
    "plan": "string",
    "shop": "long",
}
NUMBERS = ["income", "ratio", "age", "visits"]


def mixed_rows(rows: int, seed: int, unseen: bool = False) -> pd.DataFrame:
    """Every schema dtype, missing numbers (NaN) and texts (None); unseen categories on demand."""
    rng = np.random.default_rng(seed)
    income = rng.normal(50.0, 12.0, rows)
    income[rng.random(rows) < 0.1] = np.nan
    cities = np.array(["Lyon", "Paris", "Nice"] + (["Brest"] if unseen else []), dtype=object)
    city = rng.choice(cities, rows)
    city[rng.random(rows) < 0.1] = None
    plans = ["basic", "plus", "pro", "rare"] + (["new"] if unseen else [])
    shop = rng.integers(0, 6, rows)
    if unseen:
        shop[rng.random(rows) < 0.1] = 99
    return pd.DataFrame(
        {
            "income": income,
            "ratio": rng.random(rows).astype(np.float32),
            "age": rng.integers(18, 80, rows),
            "visits": rng.integers(0, 30, rows).astype(np.int32),
            "member": rng.random(rows) < 0.4,
            "city": pd.Series(city, dtype=object),
            "plan": pd.Series(rng.choice(plans, rows, p=None), dtype=object),
            "shop": shop,
        }
    )


def labels(rows: pd.DataFrame) -> np.ndarray:
    score = np.nan_to_num(rows.income, nan=50.0) / 10 + rows.member * 2 + (rows.city == "Paris")
    return np.where(score + rows.ratio > 6.5, "yes", "no")


def schema_of(columns: list[str]) -> InputSchema:
    return InputSchema([Column(name, TYPES[name]) for name in columns])


def request(rows: pd.DataFrame, schema: InputSchema, seed: int = 0) -> pd.DataFrame:
    """The frame the server builds from a JSON body of ``rows``, columns sent in another order."""
    names = list(np.random.default_rng(seed).permutation(list(rows.columns)))
    return build_frame(names, [rows[n].tolist() for n in names], schema, from_text=False)


def fitted(pipeline: Pipeline, columns: list[str], regression: bool = False) -> Pipeline:
    train = mixed_rows(400, seed=0)[columns]
    target = labels(mixed_rows(400, seed=0))
    if regression:
        target = (target == "yes") * 3.0 + train[columns[0]].fillna(0).to_numpy() / 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipeline.fit(train, target)


def fast_of(pipeline: Pipeline, schema: InputSchema) -> FastTransforms:
    fast = FastTransforms.build([step for _, step in pipeline.steps[:-1]], schema)
    assert fast is not None
    return fast


def check_equal(pipeline: Pipeline, columns: list[str]) -> FastTransforms:
    """Many rows, small batches and single rows: fast transform and predictions are the pipeline's."""
    schema = schema_of(columns)
    fast = fast_of(pipeline, schema)
    final = pipeline.steps[-1][1]
    test = mixed_rows(300, seed=1, unseen=True)[columns]
    batches = [test] + [test.iloc[i : i + 5] for i in range(0, 20, 5)]
    batches += [test.iloc[i : i + 1] for i in range(20, 45)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown categories
        for number, rows in enumerate(batches):
            frame = request(rows.reset_index(drop=True), schema, seed=number)
            got = fast.transform(frame)
            assert same(got, fast.normal(frame)), f"batch {number}"
            assert np.array_equal(final.predict(got), pipeline.predict(frame))
            if hasattr(final, "predict_proba"):
                assert np.array_equal(final.predict_proba(got), pipeline.predict_proba(frame))
    assert fast.active
    assert fast.fast_calls == len(batches) and fast.normal_calls == 0
    return fast


def imputed_numbers() -> Pipeline:
    return Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])


def imputed_texts() -> Pipeline:
    return Pipeline(
        [
            ("impute", SimpleImputer(missing_values=None, strategy="constant", fill_value="-")),
            ("encode", OneHotEncoder(handle_unknown="ignore")),
        ]
    )


def test_scalers_encoders_passthrough_and_a_linear_model() -> None:
    columns = list(TYPES)
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("numbers", imputed_numbers(), NUMBERS),
                        ("texts", imputed_texts(), ["city", "plan"]),
                        (
                            "shop",
                            OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=60),
                            ["shop"],
                        ),
                    ],
                    remainder="passthrough",  # member (bool)
                ),
            ),
            ("classify", LogisticRegression(max_iter=1000)),
        ]
    )
    fast = check_equal(fitted(pipeline, columns), columns)
    assert all(part.endswith(": arrays") for part in fast.plan.parts), fast.plan.parts


def test_other_scalers_ordinal_encoder_and_a_forest() -> None:
    columns = list(TYPES)
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("ratio", MinMaxScaler(clip=True), ["ratio"]),
                        ("counts", MaxAbsScaler(), ["age", "visits"]),
                        ("income", RobustScaler(), ["income"]),
                        (
                            "texts",
                            OrdinalEncoder(
                                handle_unknown="use_encoded_value",
                                unknown_value=-1,
                                encoded_missing_value=-2,
                            ),
                            ["city", "plan"],
                        ),
                        ("member", "passthrough", ["member"]),
                        ("shop", "drop", ["shop"]),
                    ]
                ),
            ),
            ("classify", RandomForestClassifier(n_estimators=10, random_state=0)),
        ]
    )
    fast = check_equal(fitted(pipeline, columns), columns)
    assert all(part.endswith(": arrays") for part in fast.plan.parts), fast.plan.parts


def test_sparse_output_weights_and_callable_selectors() -> None:
    columns = ["income", "age", "city", "plan", "member"]
    sparse_one = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        (
                            "numbers",
                            imputed_numbers(),
                            make_column_selector(dtype_include=np.number),
                        ),
                        ("texts", imputed_texts(), make_column_selector(dtype_include=object)),
                    ],
                    remainder="passthrough",
                    sparse_threshold=1.0,
                    transformer_weights={"texts": 2.5, "numbers": 0.5},
                ),
            ),
            ("regress", Ridge()),
        ]
    )
    pipeline = fitted(sparse_one, columns, regression=True)
    assert pipeline.steps[0][1].sparse_output_
    fast = check_equal(pipeline, columns)
    assert all(part.endswith(": arrays") for part in fast.plan.parts), fast.plan.parts


def test_a_known_transformer_as_the_first_step() -> None:
    pipeline = Pipeline(
        [
            ("impute", SimpleImputer()),
            ("scale", StandardScaler()),
            ("classify", LogisticRegression()),
        ]
    )
    fast = check_equal(fitted(pipeline, NUMBERS), NUMBERS)
    assert fast.plan.parts == ["SimpleImputer on arrays"]


def test_unknown_parts_keep_their_dataframe_and_the_rest_is_fast() -> None:
    columns = list(TYPES)
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("log", FunctionTransformer(np.log1p), ["age", "visits"]),
                        ("square", PolynomialFeatures(2), ["ratio"]),
                        ("words", CountVectorizer(), "plan"),  # a scalar selector: a Series
                        ("mixed", OneHotEncoder(handle_unknown="ignore"), ["city", "shop"]),
                        ("numbers", imputed_numbers(), ["income"]),
                    ],
                    remainder=MinMaxScaler(),  # member: booleans are not taken as numbers
                ),
            ),
            ("classify", LogisticRegression(max_iter=1000)),
        ]
    )
    fast = check_equal(fitted(pipeline, columns), columns)
    by_name = {part.split(" ")[0]: part for part in fast.plan.parts}
    assert by_name["numbers"].endswith(": arrays")
    for name in ("log", "square", "words", "mixed", "remainder"):
        assert ": DataFrame (" in by_name[name], by_name[name]


def test_a_passthrough_of_mixed_dtypes_keeps_its_dataframe() -> None:
    columns = ["income", "age", "ratio", "member"]
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [("income", imputed_numbers(), ["income"])], remainder="passthrough"
                ),
            ),
            ("classify", RandomForestClassifier(n_estimators=5, random_state=0)),
        ]
    )
    fast = check_equal(fitted(pipeline, columns), columns)
    assert "remainder (FunctionTransformer): DataFrame" in fast.plan.parts[-1]


def simple_pipeline(**encoder: Any) -> Pipeline:
    columns = ["income", "city"]
    return fitted(
        Pipeline(
            [
                (
                    "prepare",
                    ColumnTransformer(
                        [
                            ("income", imputed_numbers(), ["income"]),
                            ("city", OneHotEncoder(**encoder), ["city"]),
                        ]
                    ),
                ),
                ("classify", LogisticRegression()),
            ]
        ),
        columns,
    )


def test_no_fast_path_for_a_pandas_output_or_nothing_known() -> None:
    schema = schema_of(["income", "city"])
    pandas_output = simple_pipeline(handle_unknown="ignore", sparse_output=False)
    pandas_output.set_output(transform="pandas")
    assert FastTransforms.build([pandas_output.steps[0][1]], schema) is None
    unknown = fitted(
        Pipeline(
            [
                ("prepare", ColumnTransformer([("log", FunctionTransformer(np.log1p), ["age"])])),
                ("regress", Ridge()),
            ]
        ),
        ["age"],
        regression=True,
    )
    assert FastTransforms.build([unknown.steps[0][1]], schema_of(["age"])) is None
    on_arrays = Pipeline([("scale", StandardScaler()), ("classify", LogisticRegression())])
    on_arrays.fit(np.arange(10.0).reshape(-1, 1), [0, 1] * 5)
    assert FastTransforms.build([on_arrays.steps[0][1]], schema_of(["income"])) is None


def test_requests_not_as_planned_take_the_normal_path() -> None:
    pipeline = simple_pipeline(handle_unknown="ignore", sparse_output=False)
    schema = schema_of(["income", "city"])
    fast = fast_of(pipeline, schema)
    rows = mixed_rows(20, seed=2)[["income", "city"]]
    frame = request(rows, schema)
    other_dtype = frame.assign(income=frame.income.fillna(0).astype(np.int64))
    one_column = frame[["city"]]
    assert same(fast.transform(other_dtype), pipeline[:-1].transform(other_dtype))
    with pytest.raises(ValueError):  # the pipeline's own error
        fast.transform(one_column)
    with sklearn.config_context(transform_output="pandas"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = fast.transform(frame)
        assert isinstance(got, pd.DataFrame)
        pd.testing.assert_frame_equal(got, pipeline[:-1].transform(frame))
    assert fast.fast_calls == 0 and fast.normal_calls == 3


def test_a_failing_request_gives_the_pipelines_error() -> None:
    pipeline = simple_pipeline(handle_unknown="error")
    schema = schema_of(["income", "city"])
    fast = fast_of(pipeline, schema)
    frame = request(mixed_rows(30, seed=3, unseen=True)[["income", "city"]], schema)
    with pytest.raises(ValueError) as normal:
        pipeline.predict(frame)
    with pytest.raises(ValueError) as ours:
        fast.transform(frame)
    assert str(ours.value) == str(normal.value)
    assert fast.active and fast.normal_calls == 1


def test_a_difference_turns_the_fast_path_off(caplog: pytest.LogCaptureFixture) -> None:
    pipeline = simple_pipeline(handle_unknown="ignore")
    schema = schema_of(["income", "city"])
    fast = fast_of(pipeline, schema)
    frame = request(mixed_rows(10, seed=4)[["income", "city"]], schema)
    run: Callable[..., Any] = fast.plan.run
    fast.plan.run = lambda frame, columns: run(frame, columns) + 1e-12  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING):
        got = fast.transform(frame)
    assert same(got, pipeline[:-1].transform(frame))
    assert not fast.active and "differs from the pipeline" in caplog.text
    fast.transform(frame)
    assert fast.fast_calls == 0 and fast.normal_calls == 2


def test_only_the_first_requests_are_checked_twice() -> None:
    pipeline = simple_pipeline(handle_unknown="ignore")
    schema = schema_of(["income", "city"])
    fast = fast_of(pipeline, schema)
    frame = request(mixed_rows(3, seed=5)[["income", "city"]], schema)
    calls = []
    normal = fast.normal
    fast.normal = lambda frame: calls.append(1) or normal(frame)  # type: ignore[method-assign]
    for _ in range(VERIFY_CALLS + 5):
        fast.transform(frame)
    assert len(calls) == VERIFY_CALLS and fast.fast_calls == VERIFY_CALLS + 5


def test_a_saved_pipeline_loads_with_the_fast_path(tmp_path: Path) -> None:
    import mlflow.pyfunc
    import mlflow.sklearn
    from mlflow.models import infer_signature

    from jupyter_studio.core.endpoints.runtime.model import LoadedModel

    columns = list(TYPES)
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("numbers", imputed_numbers(), NUMBERS),
                        ("texts", imputed_texts(), ["city", "plan"]),
                        ("shop", OneHotEncoder(handle_unknown="ignore"), ["shop"]),
                    ],
                    remainder="passthrough",
                ),
            ),
            ("classify", LogisticRegression(max_iter=1000)),
        ]
    )
    pipeline = fitted(pipeline, columns)
    train = mixed_rows(400, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(
            pipeline,
            str(tmp_path / "m"),
            signature=infer_signature(train, pipeline.predict(train)),
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn"],
        )
    model = LoadedModel(tmp_path / "m")
    assert model._sklearn_fast is not None
    test = mixed_rows(200, seed=6, unseen=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = mlflow.pyfunc.load_model(str(tmp_path / "m")).predict(test)
        for rows in [test, *(test.iloc[i : i + 1] for i in range(10))]:
            frame = request(rows.reset_index(drop=True), model.schema)
            prediction = model.predict(frame)
            assert list(prediction.values) == list(want[rows.index])
            assert np.array_equal(prediction.probabilities, pipeline.predict_proba(frame))
    assert model._sklearn_fast.active and model._sklearn_fast.fast_calls == 11
