"""What a loaded hub model does: generate text (whole or streamed), embed, classify.

:class:`TextGenerator` wraps a causal LM and its tokenizer: chat template, context-length check,
greedy or sampled decoding, stop sequences, and token streaming (generation runs in a thread; the
caller iterates tokens). It decodes with CTranslate2 (:mod:`.fast_runtime`) when given a decoder,
else with its own loop over the PyTorch model's KV cache.
:class:`Embedder` wraps a SentenceTransformer: normalized embeddings, and zero-shot
classification by cosine similarity to "This text is about <label>.".

One generation runs at a time per loaded model (a lock): the runtime already uses every core it was
given, and two interleaved generations would only slow each other down.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from typing import Any

from .invocations import ClassifyRequest, EmbedRequest, GenerateRequest, PromptTooLong

#: Softmax scale of cosine similarities in zero-shot classification (like CLIP's logit scale).
COSINE_SCALE = 20.0


class StopMatcher:
    """Cuts generated text at the first stop sequence, holding back what might start one."""

    def __init__(self, stops: list[str]) -> None:
        self.stops = [s for s in stops if s]
        self.hold = max((len(s) for s in self.stops), default=1) - 1
        self.text = ""  # everything generated so far (cut at the stop once found)
        self.emitted = 0
        self.stopped = False

    def feed(self, piece: str, final: bool = False) -> str:
        """Add generated text; returns the text that may be shown now."""
        if self.stopped:
            return ""
        self.text += piece
        cut = min(
            (
                i
                for i in (self.text.find(s, max(0, self.emitted - len(s))) for s in self.stops)
                if i >= 0
            ),
            default=-1,
        )
        if cut >= 0:
            self.text = self.text[:cut]
            self.stopped = True
            final = True
        end = len(self.text) if final else max(self.emitted, len(self.text) - self.hold)
        out = self.text[self.emitted : end]
        self.emitted = end
        return out


class TextGenerator:
    """A causal LM ready to answer :class:`GenerateRequest` bodies."""

    task = "text-generation"

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        model_id: str = "",
        context_length: int | None = None,
        repetition_penalty: float | None = None,
        decoder: Any = None,
        end_ids: set[int] | None = None,
        load_model: Callable[[], Any] | None = None,
    ) -> None:
        """``model`` is a transformers causal LM; with a ``decoder``
        (:class:`~.fast_runtime.FastDecoder`) it may be None, and ``load_model`` loads it the
        first time a request needs it (sampling with a seed: reproducible in PyTorch only)."""
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.decoder = decoder
        self._load_model = load_model
        self._end_ids = set(end_ids) if end_ids else None
        self.model: Any = None
        if model is not None:
            self._adopt(model)
        config = getattr(model, "config", None)
        self.context_length = int(
            context_length or getattr(config, "max_position_embeddings", 0) or 2048
        )
        self.repetition_penalty = repetition_penalty
        self.has_chat_template = bool(getattr(tokenizer, "chat_template", None))
        self.lock = threading.Lock()
        #: How the fast decoder was chosen (a :class:`~.tuning.ServingChoice`), if one was.
        self.serving: Any = None

    @property
    def runtime(self) -> str:
        """What decodes: ``ctranslate2`` or ``torch``."""
        return "ctranslate2" if self.decoder is not None else "torch"

    def _adopt(self, model: Any) -> None:
        self.model = model
        accepted = _keyword_arguments(model)
        # transformers 5 renamed past_key_values to cache
        self._cache_argument = "past_key_values" if "past_key_values" in accepted else "cache"
        self._prefill_options = {"logits_to_keep": 1} if "logits_to_keep" in accepted else {}

    def _torch_model(self) -> Any:
        if self.model is None:
            if self._load_model is None:
                raise RuntimeError("this generator has no PyTorch model to fall back on")
            self._adopt(self._load_model())
        return self.model

    # ------------------------------------------------------------ prompts
    def prompt_ids(self, request: GenerateRequest) -> list[int]:
        """Token ids of the prompt (chat template applied when the model has one)."""
        chat = request.chat if request.chat is not None else self.has_chat_template
        if request.messages is not None:
            messages = [m.model_dump() for m in request.messages]
        elif chat and self.has_chat_template:
            messages = [{"role": "user", "content": request.prompt or ""}]
        else:
            return list(self.tokenizer(request.prompt or "", add_special_tokens=True)["input_ids"])
        if not self.has_chat_template:  # messages for a base model: plain text turns
            text = "\n".join(f"{m['role']}: {m['content']}" for m in messages) + "\nassistant:"
            return list(self.tokenizer(text, add_special_tokens=True)["input_ids"])
        ids = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=True, return_dict=False
        )
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return list(ids)

    def check(self, request: GenerateRequest) -> list[int]:
        """The prompt's ids; :class:`PromptTooLong` when prompt + answer exceed the context."""
        ids = self.prompt_ids(request)
        if len(ids) + request.max_new_tokens > self.context_length:
            raise PromptTooLong(len(ids), request.max_new_tokens, self.context_length)
        return ids

    # ------------------------------------------------------------ generating
    def _processors(self, request: GenerateRequest) -> list[Any]:
        """The logits processors of a request (transformers' own: same semantics as generate)."""
        from transformers import (
            RepetitionPenaltyLogitsProcessor,
            TemperatureLogitsWarper,
            TopPLogitsWarper,
        )

        processors: list[Any] = []
        penalty = self._penalty(request)
        if penalty and penalty != 1.0:
            processors.append(RepetitionPenaltyLogitsProcessor(penalty))
        if request.temperature > 0:
            processors.append(TemperatureLogitsWarper(request.temperature))
            if request.top_p < 1.0:
                processors.append(TopPLogitsWarper(request.top_p))
        return processors

    def _stop_ids(self) -> set[int]:
        if self._end_ids is not None:
            return set(self._end_ids)
        return end_token_ids(getattr(self.model, "generation_config", None), self.tokenizer)

    def _penalty(self, request: GenerateRequest) -> float | None:
        """The repetition penalty of a request (the model's own unless it sets one)."""
        return request.repetition_penalty or self.repetition_penalty

    def _run(
        self,
        ids: list[int],
        request: GenerateRequest,
        on_text: Any,
        cancel: threading.Event,
    ) -> tuple[int, bool]:
        """Generate, calling ``on_text(piece)``; returns (new tokens, ended by EOS or cancel).

        The fast decoder answers unless the request needs PyTorch to answer as before: a seed
        (CTranslate2's sampling cannot be re-seeded per request) or a repetition penalty
        (CTranslate2 penalizes generated tokens only; transformers the prompt's too).
        """
        penalty = self._penalty(request)
        needs_torch = (request.temperature > 0 and request.seed is not None) or (
            penalty is not None and penalty != 1.0
        )
        if self.decoder is not None and not (needs_torch and self._load_model is not None):
            return self._run_fast(ids, request, on_text, cancel)
        return self._run_torch(ids, request, on_text, cancel)

    def _run_fast(
        self,
        ids: list[int],
        request: GenerateRequest,
        on_text: Any,
        cancel: threading.Event,
    ) -> tuple[int, bool]:
        """The CTranslate2 decoding loop (same arguments and answer as :meth:`_run_torch`)."""
        stop_ids = self._stop_ids()
        text = _Detokenizer(self.tokenizer, on_text)
        ended = False
        with self.lock:
            steps = self.decoder.tokens(
                ids,
                max_new_tokens=request.max_new_tokens,
                end_ids=stop_ids,
                temperature=request.temperature,
                top_p=request.top_p,
                repetition_penalty=self._penalty(request),
            )
            try:
                for token in steps:
                    if token in stop_ids:
                        text.count_end()
                        ended = True
                        break
                    text.add(token)
                    if cancel.is_set():
                        ended = True
                        break
            finally:
                steps.close()
        text.finish()
        return text.count, ended or text.count < request.max_new_tokens

    def _run_torch(
        self,
        ids: list[int],
        request: GenerateRequest,
        on_text: Any,
        cancel: threading.Event,
    ) -> tuple[int, bool]:
        """A plain decoding loop over the model's KV cache rather than ``model.generate``: for a
        small model on a CPU, generate's per-token bookkeeping is a tenth of each step."""
        import torch

        with self.lock:
            model = self._torch_model()
        processors = self._processors(request)
        stop_ids = self._stop_ids()
        sampler = None
        if request.temperature > 0 and request.seed is not None:
            sampler = torch.Generator().manual_seed(request.seed)
        sequence = torch.tensor([ids], dtype=torch.long)
        text = _Detokenizer(self.tokenizer, on_text)
        ended = False
        with self.lock, torch.inference_mode():
            out = model(input_ids=sequence, use_cache=True, **self._prefill_options)
            cache = out.cache if hasattr(out, "cache") else out.past_key_values
            step = {self._cache_argument: cache, "use_cache": True}
            while text.count < request.max_new_tokens:
                scores = out.logits[:, -1, :].float()
                for processor in processors:
                    scores = processor(sequence, scores)
                if request.temperature > 0:
                    probs = torch.softmax(scores, dim=-1)
                    token = torch.multinomial(probs, 1, generator=sampler)
                else:
                    token = scores.argmax(-1, keepdim=True)
                if int(token) in stop_ids:
                    text.count_end()
                    ended = True
                    break
                if processors:  # the repetition penalty reads the whole sequence
                    sequence = torch.cat([sequence, token], dim=1)
                text.add(int(token))
                if cancel.is_set():
                    ended = True
                    break
                if text.count < request.max_new_tokens:
                    out = model(input_ids=token, **step)
        text.finish()
        return text.count, ended or text.count < request.max_new_tokens

    def generate(self, request: GenerateRequest) -> dict[str, Any]:
        """``{text, tokens, finish_reason}`` for a whole answer."""
        ids = self.check(request)
        matcher = StopMatcher(request.stop)
        cancel = threading.Event()
        parts: list[str] = []

        def on_text(piece: str) -> None:
            parts.append(matcher.feed(piece))
            if matcher.stopped:
                cancel.set()

        tokens, ended = self._run(ids, request, on_text, cancel)
        parts.append(matcher.feed("", final=True))
        return {
            "text": "".join(parts),
            "tokens": tokens,
            "finish_reason": "stop" if (ended or matcher.stopped) else "length",
        }

    def stream(self, request: GenerateRequest) -> Iterator[dict[str, Any]]:
        """Events of a streamed answer: ``{"token": piece}`` ..., then ``{"done": true, ...}``.

        Generation runs in a thread; closing the iterator early (a client that went away)
        stops it at the next token.
        """
        import queue

        ids = self.check(request)  # PromptTooLong before anything is streamed
        matcher = StopMatcher(request.stop)
        cancel = threading.Event()
        events: queue.Queue[Any] = queue.Queue()
        result: dict[str, Any] = {}

        def on_text(piece: str) -> None:
            shown = matcher.feed(piece)
            if shown:
                events.put(shown)
            if matcher.stopped:
                cancel.set()

        def work() -> None:
            try:
                result["tokens"], result["ended"] = self._run(ids, request, on_text, cancel)
            except BaseException as exc:  # handed to the consumer
                result["error"] = exc
            finally:
                events.put(None)

        thread = threading.Thread(target=work, name="studio-generate", daemon=True)
        thread.start()
        text: list[str] = []
        try:
            while True:
                piece = events.get()
                if piece is None:
                    break
                text.append(piece)
                yield {"token": piece}
            if "error" in result:
                raise result["error"]
            tail = matcher.feed("", final=True)
            if tail:
                text.append(tail)
                yield {"token": tail}
            yield {
                "done": True,
                "text": "".join(text),
                "tokens": result.get("tokens", 0),
                "finish_reason": "stop" if (result.get("ended") or matcher.stopped) else "length",
            }
        finally:
            cancel.set()
            thread.join(timeout=30)

    # ------------------------------------------------------------ classifying
    def _label_score(self, ids: list[int], label_ids: list[int]) -> float:
        """Mean log-likelihood of the label's tokens after the prompt ``ids``."""
        with self.lock:
            if self.decoder is not None:
                return float(sum(self.decoder.log_probs(ids + label_ids)[-len(label_ids) :])) / len(
                    label_ids
                )
            import torch

            with torch.inference_mode():
                sequence = torch.tensor([ids + label_ids], dtype=torch.long)
                logits = self._torch_model()(input_ids=sequence).logits[0]
                logprobs = torch.log_softmax(logits[len(ids) - 1 : -1].float(), dim=-1)
                return float(logprobs.gather(1, torch.tensor(label_ids).unsqueeze(1)).mean())

    def classify(self, request: ClassifyRequest) -> dict[str, Any]:
        """Zero-shot labels by the likelihood of each label after an instruction prompt."""
        predictions = []
        options = ", ".join(request.labels)
        for text in request.inputs:
            prompt = GenerateRequest(
                prompt=f"Classify the text into one of: {options}.\nText: {text}\nAnswer with the label only.",
                max_new_tokens=8,
            )
            ids = self.check(prompt)
            scores = {
                label: self._label_score(
                    ids, list(self.tokenizer(label, add_special_tokens=False)["input_ids"])
                )
                for label in request.labels
            }
            predictions.append(_softmax_prediction(scores, 1.0))
        return {"predictions": predictions}

    def describe(self) -> dict[str, Any]:
        """What the model server reports about the model."""
        return {
            "task": self.task,
            "model_id": self.model_id,
            "context_length": self.context_length,
            "chat_template": self.has_chat_template,
            "runtime": self.runtime,
            **(
                {
                    "compute_type": self.serving.compute_type,
                    "threads": self.serving.threads,
                    "cpu": self.serving.cpu,
                }
                if self.serving is not None and self.decoder is not None
                else {}
            ),
        }


