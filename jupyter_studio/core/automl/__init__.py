"""Tabular AutoML (Autopilot): the engine, its Python API and the ``automl`` job kind.

``from jupyter_studio.automl import AutoML`` is the public entry point. Heavy libraries
(LightGBM, CatBoost, XGBoost, Optuna, MLflow) are imported only when a run needs them.
"""

from .api import AutoML, AutoMLResult
from .pipeline import TabularModel
from .validate import validate_request, validate_settings

__all__ = ["AutoML", "AutoMLResult", "TabularModel", "validate_request", "validate_settings"]
