"""Serving runtimes: how the model server answers model families that are not DataFrame models.

Endpoints stand below the features whose models they serve (the model hub, for one), so they
never import them. A feature registers a :class:`ServingRuntime` instead, under the entry point
group ``jupyter_studio.serving_runtimes`` (``pyproject.toml``), or by calling
:func:`register_runtime`. A model folder whose MLmodel metadata carries one of a runtime's
``metadata_keys`` is loaded by that runtime's ``load_engine`` and its invocations answered by its
``invoke``; every other model takes the DataFrame path of :mod:`.payloads`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

__all__ = ["ENTRY_POINT_GROUP", "ServingRuntime", "register_runtime", "runtime_for"]

ENTRY_POINT_GROUP = "jupyter_studio.serving_runtimes"
log = logging.getLogger("jupyter_studio.model_server")


@dataclass(frozen=True)
class ServingRuntime:
    """One family of models the model server serves with its own engine and request bodies."""

    #: A short name (logged, shown by ``describe``).
    name: str
    #: MLmodel metadata keys that mark a folder of this family.
    metadata_keys: tuple[str, ...]
    #: ``(unwrapped python model, MLmodel metadata) -> engine`` (None when it has none).
    load_engine: Callable[[Any, Mapping[str, Any]], Any]
    #: ``async (model server, scope, receive, send)``: answers ``POST /invocations``.
    invoke: Callable[..., Awaitable[None]]

    def serves(self, metadata: Mapping[str, Any]) -> bool:
        """Whether a model with this MLmodel metadata belongs to this runtime."""
        return any(metadata.get(key) for key in self.metadata_keys)


_RUNTIMES: dict[str, ServingRuntime] = {}
_LOADED = False
_LOCK = threading.Lock()


def register_runtime(runtime: ServingRuntime) -> None:
    """Add (or replace) a serving runtime."""
    with _LOCK:
        _RUNTIMES[runtime.name] = runtime


def _load_entry_points() -> None:
    global _LOADED
    with _LOCK:
        if _LOADED:
            return
        _LOADED = True
        found = list(entry_points(group=ENTRY_POINT_GROUP))
    for point in found:
        try:
            runtime = point.load()
        except Exception:  # a broken plug-in must not stop the other models from serving
            log.exception("cannot load the serving runtime %s (%s)", point.name, point.value)
            continue
        if isinstance(runtime, ServingRuntime):
            register_runtime(runtime)
        else:
            log.error("%s is not a ServingRuntime: ignored", point.value)


def runtime_for(metadata: Mapping[str, Any]) -> ServingRuntime | None:
    """The runtime that serves a model with this MLmodel metadata, or None (DataFrame models)."""
    _load_entry_points()
    with _LOCK:
        runtimes = list(_RUNTIMES.values())
    return next((runtime for runtime in runtimes if runtime.serves(metadata)), None)


def marked_keys() -> set[str]:
    """Every metadata key some registered runtime claims."""
    _load_entry_points()
    with _LOCK:
        return {key for runtime in _RUNTIMES.values() for key in runtime.metadata_keys}
