"""Build the OpenAPI 3.1 description from the route table and the pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter

from .routing import Route

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


def _ref(model: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    """A reference to ``model``'s schema (inline for non-model types like ``dict``)."""
    template = "#/components/schemas/{model}"
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = model.model_json_schema(ref_template=template)
        name = model.__name__.replace("[", "_").replace("]", "").replace(",", "_")
    else:
        schema = TypeAdapter(model).json_schema(ref_template=template)
        name = None
    for sub_name, sub in schema.pop("$defs", {}).items():
        schemas[sub_name] = sub
    if name is None:
        return schema
    schemas[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def build_openapi(routes: list[Route], version: str) -> dict[str, Any]:
    """The OpenAPI document of ``/studio/api``, built from the route rows."""
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for route in routes:
        item: dict[str, Any] = {}
        params = route.param_names()
        for method, op in route.operations.items():
            spec: dict[str, Any] = {"summary": op.summary, "responses": {}}
            parameters = [
                {
                    "name": p,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": f"^{route.param_pattern(p)}$"},
                }
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
        paths[route.prefix + route.path] = item
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jupyter Studio REST API", "version": version},
        "paths": paths,
        "components": {"schemas": schemas},
    }
