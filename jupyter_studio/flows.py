"""Data Wrangler flows from Python: ``from jupyter_studio.flows import Flow``.

See :mod:`jupyter_studio.core.wrangler.flow` for the API and ``docs/flow-format.md`` for the
``.flow`` file format.
"""

from __future__ import annotations

from .core.wrangler.errors import FlowFormatError, NodeError
from .core.wrangler.flow import Flow
from .core.wrangler.handoff import apply_pipeline, load_pipeline

__all__ = ["Flow", "FlowFormatError", "NodeError", "apply_pipeline", "load_pipeline"]