class _Detokenizer:
    """Generated token ids -> text pieces for ``on_text``, never cutting a UTF-8 character."""

    def __init__(self, tokenizer: Any, on_text: Any) -> None:
        self.tokenizer = tokenizer
        self.on_text = on_text
        self.ids: list[int] = []
        self.count = 0  # tokens generated, the end token included
        self.shown = 0  # characters of the decoded answer already passed on

    def add(self, token: int) -> None:
        self.ids.append(token)
        self.count += 1
        text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        if not text.endswith("\ufffd"):  # not in the middle of a UTF-8 character
            self._emit(text)

    def count_end(self) -> None:
        self.count += 1

    def finish(self) -> None:
        self._emit(self.tokenizer.decode(self.ids, skip_special_tokens=True))

    def _emit(self, text: str) -> None:
        if len(text) > self.shown:
            self.on_text(text[self.shown :])
        self.shown = max(self.shown, len(text))


def end_token_ids(generation_config: Any, tokenizer: Any) -> set[int]:
    """The ids that end an answer: the generation config's EOS ids, else the tokenizer's."""
    ids = getattr(generation_config, "eos_token_id", None)
    if ids is None:
        ids = tokenizer.eos_token_id
    return set(ids if isinstance(ids, list | tuple) else [ids]) - {None}


