"""One way to validate input against a pydantic model, for REST, Python, the CLI and job kinds.

A pydantic ``ValidationError`` becomes :class:`~jupyter_studio.core.errors.InvalidInput`
with a message naming the first bad field and a ``detail`` list of every problem, so
every entry point reports the same error the same way.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def _readable(err: Any, model: type[BaseModel] | None) -> str:
    """Pydantic's message, with a field's own description instead of a bare regular expression."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "string_pattern_mismatch" and model is not None and len(err["loc"]) == 1:
        field = model.model_fields.get(str(err["loc"][0]))
        if field is not None and field.description:
            return f"not a valid value; expected: {field.description.rstrip('.')}"
    return msg


def validation_detail(
    exc: ValidationError, prefix: tuple[str, ...] = (), model: type[BaseModel] | None = None
) -> list[dict[str, Any]]:
    """Field-level problems as ``[{"loc": [...], "msg": ..., "type": ...}]``."""
    return [
        {"loc": [*prefix, *map(str, err["loc"])], "msg": _readable(err, model), "type": err["type"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def validation_message(detail: list[dict[str, Any]], what: str) -> str:
    """One sentence naming the first bad field (and how many more there are)."""
    first = detail[0]
    where = ".".join(first["loc"]) or what
    more = (
        f" (and {len(detail) - 1} more problem{'s' if len(detail) > 2 else ''})"
        if len(detail) > 1
        else ""
    )
    return f"Invalid {what}: {where}: {first['msg']}{more}."


def invalid_input(
    exc: ValidationError,
    what: str,
    *,
    prefix: tuple[str, ...] = (),
    code: str = "validation_error",
    model: type[BaseModel] | None = None,
) -> InvalidInput:
    """The :class:`InvalidInput` that reports ``exc`` (``model`` lends its field descriptions)."""
    detail = validation_detail(exc, prefix, model)
    return InvalidInput(validation_message(detail, what), code=code, detail=detail)


def parse_model(
    model: type[M],
    data: Any,
    what: str = "input",
    *,
    prefix: tuple[str, ...] = (),
    code: str = "validation_error",
) -> M:
    """Validate ``data`` (a dict) as ``model``; :class:`InvalidInput` with field details otherwise."""
    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        raise InvalidInput(f"The {what} must be a JSON object.", code="invalid_body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(exc, what, prefix=prefix, code=code, model=model) from None
