"""Base handler: auth, JSON bodies, off-loop core calls and the one error mapping."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from pydantic import BaseModel, ValidationError
from tornado import web

from ...core.errors import InvalidInput, StudioError
from ...core.spaces.service import Caller
from ...core.studio import Studio
from ...core.validation import invalid_input, parse_model

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

STUDIO_SETTINGS_KEY = "jupyter_studio"


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
        raw = self.request.body
        if not raw:
            raise InvalidInput("The request needs a JSON body.", code="missing_body")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"The body is not valid JSON: {exc}.", code="invalid_json") from None
        return self.parse(model, data, "request body")

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
