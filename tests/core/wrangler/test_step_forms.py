"""What the step forms are built from: every column parameter is marked for a column picker in
the JSON schema the server sends, and the defaults are useful (issue 22)."""

from __future__ import annotations

from typing import Any

import polars as pl

from jupyter_studio.core.wrangler.transforms import load_all
from jupyter_studio.core.wrangler.transforms.base import WIDGET

REGISTRY = load_all()


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return {
            **root["$defs"][ref.split("/")[-1]],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    return schema


def _string_fields(schema: dict[str, Any], root: dict[str, Any]):  # noqa: ANN202
    """(name, property schema) of every string / list-of-strings parameter, nested ones too."""
    for name, raw in schema.get("properties", {}).items():
        prop = _resolve(raw, root)
        options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
        kinds = {o.get("type") for o in options}
        items = _resolve(prop.get("items", {}), root)
        if kinds == {"string"} or (kinds == {"array"} and items.get("type") == "string"):
            yield name, prop
        if kinds == {"array"} and items.get("type") == "object":
            yield from _string_fields(items, root)


def test_every_column_parameter_is_marked_for_a_picker() -> None:
    """A parameter named like a column carries x-studio-widget, so the form offers a picker of
    the input's columns instead of a text box or one-column-per-line."""
    columnish = {"column", "columns", "target", "keys", "left_on", "right_on", "anchor",
                 "start_column", "end_column", "order_by", "partition_by"}  # fmt: skip
    unmarked = []
    for name, transform in REGISTRY.items():
        schema = transform.json_schema()
        for field, prop in _string_fields(schema, schema):
            if field in columnish and WIDGET not in prop:
                unmarked.append(f"{name}.{field}")
    assert unmarked == []


def test_filter_conditions_join_keys_and_cast_types_are_described_for_the_form() -> None:
    filt = REGISTRY["filter_rows"].json_schema()
    assert filt["properties"]["conditions"][WIDGET] == "conditions"
    join = REGISTRY["join"].json_schema()["properties"]
    assert join["right_on"]["x-studio-input"] == 1
    assert (join["left_on"]["title"], join["right_on"]["title"]) == ("Left keys", "Right keys")
    types = REGISTRY["cast_columns"].json_schema()["properties"]["types"]
    assert types[WIDGET] == "column-map"
    assert "float64" in types["additionalProperties"]["enum"]
    # the markers still find the columns a step names (conditions included)
    params = REGISTRY["filter_rows"].parse(
        {"conditions": [{"column": "price", "operator": ">", "value": 3}]}
    )
    assert params.referenced_columns() == {0: ["price"]}


def test_fill_missing_defaults_to_the_median_of_numbers_and_the_mode_of_others() -> None:
    transform = REGISTRY["fill_missing"]
    schema = transform.json_schema()
    assert schema["properties"]["strategy"]["default"] == "auto"
    frame = pl.DataFrame(
        {"n": [1, None, 2, 10], "f": [0.5, None, 1.5, 9.0], "s": ["a", None, "b", "a"]}
    ).lazy()
    kwargs = transform.kwargs(transform.parse({"columns": ["n", "f", "s"]}))
    state = transform.fit(frame, **kwargs)
    out = transform.apply(frame, state=state, **kwargs).collect()
    assert out["n"].to_list() == [1.0, 2.0, 2.0, 10.0]
    assert out["f"].to_list() == [0.5, 1.5, 1.5, 9.0]
    assert out["s"].to_list() == ["a", "a", "b", "a"]