def _keyword_arguments(model: Any) -> set[str]:
    """The keyword arguments ``model.forward`` names (empty if it cannot be inspected)."""
    import inspect

    try:
        return set(inspect.signature(model.forward).parameters)
    except (TypeError, ValueError, AttributeError):
        return set()


def _softmax_prediction(scores: dict[str, float], scale: float) -> dict[str, Any]:
    top = max(scores.values())
    exp = {label: math.exp((s - top) * scale) for label, s in scores.items()}
    total = sum(exp.values())
    probs = {label: round(v / total, 6) for label, v in exp.items()}
    return {"label": max(probs, key=probs.__getitem__), "scores": probs}


class Embedder:
    """A sentence-transformers model ready to answer embedding and classification bodies."""

    task = "text-embedding"

    def __init__(self, model: Any, *, model_id: str = "", batch_size: int = 64) -> None:
        self.model = model
        self.model_id = model_id
        self.batch_size = batch_size
        self.context_length = int(getattr(model, "max_seq_length", 0) or 256)
        self.lock = threading.Lock()

    def vectors(self, texts: list[str]) -> Any:
        """Normalized embeddings as a numpy array (one row per text)."""
        with self.lock:
            return self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )

    def embed(self, request: EmbedRequest) -> dict[str, Any]:
        """``{embeddings: [[...], ...]}``."""
        return {"embeddings": self.vectors(request.inputs).round(7).tolist()}

    def classify(self, request: ClassifyRequest) -> dict[str, Any]:
        """Zero-shot labels by cosine similarity to each phrased label."""
        texts = self.vectors(request.inputs)
        labels = self.vectors([request.template.format(label=label) for label in request.labels])
        similarity = texts @ labels.T
        return {
            "predictions": [
                _softmax_prediction(
                    {label: float(row[j]) for j, label in enumerate(request.labels)}, COSINE_SCALE
                )
                for row in similarity
            ]
        }

    def describe(self) -> dict[str, Any]:
        """What the model server reports about the model."""
        return {
            "task": self.task,
            "model_id": self.model_id,
            "context_length": self.context_length,
            "dimensions": int(self.model.get_sentence_embedding_dimension() or 0),
        }


