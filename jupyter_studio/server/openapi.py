"""Build the OpenAPI 3.1 description from the route table and the pydantic models.

The document and the checks are one source: request bodies, query parameters and typed path
parameters are described by the very pydantic models and types the handlers validate with.
Every model becomes one component, named by pydantic in a single pass over all of them, so two
models of the same class name (the registry's and the model hub's ``ListModelsResponse``) get
two distinct names instead of one overwriting the other.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import JsonSchemaMode

from .routing import Operation, Route

REF_TEMPLATE = "#/components/schemas/{model}"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["message", "reason", "code"],
    "properties": {
        "message": {"type": "string", "description": "What went wrong and what to do."},
        "reason": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable error code."},
        "detail": {"type": "array", "items": {"type": "object"}},
    },
}
#: The error answers every operation may give. A well-formed request that names something that
#: does not exist (a file, folder or flow of the caller's files, a job kind, a job, a model...) is
#: a 404 with the code saying what (``path_not_found``, ``unknown_job_kind``, ...), not a 400;
#: one that names something of another kind (a folder where a file is needed, a file that is not
#: a flow) or clashes with what exists is a 409.
ERRORS = (
    ("400", "Invalid input"),
    ("403", "Forbidden"),
    ("404", "Not found: a named thing (file, flow, job kind, resource) does not exist"),
    (
        "409",
        "Conflict: what the request names exists but is of another kind (a folder for a file, a "
        "file that is not a flow), or clashes with the current state",
    ),
)

Key = tuple[str, str, str]


def _inputs(routes: list[Route]) -> list[tuple[Key, JsonSchemaMode, TypeAdapter[Any]]]:
    """Every body, query and response type of the routes, for one naming pass."""
    inputs: list[tuple[Key, JsonSchemaMode, TypeAdapter[Any]]] = []
    for route in routes:
        for method, op in route.operations.items():
            where = route.prefix + route.path
            if op.body is not None:
                inputs.append(((where, method, "body"), "validation", TypeAdapter(op.body)))
            if op.query is not None:
                inputs.append(((where, method, "query"), "validation", TypeAdapter(op.query)))
            if op.response is not None:
                response = TypeAdapter(op.response)
                inputs.append(((where, method, "response"), "serialization", response))
    return inputs


def _query_parameters(schema: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """One ``in: query`` parameter per field of a query model's schema."""
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        description = prop.pop("description", None)
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
        }
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _operation(
    route: Route,
    method: str,
    op: Operation,
    found: dict[tuple[Key, JsonSchemaMode], Any],
    schemas: dict[str, Any],
) -> dict[str, Any]:
    """The OpenAPI operation object of one method of a route."""
    where = route.prefix + route.path
    spec: dict[str, Any] = {"summary": op.summary, "responses": {}}
    parameters = [
        {"name": p, "in": "path", "required": True, "schema": route.param_schema(p)}
        for p in route.param_names()
    ]
    if op.query is not None:
        parameters += _query_parameters(found[((where, method, "query"), "validation")], schemas)
    if parameters:
        spec["parameters"] = parameters
    if op.body is not None:
        body = found[((where, method, "body"), "validation")]
        spec["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": body}},
        }
    ok: dict[str, Any] = {"description": "Success"}
    if op.response is not None:
        response = found[((where, method, "response"), "serialization")]
        ok["content"] = {"application/json": {"schema": response}}
    spec["responses"][str(op.status)] = ok
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for code, text in ERRORS + op.errors:
        spec["responses"][code] = {"description": text, **error}
    return spec


def build_openapi(routes: list[Route], version: str) -> dict[str, Any]:
    """The OpenAPI document of ``/studio/api``, built from the route rows."""
    found, defs = TypeAdapter.json_schemas(_inputs(routes), ref_template=REF_TEMPLATE)
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA, **defs.get("$defs", {})}
    paths: dict[str, Any] = {}
    for route in routes:
        paths[route.prefix + route.path] = {
            method: _operation(route, method, op, found, schemas)
            for method, op in route.operations.items()
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jupyter Studio REST API", "version": version},
        "paths": paths,
        "components": {"schemas": schemas},
    }
