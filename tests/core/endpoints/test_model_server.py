"""The model-server process: the SageMaker contract on a real port, with real MLflow models."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.support import LONG_WAIT, SHORT_WAIT, wait_until

from .conftest import ModelServer, raw_request, training_frame

ROWS = training_frame(rows=6, seed=7)


def csv_body(frame: pd.DataFrame, header: bool) -> str:
    return frame.to_csv(index=False, header=header)


def expected(pipeline_model: tuple[Path, Any], frame: pd.DataFrame) -> list[Any]:
    """What MLflow's own loader predicts for ``frame``."""
    import mlflow.pyfunc

    return list(mlflow.pyfunc.load_model(str(pipeline_model[0])).predict(frame))


def test_ping(churn_server: ModelServer) -> None:
    answer = churn_server.request("GET", "/ping")
    assert answer.status == 200
    assert answer.json()["status"] == "Healthy"
    assert answer.headers["x-model-version"] == "churn/1"


@pytest.mark.parametrize("header", [False, True])
def test_csv_with_and_without_header_equals_pyfunc(
    churn_server: ModelServer, pipeline_model: tuple[Path, Any], header: bool
) -> None:
    answer = churn_server.invoke(csv_body(ROWS, header), "text/csv")
    assert answer.status == 200, answer.text
    body = answer.json()
    assert body["predictions"] == expected(pipeline_model, ROWS)
    probabilities = pipeline_model[1].predict_proba(ROWS)
    labels = [str(c) for c in pipeline_model[1].classes_]
    assert body["probabilities"] == [
        dict(zip(labels, row, strict=True)) for row in probabilities.tolist()
    ]


def test_every_json_form_equals_pyfunc(
    churn_server: ModelServer, pipeline_model: tuple[Path, Any]
) -> None:
    want = expected(pipeline_model, ROWS)
    records = json.loads(ROWS.to_json(orient="records"))
    split = json.loads(ROWS.to_json(orient="split", index=False))
    forms = [
        records,
        split,
        {"dataframe_split": split},
        {"dataframe_records": records},
        {"inputs": {name: ROWS[name].tolist() for name in ROWS.columns}},
        {"inputs": records},
        {"instances": split["data"]},
        split["data"],
    ]
    for form in forms:
        answer = churn_server.invoke(json.dumps(form))
        assert answer.status == 200, (form, answer.text)
        assert answer.json()["predictions"] == want, form
    one = churn_server.invoke(json.dumps(records[0]))
    assert one.json()["predictions"] == want[:1]


def test_accept_csv_and_json(churn_server: ModelServer, pipeline_model: tuple[Path, Any]) -> None:
    want = expected(pipeline_model, ROWS)
    answer = churn_server.invoke(csv_body(ROWS, False), "text/csv", accept="text/csv")
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/csv"
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert [row["prediction"] for row in table] == want
    classes = [str(c) for c in pipeline_model[1].classes_]
    assert list(table[0]) == ["prediction", *(f"probability_{c}" for c in classes)]
    probabilities = pipeline_model[1].predict_proba(ROWS)
    assert float(table[0][f"probability_{classes[1]}"]) == pytest.approx(probabilities[0, 1])
    answer = churn_server.invoke(csv_body(ROWS, False), "text/csv", accept="application/json")
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["predictions"] == want
    assert churn_server.invoke(csv_body(ROWS, False), "text/csv", accept="image/png").status == 406


@pytest.mark.parametrize(
    ("body", "content_type", "column", "words"),
    [
        ("41,abc,Lyon\n", "text/csv", "income", ["expected a number", "'abc'"]),
        (
            '[{"age": "old", "income": 1, "city": "Lyon"}]',
            "application/json",
            "age",
            ["an integer"],
        ),
        ('[{"age": 1, "income": 1}]', "application/json", "city", ["missing column 'city'"]),
    ],
)
def test_bad_columns_are_400_naming_the_column(
    churn_server: ModelServer, body: str, content_type: str, column: str, words: list[str]
) -> None:
    answer = churn_server.invoke(body, content_type)
    assert answer.status == 400
    error = answer.json()
    assert error["error_code"] == "BAD_REQUEST" and error["column"] == column
    assert error["code"] == "bad_request" and error["detail"][0]["loc"] == ["body", column]
    for word in words:
        assert word in error["message"]