class HeadClassifier:
    """A fine-tuned classifier with fixed labels (a python model whose ``predict`` takes
    ``{"inputs": [...]}`` and answers ``[{label, scores}]``) behind the hub protocol."""

    task = "text-classification"

    def __init__(
        self, python_model: Any, *, model_id: str = "", labels: list[str] | None = None
    ) -> None:
        self.python_model = python_model
        self.model_id = model_id
        self.labels = list(labels or getattr(python_model, "labels", []) or [])
        self.lock = threading.Lock()

    def predict(self, request: EmbedRequest) -> dict[str, Any]:
        """``{predictions: [{label, scores}]}`` over the model's own labels."""
        with self.lock:
            return {"predictions": self.python_model.predict(None, {"inputs": request.inputs})}

    def classify(self, request: ClassifyRequest) -> dict[str, Any]:
        """The model's own labels; ``labels`` sent must be among them (their scores kept)."""
        unknown = [label for label in request.labels if label not in self.labels]
        if unknown:
            raise ValueError(
                f"this classifier knows the labels {self.labels}, not {unknown}: leave labels out"
            )
        answer = self.predict(EmbedRequest(inputs=request.inputs))
        for prediction in answer["predictions"]:
            scores = {k: v for k, v in prediction["scores"].items() if k in request.labels}
            total = sum(scores.values()) or 1.0
            prediction["scores"] = {k: round(v / total, 6) for k, v in scores.items()}
            prediction["label"] = max(scores, key=scores.__getitem__)
        return answer

    def describe(self) -> dict[str, Any]:
        """What the model server reports about the model."""
        return {"task": self.task, "model_id": self.model_id, "labels": self.labels}
