"""The shape of a route row: a URL template, its handler, and what each operation takes and returns.

Each feature's handler module exports its own ``ROUTES`` list of :class:`Route`; ``routes.py``
concatenates them. The same rows build the tornado URL patterns and the OpenAPI description, so
the two cannot drift apart.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter

API_PREFIX = "/studio/api"
#: A path segment: what an id, a username or a name may look like in a URL.
SEGMENT = r"[^/]{1,200}"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Operation:
    """One HTTP method of a route."""

    summary: str
    status: int = 200
    body: type[BaseModel] | None = None
    #: False when the body may be left out (its model's defaults apply).
    body_required: bool = True
    #: A pydantic model, or any type pydantic can describe (e.g. ``list[JobKindInfo]``).
    response: Any = None
    #: The query model: its fields are the documented query parameters, and the handler parses
    #: the query string with it (``StudioAPIHandler.parse_query``).
    query: type[BaseModel] | None = None
    #: Answers documented beyond 400/403/404/409, as (status, description) pairs.
    errors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Route:
    """A URL template under ``/studio/api`` with its handler and operations.

    Path parameters are the ``{name}`` placeholders of ``path``; each matches one path segment
    unless ``params`` gives it its own regular expression. ``types`` gives a parameter a pydantic
    type (a version number, an id pattern): the OpenAPI document describes it with that type's
    schema and the handler's verbs (decorated ``@typed_path``) receive the validated value, or
    the caller a 400 naming it.
    """

    path: str
    handler: type
    operations: dict[str, Operation] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    prefix: str = API_PREFIX
    types: dict[str, Any] = field(default_factory=dict)

    def param_names(self) -> list[str]:
        return _PLACEHOLDER.findall(self.path)

    def param_pattern(self, name: str) -> str:
        return self.params.get(name, SEGMENT)

    def param_adapters(self) -> dict[str, TypeAdapter[Any]]:
        """A validator for each typed path parameter."""
        return {name: _adapter(tp) for name, tp in self.types.items()}

    def param_schema(self, name: str) -> dict[str, Any]:
        """The JSON schema of a path parameter: its type's, or a string matching its pattern."""
        if name in self.types:
            return _adapter(self.types[name]).json_schema()
        return {"type": "string", "pattern": f"^(?:{self.param_pattern(name)})$"}

    def pattern(self) -> str:
        """The tornado URL pattern, with one named group per path parameter."""
        unknown = (set(self.params) | set(self.types)) - set(self.param_names())
        if unknown:
            raise ValueError(f"{self.path}: params {sorted(unknown)} are not in the path")
        body = _PLACEHOLDER.sub(
            lambda m: f"(?P<{m.group(1)}>{self.param_pattern(m.group(1))})", self.path
        )
        return self.prefix + body


@functools.cache
def _adapter(tp: Any) -> TypeAdapter[Any]:
    return TypeAdapter(tp)


def route_of(routes: list[Route], handler: type) -> Route | None:
    """The route row served by ``handler`` (each handler class serves one route)."""
    return next((route for route in routes if route.handler is handler), None)
