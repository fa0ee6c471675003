"""The MLflow pyfunc wrapper of hub models: a registry version any MLflow tool can load.

A hub model is registered once per home or space as a small MLflow folder: ``MLmodel`` with
``metadata.studio_modelhub``, the pickled :class:`HubModel`, and a ``hub.json`` artifact naming
the catalogue entry (and where the domain's model cache is). Its weights stay in the package and
the model cache, so deploying a hub model copies kilobytes, not hundreds of megabytes.

A **fine-tuned copy** is the same wrapper with a ``weights`` artifact: a transformers folder (causal
LM) or a sentence-transformers folder, saved with :func:`save_hub_model` by the fine-tuning job;
it is then a registry version like any other.

The model server serves these folders through the hub protocol (:mod:`jupyter_studio.core.modelhub.
serving`, the ``modelhub`` serving runtime): the unwrapped python model's ``engine`` has ``task`` and ``generate`` / ``stream`` /
``embed`` / ``classify`` methods. ``predict`` and ``predict_stream`` make the same folder usable from
``mlflow.pyfunc.load_model`` (a DataFrame with a ``prompt`` or ``text`` column, or a request dict).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import mlflow.pyfunc

from .cache import ModelCache
from .catalogue import BUILTIN, CatalogueEntry
from .invocations import ClassifyRequest, EmbedRequest, GenerateRequest
from .schemas import ModelTask

log = logging.getLogger(__name__)

METADATA_KEY = "studio_modelhub"
HUB_ARTIFACT = "hub"
WEIGHTS_ARTIFACT = "weights"
#: Bumped when the wrapper changes in a way old registry versions cannot follow.
WRAPPER_VERSION = 1
#: Decoding threads of a text-generation model server worker (default: see :func:`build_engine`).
GENERATION_THREADS_ENV = "JUPYTER_STUDIO_MODELHUB_THREADS"
PIP_REQUIREMENTS = [
    "torch==2.13.0",
    "transformers",
    "sentence-transformers",
    "safetensors",
    "ctranslate2",
]


def _entry_for(spec: dict[str, Any]) -> CatalogueEntry:
    model_id = spec.get("model_id") or spec.get("base_model_id")
    for entry in BUILTIN:
        if entry.id == model_id:
            return entry
    entry_data = spec.get("entry")
    if entry_data:  # a folder or Hugging Face entry, saved whole at registration
        from .catalogue import Loader

        return CatalogueEntry(
            id=entry_data["id"],
            name=entry_data.get("name", entry_data["id"]),
            task=ModelTask(entry_data["task"]),
            framework=entry_data.get("framework", "transformers"),
            license=entry_data.get("license", "unknown"),
            description="",
            loader=Loader(**entry_data["loader"]),
            context_length=entry_data.get("context_length"),
        )
    raise ValueError(f"unknown hub model {model_id!r}: is its package installed?")


def generation_threads() -> int | None:
    """``$JUPYTER_STUDIO_MODELHUB_THREADS`` as a thread count (None: measure; a value that is
    not a positive whole number is logged and ignored)."""
    raw = os.environ.get(GENERATION_THREADS_ENV, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        log.warning(
            "ignoring %s=%r: give a whole number of threads from 1", GENERATION_THREADS_ENV, raw
        )
        return None
    return value


def build_engine(spec: dict[str, Any], weights: str | None = None) -> Any:
    """The loaded engine (:class:`~.generation.TextGenerator` or :class:`~.generation.Embedder`)
    that ``hub.json``'s ``spec`` describes; ``weights`` is a fine-tuned copy's folder."""
    from . import loading
    from .generation import Embedder

    task = ModelTask(spec["task"])
    model_id = spec.get("model_id") or spec.get("base_model_id") or ""
    quantize = spec.get("quantize")
    if task == ModelTask.TEXT_GENERATION:
        import torch

        # Decoding a small model one token at a time. PyTorch: a second thread costs more in
        # synchronisation than it saves (SmolLM2 float32: 15.6 tok/s on one thread, 12.6 on
        # two). CTranslate2's threads are measured on this CPU unless given (.tuning).
        threads = generation_threads()
        torch.set_num_threads(threads or 1)
        cache = ModelCache(spec.get("cache_dir") or None)
        if weights:
            folder, keep = Path(weights), False
        else:
            folder, _ = loading.cached_folder(_entry_for(spec), cache)
            keep = folder.resolve().is_relative_to(cache.root.resolve())
        return loading.text_generator(
            folder,
            quantize=quantize,
            keep=keep,
            threads=threads,
            model_id=model_id,
            context_length=spec.get("context_length"),
            repetition_penalty=spec.get("repetition_penalty"),
            choices=cache.root / loading.CHOICES_FILE,
        )
    folder = weights or str(loading.embedder_folder(_entry_for(spec)))
    return Embedder(loading.load_sentence_transformer(folder), model_id=model_id)


class HubModel(mlflow.pyfunc.PythonModel):
    """MLflow pyfunc of a hub model (packaged, from a folder, or a fine-tuned copy)."""

    def load_context(self, context: Any) -> None:
        """Load the weights named by the ``hub`` artifact (and the ``weights`` one if any)."""
        spec = json.loads(Path(context.artifacts[HUB_ARTIFACT]).read_text())
        self.spec = spec
        self.engine = build_engine(spec, context.artifacts.get(WEIGHTS_ARTIFACT))

    @property
    def task(self) -> str:
        """The engine's task: text-generation or text-embedding."""
        return self.engine.task

    def predict(self, context, model_input, params=None):  # noqa: ANN001, ANN201 - MLflow reads hints
        """Answers for a request dict, a list of prompts/texts, or a DataFrame column of them."""
        import pandas as pd

        params = dict(params or {})
        if isinstance(model_input, dict):
            return self._answer({**model_input, **params})
        if isinstance(model_input, pd.DataFrame):
            column = next(
                (c for c in ("prompt", "text", "inputs") if c in model_input.columns),
                model_input.columns[0],
            )
            texts = [str(v) for v in model_input[column].tolist()]
        else:
            texts = [
                str(v) for v in (model_input if isinstance(model_input, list) else [model_input])
            ]
        if self.engine.task == ModelTask.TEXT_GENERATION.value:
            params.pop("stream", None)
            return [
                self.engine.generate(GenerateRequest(prompt=t, **params))["text"] for t in texts
            ]
        if params.get("labels"):
            return self.engine.classify(ClassifyRequest(inputs=texts, **params))["predictions"]
        return self.engine.embed(EmbedRequest(inputs=texts))["embeddings"]

    def _answer(self, body: dict[str, Any]) -> dict[str, Any]:
        if "labels" in body:
            return self.engine.classify(ClassifyRequest(**body))
        if self.engine.task == ModelTask.TEXT_EMBEDDING.value:
            return self.engine.embed(EmbedRequest(**body))
        body = {k: v for k, v in body.items() if k != "stream"}
        return self.engine.generate(GenerateRequest(**body))

    def predict_stream(self, context, model_input, params=None):  # noqa: ANN001, ANN201
        """Generated text piece by piece (a text-generation model)."""
        body = dict(model_input) if isinstance(model_input, dict) else {"prompt": str(model_input)}
        body.update(params or {})
        body.pop("stream", None)
        for event in self.engine.stream(GenerateRequest(**body)):
            if "token" in event:
                yield event["token"]


