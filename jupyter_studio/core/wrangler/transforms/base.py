"""The transform registry and the conventions every transform follows.

A transform is two plain functions over Polars ``LazyFrame`` objects:

``apply(df, *, state=None, **parameters) -> LazyFrame``
    builds the step into the lazy plan (two-input steps take ``left, right``);
``fit(df, **parameters) -> dict`` (optional)
    computes fitted state (a mean, the categories of a one-hot encoding, ...) as JSON data.

Fitted state is kept apart from parameters (as SageMaker Data Wrangler's
``trained_parameters``): the engine fits on the sample for previews and on all rows for full
runs, and the training hand-off stores it so an endpoint applies the very same state to raw rows.

The functions use only ``pl``, ``np``, ``math``, ``re``, ``json`` and the helpers they
declare, and import anything else inside their body. That is what lets the code exporter copy
their source into a script and a notebook: the engine and the exported code run the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "FAMILIES",
    "REGISTRY",
    "WIDGET",
    "ColumnList",
    "ColumnMap",
    "ColumnName",
    "OptionalColumn",
    "StepParams",
    "Transform",
    "register",
]

#: The families of the step picker, in the order it shows them (issue 13, item 4).
FAMILIES: tuple[str, ...] = (
    "Handle missing",
    "Encode categorical",
    "Scale numeric",
    "Outliers",
    "Strings",
    "Datetime",
    "Text featurize",
    "Manage columns",
    "Manage rows",
    "Group-by aggregate",
    "Window features",
    "Balance classes",
    "Join",
    "Concatenate",
    "Custom",
)

WIDGET = "x-studio-widget"
INPUT = "x-studio-input"

ColumnName = Annotated[str, Field(min_length=1, json_schema_extra={WIDGET: "column"})]
OptionalColumn = Annotated[str | None, Field(json_schema_extra={WIDGET: "column"})]
ColumnList = Annotated[list[str], Field(min_length=1, json_schema_extra={WIDGET: "columns"})]
ColumnMap = Annotated[dict[str, Any], Field(json_schema_extra={WIDGET: "column-map"})]
RightColumnList = Annotated[
    list[str], Field(min_length=1, json_schema_extra={WIDGET: "columns", INPUT: 1})
]


class StepParams(BaseModel):
    """Base of every transform's parameter model (unknown parameters are refused)."""

    model_config = ConfigDict(extra="forbid")

    def referenced_columns(self) -> dict[int, list[str]]:
        """Columns these parameters name, by input index (0, or 1 for a join's right input).

        Found through the ``x-studio-widget`` markers of :data:`ColumnName` and friends, also
        inside nested models (aggregations, conditions).
        """
        found: dict[int, list[str]] = {}
        _walk(self, found)
        return found


def _walk(model: BaseModel, found: dict[int, list[str]]) -> None:
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        widget = extra.get(WIDGET)
        index = int(extra.get(INPUT, 0))  # type: ignore[arg-type]
        bucket = found.setdefault(index, [])
        if widget == "column" and isinstance(value, str):
            bucket.append(value)
        elif widget == "columns" and isinstance(value, list):
            bucket.extend(v for v in value if isinstance(v, str))
        elif widget == "column-map" and isinstance(value, dict):
            bucket.extend(str(k) for k in value)
        elif isinstance(value, BaseModel):
            _walk(value, found)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    _walk(item, found)


@dataclass(frozen=True)
class Transform:
    """A registered transform: metadata for the picker plus its two functions."""

    name: str
    title: str
    family: str
    keywords: tuple[str, ...]
    params: type[StepParams]
    apply: Callable[..., Any]
    fit: Callable[..., Any] | None = None
    inputs: int = 1
    helpers: tuple[Callable[..., Any], ...] = ()
    streaming: bool = True
    version: int = 1
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def parse(self, raw: dict[str, Any]) -> StepParams:
        """Validate raw parameters (pydantic ``ValidationError`` on bad input)."""
        return self.params.model_validate(raw)

    def kwargs(self, params: StepParams) -> dict[str, Any]:
        """The keyword arguments ``apply`` and ``fit`` take (plain JSON-like values)."""
        return params.model_dump(mode="json")

    def json_schema(self) -> dict[str, Any]:
        schema = self.params.model_json_schema()
        schema.setdefault("title", self.title)
        return schema


REGISTRY: dict[str, Transform] = {}


def register(
    name: str,
    title: str,
    family: str,
    keywords: list[str],
    params: type[StepParams],
    *,
    fit: Callable[..., Any] | None = None,
    inputs: int = 1,
    helpers: tuple[Callable[..., Any], ...] = (),
    streaming: bool = True,
    version: int = 1,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Class the decorated function as the ``apply`` of transform ``name``."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY:
            raise ValueError(f"transform {name!r} registered twice")
        doc = (function.__doc__ or "").strip().splitlines()
        REGISTRY[name] = Transform(
            name=name,
            title=title,
            family=family,
            keywords=tuple(keywords),
            params=params,
            apply=function,
            fit=fit,
            inputs=inputs,
            helpers=helpers,
            streaming=streaming,
            version=version,
            description=doc[0] if doc else title,
        )
        return function

    return decorate
