"""Server fixtures: the extension enabled on a temp root, with test identities."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from jupyter_server.auth.identity import IdentityProvider, User
from traitlets.config import Config

from jupyter_studio.server.routes import ROUTES

TEST_USER_HEADER = "X-Studio-Test-User"


class HeaderIdentityProvider(IdentityProvider):
    """Test identity: the user named in a request header (default alice), like a hub user."""

    async def get_user(self, handler: Any) -> User | None:
        token_user = super().get_user(handler)
        if inspect.isawaitable(token_user):
            token_user = await token_user
        if token_user is None:  # keep the token check: no token, no user
            return None
        name = handler.request.headers.get(TEST_USER_HEADER, "alice")
        return User(username=name, name=name, display_name=name.title())


def studio_config(**studio: Any) -> Config:
    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": {"jupyter_studio": True},
                "allow_unauthenticated_access": False,
            },
            "Studio": {
                "poll_interval": 0.1,
                "stop_grace_seconds": 2.0,
                # Every test server has a new domain: creating its MLflow store costs seconds.
                "warm_up_tracking_store": False,
                **studio,
            },
        }
    )


@pytest.fixture
def jp_server_config() -> Config:
    return studio_config()


@pytest.fixture
def multiuser_config() -> Config:
    config = studio_config(admin_users={"admin"})
    config.ServerApp.identity_provider_class = HeaderIdentityProvider
    config.StudioApp = Config({"user_mapping": "identity"})
    return config


@pytest.fixture
def jp_fetch(jp_fetch):  # noqa: ANN001, ANN201
    """pytest-jupyter's ``jp_fetch`` with a request timeout for a loaded machine.

    Its default of 20 s failed a model deploy (real work in the request) on a 2-core machine busy
    with other work; a deadline only costs time when something is broken.
    """

    def fetch(*parts: str, **kwargs: Any) -> Any:
        kwargs.setdefault("request_timeout", 120)
        return jp_fetch(*parts, **kwargs)

    return fetch


@pytest.fixture
def jp_server_auth_resources(jp_server_auth_core_resources: dict[str, str]) -> dict[str, str]:
    resources = dict(jp_server_auth_core_resources)
    for route in ROUTES:
        resources[route.pattern()] = route.handler.auth_resource
    return resources


@pytest.fixture
def api(jp_fetch):  # noqa: ANN001, ANN201
    """Call /studio/api; returns (status, json) and never raises on 4xx."""
    from tornado.httpclient import HTTPClientError

    async def call(
        method: str,
        path: str,
        body: Any = None,
        user: str | None = None,
        raw: bytes | None = None,
        **params: Any,
    ) -> tuple[int, Any]:
        headers = {TEST_USER_HEADER: user} if user else {}
        kwargs: dict[str, Any] = {"method": method, "headers": headers}
        if params:
            kwargs["params"] = params
        if method in ("POST", "PATCH", "PUT"):
            kwargs["body"] = (
                raw if raw is not None else json.dumps(body if body is not None else {})
            )
        try:
            response = await jp_fetch("studio", "api", *path.strip("/").split("/"), **kwargs)
        except HTTPClientError as error:
            payload = json.loads(error.response.body) if error.response.body else None
            return error.code, payload
        return response.code, (json.loads(response.body) if response.body else None)

    return call
