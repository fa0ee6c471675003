"""CTranslate2: the runtime that serves a causal LM's generation on CPU (imported where it is used).

A model server decodes one token at a time, and a small model's step in PyTorch is mostly Python
and dispatch overhead around reads of the weights. CTranslate2 runs the whole decoding loop in C++
on the same float32 weights, so greedy answers are the same tokens (the bundled held-out
instructions: 15 of 15 identical) while each token costs less (``benchmarks/modelhub/run.py``).

- :func:`converted` turns a transformers folder into CTranslate2's format once: beside the weights
  in the domain's model cache (later loads take a second), or in a temporary folder for a folder
  this process must not write to (a fine-tuned copy inside a registry version).
- :class:`FastDecoder` decodes (greedy or sampled, repetition penalty, end tokens; stopping when
  the consumer stops reading) and scores token sequences (zero-shot labels).

``JUPYTER_STUDIO_MODELHUB_RUNTIME=torch`` serves with PyTorch instead (as does a model that
CTranslate2 cannot convert). The decoding threads and the compute type (float32, bfloat16,
int8...) are measured per CPU (:mod:`.tuning`) unless fixed: ``int8`` quantization maps to
CTranslate2's ``int8_float32``, ``none`` to float32.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

RUNTIME_ENV = "JUPYTER_STUDIO_MODELHUB_RUNTIME"
RUNTIMES = ("ctranslate2", "torch")
DEFAULT_RUNTIME = "ctranslate2"

#: Our quantization names -> CTranslate2 compute types (weights converted once, in float32);
#: ``auto``: measured on this CPU (:mod:`.tuning`).
COMPUTE_TYPES = {
    "auto": None,
    "none": "float32",
    "": "float32",
    "int8": "int8_float32",
    "int8-plain": "int8",
    **{name: name for name in ("float32", "bfloat16", "int8_bfloat16", "int16", "int8_float32")},
}


#: Bumped when the conversion changes, so a folder converted the old way is not reused.
FORMAT_VERSION = 1


class RuntimeUnavailable(Exception):
    """CTranslate2 is not installed, or cannot convert or load this model (the reason)."""


def chosen_runtime(value: str | None = None) -> str:
    """The runtime asked for (argument, else ``$JUPYTER_STUDIO_MODELHUB_RUNTIME``, else the
    default); ``ValueError`` naming the choices for anything else."""
    runtime = (value or os.environ.get(RUNTIME_ENV) or DEFAULT_RUNTIME).strip().lower()
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown model hub runtime {runtime!r}: use one of {', '.join(RUNTIMES)}")
    return runtime


def _ctranslate2() -> Any:
    try:
        import ctranslate2
    except ImportError as exc:
        raise RuntimeUnavailable(f"ctranslate2 is not installed: {exc}") from exc
    return ctranslate2


def converted_name() -> str:
    """The folder name of the converted copy kept beside a model's weights."""
    return f".ctranslate2-v{FORMAT_VERSION}-{_ctranslate2().__version__}"


def _convert(source: Path, target: Path) -> None:
    """Write the CTranslate2 model of the transformers folder ``source`` into ``target``."""
    import warnings

    from ctranslate2.converters import TransformersConverter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        TransformersConverter(str(source), low_cpu_mem_usage=True).convert(
            str(target), quantization="float32", force=True
        )


def converted(folder: str | os.PathLike[str], *, keep: bool) -> Path:
    """The CTranslate2 copy of a transformers folder, converting it if needed.

    ``keep``: the copy lives in ``folder`` (the model cache, shared by processes: each converts
    into its own staging folder and the first rename wins). Otherwise it is converted into a
    temporary folder removed when the process exits.
    """
    source = Path(folder)
    ct2 = _ctranslate2()
    if not keep:
        scratch = Path(tempfile.mkdtemp(prefix="studio-ct2-"))
        atexit.register(shutil.rmtree, scratch, True)
        target = scratch / "model"
        _try_convert(source, target, ct2)
        return target
    target = source / converted_name()
    if (target / "model.bin").is_file():
        return target
    _remove_abandoned_staging(source, target.name)
    staging = source / f"{target.name}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _try_convert(source, staging, ct2)
        try:
            staging.rename(target)
        except OSError:  # another process finished first: use its copy
            if not (target / "model.bin").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _remove_abandoned_staging(folder: Path, name: str) -> None:
    """Remove half-written conversions of processes that died (a model server killed with -9)."""
    for staging in folder.glob(f"{name}.*.tmp"):
        try:
            pid = int(staging.name[len(name) + 1 : -len(".tmp")])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(staging, ignore_errors=True)
        except (ValueError, PermissionError):  # not ours, or another user's live process
            continue


def _try_convert(source: Path, target: Path, ct2: Any) -> None:
    try:
        _convert(source, target)
    except Exception as exc:
        raise RuntimeUnavailable(
            f"ctranslate2 {ct2.__version__} cannot convert {source.name}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


class FastDecoder:
    """A CTranslate2 generator over token ids (the tokenizer stays with the caller)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        tokenizer: Any,
        *,
        compute_type: str = "float32",
        threads: int = 1,
    ) -> None:
        ct2 = _ctranslate2()
        self.compute_type = compute_type
        self.threads = threads
        try:
            self.generator = ct2.Generator(
                str(path), device="cpu", compute_type=compute_type, intra_threads=threads
            )
        except Exception as exc:
            raise RuntimeUnavailable(
                f"ctranslate2 cannot load {path} in {compute_type}: {exc}"
            ) from exc
        self.tokenizer = tokenizer

    def _tokens(self, ids: list[int]) -> list[str]:
        return list(self.tokenizer.convert_ids_to_tokens(list(ids)))

    def tokens(
        self,
        ids: list[int],
        *,
        max_new_tokens: int,
        end_ids: set[int],
        temperature: float = 0.0,
        top_p: float = 1.0,
        repetition_penalty: float | None = None,
    ) -> Iterator[int]:
        """New token ids after the prompt ``ids``, the end token included when one is reached.

        Closing the iterator stops the decoding at the next step.
        """
        sampled = temperature > 0
        steps = self.generator.generate_tokens(
            self._tokens(ids),
            max_length=max_new_tokens,
            sampling_topk=0 if sampled else 1,  # 0: the whole vocabulary (then top-p)
            sampling_topp=top_p if sampled else 1.0,
            sampling_temperature=temperature if sampled else 1.0,
            repetition_penalty=repetition_penalty or 1.0,
            end_token=sorted(end_ids) or None,
        )
        try:
            for step in steps:
                yield int(step.token_id)
        finally:
            steps.close()

    def timed_steps(self, ids: list[int], count: int) -> Iterator[Any]:
        """Exactly ``count`` greedy steps after ``ids`` (no end token): what timing reads."""
        return self.generator.generate_tokens(
            self._tokens(ids), max_length=count, min_length=count, sampling_topk=1
        )

    def log_probs(self, ids: list[int]) -> list[float]:
        """log P(token i | tokens before it) for every token after the first."""
        return list(self.generator.score_batch([self._tokens(ids)])[0].log_probs)
