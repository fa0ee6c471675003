"""Edits of a flow document: what the graph editor sends, applied the same way from Python."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..errors import InvalidInput, NotFound
from .schemas import (
    AddNode,
    DeleteNode,
    FlowDocument,
    FlowEdit,
    FlowNode,
    Position,
    SetFlowParameters,
    SetSettings,
    UpdateNode,
)

__all__ = ["apply_edit", "new_node_id", "parse_edit", "place_after"]

_EDIT = TypeAdapter(FlowEdit)


def new_node_id(document: FlowDocument, prefix: str) -> str:
    """A fresh node id such as ``fill_missing-3f2a9c1e``."""
    taken = {n.id for n in document.nodes}
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in prefix)[:40] or "node"
    while True:
        candidate = f"{stem}-{uuid.uuid4().hex[:8]}"
        if candidate not in taken:
            return candidate


def place_after(document: FlowDocument, inputs: list[str]) -> Position:
    """Where a new node goes: below its (first) input, or right of the other sources."""
    if inputs:
        parent = document.node(inputs[0])
        siblings = len(document.children(parent.id))
        return Position(x=parent.position.x + 240 * siblings, y=parent.position.y + 120)
    sources = [n for n in document.nodes if n.kind == "source"]
    return Position(x=280.0 * len(sources), y=0.0)


def parse_edit(raw: dict[str, Any]) -> Any:
    """Validate an edit sent as JSON."""
    try:
        return _EDIT.validate_python(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise InvalidInput(
            f"Invalid edit: {where + ': ' if where else ''}{err.get('msg')}.", code="invalid_edit"
        ) from None


def _validated(data: dict[str, Any]) -> FlowDocument:
    try:
        return FlowDocument.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise InvalidInput(
            f"The edit would break the flow: {where + ': ' if where else ''}{err.get('msg')}.",
            code="invalid_edit",
        ) from None


def apply_edit(document: FlowDocument, edit: Any) -> FlowDocument:
    """A new document with ``edit`` applied (the input document is not changed)."""
    if isinstance(edit, dict):
        edit = parse_edit(edit)
    data = document.model_dump(mode="json")
    nodes: list[dict[str, Any]] = data["nodes"]
    index = {n["id"]: i for i, n in enumerate(nodes)}
    if isinstance(edit, AddNode):
        if edit.node.id in index:
            raise InvalidInput(
                f"A node called {edit.node.id!r} already exists.", code="duplicate_node"
            )
        nodes.append(edit.node.model_dump(mode="json"))
    elif isinstance(edit, UpdateNode):
        if edit.node_id not in index:
            raise NotFound(f"The flow has no node {edit.node_id!r}.", code="unknown_node")
        node = nodes[index[edit.node_id]]
        for name in ("title", "parameters", "inputs", "notes"):
            value = getattr(edit, name)
            if value is not None:
                node[name] = value
        if edit.position is not None:
            node["position"] = edit.position.model_dump()
    elif isinstance(edit, DeleteNode):
        if edit.node_id not in index:
            raise NotFound(f"The flow has no node {edit.node_id!r}.", code="unknown_node")
        gone = nodes[index[edit.node_id]]
        replacement = gone["inputs"][0] if edit.reconnect and gone["inputs"] else None
        nodes.pop(index[edit.node_id])
        for node in nodes:
            if edit.node_id in node["inputs"]:
                if replacement is not None:
                    node["inputs"] = [
                        replacement if i == edit.node_id else i for i in node["inputs"]
                    ]
                else:
                    node["inputs"] = [i for i in node["inputs"] if i != edit.node_id]
    elif isinstance(edit, SetFlowParameters):
        data["parameters"] = [p.model_dump() for p in edit.parameters]
    elif isinstance(edit, SetSettings):
        data["settings"] = edit.settings.model_dump()
    else:  # pragma: no cover - the union is closed
        raise InvalidInput("Unknown edit.", code="invalid_edit")
    return _validated(data)


def make_node(
    document: FlowDocument,
    kind: str,
    operator: str,
    inputs: list[str],
    parameters: dict[str, Any],
    *,
    node_id: str | None = None,
    title: str = "",
) -> FlowNode:
    """A node ready to add, with a fresh id and a position next to its input."""
    for parent in inputs:
        try:
            document.node(parent)
        except KeyError:
            raise NotFound(f"The flow has no node {parent!r}.", code="unknown_node") from None
    return FlowNode(
        id=node_id or new_node_id(document, operator),
        kind=kind,  # type: ignore[arg-type]
        operator=operator,
        title=title,
        parameters=parameters,
        inputs=inputs,
        position=place_after(document, inputs),
    )
