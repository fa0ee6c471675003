"""Endpoints over REST on a real server: register a job's model folder, deploy, invoke through
Jupyter's proxy, bad invocations, and a kill -9 of the Jupyter server that leaves the endpoint
serving and adopted by the next server."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.server.test_restart import TOKEN, Server
from tests.support import LONG_WAIT, SHORT_WAIT

pytest.importorskip("mlflow")
pytest.importorskip("sklearn")


def save_model(folder: Path) -> None:
    import mlflow
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"age": rng.normal(40, 10, 200), "income": rng.normal(50, 15, 200)})
    target = (frame["income"] > 50).astype(int)
    mlflow.sklearn.save_model(
        LogisticRegression().fit(frame, target),
        str(folder),
        input_example=frame.head(),
        serialization_format="cloudpickle",
    )


def invoke(
    server: Server, name: str, body: bytes, content_type: str, accept: str = "application/json"
) -> tuple[int, Any, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/studio/endpoints/{name}/invocations",
        data=body,
        method="POST",
        headers={
            "Authorization": f"token {TOKEN}",
            "Content-Type": content_type,
            "Accept": accept,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=SHORT_WAIT) as reply:
            raw = reply.read()
            kind = reply.headers.get("Content-Type", "")
            return reply.status, json.loads(raw) if "json" in kind else raw.decode(), kind
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw or b"null"), ""
        except ValueError:
            return error.code, raw.decode("utf-8", "replace"), ""


def wait_endpoint(server: Server, name: str, timeout: float = LONG_WAIT) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, endpoint = server.api("GET", f"endpoints/{name}")
        if code == 200 and endpoint["status"] in ("InService", "Failed"):
            return endpoint
        time.sleep(0.3)
    raise AssertionError(f"endpoint {name} stayed {endpoint}")


def test_register_deploy_invoke_and_survive_a_server_kill(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    save_model(root / "artifacts" / "model")
    server = Server(root)
    try:
        code, version = server.api(
            "POST", "models", {"path": "artifacts/model", "name": "income-clf"}
        )
        assert code == 201, version
        assert version["version"] == 1 and version["path"].startswith("studio/users/")
        code, error = server.api("POST", "models", {"path": "../outside", "name": "x"})
        assert code in (400, 403) and error["message"]
        code, error = server.api(
            "POST", "endpoints", {"endpoint_name": "bad name!", "model_name": "income-clf"}
        )
        assert code == 400 and error["detail"][0]["loc"] == ["endpoint_name"]
        code, error = server.api(
            "POST", "endpoints", {"endpoint_name": "nope", "model_name": "missing"}
        )
        assert code == 404

        code, endpoint = server.api(
            "POST",
            "endpoints",
            {"endpoint_name": "income", "model_name": "income-clf", "capture_percent": 100},
        )
        assert code == 201 and endpoint["status"] == "Creating"
        code, busy = server.api(
            "POST", "endpoints", {"endpoint_name": "income", "model_name": "income-clf"}
        )
        assert code == 409 and busy["code"] == "endpoint_exists"
        endpoint = wait_endpoint(server, "income")
        assert endpoint["status"] == "InService", endpoint["status_message"]

        code, answer, _ = invoke(server, "income", b"41,80\n39,20\n", "text/csv")
        assert code == 200 and answer["predictions"] == [1, 0]
        assert len(answer["probabilities"]) == 2
        code, answer, kind = invoke(
            server,
            "income",
            json.dumps([{"age": 30, "income": 90}]).encode(),
            "application/json",
            accept="text/csv",
        )
        assert code == 200 and kind.startswith("text/csv"), (code, answer)
        assert answer.startswith("prediction")
        code, error, _ = invoke(server, "income", b'[{"age": 30}]', "application/json")
        assert code == 400 and "income" in error["message"]
        code, error, _ = invoke(server, "income", b"x", "application/xml")
        assert code == 415
        code, error, _ = invoke(server, "nothing", b"1,2\n", "text/csv")
        assert code == 404
        code, stats = server.api("GET", "endpoints/income/stats")
        assert code == 200 and stats["request_count"] >= 3

        # The Jupyter server dies; the model server keeps serving and the next server adopts it.
        server.kill9()
        pid = endpoint["port"]
        server = Server(root)
        endpoint = wait_endpoint(server, "income")
        assert endpoint["status"] == "InService" and endpoint["port"] == pid
        code, answer, _ = invoke(server, "income", b"age,income\n50,70\n", "text/csv")
        assert code == 200 and answer["predictions"] == [1]
        captured = list((root / endpoint["capture_path"]).glob("*.jsonl"))
        assert captured, "data capture at 100 % wrote nothing"

        code, _ = server.api("DELETE", "endpoints/income")
        assert code == 204
        assert server.api("GET", "endpoints/income")[0] == 404
    finally:
        server.stop()
