"""Data Wrangler over REST: catalogue, previews of unsaved documents, edits, node errors, user
code isolated in a child process, reports, exports, runs and the AutoML hand-off."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_studio.core.wrangler import operations as flows_operations

SALES = "id,city,price,qty\n1,Paris,10.5,2\n2,Lyon,,3\n3,Paris,7.0,1\n4,Nice,12.0,5\n5,Lyon,3.5,2\n"
CITIES = "city,region\nParis,IDF\nLyon,ARA\nNice,PACA\n"


@pytest.fixture
def files(jp_root_dir: Path) -> Path:
    (jp_root_dir / "data").mkdir()
    (jp_root_dir / "data" / "sales.csv").write_text(SALES)
    (jp_root_dir / "data" / "cities.csv").write_text(CITIES)
    return jp_root_dir


def source(node_id: str, path: str, x: float = 0) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": "source",
        "operator": "file",
        "parameters": {"path": path},
        "position": {"x": x, "y": 0},
    }


def step(node_id: str, operator: str, inputs: list[str], **parameters: Any) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": "transform",
        "operator": operator,
        "parameters": parameters,
        "inputs": inputs,
    }


def flow(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": 1, "name": "sales", "nodes": list(nodes)}


SALES_FLOW = flow(
    source("src", "data/sales.csv"),
    step("fill", "fill_missing", ["src"], columns=["price"], strategy="median"),
    source("cities", "data/cities.csv", 280),
    step("joined", "join", ["fill", "cities"], left_on=["city"], right_on=["city"], how="left"),
)


async def test_catalogue(api) -> None:  # noqa: ANN001
    code, transforms = await api("GET", "flows/transforms")
    assert code == 200 and len(transforms["items"]) >= 60
    names = {t["name"] for t in transforms["items"]}
    assert {"fill_missing", "join", "concatenate", "cast_columns", "custom_pandas"} <= names
    assert "Handle missing" in transforms["families"] or transforms["families"]
    fill = next(t for t in transforms["items"] if t["name"] == "fill_missing")
    assert fill["parameters_schema"]["properties"]["strategy"]["enum"]
    code, analyses = await api("GET", "flows/analyses")
    assert code == 200 and {"histogram", "quick_model"} <= {a["name"] for a in analyses["items"]}
    code, sources = await api("GET", "flows/sources")
    assert code == 200 and {s["name"] for s in sources["items"]} == {
        "file",
        "object_store",
        "sql",
        "duckdb",
    }


async def test_preview_of_an_unsaved_document_and_sample_settings(api, files: Path) -> None:  # noqa: ANN001
    code, preview = await api(
        "POST", "flows/preview", {"document": SALES_FLOW, "node_id": "joined"}
    )
    assert code == 200 and preview["status"] == "ok", preview
    columns = {c["name"]: c for c in preview["columns"]}
    assert set(columns) == {"id", "city", "price", "qty", "region"}
    assert columns["price"]["missing"] == 0 and columns["price"]["histogram"]
    assert preview["row_count"] == 5 and len(preview["rows"]) == 5
    assert preview["sample"]["size"] == 50_000
    code, preview = await api(
        "POST",
        "flows/preview",
        {
            "document": SALES_FLOW,
            "node_id": "src",
            "sample": {"method": "random", "size": 2, "seed": 1},
            "rows_limit": 1,
        },
    )
    assert code == 200 and preview["row_count"] == 2 and len(preview["rows"]) == 1
    assert preview["sample"]["method"] == "random"


async def test_node_errors_name_the_node_and_keep_upstream_previews(api, files: Path) -> None:  # noqa: ANN001
    (files / "data" / "ragged.csv").write_text('a,b\n1,2\n3,"4\n5,6,7,8\n')
    doc = flow(
        source("src", "data/sales.csv"),
        step("gone", "fill_missing", ["src"], columns=["no_such_column"], strategy="mean"),
        step("after", "drop_duplicates", ["gone"]),
        step("cast", "cast_columns", ["src"], types={"city": "int64"}, on_error="fail"),
        source("bad", "data/ragged.csv", 300),
        source("outside", "../../etc/passwd", 600),
        source("missing", "data/nope.csv", 900),
    )
    code, ok = await api("POST", "flows/preview", {"document": doc, "node_id": "src"})
    assert code == 200 and ok["status"] == "ok"
    code, after = await api("POST", "flows/preview", {"document": doc, "node_id": "after"})
    assert code == 200 and after["status"] == "error"
    assert after["error"]["node_id"] == "gone" and after["error"]["code"] == "column_missing"
    assert "no_such_column" in after["error"]["message"] and after["error"]["hint"]
    code, cast = await api("POST", "flows/preview", {"document": doc, "node_id": "cast"})
    assert cast["status"] == "error" and cast["error"]["code"] == "cast_failed", cast
    code, statuses = await api("POST", "flows/statuses", {"document": doc})
    assert code == 200, statuses
    by_node = {i["node_id"]: i for i in statuses["items"]}
    assert by_node["src"]["status"] == "ok" and by_node["src"]["error"] is None
    assert by_node["after"]["status"] == "error" and by_node["after"]["error"]["node_id"] == "gone"
    assert {by_node[n]["status"] for n in ("cast", "bad", "outside", "missing")} == {"error"}
    for node, codes in (
        ("bad", {"unclosed_quote"}),  # the quote opened on line 3, not a type mismatch
        ("outside", {"path_outside_space", "invalid_path"}),
        ("missing", {"path_not_found"}),
    ):
        code, bad = await api("POST", "flows/preview", {"document": doc, "node_id": node})
        assert code == 200 and bad["status"] == "error", bad
        assert bad["error"]["code"] in codes and bad["error"]["node_id"] == node, bad


async def test_user_code_runs_in_a_child_process_with_a_time_limit(
    api,
    files: Path,
    jp_serverapp,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    studio = jp_serverapp.web_app.settings["jupyter_studio"]["studio"]
    studio.flows.user_code_timeout = 120.0  # a child starts Python and pandas: slow when loaded
    doc = flow(
        source("src", "data/sales.csv"),
        step(
            "ok",
            "custom_pandas",
            ["src"],
            code="print('user output goes to stderr')\ndf['double'] = df['qty'] * 2",
        ),
        step("raises", "custom_pandas", ["src"], code="raise ValueError('boom')"),
        step("exits", "custom_pandas", ["src"], code="import os\nos._exit(3)"),
        step("hangs", "custom_pandas", ["src"], code="while True:\n    pass"),
    )
    code, ok = await api("POST", "flows/preview", {"document": doc, "node_id": "ok"})
    assert code == 200 and ok["status"] == "ok", ok
    assert "double" in [c["name"] for c in ok["columns"]]
    # unchanged: answered from the results of earlier children, without starting another one
    # (counted rather than timed, which a busy machine would blur)
    children: list[Any] = []
    real_run_isolated = flows_operations.run_isolated

    def counted(*args: Any, **kwargs: Any) -> Any:
        children.append(args)
        return real_run_isolated(*args, **kwargs)

    monkeypatch.setattr(flows_operations, "run_isolated", counted)
    code, again = await api("POST", "flows/preview", {"document": doc, "node_id": "ok"})
    assert code == 200 and again == ok and children == []
    code, report = await api("POST", "flows/report", {"document": doc, "node_id": "ok"})
    assert code == 200 and report["summary"]["columns"] == 5, report
    code, raised = await api("POST", "flows/preview", {"document": doc, "node_id": "raises"})
    assert raised["status"] == "error" and raised["error"]["code"] == "custom_code_failed"
    assert "boom" in raised["error"]["message"] and raised["error"]["node_id"] == "raises"
    code, exited = await api("POST", "flows/preview", {"document": doc, "node_id": "exits"})
    assert code == 200 and exited["error"]["code"] == "custom_code_crashed", exited
    assert exited["error"]["node_id"] == "exits"
    studio.flows.user_code_timeout = 4.0
    code, hung = await api("POST", "flows/preview", {"document": doc, "node_id": "hangs"})
    assert code == 200 and hung["error"]["code"] == "custom_code_timeout", hung
    # statuses never run user code in the server: those nodes are skipped
    code, statuses = await api("POST", "flows/statuses", {"document": doc})
    assert code == 200 and {i["node_id"]: i["status"] for i in statuses["items"]} == {
        "src": "ok",
        "ok": "skipped",
        "raises": "skipped",
        "exits": "skipped",
        "hangs": "skipped",
    }
    # the server still answers, and upstream nodes keep their previews
    code, src = await api("POST", "flows/preview", {"document": doc, "node_id": "src"})
    assert code == 200 and src["status"] == "ok"


async def test_edits_add_steps_join_analysis_and_save(api, files: Path) -> None:  # noqa: ANN001
    doc = flow(source("src", "data/sales.csv"), source("cities", "data/cities.csv", 280))
    code, added = await api(
        "POST",
        "flows/edits",
        {
            "document": doc,
            "edit": {
                "op": "add_step",
                "operator": "cast_columns",
                "inputs": ["src"],
                "parameters": {"types": {"qty": "float64"}},
            },
        },
    )
    assert code == 200, added
    cast_id = added["node_id"]
    assert cast_id.startswith("cast_columns-") and cast_id in added["changed_nodes"]
    node = next(n for n in added["document"]["nodes"] if n["id"] == cast_id)
    assert node["kind"] == "transform" and node["position"]["y"] == 120
    code, joined = await api(
        "POST",
        "flows/edits",
        {
            "document": added["document"],
            "edit": {
                "op": "add_step",
                "operator": "join",
                "inputs": [cast_id, "cities"],
                "parameters": {"left_on": ["city"], "right_on": ["city"]},
            },
        },
    )
    assert code == 200 and joined["node_id"].startswith("join-")
    code, hist = await api(
        "POST",
        "flows/edits",
        {
            "document": joined["document"],
            "edit": {
                "op": "add_step",
                "operator": "histogram",
                "inputs": [joined["node_id"]],
                "parameters": {"column": "qty"},
            },
        },
    )
    assert code == 200
    code, chart = await api(
        "POST", "flows/preview", {"document": hist["document"], "node_id": hist["node_id"]}
    )
    assert code == 200 and chart["status"] == "ok", chart
    assert chart["output"]["mime_type"] == "application/vnd.vegalite.v5+json"
    assert chart["output"]["chart"]["$schema"].startswith("https://vega.github.io/schema/vega-lite")
    (files / "sales.flow").write_text(json.dumps(hist["document"]))
    code, updated = await api(
        "POST",
        "flows/edits",
        {
            "path": "sales.flow",
            "save": True,
            "edit": {"op": "update_node", "node_id": cast_id, "title": "Types"},
        },
    )
    assert code == 200 and updated["changed_nodes"] == [] or cast_id in updated["changed_nodes"]
    saved = json.loads((files / "sales.flow").read_text())
    assert next(n for n in saved["nodes"] if n["id"] == cast_id)["title"] == "Types"
    code, deleted = await api(
        "POST",
        "flows/edits",
        {"document": saved, "edit": {"op": "delete_node", "node_id": cast_id}},
    )
    join_node = next(n for n in deleted["document"]["nodes"] if n["id"] == joined["node_id"])
    assert code == 200 and join_node["inputs"] == ["src", "cities"]


@pytest.mark.parametrize(
    ("body", "status", "error_code"),
    [
        ({"node_id": "src"}, 400, "validation_error"),
        ({"document": {"nodes": "x"}, "node_id": "src"}, 400, None),
        ({"document": SALES_FLOW, "node_id": "nope"}, 404, "unknown_node"),
        ({"document": SALES_FLOW, "node_id": "src", "rows_limit": 10_001}, 400, "validation_error"),
        ({"path": "missing.flow", "node_id": "src"}, 404, "path_not_found"),
        # what is stored at the path is of another kind: a conflict with the files, not bad input
        ({"path": "data", "node_id": "src"}, 409, "not_a_file"),
        ({"path": "data/sales.csv", "node_id": "src"}, 409, "invalid_flow"),
        ({"path": "../outside.flow", "node_id": "src"}, 400, None),
        ({"document": {"format_version": 99, "nodes": []}, "node_id": "src"}, 400, None),
    ],
)
async def test_bad_preview_requests(api, files: Path, body, status, error_code) -> None:  # noqa: ANN001
    code, error = await api("POST", "flows/preview", body)
    assert code == status, error
    assert error["message"]
    if error_code:
        assert error["code"] == error_code, error


@pytest.mark.parametrize(
    ("edit", "status", "error_code"),
    [
        (
            {"op": "add_step", "operator": "no_such_step", "inputs": ["src"]},
            400,
            "unknown_operator",
        ),
        ({"op": "add_step", "operator": "fill_missing", "inputs": ["ghost"]}, 404, "unknown_node"),
        ({"op": "update_node", "node_id": "ghost", "title": "x"}, 404, "unknown_node"),
        ({"op": "delete_node", "node_id": "ghost"}, 404, "unknown_node"),
        ({"op": "explode"}, 400, "invalid_edit"),
        ({"op": "add_node", "node": source("src", "x.csv")}, 400, "duplicate_node"),
    ],
)
async def test_bad_edits(api, files: Path, edit, status, error_code) -> None:  # noqa: ANN001
    code, error = await api("POST", "flows/edits", {"document": SALES_FLOW, "edit": edit})
    assert code == status and error["code"] == error_code, error


async def test_edit_save_needs_a_path(api) -> None:  # noqa: ANN001
    code, error = await api(
        "POST",
        "flows/edits",
        {"document": SALES_FLOW, "save": True, "edit": {"op": "delete_node", "node_id": "fill"}},
    )
    assert code == 400 and error["code"] == "missing_path"


async def test_report_and_html_export(api, files: Path) -> None:  # noqa: ANN001
    rows = "\n".join(f"{i},{i % 2},{i * 3 % 7},same" for i in range(60))
    (files / "data" / "churn.csv").write_text("id,churned,score,constant\n" + rows + "\n")
    doc = flow(source("src", "data/churn.csv"))
    code, report = await api(
        "POST", "flows/report", {"document": doc, "node_id": "src", "target": "churned"}
    )
    assert code == 200, report
    assert report["scope"] == "sample" and report["summary"]["rows"] == 60
    assert report["target"]["name"] == "churned"
    assert {i["code"] for i in report["issues"]} & {"constant_column", "id_like_column"}
    assert all(i["severity"] in ("high", "medium", "low") and i["advice"] for i in report["issues"])
    code, error = await api(
        "POST", "flows/report", {"document": doc, "node_id": "src", "target": "nope"}
    )
    assert code == 400 and "nope" in error["message"]
    (files / "churn.flow").write_text(json.dumps(doc))
    code, written = await api("POST", "flows/report/html", {"path": "churn.flow", "node_id": "src"})
    assert code == 201, written
    assert written["path"] == "churn-src-report.html" and written["size_bytes"] > 1000
    assert "<html" in (files / written["path"]).read_text().lower()
    code, again = await api("POST", "flows/report/html", {"path": "churn.flow", "node_id": "src"})
    assert code == 409 and again["code"] == "output_exists"
    code, outside = await api(
        "POST",
        "flows/report/html",
        {"document": doc, "node_id": "src", "output": "../x.html"},
    )
    assert code in (400, 403) and outside["message"]
    code, no_output = await api("POST", "flows/report/html", {"document": doc, "node_id": "src"})
    assert code == 400 and no_output["code"] == "missing_output"


async def test_export_script_and_notebook(api, files: Path) -> None:  # noqa: ANN001
    (files / "sales.flow").write_text(json.dumps(SALES_FLOW))
    code, script = await api("POST", "flows/exports", {"path": "sales.flow", "node_id": "joined"})
    assert code == 201 and script["path"] == "sales.py", script
    text = (files / "sales.py").read_text()
    assert "polars" in text and "def " in text
    code, notebook = await api(
        "POST",
        "flows/exports",
        {
            "document": SALES_FLOW,
            "node_id": "joined",
            "format": "notebook",
            "output": "out/sales.ipynb",
        },
    )
    assert code == 201 and notebook["path"] == "out/sales.ipynb"
    assert json.loads((files / "out" / "sales.ipynb").read_text())["nbformat"] == 4
    code, error = await api(
        "POST",
        "flows/exports",
        {"document": SALES_FLOW, "node_id": "joined", "output": "sales.txt"},
    )
    assert code == 400 and error["code"] == "invalid_output"
    code, error = await api("POST", "flows/exports", {"path": "sales.flow", "node_id": "joined"})
    assert code == 409 and error["code"] == "output_exists"


async def wait_job(api, job_id: str, timeout: float = 300) -> dict[str, Any]:  # noqa: ANN001
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        code, job = await api("GET", f"jobs/{job_id}")
        if job["status"] in ("Completed", "Failed", "Stopped"):
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job_id} did not end: {job}")


async def test_run_to_parquet_with_full_report_as_a_job(api, files: Path) -> None:  # noqa: ANN001
    (files / "sales.flow").write_text(json.dumps(SALES_FLOW))
    code, job = await api(
        "POST",
        "flows/runs",
        {"path": "sales.flow", "node_id": "joined", "output": "out/joined.parquet", "report": True},
    )
    assert code == 201 and job["kind"] == "flow", job
    done = await wait_job(api, job["job_id"])
    assert done["status"] == "Completed", done["status_message"]
    import polars as pl

    assert pl.read_parquet(files / "out" / "joined.parquet").height == 5
    assert (files / done["output_path"] / "report.html").exists()
    code, error = await api(
        "POST", "flows/runs", {"path": "sales.flow", "output": "out/joined.parquet"}
    )
    assert code == 409 and error["code"] == "output_exists"
    code, error = await api("POST", "flows/runs", {"path": "sales.flow", "node_id": "ghost"})
    assert code == 400 and error["code"] == "unknown_node"
    code, error = await api("POST", "flows/runs", {"path": "../x.flow"})
    assert code in (400, 403)


async def test_export_and_train_handoff(api, files: Path) -> None:  # noqa: ANN001
    rows = "\n".join(f"{i},{'ab'[i % 2]},{i * 1.5},{i % 2}" for i in range(40))
    (files / "data" / "train.csv").write_text("id,plan,amount,churned\n" + rows + "\n")
    doc = flow(
        source("src", "data/train.csv"),
        step("enc", "one_hot_encode", ["src"], columns=["plan"]),
    )
    (files / "train.flow").write_text(json.dumps(doc))
    code, handoff = await api(
        "POST", "flows/handoffs", {"path": "train.flow", "node_id": "enc", "target": "churned"}
    )
    assert code == 201, handoff
    request = handoff["automl_request"]
    assert request["target"] == "churned" and request["data"].endswith("/data.parquet")
    assert request["experiment_name"].startswith("train-")
    done = await wait_job(api, handoff["job"]["job_id"])
    assert done["status"] == "Completed", done["status_message"]
    assert (files / request["data"]).exists() and (files / handoff["pipeline_path"]).exists()
    summary = json.loads((files / done["output_path"] / "handoff.json").read_text())
    assert summary["problem_type"] == "binary" and summary["data_path"] == request["data"]
    code, bad = await api(
        "POST", "flows/handoffs", {"path": "train.flow", "node_id": "enc", "target": "nope"}
    )
    assert code == 201
    failed = await wait_job(api, bad["job"]["job_id"])
    assert failed["status"] == "Failed" and "nope" in failed["status_message"]
    code, error = await api("POST", "flows/handoffs", {"path": "train.flow"})
    assert code == 400 and error["detail"]


async def test_run_into_an_object_store(
    api,  # noqa: ANN001
    files: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.core.wrangler.test_sources import _start_moto

    proc, endpoint = _start_moto()
    try:
        import boto3

        monkeypatch.setenv("LAKE_KEY", "test")
        monkeypatch.setenv("LAKE_SECRET", "test")
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket="out")
        (files / "sales.flow").write_text(json.dumps(SALES_FLOW))
        store = {
            "url": "s3://out/joined.parquet",
            "endpoint_url": endpoint,
            "key": "${LAKE_KEY}",
            "secret": "${LAKE_SECRET}",
        }
        code, job = await api(
            "POST", "flows/runs", {"path": "sales.flow", "node_id": "joined", "output_store": store}
        )
        assert code == 201, job
        done = await wait_job(api, job["job_id"])
        assert done["status"] == "Completed", done["status_message"]
        import io

        import polars as pl

        body = client.get_object(Bucket="out", Key="joined.parquet")["Body"].read()
        assert pl.read_parquet(io.BytesIO(body)).height == 5
        run = json.loads((files / done["output_path"] / "run.json").read_text())
        assert run["output"] == "s3://out/joined.parquet" and run["rows"] == 5
        # the key exists now: refused unless overwrite
        code, again = await api(
            "POST", "flows/runs", {"path": "sales.flow", "node_id": "joined", "output_store": store}
        )
        failed = await wait_job(api, again["job_id"])
        assert failed["status"] == "Failed" and "already exists" in failed["status_message"]
        # an unset ${ENV} is refused before any job runs; an unreachable store fails the job
        code, error = await api(
            "POST",
            "flows/runs",
            {"path": "sales.flow", "output_store": {**store, "secret": "${NO_SUCH_SECRET}"}},
        )
        assert code == 400 and error["code"] == "missing_environment", error
        code, job = await api(
            "POST",
            "flows/runs",
            {
                "path": "sales.flow",
                "output_store": {**store, "endpoint_url": "http://127.0.0.1:9"},
            },
        )
        failed = await wait_job(api, job["job_id"])
        assert failed["status"] == "Failed" and "127.0.0.1:9" in failed["status_message"], failed
        code, error = await api(
            "POST",
            "flows/runs",
            {"path": "sales.flow", "output": "x.parquet", "output_store": store},
        )
        assert code == 400 and error["code"] == "invalid_output"
    finally:
        proc.terminate()
        proc.wait(10)
