"""Tabular AutoML from Python: ``from jupyter_studio.automl import AutoML``."""

from .core.automl import AutoML, AutoMLResult, TabularModel, validate_request

__all__ = ["AutoML", "AutoMLResult", "TabularModel", "validate_request"]
