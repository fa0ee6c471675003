"""The .flow file: round trip, versions and migrations, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jupyter_studio.core.wrangler import format as fmt
from jupyter_studio.core.wrangler import schemas
from jupyter_studio.core.wrangler.errors import FlowFormatError
from jupyter_studio.core.wrangler.flow import Flow

GOLDEN = Path(__file__).parent / "data" / "flow_v1.flow"


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    flow = Flow.new("sales", root=tmp_path)
    flow.add_parameter("date", "2026-11-01", "day")
    src = flow.add_source("data/{date}/sales.csv", title="sales")
    step = flow.add_step(src, "fill_missing", columns=["price"], strategy="median")
    flow.add_analysis(step, "histogram", column="price")
    flow.document.metadata["viewport"] = {"zoom": 1.5}
    path = flow.save(tmp_path / "sales.flow")
    again = Flow.load(path)
    assert again.document == flow.document
    assert json.loads(path.read_text())["format_version"] == schemas.FORMAT_VERSION


def test_golden_version_1_file_opens() -> None:
    doc = fmt.load_document(GOLDEN)
    assert [n.id for n in doc.nodes] == ["src", "fill", "hist"]
    assert doc.node("fill").parameters["strategy"] == "median"
    assert doc.parameters[0].name == "date"


def test_a_newer_format_is_refused_with_advice(tmp_path: Path) -> None:
    data = json.loads(GOLDEN.read_text())
    data["format_version"] = schemas.FORMAT_VERSION + 1
    (tmp_path / "new.flow").write_text(json.dumps(data))
    with pytest.raises(FlowFormatError, match="newer Jupyter Studio"):
        fmt.load_document(tmp_path / "new.flow")


def test_migrations_run_in_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A future version 2 renames 'notes' to 'comment': files of version 1 are migrated."""

    def v1_to_v2(data: dict) -> dict:
        for node in data["nodes"]:
            node["comment"] = node.pop("notes", "")
        return data

    monkeypatch.setattr(fmt, "FORMAT_VERSION", 2)
    monkeypatch.setitem(fmt.MIGRATIONS, 1, v1_to_v2)
    migrated = fmt.migrate(json.loads(GOLDEN.read_text()))
    assert migrated["format_version"] == 2
    assert all("comment" in n and "notes" not in n for n in migrated["nodes"])
    monkeypatch.delitem(fmt.MIGRATIONS, 1)
    with pytest.raises(FlowFormatError, match="No migration"):
        fmt.migrate(json.loads(GOLDEN.read_text()))


def test_operator_upgrades(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = fmt.load_document(GOLDEN)
    monkeypatch.setitem(
        fmt.OPERATOR_UPGRADES,
        ("fill_missing", 1),
        lambda p: {**p, "strategy": p["strategy"].upper()},
    )
    fmt.upgrade_operators(doc, lambda op: 2 if op == "fill_missing" else None)
    assert doc.node("fill").operator_version == 2
    assert doc.node("fill").parameters["strategy"] == "MEDIAN"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"nodes": []}', "no format_version"),
        (
            '{"format_version": 1, "nodes": [{"id": "a", "kind": "transform", "operator": "x", "inputs": ["b"]}]}',
            "not in the flow",
        ),
        (
            '{"format_version": 1, "nodes": [{"id": "a", "kind": "transform", "operator": "x", "inputs": ["b"]}, {"id": "b", "kind": "transform", "operator": "x", "inputs": ["a"]}]}',
            "cycle",
        ),
        (
            '{"format_version": 1, "nodes": [{"id": "a", "kind": "source", "operator": "file"}, {"id": "a", "kind": "source", "operator": "file"}]}',
            "two nodes",
        ),
    ],
)
def test_invalid_files_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(FlowFormatError, match=message):
        fmt.document_from_json(text)


def test_a_crash_while_writing_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.flow"
    flow = Flow.new("first", root=tmp_path)
    flow.save(path)
    before = path.read_text()

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    flow.document.name = "second"
    with pytest.raises(OSError, match="disk full"):
        flow.save(path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["f.flow"]  # no temporary file left behind


def test_save_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "f.flow"
    Flow.new(root=tmp_path).save(path)
    path.chmod(0o640)
    Flow.load(path).save()
    assert path.stat().st_mode & 0o777 == 0o640


def test_schema_json_is_published() -> None:
    schema = schemas.FlowDocument.model_json_schema()
    assert {"format_version", "nodes", "parameters", "settings"} <= set(schema["properties"])
