"""Pydantic models shared by every feature."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, Field, Strict, StrictBool, StrictFloat

__all__ = [
    "MAX_INT",
    "NEXT_TOKEN_PATTERN",
    "BoundedInt",
    "ListResponse",
    "Seed",
    "BoundedNonNegativeInt",
    "BoundedPositiveInt",
    "StrictBool",
    "StrictFloat",
    "StrictInt",
]

T = TypeVar("T")

#: The largest whole number a request may carry, in a body, a query or a path: exact in a
#: JavaScript number (the panels) and well inside the 64-bit integers of SQLite and PostgreSQL,
#: so no value reaches the store to overflow there.
MAX_INT = 2**53 - 1

# Request models type their fields strictly: a boolean is a JSON boolean (not 0 or "yes"), a
# whole number a JSON integer (not true, "3" or 2.0), a number a JSON number (not true or "1").
# Query models stay lax, as a query string is text. Every whole number is bounded: a field
# with its own bounds is ``StrictInt = Field(ge=..., le=...)``; the types below carry theirs
# (use them without ``ge``/``le`` on the field: an ``Annotated`` type's bounds win over them).


#: A whole number of a request body: a JSON integer, never ``true``, ``"8"`` or ``8.5`` (the
#: REST layer reads ``8.0`` as the integer 8, as JSON Schema does).
StrictInt = Annotated[int, Strict()]
#: Any whole number from -MAX_INT to MAX_INT.
BoundedInt = Annotated[StrictInt, Field(ge=-MAX_INT, le=MAX_INT)]
#: 1 to MAX_INT (version numbers, counts that must be set).
BoundedPositiveInt = Annotated[StrictInt, Field(ge=1, le=MAX_INT)]
#: 0 to MAX_INT (offsets, counts).
BoundedNonNegativeInt = Annotated[StrictInt, Field(ge=0, le=MAX_INT)]

#: A random seed: 0 to 2**32 - 1, what NumPy and scikit-learn take.
Seed = Annotated[StrictInt, Field(ge=0, le=2**32 - 1)]

#: A list's ``next_token``: the offset a previous page returned (a whole number as text).
NEXT_TOKEN_PATTERN = r"^[0-9]{1,15}$"

#: The longest maximum runtime a job, a profile or a domain may set: 7 days.
MAX_RUNTIME_LIMIT_SECONDS = 7 * 24 * 3600


class ListResponse(BaseModel, Generic[T]):
    items: list[T]
    next_token: str | None = None
    total_count: int
