"""FlowService: what the REST layer calls, always through the caller's PathScope."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from jupyter_studio.core.errors import Forbidden, InvalidInput, NotFound
from jupyter_studio.core.spaces.paths import scope_for
from jupyter_studio.core.wrangler.service import FlowService


@pytest.fixture
def scope(tmp_path: Path):
    root = tmp_path / "root"
    home = root / "studio" / "users" / "alice"
    (home / "data").mkdir(parents=True)
    (root / "studio" / "users" / "bob").mkdir(parents=True)
    pl.DataFrame(
        {"x": [1.0, None, 3.0, 4.0], "c": ["a", "b", "a", "b"], "y": [0, 1, 0, 1]}
    ).write_csv(home / "data" / "d.csv")
    pl.DataFrame({"c": ["a", "b"], "w": [10, 20]}).write_csv(home / "data" / "w.csv")
    return scope_for(root, root / "studio", [home], allow_outside_domain=False)


@pytest.fixture
def service() -> FlowService:
    return FlowService()


HOME = "studio/users/alice"


def test_catalogue(service: FlowService) -> None:
    transforms = service.list_transforms()
    assert len(transforms) >= 60
    assert [t.family for t in transforms][0] == "Handle missing"
    fill = next(t for t in transforms if t.name == "fill_missing")
    assert fill.parameters_schema["properties"]["columns"]["x-studio-widget"] == "columns"
    assert "impute" in fill.keywords
    assert {a["name"] for a in service.list_analyses()} >= {"histogram", "quick_model"}
    assert {s["name"] for s in service.list_sources()} == {"file", "object_store", "sql", "duckdb"}


def test_edit_preview_save_cycle(service: FlowService, scope) -> None:
    doc = service.new_document("d")
    src = {
        "id": "src",
        "kind": "source",
        "operator": "file",
        "parameters": {"path": f"{HOME}/data/d.csv"},
    }
    result = service.apply_edit(scope, doc, {"op": "add_node", "node": src})
    assert result.changed_nodes == ["src"]
    step = {
        "id": "fill",
        "kind": "transform",
        "operator": "fill_missing",
        "parameters": {"columns": ["x"], "strategy": "mean"},
        "inputs": ["src"],
    }
    result = service.apply_edit(
        scope, result.document, {"op": "add_node", "node": step}, save_to=f"{HOME}/my.flow"
    )
    assert result.changed_nodes == ["fill"]
    preview = service.preview(scope, f"{HOME}/my.flow", "fill", rows_limit=2)
    assert preview.status == "ok" and preview.row_count == 4 and len(preview.rows) == 2
    assert preview.columns[0].missing == 0
    edited = service.apply_edit(
        scope,
        f"{HOME}/my.flow",
        {
            "op": "update_node",
            "node_id": "fill",
            "parameters": {"columns": ["x"], "strategy": "median"},
        },
    )
    assert edited.changed_nodes == ["fill"]
    moved = service.apply_edit(
        scope,
        edited.document,
        {"op": "update_node", "node_id": "fill", "position": {"x": 10, "y": 300}},
    )
    assert moved.changed_nodes == []  # moving a node changes no preview
    assert service.load(scope, f"{HOME}/my.flow").node("fill").parameters["strategy"] == "mean"


def test_report_export_and_handoff(service: FlowService, scope) -> None:
    doc = {
        "format_version": 1,
        "nodes": [
            {
                "id": "src",
                "kind": "source",
                "operator": "file",
                "parameters": {"path": f"{HOME}/data/d.csv"},
            },
            {
                "id": "w",
                "kind": "source",
                "operator": "file",
                "parameters": {"path": f"{HOME}/data/w.csv"},
            },
            {
                "id": "j",
                "kind": "transform",
                "operator": "join",
                "parameters": {"left_on": ["c"], "right_on": ["c"]},
                "inputs": ["src", "w"],
            },
        ],
    }
    report = service.report(scope, doc, "j", target="y")
    assert report.summary.rows == 4
    assert "<html>" in service.report_html(scope, doc, "j")
    script = service.export_code(scope, doc, "j")
    assert "def build(params)" in script and str(scope.contents_root) in script
    assert '"nbformat": 4' in service.export_code(scope, doc, "j", format="notebook")
    result = service.run_to_file(scope, doc, "j", f"{HOME}/out.parquet")
    assert result.rows == 4
    handoff = service.training_handoff(scope, doc, "src", "y", f"{HOME}/handoff")
    assert Path(handoff.data_path).is_file()
    assert service.job_parameters(f"{HOME}/my.flow", "j", params={"d": "1"})["node"] == "j"


def test_refusals(service: FlowService, scope) -> None:
    doc = {
        "format_version": 1,
        "nodes": [
            {
                "id": "s",
                "kind": "source",
                "operator": "file",
                "parameters": {"path": "studio/users/bob/x.csv"},
            }
        ],
    }
    error = service.preview(scope, doc, "s").error
    assert error is not None and error.code == "path_outside_space"
    with pytest.raises(Forbidden):
        service.load(scope, "studio/users/bob/x.flow")
    with pytest.raises(Forbidden):
        service.run_to_file(
            scope,
            {
                "format_version": 1,
                "nodes": [
                    {
                        "id": "s",
                        "kind": "source",
                        "operator": "file",
                        "parameters": {"path": f"{HOME}/data/d.csv"},
                    }
                ],
            },
            "s",
            "studio/users/bob/out.parquet",
        )
    with pytest.raises(NotFound):
        service.preview(scope, doc, "nope")
    with pytest.raises(InvalidInput):
        service.apply_edit(scope, doc, {"op": "explode"})
    with pytest.raises(InvalidInput, match="reads from itself"):
        service.apply_edit(
            scope,
            {
                "format_version": 1,
                "nodes": [
                    {
                        "id": "a",
                        "kind": "transform",
                        "operator": "drop_columns",
                        "parameters": {"columns": ["x"]},
                    }
                ],
            },
            {"op": "update_node", "node_id": "a", "inputs": ["a"]},
        )
    with pytest.raises(InvalidInput, match=".flow"):
        service.save(scope, f"{HOME}/x.json", doc)


def test_preview_cache_is_shared_within_a_scope_not_across(
    service: FlowService, scope, tmp_path: Path
) -> None:
    doc = {
        "format_version": 1,
        "nodes": [
            {
                "id": "s",
                "kind": "source",
                "operator": "file",
                "parameters": {"path": f"{HOME}/data/d.csv"},
            },
            {
                "id": "f",
                "kind": "transform",
                "operator": "fill_missing",
                "parameters": {"columns": ["x"], "strategy": "mean"},
                "inputs": ["s"],
            },
        ],
    }
    service.preview(scope, doc, "f")
    cached = len(service.cache)
    service.preview(scope, doc, "f")
    assert len(service.cache) == cached  # same scope: served from the cache
    other = scope_for(scope.contents_root, scope.domain_root, [], allow_outside_domain=False)
    error = service.preview(other, doc, "f").error
    assert error is not None and error.code == "path_outside_space"
