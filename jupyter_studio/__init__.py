"""Jupyter Studio: a self-hosted machine-learning workbench inside JupyterLab."""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a checkout that was never built
    __version__ = "0.0.0.dev0"

#: The Python clients, imported on first use so that `import jupyter_studio` stays cheap for the
#: server's extension discovery. Each acts as the current user (or ``user=...``) of a Studio.
_CLIENTS = {
    "Studio": ".core.studio",
    "AutoML": ".automl",
    "AutoMLExperiments": ".automl_experiments",
    "Flow": ".flows",
    "ModelHub": ".modelhub",
    "Models": ".models",
    "Endpoints": ".endpoints",
    "Predictor": ".endpoints",
}

__all__ = [*_CLIENTS, "__version__"]


def __getattr__(name: str):
    module = _CLIENTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jupyter_studio' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_CLIENTS})


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "@jupyter-studio/labextension"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .server.app import StudioApp

    return [{"module": "jupyter_studio", "app": StudioApp}]
