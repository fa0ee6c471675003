"""Every transform of Data Wrangler, registered by family (see :mod:`.base`)."""

from __future__ import annotations

from .base import FAMILIES, REGISTRY, StepParams, Transform

__all__ = ["FAMILIES", "REGISTRY", "StepParams", "Transform", "get_transform", "load_all"]

_MODULES = (
    "missing",
    "encode",
    "scale",
    "outliers",
    "strings",
    "dates",
    "text",
    "columns",
    "rows",
    "groupby",
    "window",
    "balance",
    "join",
    "custom",
)


def load_all() -> dict[str, Transform]:
    """Import every transform module (registering its transforms) and return the registry."""
    import importlib

    for name in _MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return REGISTRY


def get_transform(name: str) -> Transform:
    """The transform called ``name`` (KeyError otherwise)."""
    return load_all()[name]
