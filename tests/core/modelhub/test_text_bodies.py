"""Bodies a hub model's endpoint takes: its own JSON, and MLflow's scoring bodies, so an MLflow
client (``mlflow deployments predict``, ``requests`` with ``dataframe_split``) can call it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jupyter_studio.core.endpoints.runtime.payloads import PayloadError
from jupyter_studio.core.modelhub.serving import parse

CLASSIFIER = SimpleNamespace(task="text-classification")
EMBEDDER = SimpleNamespace(task="text-embedding")
GENERATOR = SimpleNamespace(task="text-generation")


def body(document: object) -> bytes:
    import json

    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "document",
    [
        {"inputs": ["good match", "bad loan"]},
        {"dataframe_split": {"columns": ["text"], "data": [["good match"], ["bad loan"]]}},
        {
            "dataframe_split": {
                "columns": ["id", "text"],
                "data": [[1, "good match"], [2, "bad loan"]],
            }
        },
        {"dataframe_records": [{"text": "good match"}, {"text": "bad loan"}]},
        {"instances": ["good match", "bad loan"]},
        {"instances": [{"text": "good match"}, {"text": "bad loan"}]},
        {"inputs": {"text": ["good match", "bad loan"]}},
        {"inputs": [{"sentence": "good match"}, {"sentence": "bad loan"}]},
    ],
)
def test_a_fine_tuned_classifier_takes_its_own_and_mlflow_bodies(document: dict) -> None:
    operation, request = parse(CLASSIFIER, body(document))
    assert operation == "predict"
    assert request.inputs == ["good match", "bad loan"]


def test_mlflow_params_carry_the_labels_of_zero_shot_classification() -> None:
    operation, request = parse(
        EMBEDDER,
        body(
            {"dataframe_records": [{"text": "goal!"}], "params": {"labels": ["sport", "finance"]}}
        ),
    )
    assert operation == "classify"
    assert request.inputs == ["goal!"] and request.labels == ["sport", "finance"]


def test_a_generation_model_takes_one_prompt_row_with_its_settings() -> None:
    operation, request = parse(
        GENERATOR,
        body(
            {
                "dataframe_split": {"columns": ["prompt"], "data": [["Hi"]]},
                "params": {"max_new_tokens": 5},
            }
        ),
    )
    assert operation == "generate"
    assert request.prompt == "Hi" and request.max_new_tokens == 5


@pytest.mark.parametrize(
    ("engine", "document", "named"),
    [
        (CLASSIFIER, {"dataframe_split": {"columns": ["a", "b"], "data": [["x", "y"]]}}, "column"),
        (CLASSIFIER, {"dataframe_split": ["x"]}, "dataframe_split"),
        (CLASSIFIER, {"dataframe_records": {"text": "x"}}, "dataframe_records"),
        (CLASSIFIER, {"instances": ["x"], "params": ["labels"]}, "params"),
        (GENERATOR, {"instances": ["one", "two"]}, "one prompt"),
    ],
)
def test_a_bad_mlflow_body_is_a_400_naming_the_problem(
    engine: SimpleNamespace, document: dict, named: str
) -> None:
    with pytest.raises(PayloadError) as caught:
        parse(engine, body(document))
    assert caught.value.status == 400
    assert named in str(caught.value)


@pytest.mark.parametrize(
    "csv_body",
    [
        b"text\ngood match\nbad loan\n",
        b"good match\nbad loan\n",
        b"id,text\n1,good match\n2,bad loan\n",
        b'\xef\xbb\xbftext\n"good match"\r\nbad loan\r\n',
    ],
)
def test_csv_rows_of_texts_with_or_without_a_header(csv_body: bytes) -> None:
    operation, request = parse(CLASSIFIER, csv_body, "text/csv")
    assert operation == "predict"
    assert request.inputs == ["good match", "bad loan"]


def test_csv_without_a_text_column_is_a_400() -> None:
    with pytest.raises(PayloadError) as caught:
        parse(CLASSIFIER, b"a,b\n1,2\n", "text/csv")
    assert caught.value.status == 400 and "column" in str(caught.value)
    with pytest.raises(PayloadError) as caught:
        parse(CLASSIFIER, b"\xff\xfe", "text/csv")
    assert caught.value.status == 400 and "UTF-8" in str(caught.value)
