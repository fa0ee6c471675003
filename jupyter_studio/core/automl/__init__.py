"""Tabular AutoML (Autopilot): the engine, its Python API and the ``automl`` job kind.

``from jupyter_studio.automl import AutoML`` is the public entry point. Importing this package
is cheap (the job kind is registered in servers): the engine and the heavy libraries (LightGBM,
CatBoost, XGBoost, Optuna, MLflow) load when a run needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import AutoML, AutoMLResult
    from .pipeline import TabularModel
    from .validate import validate_request, validate_settings

_EXPORTS = {
    "AutoML": "api",
    "AutoMLResult": "api",
    "TabularModel": "pipeline",
    "validate_request": "validate",
    "validate_settings": "validate",
}

__all__ = ["AutoML", "AutoMLResult", "TabularModel", "validate_request", "validate_settings"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
