"""Data-capture JSON Lines files read back as the DataFrame of the requested rows."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pandas as pd
import pytest

from jupyter_studio.core.endpoints.monitor.capture_reader import (
    CaptureReader,
    capture_files,
    read_capture,
)
from jupyter_studio.core.endpoints.monitor.data import DataError, read_current_data
from jupyter_studio.core.endpoints.runtime.capture import DataCapture

COLUMNS = ["age", "income", "city"]
ROWS = [(41, 52.5, "Lyon"), (33, 48.0, "Paris")]
EXPECTED = pd.DataFrame(ROWS, columns=COLUMNS)
RECORDS = [dict(zip(COLUMNS, row, strict=True)) for row in ROWS]
CSV_TYPE, JSON_TYPE = "text/csv", "application/json"

BODIES = {
    "csv with header": (CSV_TYPE, "age,income,city\n41,52.5,Lyon\n33,48.0,Paris\n"),
    "csv without header": (CSV_TYPE, "41,52.5,Lyon\r\n33,48.0,Paris\r\n"),
    "csv header in another order": (CSV_TYPE, "city,age,income\nLyon,41,52.5\nParis,33,48.0\n"),
    "records": (JSON_TYPE, json.dumps(RECORDS)),
    "columns and data": (JSON_TYPE, json.dumps({"columns": COLUMNS, "data": ROWS})),
    "dataframe_split": (
        JSON_TYPE,
        json.dumps({"dataframe_split": {"columns": COLUMNS, "data": ROWS}}),
    ),
    "dataframe_records": (JSON_TYPE, json.dumps({"dataframe_records": RECORDS})),
    "inputs as columns": (
        JSON_TYPE,
        json.dumps({"inputs": {c: [r[i] for r in ROWS] for i, c in enumerate(COLUMNS)}}),
    ),
    "inputs as records": (JSON_TYPE, json.dumps({"inputs": RECORDS})),
    "instances as rows": (JSON_TYPE, json.dumps({"instances": ROWS})),
    "rows in schema order": (JSON_TYPE, json.dumps(ROWS)),
    "content type with parameters": (JSON_TYPE + "; charset=utf-8", json.dumps(RECORDS)),
}


def line(body: str | dict, content_type: str, **extra: object) -> str:
    request: dict = {"content_type": content_type}
    request.update({"body": body} if isinstance(body, dict) else {"data": body})
    request.update(extra.pop("request", {}))  # type: ignore[arg-type]
    record = {
        "time": "2025-01-31T17:45:02.123456Z",
        "model_version": "churn/3",
        "status": 200,
        "request": request,
        "response": {"content_type": JSON_TYPE, "data": '{"predictions": ["no", "yes"]}'},
        **extra,
    }
    return json.dumps(record) + "\n"


@pytest.mark.parametrize("form", sorted(BODIES))
def test_every_body_form_gives_the_rows(tmp_path: Path, form: str) -> None:
    content_type, body = BODIES[form]
    path = tmp_path / "capture.jsonl"
    path.write_text(line(body, content_type))
    frame = read_capture(path, COLUMNS)
    pd.testing.assert_frame_equal(frame, EXPECTED, check_dtype=False)


def test_base64_and_parsed_json_bodies(tmp_path: Path) -> None:
    encoded = base64.b64encode(BODIES["records"][1].encode()).decode()
    path = tmp_path / "capture.jsonl"
    path.write_text(
        line(encoded, JSON_TYPE, request={"encoding": "base64"})
        + line({"dataframe_records": RECORDS}, JSON_TYPE)
    )
    frame = read_capture(path, COLUMNS)
    assert len(frame) == 4
    pd.testing.assert_frame_equal(
        frame.iloc[2:].reset_index(drop=True), EXPECTED, check_dtype=False
    )


def test_files_written_by_the_endpoint_capture(tmp_path: Path) -> None:
    folder = tmp_path / "capture"
    capture = DataCapture(folder, 100, max_bytes=400, endpoint="churn", model_version="churn/3")
    for content_type, body in (BODIES["csv without header"], BODIES["records"]):
        capture.record(
            started_at=time.time(),
            request_body=body.encode(),
            request_type=content_type,
            response_body=b'{"predictions": ["no", "yes"]}',
            response_type=JSON_TYPE,
            status=200,
            latency_ms=1.0,
        )
    capture.close()
    assert len(capture_files(folder)) == 2  # rotated by size
    reader = CaptureReader(COLUMNS, metadata=True)
    frame = reader.read(folder)
    assert reader.records == 2 and reader.skipped == 0
    assert frame[COLUMNS].to_dict("records") == RECORDS + RECORDS
    assert set(frame["__model_version"]) == {"churn/3"}
    assert list(frame["__status"]) == [200] * 4


def test_values_keep_their_types_and_unreadable_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "capture.jsonl"
    path.write_text(
        line('[{"age": "old", "income": 1.5, "city": "Nice", "tier": 2}]', JSON_TYPE, status=400)
        + line("41,52.5,Lyon\n", CSV_TYPE, status=200)
        + "not json\n"
        + line("{broken", JSON_TYPE)
        + line("", CSV_TYPE)
        + json.dumps({"time": "t"})
        + "\n"
        + '{"time": "partial'
    )
    reader = CaptureReader(COLUMNS)
    frame = reader.read(path)
    assert list(frame.columns) == ["age", "income", "city", "tier"]
    assert frame["age"].tolist() == ["old", 41]  # text stays text: a type violation to report
    assert reader.records == 5 and reader.skipped == 5
    assert any("not a JSON line" in p for p in reader.problems)
    assert any("not valid JSON" in p for p in reader.problems)
    assert any("no 'request'" in p for p in reader.problems)

    only_ok = CaptureReader(COLUMNS, statuses={200}).read(path)
    assert only_ok["age"].tolist() == [41]
    assert len(CaptureReader(COLUMNS, model_version="churn/9").read(path)) == 0
    assert len(CaptureReader(COLUMNS, max_rows=1).read(path)) == 1


def test_headerless_csv_needs_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "capture.jsonl"
    path.write_text(line("41,52.5,Lyon\n", CSV_TYPE) + line(json.dumps(RECORDS), JSON_TYPE))
    reader = CaptureReader()
    frame = reader.read(path)
    assert len(frame) == 2 and reader.skipped == 1
    assert "header" in reader.problems[0]


def test_current_data_from_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "more").mkdir(parents=True)
    EXPECTED.to_csv(folder / "a.csv", index=False)
    EXPECTED.to_parquet(folder / "more" / "b.parquet")
    (folder / "c.jsonl").write_text(line(BODIES["records"][1], JSON_TYPE))
    (folder / "notes.txt").write_text("ignored")
    (folder / "_tmp.csv").write_text("ignored")
    current = read_current_data(folder, columns=COLUMNS)
    assert [p.name for p in current.files] == ["a.csv", "c.jsonl", "b.parquet"]
    assert len(current.frame) == 6 and list(current.frame.columns) == COLUMNS

    limited = read_current_data(folder, columns=COLUMNS, max_rows=3)
    assert len(limited.frame) == 3 and limited.truncated and limited.notes
    with pytest.raises(DataError, match="notes.txt is not a CSV, Parquet or capture"):
        read_current_data(folder / "notes.txt")
    (folder / "broken.parquet").write_text("not parquet")
    with pytest.raises(DataError, match="cannot read broken.parquet"):
        read_current_data(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match="has no CSV, Parquet or capture"):
        read_current_data(empty)
