"""The shape of a route row: a URL template, its handler, and what each operation takes and returns.

Each feature's handler module exports its own ``ROUTES`` list of :class:`Route`; ``routes.py``
concatenates them. The same rows build the tornado URL patterns and the OpenAPI description, so
the two cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

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
    #: A pydantic model, or any type pydantic can describe (e.g. ``list[JobKindInfo]``).
    response: Any = None
    query: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    """A URL template under ``/studio/api`` with its handler and operations.

    Path parameters are the ``{name}`` placeholders of ``path``; each matches one path segment
    unless ``params`` gives it its own regular expression.
    """

    path: str
    handler: type
    operations: dict[str, Operation] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    prefix: str = API_PREFIX

    def param_names(self) -> list[str]:
        return _PLACEHOLDER.findall(self.path)

    def param_pattern(self, name: str) -> str:
        return self.params.get(name, SEGMENT)

    def pattern(self) -> str:
        """The tornado URL pattern, with one named group per path parameter."""
        unknown = set(self.params) - set(self.param_names())
        if unknown:
            raise ValueError(f"{self.path}: params {sorted(unknown)} are not in the path")
        body = _PLACEHOLDER.sub(
            lambda m: f"(?P<{m.group(1)}>{self.param_pattern(m.group(1))})", self.path
        )
        return self.prefix + body
