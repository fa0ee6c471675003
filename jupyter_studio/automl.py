"""Tabular AutoML from Python: ``from jupyter_studio.automl import AutoML``."""

from .core.automl.api import AutoML, AutoMLResult
from .core.automl.pipeline import TabularModel
from .core.automl.validate import validate_request, validate_settings

__all__ = ["AutoML", "AutoMLResult", "TabularModel", "validate_request", "validate_settings"]
