"""The seam with the model registry that the batch-transform and model-monitor job kinds share.

In ``prepare`` (in the server) a kind asks ``context.services.models.resolve_version(caller, name,
version)`` for the version and stores what the worker needs as plain values in the job's resolved
spec, so ``run`` never needs the registry. The registry's answer must have:

- ``model_dir``: the version's MLflow model folder (a :class:`~pathlib.Path`);
- ``baseline_path``: its training-data baseline JSON file, or None;
- ``input_schema``: its input columns, items with ``name`` and ``type`` (attributes or keys);
- optionally ``name`` and ``version``: the model's name and the resolved version number (the
  latest when none was asked for).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import InvalidInput
from ...jobs.kinds import PrepareContext

__all__ = ["resolve_model_version"]


def _column(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        name, type_, required = item.get("name"), item.get("type"), item.get("required", True)
    else:
        name = getattr(item, "name", None)
        type_ = getattr(item, "type", None)
        required = getattr(item, "required", True)
    type_ = getattr(type_, "value", type_)  # an Enum
    return {"name": name, "type": str(type_) if type_ is not None else "any", "required": required}


def resolve_model_version(
    context: PrepareContext, model_name: str, model_version: int | None
) -> dict[str, Any]:
    """The version's disk paths and schema as JSON-ready values for ``JobContext.resolved``.

    Errors of the registry (unknown model or version: 404; damaged files: 409; not allowed: 403)
    propagate as they are.
    """
    models = getattr(context.services, "models", None)
    if models is None:
        raise InvalidInput(
            "The model registry is not available in this server, so no model version can be used.",
            code="model_registry_unavailable",
        )
    found = models.resolve_version(context.caller, model_name, model_version)
    baseline = getattr(found, "baseline_path", None)
    version = getattr(found, "version", None)
    return {
        "model_name": str(getattr(found, "name", None) or model_name),
        "model_version": version if version is not None else model_version,
        "model_dir": str(found.model_dir),
        "baseline_path": str(baseline) if baseline else None,
        "input_schema": [_column(item) for item in (getattr(found, "input_schema", None) or [])],
    }
