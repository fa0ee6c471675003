"""Build the OpenAPI 3.1 description from the route table and the pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .routes import ROUTES

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


def _ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        schemas[name] = sub
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_openapi(version: str) -> dict[str, Any]:
    """The OpenAPI document of ``/studio/api``."""
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for route in ROUTES:
        item: dict[str, Any] = {}
        params = [name.strip("{}") for name in route.path.split("/") if name.startswith("{")]
        for method, op in route.operations.items():
            spec: dict[str, Any] = {"summary": op.summary, "responses": {}}
            parameters = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in params
            ]
            parameters += [
                {"name": q, "in": "query", "required": False, "schema": {"type": "string"}}
                for q in op.query
            ]
            if parameters:
                spec["parameters"] = parameters
            if op.body is not None:
                spec["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(op.body, schemas)}},
                }
            ok: dict[str, Any] = {"description": "Success"}
            if op.response is not None:
                ok["content"] = {"application/json": {"schema": _ref(op.response, schemas)}}
            spec["responses"][str(op.status)] = ok
            for code, text in (
                ("400", "Invalid input"),
                ("403", "Forbidden"),
                ("404", "Not found"),
                ("409", "Conflict"),
            ):
                spec["responses"][code] = {"description": text, **error}
            item[method] = spec
        paths["/studio/api" + route.path] = item
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jupyter Studio REST API", "version": version},
        "paths": paths,
        "components": {"schemas": schemas},
    }
