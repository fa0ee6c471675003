"""Base handler: auth, JSON bodies, off-loop core calls and the one error mapping."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin

from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tornado import web

from ...core.errors import InvalidInput, StudioError
from ...core.spaces.service import Caller
from ...core.studio import Studio
from ...core.validation import invalid_input, parse_model
from ..routing import Route, route_of

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

STUDIO_SETTINGS_KEY = "jupyter_studio"
#: The deepest nesting of arrays and objects a JSON body may have (a flow document or a job's
#: parameters need a handful of levels; the limit keeps every later walk far from Python's stack).
MAX_JSON_DEPTH = 64


def read_json_body(raw: bytes) -> Any:
    """Decode a JSON request body: 400 when it is missing, not JSON, or nested too deeply."""
    if not raw:
        raise InvalidInput("The request needs a JSON body.", code="missing_body")
    too_deep = InvalidInput(
        f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep: send a flatter document.",
        code="json_too_deep",
    )
    try:
        data = json.loads(raw, parse_float=_json_number)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"The body is not valid JSON: {exc}.", code="invalid_json") from None
    except RecursionError:
        raise too_deep from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise too_deep
    return data


def _json_number(text: str) -> float | int:
    """A JSON number with a fraction or exponent: ``8.0`` and ``8e0`` are the integer 8, as in
    JSON Schema (so strict integer fields take them); ``8.5`` stays a float."""
    value = float(text)
    return int(value) if value.is_integer() else value


def json_depth(data: Any) -> int:
    """How deeply arrays and objects nest in decoded JSON (a scalar: 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def typed_path(method: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Give a verb its route's typed path parameters (under ``@authorized``: a caller without
    the right gets a 403 before any 400 about the path)."""

    @functools.wraps(method)
    async def wrapper(self: StudioAPIHandler, *args: Any, **kwargs: Any) -> None:
        await method(self, *args, **self.typed_path_kwargs(kwargs))

    wrapper.typed_path = True  # type: ignore[attr-defined]
    return wrapper


class SpaceQuery(BaseModel):
    """Query of the routes that pick a space (``?space_id=``; default: the caller's home)."""

    model_config = ConfigDict(extra="forbid")

    space_id: str | None = Field(default=None, max_length=64, description="A space id.")


def _list_item(annotation: Any) -> Any:
    """The item type of a query field that takes several values (``list[X]``, ``list[X] | None``),
    else None."""
    for candidate in (annotation, *get_args(annotation)):
        if get_origin(candidate) is list:
            return (get_args(candidate) or (str,))[0]
    return None


class StudioAPIHandler(ExtensionHandlerMixin, APIHandler):
    """Every Studio route: JSON in and out, ``StudioError`` mapped to 4xx in one place."""

    auth_resource = "studio"

    @property
    def studio(self) -> Studio:
        return self.settings[STUDIO_SETTINGS_KEY]["studio"]

    @property
    def routes(self) -> list[Any]:
        """The route rows this server serves (for the OpenAPI description)."""
        return self.settings[STUDIO_SETTINGS_KEY]["routes"]

    @property
    def user_mapping(self) -> str:
        return self.settings[STUDIO_SETTINGS_KEY]["user_mapping"]

    def studio_username(self) -> str:
        """The Studio user behind this request."""
        if self.user_mapping == "local":
            return self.studio.default_user
        user = self.current_user
        return getattr(user, "username", None) or str(user)

    async def caller(self) -> Caller:
        return await self.run(self.studio.caller, self.studio_username())

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking engine work (database, files) off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(func, *args, **kwargs))

    def parse_body(self, model: type[M]) -> M:
        """Parse the JSON body into ``model``; 400 with field details otherwise."""
        return self.parse(model, read_json_body(self.request.body), "request body")

    def parse_query(self, model: type[M]) -> M:
        """Parse the query string into ``model`` (the operation's documented ``query``).

        A list field takes the argument repeated (or, for a list of choices, comma-separated).
        Unknown arguments are ignored, as browsers and proxies add their own.
        """
        data: dict[str, Any] = {}
        for name, field in model.model_fields.items():
            values = self.get_query_arguments(name)
            if not values:
                continue
            item = _list_item(field.annotation)
            if item is not None:
                # a list of choices (job statuses) may also come comma-separated
                split = isinstance(item, type) and issubclass(item, Enum)
                data[name] = [p for v in values for p in (v.split(",") if split else [v]) if p]
            else:
                data[name] = values[-1]
        return self.parse(model, data, "query")

    def route(self) -> Route | None:
        """The route row this handler serves (its operations and typed path parameters)."""
        return route_of(self.routes, type(self))

    def typed_path_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Typed path parameters (a version number, an experiment id) as their documented type:
        a 400 naming the parameter when a value does not fit it."""
        route = self.route()
        if route is None:
            return kwargs
        kwargs = dict(kwargs)
        for name, adapter in route.param_adapters().items():
            if name not in kwargs:
                continue
            try:
                kwargs[name] = adapter.validate_python(kwargs[name])
            except ValidationError as exc:
                raise invalid_input(exc, f"path parameter {name!r}", prefix=(name,)) from None
        return kwargs

    def allowed_methods(self) -> list[str]:
        """The methods documented for this route (the ``Allow`` header of a 405)."""
        route = self.route()
        methods = [m.upper() for m in route.operations] if route is not None else []
        return [*methods, "OPTIONS"]

    @staticmethod
    def parse(model: type[M], data: Any, what: str) -> M:
        """Validate ``data`` as ``model``: a 400 naming each bad field otherwise."""
        return parse_model(model, data, what)

    def send(self, payload: BaseModel | dict[str, Any] | list[Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        if isinstance(payload, BaseModel):
            self.finish(payload.model_dump_json())
        else:
            self.finish(json.dumps(payload, default=str))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if status_code == 405:
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        if isinstance(exc, ValidationError):  # a model built from user input deep in the engine
            exc = invalid_input(exc, "input")
        if isinstance(exc, StudioError):
            self.set_status(exc.status)
            self.set_header("Content-Type", "application/json")
            body = {"message": exc.message, "reason": self._reason, "code": exc.code}
            if exc.detail:
                body["detail"] = exc.detail
            self.finish(json.dumps(body))
            return
        if isinstance(exc, web.HTTPError) and exc.status_code < 500:
            self.set_header("Content-Type", "application/json")
            message = exc.log_message or self._reason
            if exc.args[2:]:
                message = message % exc.args[2:]
            self.finish(
                json.dumps(
                    {"message": message, "reason": self._reason, "code": f"http_{exc.status_code}"}
                )
            )
            return
        super().write_error(status_code, **kwargs)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ValidationError):
            value = invalid_input(value, "input")
        if isinstance(value, StudioError):
            self.log.info(
                "Studio %s %s -> %s %s",
                self.request.method,
                self.request.path,
                value.status,
                value.code,
            )
            return
        super().log_exception(typ, value, tb)
