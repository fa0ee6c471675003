"""Errors of the Data Wrangler engine.

A :class:`NodeError` names the node that failed, says what happened and what to do. It is a
:class:`~jupyter_studio.core.errors.StudioError`, so the REST layer turns it into a 400 (a 404
for a path that does not exist) with the node id in ``detail``; previews return it as data
(the failing node shows it, earlier nodes keep their previews).
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidInput, PathNotFound

__all__ = ["FlowFormatError", "FlowNotFound", "NodeError", "NodePathNotFound"]


class NodeError(InvalidInput):
    """A node of a flow could not be computed.

    ``node_id`` is the node that failed (for a downstream node, the upstream node that
    caused it), ``message`` what happened in words a user understands, ``hint`` what to do.
    """

    code = "node_failed"

    def __init__(
        self,
        node_id: str | None,
        message: str,
        hint: str = "",
        *,
        code: str | None = None,
        columns: list[str] | None = None,
    ) -> None:
        self.node_id = node_id
        self.hint = hint
        self.columns = columns or []
        full = message if not hint else f"{message} {hint}"
        super().__init__(
            full,
            code=code,
            detail=[
                {"node_id": node_id, "message": message, "hint": hint, "code": code or self.code}
            ],
        )
        self.short_message = message

    def with_node(self, node_id: str) -> NodeError:
        """The same error attributed to ``node_id`` (when raised before the node was known)."""
        if self.node_id is None:
            self.node_id = node_id
            if self.detail:
                self.detail[0]["node_id"] = node_id
        return self

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON data (what previews and the REST layer send)."""
        return {
            "node_id": self.node_id,
            "code": self.code,
            "message": self.short_message,
            "hint": self.hint,
            "columns": self.columns,
        }


class FlowFormatError(InvalidInput):
    """A ``.flow`` file cannot be read: not JSON, an unknown version, or an invalid document."""

    code = "invalid_flow"


class NodePathNotFound(NodeError, PathNotFound):
    """A node names a file or database that does not exist: a :class:`NodeError` (previews show
    it on the node) that the REST layer answers with a 404, like any missing path."""

    code = "path_not_found"


class FlowNotFound(FlowFormatError, PathNotFound):
    """The ``.flow`` file to read does not exist (a 404)."""

    code = "path_not_found"


def column_missing_error(
    node_id: str | None, missing: list[str], available: list[str]
) -> NodeError:
    """The error for columns that an upstream edit removed or renamed, with close matches."""
    import difflib

    hints = []
    for name in missing:
        close = difflib.get_close_matches(name, available, n=2)
        if close:
            hints.append(f"{name!r} -> maybe {' or '.join(repr(c) for c in close)}")
    many = len(missing) > 1
    names = ", ".join(repr(m) for m in missing)
    hint = "Edit this step to use existing columns"
    hint += f" ({'; '.join(hints)})." if hints else "."
    return NodeError(
        node_id,
        f"The column{'s' if many else ''} {names} {'are' if many else 'is'} not in this step's "
        f"input: an earlier step may have renamed or dropped {'them' if many else 'it'}.",
        hint,
        code="column_missing",
        columns=missing,
    )
