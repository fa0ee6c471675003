"""Jupyter Studio: a self-hosted machine-learning workbench inside JupyterLab."""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a checkout that was never built
    __version__ = "0.0.0.dev0"

__all__ = ["Studio", "__version__"]


def __getattr__(name: str):
    # Import lazily so `import jupyter_studio` stays cheap for the server's extension discovery.
    if name == "Studio":
        from .core.studio import Studio

        return Studio
    raise AttributeError(name)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "@jupyter-studio/labextension"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .server.app import StudioApp

    return [{"module": "jupyter_studio", "app": StudioApp}]