def engine_for(python_model: Any, metadata: dict[str, Any]) -> Any:
    """The hub-protocol engine of an unwrapped python model, or None.

    :class:`HubModel` has one (``engine``); the fine-tuning job's own wrappers (MLmodel metadata
    ``modelhub``: a causal LM with ``model`` and ``tokenizer``, or a classifier with fixed
    labels) are adapted, so a fine-tuned copy streams and classifies like the hub models.
    """
    from .generation import HeadClassifier, TextGenerator

    engine = getattr(python_model, "engine", None)
    if engine is not None:
        return engine
    info = metadata.get("modelhub") or {}
    if not info:
        return None
    base = str(info.get("base_model") or "")
    if hasattr(python_model, "model") and hasattr(python_model, "tokenizer"):
        entry = next((e for e in BUILTIN if e.id == base), None)
        return TextGenerator(
            python_model.model,
            python_model.tokenizer,
            model_id=base,
            context_length=entry.context_length if entry else None,
            repetition_penalty=entry.repetition_penalty if entry else None,
        )
    if hasattr(python_model, "predict") and info.get("task") == "text-classification":
        return HeadClassifier(python_model, model_id=base, labels=info.get("labels"))
    return None


def hub_spec(
    entry: CatalogueEntry, *, cache_dir: str | os.PathLike[str] | None, quantize: str | None = None
) -> dict[str, Any]:
    """The ``hub.json`` of a hub model as catalogued (no weights of its own)."""
    spec: dict[str, Any] = {
        "wrapper_version": WRAPPER_VERSION,
        "model_id": entry.id,
        "task": entry.task.value,
        "cache_dir": str(cache_dir) if cache_dir else None,
        "context_length": entry.context_length,
        "repetition_penalty": entry.repetition_penalty,
        "quantize": quantize,
    }
    if entry.source.value != "packaged":
        spec["entry"] = {
            "id": entry.id,
            "name": entry.name,
            "task": entry.task.value,
            "framework": entry.framework,
            "license": entry.license,
            "context_length": entry.context_length,
            "loader": {
                "kind": entry.loader.kind,
                "package": entry.loader.package,
                "file": entry.loader.file,
                "folder": entry.loader.folder,
                "repo": entry.loader.repo,
            },
        }
    return spec


def save_hub_model(
    path: str | os.PathLike[str],
    spec: dict[str, Any],
    *,
    weights_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Save an MLflow folder of :class:`HubModel` at ``path``.

    ``spec`` is the ``hub.json`` content (see :func:`hub_spec`); for a fine-tuned copy give
    ``{"task", "base_model_id", "context_length"?, "labels"?}`` and ``weights_dir``, a transformers
    (causal LM) or sentence-transformers folder, which is copied into the MLflow folder.
    """
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="studio-hub-") as tmp:
        hub_file = Path(tmp) / "hub.json"
        hub_file.write_text(json.dumps({"wrapper_version": WRAPPER_VERSION, **spec}, indent=2))
        artifacts = {HUB_ARTIFACT: str(hub_file)}
        if weights_dir is not None:
            artifacts[WEIGHTS_ARTIFACT] = str(weights_dir)
        if target.exists() and not any(target.iterdir()):
            shutil.rmtree(target)
        mlflow.pyfunc.save_model(
            str(target),
            python_model=HubModel(),
            artifacts=artifacts,
            pip_requirements=PIP_REQUIREMENTS,
            metadata={
                METADATA_KEY: {
                    "task": spec["task"],
                    "model_id": spec.get("model_id"),
                    "base_model_id": spec.get("base_model_id"),
                    "fine_tuned": weights_dir is not None,
                    "wrapper_version": WRAPPER_VERSION,
                }
            },
        )
    return target
