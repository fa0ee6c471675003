"""One error tree for the whole engine.

Every error carries a stable machine ``code`` and a message that tells the user what
to do. The server maps the classes to HTTP status codes in one place.
"""

from __future__ import annotations

from typing import Any


class StudioError(Exception):
    """Base class of every error a user can cause or fix (HTTP 400 unless a subclass says otherwise).

    A bug is not a ``StudioError``: it surfaces as a 500 with its traceback in the server log.
    """

    status = 400
    code = "studio_error"

    def __init__(
        self, message: str, *, code: str | None = None, detail: list[dict[str, Any]] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.detail = detail


class InvalidInput(StudioError):
    """The request is malformed or names something impossible (HTTP 400)."""

    code = "invalid_input"


class PathNotFound(InvalidInput):
    """The request names a file, folder or flow that does not exist (HTTP 404).

    Still an :class:`InvalidInput`, so code that collects bad input as problems (a validation
    that lists every problem of a request) keeps catching it; only the HTTP status differs:
    the request is well formed, the thing it names is missing.
    """

    status = 404
    code = "path_not_found"


class PathOfAnotherKind(InvalidInput):
    """The request names a file or folder that exists but holds something else: a folder where
    a file is needed, a file that is not a flow (HTTP 409).

    Like :class:`PathNotFound`, still an :class:`InvalidInput` for code that lists problems;
    the request is well formed, what is stored at the path conflicts with it.
    """

    status = 409
    code = "path_of_another_kind"


#: The codes a :class:`PathOfAnotherKind` carries.
PATH_KIND_CODES = frozenset({"path_of_another_kind", "not_a_file", "not_a_folder", "invalid_flow"})


class Forbidden(StudioError):
    """The caller may not do this (HTTP 403)."""

    status = 403
    code = "forbidden"


class NotFound(StudioError):
    """The named thing does not exist, or the caller may not know it exists (HTTP 404)."""

    status = 404
    code = "not_found"


class Conflict(StudioError):
    """The request clashes with the current state (HTTP 409)."""

    status = 409
    code = "conflict"