def test_columns_the_model_does_not_take_are_dropped_and_named(
    churn_server: ModelServer,
) -> None:
    """Rows pasted from the training file (an id and the target beside the features) are scored."""
    rows = "id,age,income,city,label\n1,41,55.5,Lyon,yes\n2,30,40,Paris,no\n"
    answer = churn_server.invoke(rows, "text/csv")
    assert answer.status == 200, answer.text
    assert json.loads(answer.headers["x-dropped-columns"]) == ["id", "label"]
    body = answer.json()
    assert body["dropped_columns"] == ["id", "label"] and len(body["predictions"]) == 2
    as_csv = churn_server.invoke(rows, "text/csv", accept="text/csv")
    assert as_csv.status == 200 and json.loads(as_csv.headers["x-dropped-columns"]) == [
        "id",
        "label",
    ]


def test_empty_body_is_400(churn_server: ModelServer) -> None:
    answer = churn_server.invoke("", "text/csv")
    assert answer.status == 400 and "empty" in answer.json()["message"]


def test_unsupported_content_type_is_415(churn_server: ModelServer) -> None:
    assert churn_server.invoke("41,1,x", "text/plain").status == 415
    assert churn_server.invoke("41,1,x", None).status == 415


def test_a_body_over_the_limit_is_413(churn_server: ModelServer) -> None:
    row = "41,55.5,Lyon\n"
    fits = row * (200000 // len(row))
    assert churn_server.invoke(fits, "text/csv").status == 200
    answer = churn_server.invoke(row * (200001 // len(row) + 1), "text/csv")
    assert answer.status == 413 and "200000" in answer.json()["message"]
    # without Content-Length (chunked), the limit holds while reading
    status, body = raw_request(
        churn_server.port,
        "POST",
        "/invocations",
        [row.encode() * 2000] * 10,
        {"Content-Type": "text/csv"},
    )
    assert status == 413, body
    assert churn_server.request("GET", "/ping").status == 200


def test_routes_methods_and_a_proxy_prefix(churn_server: ModelServer) -> None:
    assert churn_server.request("GET", "/nowhere").status == 404
    assert churn_server.request("GET", "/invocations").status == 405
    assert churn_server.request("POST", "/ping", b"").status == 405
    assert churn_server.request("GET", "/studio/endpoints/churn/ping").status == 200
    answer = churn_server.request(
        "POST",
        "/studio/endpoints/churn/invocations",
        b"41,55.5,Lyon\n",
        {"Content-Type": "text/csv"},
    )
    assert answer.status == 200 and len(answer.json()["predictions"]) == 1


def test_two_workers_and_aggregated_stats(churn_server: ModelServer) -> None:
    before = churn_server.stats()
    for _ in range(20):
        assert churn_server.invoke("41,55.5,Lyon\n", "text/csv").status == 200
    churn_server.invoke("41,abc,Lyon\n", "text/csv")
    stats = churn_server.stats()
    assert stats["scope"] == "all workers" and stats["workers"] == 2
    workers = stats["per_worker"]
    assert len({w["pid"] for w in workers}) == 2 and all(w["ready"] for w in workers)
    assert stats["requests"] - before["requests"] == 21
    assert stats["errors"] - before["errors"] == 1
    assert stats["requests"] == sum(w["requests"] for w in workers)
    assert 0 < stats["latency"]["p50_ms"] <= stats["latency"]["p99_ms"]
    assert stats["model"]["flavor"] == "sklearn" and stats["model"]["direct"]
    pids = {churn_server.stats()["answered_by"] for _ in range(30)}
    assert pids <= {w["pid"] for w in workers}


def test_no_capture_at_zero_percent(churn_server: ModelServer) -> None:
    assert churn_server.invoke("41,55.5,Lyon\n", "text/csv").status == 200
    capture = churn_server.log_path.parent / "capture"
    assert not capture.exists() or not list(capture.iterdir())


def test_capture_at_100_percent_with_rotation(
    start_server: Any, pipeline_model: tuple[Path, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "capture"
    server = start_server(
        pipeline_model[0],
        "--capture-dir",
        str(folder),
        "--capture-percent",
        "100",
        "--capture-max-bytes",
        "2000",
        "--model-version",
        "churn/2",
        "--endpoint-name",
        "churn",
    )
    for number in range(8):
        assert server.invoke(f"{30 + number},55.5,Lyon\n", "text/csv").status == 200
    assert server.invoke('[{"age": "x", "income": 1, "city": "a"}]').status == 400

    def captured() -> tuple[list[Path], list[dict[str, Any]]]:
        files = sorted(folder.glob("capture-*.jsonl"))
        return files, [json.loads(line) for f in files for line in f.read_text().splitlines()]

    # a record is written just after its answer is sent
    wait_until(lambda: len(captured()[1]) >= 9, SHORT_WAIT, "nine capture records")
    files, lines = captured()
    assert len(lines) == 9
    assert len(files) >= 2, "small files must rotate"
    assert all(f.stat().st_size <= 2000 for f in files)
    first = lines[0]
    assert first["request"] == {
        "content_type": "text/csv",
        "encoding": "utf-8",
        "data": "30,55.5,Lyon\n",
    }
    assert first["response"]["content_type"] == "application/json"
    assert "predictions" in json.loads(first["response"]["data"])
    assert first["model_version"] == "churn/2" and first["endpoint"] == "churn"
    assert first["status"] == 200 and first["latency_ms"] > 0 and first["time"].endswith("Z")
    assert [line["request"]["data"] for line in lines[:8]] == [
        f"{30 + n},55.5,Lyon\n" for n in range(8)
    ]
    assert lines[-1]["status"] == 400


def test_a_model_that_raises_is_a_500_and_the_server_stays_up(
    start_server: Any, trouble_model: Path
) -> None:
    server = start_server(trouble_model)
    answer = server.invoke('{"x": [-1.0]}')
    assert answer.status == 500
    error = answer.json()
    assert error["error_code"] == "INTERNAL_ERROR" and error["code"] == "internal_error"
    assert "negative x is not allowed" in error["message"]
    assert server.request("GET", "/ping").status == 200
    answer = server.invoke("x\n2.5\n0\n", "text/csv")
    assert answer.status == 200 and answer.json() == {"predictions": [5.0, 0.0]}
    assert server.stats()["server_errors"] == 1
    assert not server.stats()["model"]["direct"]  # a pyfunc model goes through pyfunc


def test_sigterm_finishes_in_flight_requests(
    start_server: Any, trouble_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_model = tmp_path / "in-model"
    monkeypatch.setenv("TROUBLE_STARTED", str(in_model))  # the model creates it, then sleeps
    server = start_server(trouble_model)
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(server.invoke('{"x": [1.5]}')))
    thread.start()
    wait_until(in_model.exists, SHORT_WAIT, "the request to reach the model")
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=SHORT_WAIT) == 0
    thread.join(timeout=SHORT_WAIT)
    assert answers and answers[0].status == 200 and answers[0].json() == {"predictions": [3.0]}
    # It stopped once the request was answered (1.5 s in the model), not after the 30 s graceful
    # timeout: 20 s leaves room for a loaded machine and still tells the two apart.
    assert time.monotonic() - started < 20
    log = server.log()
    assert "stopping gracefully" in log and "model server stopped" in log
    with pytest.raises(OSError):
        server.request("GET", "/ping", timeout=2)


def test_a_killed_worker_is_replaced(start_server: Any, trouble_model: Path) -> None:
    server = start_server(trouble_model, "--workers", "2")
    victim = server.stats()["per_worker"][0]["pid"]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + LONG_WAIT  # the new worker loads the model: slow when loaded
    while time.monotonic() < deadline:
        assert server.request("GET", "/ping").status == 200  # the other worker answers meanwhile
        workers = server.stats()["per_worker"]
        if workers[0]["pid"] not in (None, victim) and workers[0]["ready"]:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"worker not replaced:\n{server.log()}")
    assert "restarting it" in server.log()


def test_a_model_folder_that_does_not_load_exits_3(start_server: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "MLmodel").write_text("flavors: {python_function: {loader_module: nowhere.at_all}}\n")
    server = start_server(broken, wait=False)
    assert server.process.wait(timeout=LONG_WAIT) == 3
    assert "stopping the server" in server.log()
    missing = start_server(tmp_path / "missing", wait=False)
    assert missing.process.wait(timeout=LONG_WAIT) == 3
    assert "not an MLflow model folder" in missing.log()


def test_a_port_in_use_exits_2(
    start_server: Any, churn_server: ModelServer, pipeline_model: tuple[Path, Any]
) -> None:
    from .conftest import launch

    server = launch(
        pipeline_model[0], churn_server.log_path.parent / "taken.log", port=churn_server.port
    )
    assert server.process.wait(timeout=LONG_WAIT) == 2
    assert "cannot listen" in server.log()
