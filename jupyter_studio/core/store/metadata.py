"""Every feature's tables on one metadata, for Alembic and for tests that create the schema."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from .orm import Base

#: One module per feature slice; a new feature adds its ``tables`` module here.
FEATURE_TABLES = (
    "jupyter_studio.core.spaces.tables",
    "jupyter_studio.core.jobs.tables",
    "jupyter_studio.core.endpoints.tables",
    "jupyter_studio.core.models.tables",
    "jupyter_studio.core.automl.tables",
    "jupyter_studio.core.modelhub.tables",
)


def load_metadata() -> MetaData:
    """Import every feature's tables and return the shared metadata."""
    for module in FEATURE_TABLES:
        importlib.import_module(module)
    return Base.metadata
