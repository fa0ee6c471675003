"""Every Studio route needs an authenticated user and passes through the authorizer."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_studio.server.routes import ROUTES
from tests.server.conftest import studio_config

SAMPLES = {"username": "bob", "action": "invocations"}


def concrete(route) -> str:  # noqa: ANN001
    """The route's URL with a sample value for each path parameter."""
    path = route.path
    for name in route.param_names():
        path = path.replace("{" + name + "}", SAMPLES.get(name, "x1"))
    return route.prefix + path


OPERATIONS = [(method.upper(), concrete(route)) for route in ROUTES for method in route.operations]


@pytest.fixture
def jp_server_config(jp_server_authorizer):  # noqa: ANN001, ANN201
    config = studio_config()
    config.ServerApp.authorizer_class = jp_server_authorizer
    return config


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
async def test_forbidden_when_the_authorizer_denies(
    jp_fetch, jp_server_authorizer, method: str, path: str
) -> None:  # noqa: ANN001
    jp_server_authorizer.permissions = {"actions": [], "resources": []}
    kwargs = {"body": json.dumps({})} if method in ("POST", "PATCH") else {}
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*path.strip("/").split("/"), method=method, **kwargs)
    assert info.value.code == 403


async def test_read_permission_does_not_allow_writes(jp_fetch, jp_server_authorizer) -> None:  # noqa: ANN001
    jp_server_authorizer.permissions = {"actions": ["read"], "resources": ["studio:jobs"]}
    response = await jp_fetch("studio", "api", "jobs")
    assert response.code == 200
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(
            "studio", "api", "jobs", method="POST", body=json.dumps({"kind": "processing"})
        )
    assert info.value.code == 403


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
async def test_unauthenticated_requests_are_refused(
    http_server_client, jp_base_url, method: str, path: str
) -> None:  # noqa: ANN001
    url = jp_base_url.rstrip("/") + path
    body = "{}" if method in ("POST", "PATCH") else None
    with pytest.raises(HTTPClientError) as info:
        await http_server_client.fetch(url, method=method, body=body, raise_error=True)
    assert info.value.code in (401, 403)
