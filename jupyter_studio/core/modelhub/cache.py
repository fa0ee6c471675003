"""The domain's model cache: dequantized weights saved once, loaded fast afterwards.

``<domain_root>/.studio/model-cache/<id>/`` holds a transformers folder (``config.json``,
``model.safetensors``, tokenizer files) written by the first process that loads a packaged GGUF
model, and a ``.complete`` marker written last. Several processes may load the same model at once
(two endpoints, a fine-tuning job): one builds under a file lock in a temporary folder that is
renamed into place, the others wait for the lock and then find the finished folder.

Only model servers and job processes fill the cache; the Jupyter server only reads its size.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

CACHE_FOLDER = Path(".studio") / "model-cache"
MARKER = ".complete"
ENV_CACHE = "JUPYTER_STUDIO_MODEL_CACHE"


def cache_root(domain_root: str | os.PathLike[str]) -> Path:
    """The model cache of a domain."""
    return Path(domain_root) / CACHE_FOLDER


def default_cache_root() -> Path:
    """The cache a process uses when nobody told it: ``$JUPYTER_STUDIO_MODEL_CACHE``, else the
    domain of ``$JUPYTER_STUDIO_ROOT``, else ``~/.cache/jupyter-studio/model-cache``."""
    explicit = os.environ.get(ENV_CACHE)
    if explicit:
        return Path(explicit)
    root = os.environ.get("JUPYTER_STUDIO_ROOT")
    if root:
        return cache_root(root)
    return Path.home() / ".cache" / "jupyter-studio" / "model-cache"


def safe_name(model_id: str) -> str:
    """A folder name for a catalogue id (``hf:org/repo`` → ``hf--org--repo``)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "--", model_id).strip("-.")
    return name[:150] or "model"


class ModelCache:
    """One cache folder per model id, built once under a lock."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root else default_cache_root()

    def folder(self, model_id: str) -> Path:
        """Where ``model_id``'s cached weights live (complete or not)."""
        return self.root / safe_name(model_id)

    def is_complete(self, model_id: str) -> bool:
        """Whether the cached folder of ``model_id`` was written to the end."""
        return (self.folder(model_id) / MARKER).is_file()

    def size_bytes(self, model_id: str) -> int:
        """Bytes the cached folder takes (0 when absent)."""
        folder = self.folder(model_id)
        if not folder.is_dir():
            return 0
        return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())

    @contextlib.contextmanager
    def _lock(self, model_id: str) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".{safe_name(model_id)}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure(self, model_id: str, build: Callable[[Path], None]) -> tuple[Path, bool]:
        """The complete cached folder of ``model_id``, built with ``build(tmp_folder)`` if needed.

        Returns ``(folder, built)``; ``built`` is True when this call wrote the folder. A build
        that fails leaves nothing behind (and the next call tries again).
        """
        folder = self.folder(model_id)
        if self.is_complete(model_id):
            return folder, False
        with self._lock(model_id):
            if self.is_complete(model_id):  # another process built it while we waited
                return folder, False
            staging = self.root / f".tmp-{safe_name(model_id)}-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            try:
                build(staging)
                (staging / MARKER).write_text(
                    json.dumps({"model_id": model_id, "created_at": time.time()})
                )
                if folder.exists():  # an incomplete folder from a crashed build
                    shutil.rmtree(folder, ignore_errors=True)
                staging.rename(folder)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return folder, True

    def remove(self, model_id: str) -> bool:
        """Forget the cached folder of ``model_id`` (the next load rebuilds it)."""
        folder = self.folder(model_id)
        if not folder.exists():
            return False
        with self._lock(model_id):
            shutil.rmtree(folder, ignore_errors=True)
        return True
