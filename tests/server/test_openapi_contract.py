"""The REST contract: the OpenAPI document and the checks are one source of truth.

Found by schemathesis (issue 22): a deeply nested body was a 500, integers of 2**63 reached
SQLite, two models overwrote each other's component, operations refused input their schema
allowed, and loose coercion turned ``true`` into 1.0. Each test here fails on that code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from tornado.httpclient import HTTPClientError

from jupyter_studio import __version__
from jupyter_studio.core.schemas import MAX_INT
from jupyter_studio.server.openapi import build_openapi
from jupyter_studio.server.routes import ROUTES

SPEC = build_openapi(ROUTES, __version__)
COMPONENTS = SPEC["components"]["schemas"]
INT64 = 2**63 - 1


def resolve(schema: dict[str, Any], components: dict[str, Any] = COMPONENTS) -> dict[str, Any]:
    """A schema with its ``$ref`` followed."""
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def walk(
    schema: dict[str, Any],
    components: dict[str, Any] = COMPONENTS,
    path: tuple[str, ...] = (),
    seen: frozenset[str] = frozenset(),
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every (path, sub-schema) of a request schema, references followed once per branch."""
    ref = schema.get("$ref")
    if ref is not None:
        if ref in seen:
            return
        seen = seen | {ref}
        schema = resolve(schema, components)
    yield path, schema
    for name, prop in schema.get("properties", {}).items():
        yield from walk(prop, components, (*path, name), seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from walk(option, components, path, seen)
    if isinstance(schema.get("items"), dict):
        yield from walk(schema["items"], components, (*path, "0"), seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from walk(schema["additionalProperties"], components, (*path, "key"), seen)


def request_schemas() -> list[tuple[str, dict[str, Any]]]:
    """(where, schema) of every request body, query parameter and path parameter."""
    found = []
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            for parameter in op.get("parameters", []):
                found.append((f"{where} {parameter['name']}", parameter["schema"]))
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                found.append((f"{where} body", body["schema"]))
    return found


async def call(jp_fetch, method: str, *path: str, body: bytes | None = None, **kw: Any):  # noqa: ANN001, ANN201
    try:
        response = await jp_fetch(*path, method=method, body=body, **kw)
    except HTTPClientError as error:
        return error.code, error.response
    return response.code, response


# ---------------------------------------------------------------- 1. nesting


async def test_a_deeply_nested_body_is_a_400_not_a_500(api) -> None:  # noqa: ANN001
    code, error = await api("POST", "jobs", raw=b"[" * 10000 + b"]" * 10000)
    assert code == 400 and error["code"] == "json_too_deep", error
    nested: Any = 1
    for _ in range(200):  # shallow enough to decode, too deep to carry further
        nested = {"a": nested}
    code, error = await api("POST", "jobs", {"kind": "processing", "parameters": nested})
    assert code == 400 and error["code"] == "json_too_deep", error
    assert "nested more than" in error["message"]


# ---------------------------------------------------------------- 2. 64-bit integers


def test_every_integer_a_request_takes_is_bounded_in_the_document() -> None:
    unbounded = []
    for where, schema in request_schemas():
        for path, sub in walk(schema):
            if sub.get("type") == "integer":
                low = sub.get("minimum", sub.get("exclusiveMinimum"))
                high = sub.get("maximum", sub.get("exclusiveMaximum"))
                if low is None or high is None or low < -INT64 or high > INT64:
                    unbounded.append(f"{where} {'.'.join(path)}")
    assert not unbounded, unbounded


async def test_integers_of_2_to_the_63_are_a_400(api) -> None:  # noqa: ANN001
    big = 2**63
    code, error = await api(
        "POST", "endpoints", {"endpoint_name": "e", "model_name": "m", "model_version": big}
    )
    assert code == 400 and error["detail"][0]["loc"] == ["model_version"], error
    code, error = await api("PATCH", "endpoints/e", {"model_version": big})
    assert code == 400 and error["detail"][0]["loc"] == ["model_version"], error
    for method in ("GET", "DELETE"):
        code, error = await api(method, f"models/m/versions/{big}")
        assert code == 400 and error["detail"][0]["loc"] == ["version"], error
    code, error = await api("GET", f"experiments/{big}")
    assert code == 400 and error["detail"][0]["loc"] == ["experiment_id"], error
    code, error = await api("GET", "jobs", next_token=str(big))
    assert code == 400 and error["detail"][0]["loc"] == ["next_token"], error
    code, error = await api("GET", "jobs/x/logs", offset=str(big))
    assert code == 400 and error["detail"][0]["loc"] == ["offset"], error
    assert big > MAX_INT


# ---------------------------------------------------------------- 3. component names


def _operation_models() -> list[tuple[str, str, type[BaseModel], dict[str, Any]]]:
    found = []
    for route in ROUTES:
        for method, op in route.operations.items():
            spec = SPEC["paths"][route.prefix + route.path][method]
            ok = spec["responses"][str(op.status)]
            if isinstance(op.response, type) and issubclass(op.response, BaseModel):
                schema = ok["content"]["application/json"]["schema"]
                found.append((route.path, "serialization", op.response, schema))
            if op.body is not None:
                schema = spec["requestBody"]["content"]["application/json"]["schema"]
                found.append((route.path, "validation", op.body, schema))
    return found


@pytest.mark.parametrize(("path", "mode", "model", "schema"), _operation_models())
def test_every_operation_documents_its_own_model(
    path: str, mode: str, model: type[BaseModel], schema: dict[str, Any]
) -> None:
    documented = resolve(schema)
    own = model.model_json_schema(mode=mode)  # type: ignore[arg-type]
    assert set(documented.get("properties", {})) == set(own.get("properties", {})), (
        f"{path}: {model.__module__}.{model.__name__} is documented as another model"
    )


def test_no_two_models_share_a_component_name() -> None:
    by_name: dict[str, set[str]] = {}
    for _path, _mode, model, schema in _operation_models():
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            by_name.setdefault(name, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: models for name, models in by_name.items() if len(models) > 1}
    assert not shared, shared
    registry = resolve(
        SPEC["paths"]["/studio/api/models"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"]
    )
    assert "total_count" in registry["properties"] and "total" not in registry["properties"]


# ---------------------------------------------------------------- 4. document = checks


def test_typed_path_and_query_parameters_are_documented_with_their_types() -> None:
    version = SPEC["paths"]["/studio/api/models/{model_name}/versions/{version}"]["get"]
    param = next(p for p in version["parameters"] if p["name"] == "version")
    assert param["schema"]["type"] == "integer" and param["schema"]["minimum"] == 1
    jobs = {p["name"]: p for p in SPEC["paths"]["/studio/api/jobs"]["get"]["parameters"]}
    assert jobs["limit"]["schema"]["type"] == "integer" and jobs["limit"]["schema"]["maximum"]
    assert set(jobs) == {"status", "kind", "space_id", "owner", "limit", "next_token"}
    ping = SPEC["paths"]["/studio/endpoints/{endpoint_name}/ping"]
    assert set(ping) == {"get"}
    assert set(SPEC["paths"]["/studio/endpoints/{endpoint_name}/invocations"]) == {"post"}


def test_every_verb_of_a_route_with_typed_path_parameters_validates_them() -> None:
    for route in ROUTES:
        if route.types:
            for method in route.operations:
                verb = getattr(route.handler, method)
                assert getattr(verb, "typed_path", False), (route.path, method)


async def test_an_unsupported_method_is_a_405_with_allow(jp_fetch) -> None:  # noqa: ANN001
    code, response = await call(
        jp_fetch, "TRACE", "studio", "api", "jobs", allow_nonstandard_methods=True
    )
    assert code == 405 and response.headers["Allow"] == "GET, POST, OPTIONS"
    code, response = await call(jp_fetch, "PUT", "studio", "api", "jobs", body=b"{}")
    assert code == 405 and response.headers["Allow"] == "GET, POST, OPTIONS"
    code, response = await call(jp_fetch, "POST", "studio", "endpoints", "nope", "ping", body=b"{}")
    assert code == 405 and response.headers["Allow"] == "GET, OPTIONS"


async def test_an_unknown_endpoint_action_is_a_json_404(jp_fetch) -> None:  # noqa: ANN001
    for method, body in (("GET", None), ("POST", b"{}")):
        code, response = await call(
            jp_fetch, method, "studio", "endpoints", "churn", "predict", body=body
        )
        assert code == 404, code
        assert json.loads(response.body)["code"] == "unknown_route"


async def test_input_the_schema_allows_is_not_refused(api) -> None:  # noqa: ANN001
    # tag keys and metric names of up to 250 characters, any non-blank text
    code, error = await api("PATCH", "models/nope", {"tags": {"k" * 250: "v"}})
    assert code == 404, error
    code, error = await api("PATCH", "models/nope", {"tags": {"k" * 251: "v"}})
    assert code == 400 and error["detail"][0]["loc"][0] == "tags", error
    # a version number is an integer path parameter: text is a 400 naming it, not a 404
    code, error = await api("GET", "models/m/versions/abc")
    assert code == 400 and error["detail"][0]["loc"] == ["version"], error


# ---------------------------------------------------------------- 5. strict types

WRONG = {"boolean": 0, "integer": True, "number": True}


def _scalar_fields(model: type[BaseModel]) -> list[tuple[tuple[str, ...], str]]:
    """(path, JSON type) of every boolean, integer and number field of a request model,
    nested models included (not inside lists or maps)."""
    schema = model.model_json_schema()
    found = []
    for path, sub in walk(schema, schema.get("$defs", {})):
        if path and "0" not in path and "key" not in path and sub.get("type") in WRONG:
            found.append((path, sub["type"]))
    return found


def _bodies() -> list[type[BaseModel]]:
    models = {op.body for route in ROUTES for op in route.operations.values() if op.body}
    return sorted(models, key=lambda m: f"{m.__module__}.{m.__name__}")


def _nest(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data: Any = value
    for key in reversed(path):
        data = {key: data}
    return data


@pytest.mark.parametrize("model", _bodies(), ids=lambda m: m.__name__)
def test_request_bodies_take_booleans_and_numbers_strictly(model: type[BaseModel]) -> None:
    fields = _scalar_fields(model)
    for path, kind in fields:
        try:
            model.model_validate(_nest(path, WRONG[kind]))
        except ValidationError as exc:
            locs = {tuple(map(str, e["loc"]))[: len(path)] for e in exc.errors()}
            assert path in locs, f"{model.__name__}.{'.'.join(path)} took {WRONG[kind]!r}"
        else:
            raise AssertionError(f"{model.__name__}.{'.'.join(path)} took {WRONG[kind]!r}")


async def test_true_is_not_a_number_and_0_not_a_boolean(api) -> None:  # noqa: ANN001
    code, error = await api(
        "POST",
        "modelhub/templates",
        {"name": "t", "template": "Hi {x}", "settings": {"temperature": True}},
    )
    assert code == 400 and error["detail"][0]["loc"] == ["settings", "temperature"], error
    code, error = await api("POST", "profiles", {"username": "zed", "is_admin": 0})
    assert code == 400 and error["detail"][0]["loc"] == ["is_admin"], error
