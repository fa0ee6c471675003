"""Invoke Studio endpoints from Python: ``from jupyter_studio.endpoints import Predictor``."""

from .core.endpoints.predictor import InvocationError, Predictor

__all__ = ["InvocationError", "Predictor"]
