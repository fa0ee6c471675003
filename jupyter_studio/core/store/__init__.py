"""Metadata store: SQLAlchemy ORM, engine factory and versioned migrations."""

from .engine import Store

__all__ = ["Store"]
