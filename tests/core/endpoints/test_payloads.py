"""Invocation bodies to DataFrames and predictions to bodies, without a server."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from jupyter_studio.core.endpoints.runtime import payloads
from jupyter_studio.core.endpoints.runtime.limits import DEFAULT_MAX_PAYLOAD_BYTES
from jupyter_studio.core.endpoints.runtime.payloads import (
    Column,
    InputSchema,
    PayloadError,
    Prediction,
    negotiate,
    parse_request,
    render,
)

SCHEMA = InputSchema([Column("age", "long"), Column("income", "double"), Column("city", "string")])
EXPECTED = pd.DataFrame({"age": [41, 30], "income": [55.5, 40.0], "city": ["Lyon", "Paris"]})


def check(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["age", "income", "city"]
    assert frame["age"].dtype == np.int64
    assert frame["income"].dtype == np.float64
    assert frame["age"].tolist() == [41, 30]
    assert frame["income"].tolist() == [55.5, 40.0]
    assert frame["city"].tolist() == ["Lyon", "Paris"]


def refused(body: str | bytes, content_type: str = "application/json", **kwargs) -> PayloadError:
    raw = body.encode() if isinstance(body, str) else body
    with pytest.raises(PayloadError) as caught:
        parse_request(raw, content_type, SCHEMA, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    "body",
    [
        "41,55.5,Lyon\n30,40,Paris\n",
        "age,income,city\n41,55.5,Lyon\n30,40,Paris",
        "city,age,income\r\nLyon,41,55.5\r\nParis,30,40\r\n",
        '\ufeffage,income,city\n41,55.5,"Lyon"\n\n30,40.0,Paris\n',
    ],
    ids=["no-header", "header", "header-other-order-crlf", "bom-quotes-blank-line"],
)
def test_csv_with_or_without_a_header(body: str) -> None:
    check(parse_request(body.encode(), "text/csv; charset=utf-8", SCHEMA))


def test_csv_header_parameter_overrides_the_detection() -> None:
    schema = InputSchema([Column("a", "string"), Column("b", "string")])
    frame = parse_request(b"a,b\nx,y\n", "text/csv; header=absent", schema)
    assert frame["a"].tolist() == ["a", "x"]
    frame = parse_request(b"a,b\nx,y\n", "text/csv;header=present", schema)
    assert frame["a"].tolist() == ["x"]


@pytest.mark.parametrize(
    "document",
    [
        [{"age": 41, "income": 55.5, "city": "Lyon"}, {"city": "Paris", "age": 30, "income": 40}],
        {"columns": ["age", "income", "city"], "data": [[41, 55.5, "Lyon"], [30, 40, "Paris"]]},
        {
            "dataframe_split": {
                "columns": ["city", "age", "income"],
                "data": [["Lyon", 41, 55.5], ["Paris", 30, 40.0]],
            }
        },
        {
            "dataframe_split": {
                "index": [5, 6],
                "columns": ["age", "income", "city"],
                "data": [[41, 55.5, "Lyon"], [30, 40, "Paris"]],
            }
        },
        {
            "dataframe_records": [
                {"age": 41, "income": 55.5, "city": "Lyon"},
                {"age": 30, "income": 40, "city": "Paris"},
            ]
        },
        {"inputs": {"age": [41, 30], "income": [55.5, 40], "city": ["Lyon", "Paris"]}},
        {
            "inputs": [
                {"age": 41, "income": 55.5, "city": "Lyon"},
                {"age": 30, "income": 40, "city": "Paris"},
            ]
        },
        {"instances": [[41, 55.5, "Lyon"], [30, 40, "Paris"]]},
        {"age": [41, 30], "income": [55.5, 40], "city": ["Lyon", "Paris"]},
        [[41, 55.5, "Lyon"], [30, 40, "Paris"]],
        {
            "dataframe_split": {
                "columns": ["age", "income", "city"],
                "data": [[41, 55.5, "Lyon"], [30.0, 40, "Paris"]],
            },
            "params": {},
        },
    ],
    ids=[
        "records",
        "columns-data",
        "dataframe_split",
        "dataframe_split-index",
        "dataframe_records",
        "inputs-columns",
        "inputs-records",
        "instances-rows",
        "columnar-object",
        "rows",
        "integral-float-and-empty-params",
    ],
)
def test_every_json_form(document: object) -> None:
    check(parse_request(json.dumps(document).encode(), "application/json", SCHEMA))


def test_one_record() -> None:
    frame = parse_request(
        b'{"age": 41, "income": 55.5, "city": "Lyon"}', "application/json", SCHEMA
    )
    assert frame.to_dict("records") == [{"age": 41, "income": 55.5, "city": "Lyon"}]


def test_missing_values() -> None:
    frame = parse_request(b"41,,\n", "text/csv", SCHEMA)
    assert np.isnan(frame["income"][0]) and pd.isna(frame["city"][0])
    frame = parse_request(b'[{"age": 1, "income": null, "city": null}]', "application/json", SCHEMA)
    assert np.isnan(frame["income"][0]) and pd.isna(frame["city"][0])


def test_other_types() -> None:
    schema = InputSchema(
        [
            Column("flag", "boolean"),
            Column("small", "integer"),
            Column("ratio", "float"),
            Column("when", "datetime"),
            Column("blob", "binary"),
            Column("note", "string", required=False),
        ]
    )
    frame = parse_request(
        b"true,3,0.5,2024-05-01T10:00:00,aGk=\nFALSE,-2,1e3,2024-05-02,\n", "text/csv", schema
    )
    assert frame["flag"].tolist() == [True, False]
    assert frame["small"].dtype == np.int32 and frame["ratio"].dtype == np.float32
    assert frame["when"].dtype == "datetime64[ns]"
    assert frame["when"][1] == pd.Timestamp("2024-05-02")
    assert frame["blob"][0] == b"hi"
    body = b'[{"flag": true, "small": 3, "ratio": 0.5, "when": "2024-05-01", "blob": "aGk="}]'
    frame = parse_request(body, "application/json", schema)
    assert list(frame.columns) == ["flag", "small", "ratio", "when", "blob"]  # optional left out


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("41,abc,Lyon\n", "text/csv", ["'income'", "a number", "'abc'", "row 1"]),
        (
            '[{"age": 41, "income": "55", "city": "Lyon"}]',
            "application/json",
            ["'income'", "a number", "text '55'"],
        ),
        (
            '[{"age": 41.5, "income": 1, "city": "Lyon"}]',
            "application/json",
            ["'age'", "an integer", "41.5"],
        ),
        ("41.5,1,Lyon\n", "text/csv", ["'age'", "an integer", "'41.5'"]),
        (",1,Lyon\n", "text/csv", ["'age'", "missing values"]),
        (
            '[{"age": 41, "income": 1, "city": 7}]',
            "application/json",
            ["'city'", "text", "the number 7"],
        ),
        (
            '[{"age": true, "income": 1, "city": "x"}]',
            "application/json",
            ["'age'", "an integer", "true"],
        ),
        (
            '[{"age": 1, "income": 1}]',
            "application/json",
            ["missing column 'city'", "text (string)"],
        ),
        ("age,income\n1,2\n", "text/csv", ["missing column 'city'"]),
        ("age,income,zip\n1,2,3\n", "text/csv", ["missing column 'city'", "the body has 'zip'"]),
        ("41,55\n", "text/csv", ["2 values", "3 columns", "age, income, city"]),
        ('{"columns": ["age"], "data": [[1, 2]]}', "application/json", ["row 1", "2 values"]),
        (
            '{"age": [1, 2], "income": [1], "city": ["a", "b"]}',
            "application/json",
            ["different lengths"],
        ),
        ("[]", "application/json", ["no rows"]),
        ("age,income,city\n", "text/csv", ["no data rows"]),
        ("{not json", "application/json", ["not valid JSON"]),
        ('"text"', "application/json", ["cannot read rows"]),
        (
            '{"dataframe_split": {"columns": ["age"], "data": [[1]]}, "extra": 1}',
            "application/json",
            ["unexpected key 'extra'"],
        ),
        ('{"inputs": [[1, 2, "x"]], "params": {"k": 1}}', "application/json", ["params"]),
        (
            '{"columns": ["age", "age"], "data": [[1, 1]]}',
            "application/json",
            ["'age' appears twice"],
        ),
        (b"\xff\xfe41", "text/csv", ["not UTF-8"]),
        ('41,1,"Lyon\n', "text/csv", ["malformed"]),
    ],
)
def test_bad_rows_are_400_naming_the_column(
    body: str | bytes, content_type: str, words: list[str]
) -> None:
    error = refused(body, content_type)
    assert error.status == 400
    for word in words:
        assert word in error.message, error.message


def test_a_column_error_names_the_column_in_the_body() -> None:
    error = refused('[{"age": "old", "income": 1, "city": "x"}]')
    # Studio's error shape (as every REST route) and MLflow's scoring-server fields
    assert json.loads(error.to_json()) == {
        "message": error.message,
        "code": "bad_request",
        "detail": [{"loc": ["body", "age"], "msg": error.message}],
        "error_code": "BAD_REQUEST",
        "column": "age",
    }


@pytest.mark.parametrize("body", ["", "   \n"])
def test_empty_body_is_400(body: str) -> None:
    error = refused(body, "text/csv")
    assert error.status == 400 and "empty" in error.message


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_other_content_types_are_415(content_type: str | None) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_request(b"1,2,x", content_type, SCHEMA)
    assert caught.value.status == 415
    assert "text/csv or application/json" in caught.value.message


def test_size_limit_is_413_and_6_mib_by_default() -> None:
    assert DEFAULT_MAX_PAYLOAD_BYTES == 6 * 1024 * 1024
    body = b"1,2,x\n" * 20
    error = refused(body, "text/csv", max_bytes=len(body) - 1)
    assert error.status == 413 and str(len(body) - 1) in error.message
    assert len(parse_request(body, "text/csv", SCHEMA, max_bytes=len(body))) == 20


def test_no_schema_takes_columns_as_sent() -> None:
    frame = parse_request(b"a,b\n1,x\n2,\n", "text/csv", None)
    assert frame["a"].dtype == np.int64 and frame["b"].tolist()[0] == "x"
    frame = parse_request(b'[{"a": 1.5, "b": "x"}]', "application/json", None)
    assert frame["a"].tolist() == [1.5]
    with pytest.raises(PayloadError):
        parse_request(b"[[1, 2]]", "application/json", None)


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("text/csv", "text/csv"),
        ("application/json;q=0.5, text/csv", "text/csv"),
        ("text/html, text/csv;q=0.2", "text/csv"),
        ("application/json; charset=utf-8", "application/json"),
    ],
)
def test_accept_negotiation(accept: str | None, chosen: str) -> None:
    assert negotiate(accept) == chosen


def test_unanswerable_accept_is_406() -> None:
    with pytest.raises(PayloadError) as caught:
        negotiate("application/xml")
    assert caught.value.status == 406


def test_render_json_and_csv_with_probabilities() -> None:
    prediction = Prediction(
        np.array(["no", "yes"], dtype=object),
        np.array([[0.75, 0.25], [0.1, 0.9]]),
        np.array(["no", "yes"], dtype=object),
    )
    assert json.loads(render(prediction, "application/json")) == {
        "predictions": ["no", "yes"],
        "probabilities": [{"no": 0.75, "yes": 0.25}, {"no": 0.1, "yes": 0.9}],
    }
    assert render(prediction, "text/csv").decode() == (
        "prediction,probability_no,probability_yes\nno,0.75,0.25\nyes,0.1,0.9\n"
    )


def test_render_other_prediction_shapes() -> None:
    assert json.loads(render(Prediction(pd.Series([1.5, 2.0])), "application/json")) == {
        "predictions": [1.5, 2.0]
    }
    table = pd.DataFrame({"low": [1, 2], "high": [3, 4]})
    assert render(Prediction(table), "text/csv").decode() == "low,high\n1,3\n2,4\n"
    assert json.loads(render(Prediction(table), "application/json"))["predictions"] == [
        {"low": 1, "high": 3},
        {"low": 2, "high": 4},
    ]
    assert render(Prediction(np.array([[1, 2]])), "text/csv").decode() == (
        "prediction_0,prediction_1\n1,2\n"
    )
    assert render(Prediction(np.array([0, 1])), "text/csv").decode() == "prediction\n0\n1\n"
    classes = np.array([0, 1])
    rendered = json.loads(render(Prediction(classes, np.eye(2), classes), "application/json"))
    assert rendered["probabilities"][0] == {"0": 1.0, "1": 0.0}


def test_schema_from_mlflow() -> None:
    from mlflow.models import infer_signature

    frame = pd.DataFrame({"a": [1], "b": [1.5], "c": ["x"], "d": [True]})
    schema = InputSchema.from_mlflow(infer_signature(frame).inputs)
    assert schema is not None
    assert [(c.name, c.type) for c in schema.columns] == [
        ("a", "long"),
        ("b", "double"),
        ("c", "string"),
        ("d", "boolean"),
    ]
    assert InputSchema.from_mlflow(None) is None
    tensor = infer_signature(np.zeros((2, 3))).inputs
    assert InputSchema.from_mlflow(tensor) is None


def test_payload_error_codes() -> None:
    assert payloads.PayloadError(413, "x").error_code == "PAYLOAD_TOO_LARGE"
    assert payloads.PayloadError(500, "x").error_code == "INTERNAL_ERROR"


NUMERIC = InputSchema(
    [Column("a", "double"), Column("b", "long"), Column("c", "float"), Column("d", "integer")]
)


@pytest.mark.parametrize(
    ("body", "fast"),
    [
        ("1.5,2,3.25,4\n-0.5,7,1e3,-8\n", True),
        ("a,b,c,d\n1.5,2,3.25,4\n", True),
        ("d,c,b,a\r\n4, 3.25 ,2,1.5\r\n", True),
        ("1.5,2.0,3,4\n", True),  # a whole number written as a float in an integer column
        ("1.5,1e2,3,4", True),
        ("\ufeff1.5,2,3,4\n", True),
        ("nan,2,inf,4\n", False),  # not JSON numbers: the general reader takes them
        (".5,2,3,4\n", False),
        (",2,3,4\n", False),  # an empty field is NaN
        ('"1.5",2,3,4\n', False),
        ("1.5,2,3,4\n\n2.5,3,4,5\n", False),
    ],
)
def test_numeric_csv_fast_path_reads_like_the_general_reader(body: str, fast: bool) -> None:
    raw = body.encode()
    assert (payloads._numeric_csv(raw, NUMERIC, None) is not None) == fast
    fast = parse_request(raw, "text/csv", NUMERIC)
    general = payloads.build_frame(*payloads._read_csv(raw, NUMERIC, None), NUMERIC, from_text=True)
    pd.testing.assert_frame_equal(fast, general)
    assert [str(t) for t in fast.dtypes] == ["float64", "int64", "float32", "int32"]


@pytest.mark.parametrize(
    ("body", "column"),
    [
        ("1.5,2.5,3,4\n", "b"),
        ("1.5,true,3,4\n", "b"),
        ("1.5,2,3,99999999999\n", "d"),
        ("1.5,2,3\n", None),
        ("1.5,2,3,4,5\n", None),
        ("1.5,2,3,4\n1,2\n", None),
        ("1.5,2,x,4\n", "c"),
    ],
)
def test_numeric_csv_errors_come_from_the_general_reader(body: str, column: str | None) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_request(body.encode(), "text/csv", NUMERIC)
    assert caught.value.status == 400 and caught.value.column == column


def test_json_with_python_nan() -> None:
    frame = parse_request(b'[{"age": 1, "income": NaN, "city": "x"}]', "application/json", SCHEMA)
    assert np.isnan(frame["income"][0])


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("id,age,income,city,churned\n7,41,55.5,Lyon,1\n8,30,40,Paris,0\n", "text/csv"),
        (
            '[{"id": 7, "age": 41, "income": 55.5, "city": "Lyon", "churned": 1},'
            ' {"id": 8, "age": 30, "income": 40, "city": "Paris", "churned": 0}]',
            "application/json",
        ),
        (
            '{"columns": ["age", "id", "income", "city", "churned"],'
            ' "data": [[41, 7, 55.5, "Lyon", 1], [30, 8, 40, "Paris", 0]]}',
            "application/json",
        ),
    ],
)
def test_columns_the_model_does_not_take_are_dropped_and_named(
    body: str, content_type: str
) -> None:
    """Rows pasted from the training file carry the target and an id column: they are read."""
    frame = parse_request(body.encode(), content_type, SCHEMA)
    check(frame)
    assert frame.attrs["dropped_columns"] == ["id", "churned"]
    answer = json.loads(render(Prediction(np.array([1, 0])), payloads.JSON, ["id", "churned"]))
    assert answer == {"predictions": [1, 0], "dropped_columns": ["id", "churned"]}
    assert json.loads(payloads.dropped_header(["id", "é"])) == ["id", "é"]


def test_nothing_is_dropped_from_a_body_in_the_models_columns() -> None:
    frame = parse_request(b"age,income,city\n41,55.5,Lyon\n", "text/csv", SCHEMA)
    assert "dropped_columns" not in frame.attrs
    assert "dropped_columns" not in json.loads(render(Prediction(np.array([1])), payloads.JSON))
