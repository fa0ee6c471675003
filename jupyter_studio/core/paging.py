"""Offset pagination shared by the list operations: ``next_token`` in, ``next_token`` out."""

from __future__ import annotations

from .errors import InvalidInput


def page_offset(next_token: str | None) -> int:
    """The row offset a ``next_token`` stands for (0 without one); a 400 for a token we never gave."""
    try:
        offset = int(next_token) if next_token else 0
        if offset < 0:
            raise ValueError
    except ValueError:
        raise InvalidInput(
            f"next_token {next_token!r} is not one this API returned.",
            code="invalid_next_token",
        ) from None
    return offset


def next_page_token(offset: int, returned: int, total: int) -> str | None:
    """The ``next_token`` of the page after ``returned`` rows read from ``offset`` (None at the end)."""
    next_offset = offset + returned
    return str(next_offset) if next_offset < total else None
