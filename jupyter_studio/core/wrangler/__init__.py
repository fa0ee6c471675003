"""Data Wrangler: ``.flow`` documents, a lazy cached engine on Polars, insights and exports.

Public entry points: :class:`~.flow.Flow` (Python API), :class:`~.service.FlowService` (for
the REST layer), :class:`~.job.FlowJob` (the ``flow`` job kind), :class:`~.errors.NodeError`.
"""

from __future__ import annotations

from .errors import FlowFormatError, NodeError
from .flow import Flow

__all__ = ["Flow", "FlowFormatError", "NodeError"]
