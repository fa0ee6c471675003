"""The training-data baseline of a model version: per-feature statistics, saved beside it as JSON.

A feature is **numeric** (MLflow types double, float, long, integer; without a schema, any numeric
pandas dtype but bool) or **categorical** (string, boolean; without a schema, bool, text and
category dtypes). Date-time, binary and other columns are listed in ``skipped`` with the reason.

For every feature: ``count`` (rows), ``missing`` and ``missing_fraction`` (null, NaN and, for
numeric features, infinite values). Then, over the values present:

numeric
    ``mean``, ``std`` (sample), ``min``, ``max``, ``quantiles`` (p1 p5 p25 p50 p75 p95 p99), a
    ``histogram`` of about 10 *quantile* bins (each holds about a tenth of the rows, so PSI compares
    like with like; a feature with at most 10 distinct values gets one bin per value), and ``cdf``:
    the exact empirical CDF at up to 51 points (every distinct value when there are that few,
    otherwise the quantiles every 2.5 % plus five more in each tail), which the KS test of
    :mod:`.drift` interpolates linearly, with the ``step`` of the grid the values lie on (1 for
    whole numbers, 0.01 for cents) when there is one.
categorical
    the 20 most frequent values (as text) with counts and fractions; the rest are counted together
    as ``"__other__"`` (``other_count``); ``distinct`` is the number of distinct values.

The JSON is small (about 3 KB per numeric feature, 1.5 KB per categorical one) whatever the number of
rows. :class:`Baseline` is the pydantic model of the file; :func:`compute_baseline` returns it as a
plain dict, :func:`load_baseline` reads and validates it.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "BASELINE_FILE_KIND",
    "OTHER",
    "Baseline",
    "BaselineError",
    "CategoricalStats",
    "CategoryCount",
    "Cdf",
    "FeatureBaseline",
    "Histogram",
    "NumericStats",
    "bin_index",
    "build_baseline",
    "category_keys",
    "compute_baseline",
    "load_baseline",
    "save_baseline",
]

BASELINE_FILE_KIND = "jupyter_studio.baseline"
#: The category all values outside the listed top categories are counted as.
OTHER = "__other__"
DEFAULT_BINS = 10
DEFAULT_MAX_CATEGORIES = 20
CDF_POINTS = 51
#: Where the CDF is kept for features with many values: every 2.5 %, and denser in the tails, where
#: a straight line between two points would be furthest from the true curve.
_CDF_PROBABILITIES = np.unique(
    np.concatenate(
        [
            np.linspace(0.0, 1.0, 41),
            [0.001, 0.002, 0.005, 0.01, 0.015],
            [0.985, 0.99, 0.995, 0.998, 0.999],
        ]
    )
)
NUMERIC_TYPES = frozenset({"double", "float", "long", "integer"})
CATEGORICAL_TYPES = frozenset({"string", "boolean"})
_QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
_TRUE = frozenset({"true", "t", "1", "yes", "y"})
_FALSE = frozenset({"false", "f", "0", "no", "n"})


class BaselineError(ValueError):
    """A baseline file that is missing, unreadable or not a baseline."""


class Histogram(BaseModel):
    """Baseline counts per bin.

    ``edges`` has one item more than ``counts``: bin ``i`` holds values in ``[edges[i],
    edges[i+1])``, and the last bin includes its upper edge. When new data is binned, the first bin
    also takes every value below ``edges[0]`` and the last every value above ``edges[-1]``.
    ``discrete`` says each bin holds a single value, ``edges[i]``.
    """

    edges: list[float]
    counts: list[int]
    discrete: bool = False

    def labels(self) -> list[str]:
        """A short label per bin, for tables and charts."""
        if self.discrete:
            return [_number(edge) for edge in self.edges[:-1]]
        last = len(self.counts) - 1
        return [
            f"[{_number(self.edges[i])}, {_number(self.edges[i + 1])}{']' if i == last else ')'}"
            for i in range(len(self.counts))
        ]


class Cdf(BaseModel):
    """The baseline's empirical CDF at ``points`` (increasing, first = min, last = max).

    ``below[i]`` is the fraction of values ``< points[i]`` and ``at_or_below[i]`` the fraction
    ``<= points[i]``; between two points the CDF is taken as linear (exact when the points are all
    the distinct values).
    """

    points: list[float]
    below: list[float]
    at_or_below: list[float]
    step: float | None = None

    def evaluate(self, x: np.ndarray, *, left: bool = False) -> np.ndarray:
        """F(x) (or its left limit F(x-) when ``left``) at each value of ``x``.

        When every baseline value is a multiple of ``step`` (whole numbers: 1; prices in cents:
        0.01) the CDF is a step function, constant from one multiple to the next: the straight
        line then joins F at the multiples between two points instead.
        """
        points = np.asarray(self.points, dtype=np.float64)
        below = np.asarray(self.below, dtype=np.float64)
        upto = np.asarray(self.at_or_below, dtype=np.float64)
        x = np.asarray(x, dtype=np.float64)
        unit = 0.0
        if self.step:  # work in multiples of step: F(x) = F(floor(x)), F(x-) = F(ceil(x) - 1)
            points = np.round(points / self.step)
            scaled = x / self.step
            x = np.ceil(scaled - 1e-6) - 1 if left else np.floor(scaled + 1e-6)
            left, unit = False, 1.0
        n = len(points)
        j = np.searchsorted(points, x, side="right") - 1  # the last point <= x; -1 if none
        jc = np.clip(j, 0, n - 1)
        at_point = (j >= 0) & (points[jc] == x)
        # Strictly between points[k] and points[k + 1]: linear from upto[k] to below[k + 1]
        # (reached at points[k + 1] itself, or at the multiple of step just before it).
        k = np.clip(j, 0, max(n - 2, 0))
        k1 = np.minimum(k + 1, n - 1)
        span = points[k1] - points[k] - unit
        t = np.where(span > 0, (x - points[k]) / np.where(span > 0, span, 1.0), 0.0)
        between = upto[k] + (below[k1] - upto[k]) * np.clip(t, 0.0, 1.0)
        result = np.where(j < 0, 0.0, np.where(j >= n - 1, 1.0, between))
        return np.where(at_point, (below if left else upto)[jc], result)


def _lattice_step(values: np.ndarray) -> float | None:
    """The largest of 1, 0.1 ... 1e-6 that every value is a multiple of, if any."""
    for decimals in range(7):
        scaled = values * 10.0**decimals
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(1.0, np.abs(scaled))):
            return 10.0**-decimals
        if decimals == 0 and np.abs(values).max(initial=0.0) > 1e9:
            return None
    return None


class NumericStats(BaseModel):
    """Statistics of the values present in a numeric feature."""

    mean: float
    std: float
    min: float
    max: float
    distinct: int
    quantiles: dict[str, float]
    histogram: Histogram
    cdf: Cdf


class CategoryCount(BaseModel):
    """One category of a categorical feature."""

    value: str
    count: int
    fraction: float


class CategoricalStats(BaseModel):
    """The most frequent values of a categorical feature; the rest are counted as ``__other__``."""

    categories: list[CategoryCount]
    other_count: int = 0
    distinct: int

    def bin_labels(self) -> list[str]:
        """The listed categories, then ``__other__``."""
        return [c.value for c in self.categories] + [OTHER]

    def bin_counts(self) -> list[int]:
        """Counts in the order of :meth:`bin_labels`."""
        return [c.count for c in self.categories] + [self.other_count]


class FeatureBaseline(BaseModel):
    """The baseline of one feature (column)."""

    name: str
    type: Literal["numeric", "categorical"]
    dtype: str
    schema_type: str | None = None
    count: int
    missing: int
    missing_fraction: float
    numeric: NumericStats | None = None
    categorical: CategoricalStats | None = None


class Baseline(BaseModel):
    """A training-data baseline: what ``baseline.json`` beside a model version holds."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["jupyter_studio.baseline"] = BASELINE_FILE_KIND
    version: int = 1
    created_at: str = Field(default_factory=lambda: _now())
    rows: int
    features: list[FeatureBaseline]
    skipped: dict[str, str] = Field(default_factory=dict)

    def feature(self, name: str) -> FeatureBaseline | None:
        """The feature called ``name``, if any."""
        return next((f for f in self.features if f.name == name), None)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def _fraction(part: int | float, whole: int | float) -> float:
    return round(float(part) / whole, 6) if whole else 0.0


# ------------------------------------------------------------------------------------ helpers


def bin_index(values: np.ndarray, histogram: Histogram) -> np.ndarray:
    """The histogram bin of each value (values outside the edges go to the end bins)."""
    cuts = np.asarray(histogram.edges[1:-1], dtype=np.float64)
    return np.searchsorted(cuts, np.asarray(values, dtype=np.float64), side="right")


def _scalar(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def category_keys(values: Iterable[Any], *, boolean: bool = False) -> list[str]:
    """The text form under which values are counted as categories.

    Integral floats lose their ``.0`` (a CSV column of codes with a missing value is read as
    floats); with ``boolean``, texts like ``true``/``0`` become ``True``/``False``.
    """
    keys = []
    for raw in values:
        value = _scalar(raw)
        if isinstance(value, bool):
            keys.append(str(value))
        elif isinstance(value, float) and value.is_integer():
            keys.append(str(int(value)))
        elif boolean and isinstance(value, (str, int)):
            text = str(value).strip().lower()
            keys.append("True" if text in _TRUE else "False" if text in _FALSE else str(value))
        else:
            keys.append(str(value))
    return keys


def _schema_columns(columns: Sequence[Any] | None, frame: pd.DataFrame) -> list[tuple[str, Any]]:
    """(name, MLflow type or None) for each column to describe."""
    if columns is None:
        return [(str(name), None) for name in frame.columns]
    out: list[tuple[str, Any]] = []
    for item in columns:
        if isinstance(item, str):
            out.append((item, None))
        elif isinstance(item, Mapping):
            out.append((str(item["name"]), item.get("type")))
        else:  # an object with .name and .type (a schema column)
            out.append((str(item.name), getattr(item, "type", None)))
    return out


def _kind_of(series: pd.Series, schema_type: str | None) -> str | None:
    if schema_type in NUMERIC_TYPES:
        return "numeric"
    if schema_type in CATEGORICAL_TYPES:
        return "categorical"
    if schema_type not in (None, "any"):
        return None
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "numeric"
    if (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    ):
        return "categorical"
    return None


def _numeric_stats(values: np.ndarray, bins: int) -> NumericStats:
    values = np.sort(values)
    n = len(values)
    distinct = np.unique(values)
    low, high = float(values[0]), float(values[-1])
    if len(distinct) <= bins:
        cuts = distinct[1:]
        discrete = True
    else:
        cuts = np.unique(np.quantile(values, np.arange(1, bins) / bins))
        cuts = cuts[cuts > low]
        discrete = False
    counts = np.bincount(np.searchsorted(cuts, values, side="right"), minlength=len(cuts) + 1)
    edges = [low, *map(float, cuts), high]
    if len(distinct) <= CDF_POINTS:
        points = distinct
    else:
        points = np.unique(np.quantile(values, _CDF_PROBABILITIES, method="nearest"))
    below = np.searchsorted(values, points, side="left") / n
    upto = np.searchsorted(values, points, side="right") / n
    quantiles = np.quantile(values, _QUANTILES)
    return NumericStats(
        mean=float(values.mean()),
        std=float(values.std(ddof=1)) if n > 1 else 0.0,
        min=low,
        max=high,
        distinct=len(distinct),
        quantiles={
            f"p{round(q * 100)}": float(v) for q, v in zip(_QUANTILES, quantiles, strict=True)
        },
        histogram=Histogram(edges=edges, counts=[int(c) for c in counts], discrete=discrete),
        cdf=Cdf(
            points=[float(p) for p in points],
            below=[round(float(b), 6) for b in below],
            at_or_below=[round(float(u), 6) for u in upto],
            step=_lattice_step(values),
        ),
    )


def _categorical_stats(keys: list[str], max_categories: int) -> CategoricalStats:
    counts = pd.Series(keys, dtype=object).value_counts(sort=True)
    n = len(keys)
    # Most frequent first; equal counts in a stable (text) order so baselines are reproducible.
    ordered = sorted(counts.items(), key=lambda item: (-int(item[1]), str(item[0])))
    top = ordered[:max_categories]
    return CategoricalStats(
        categories=[
            CategoryCount(value=str(value), count=int(count), fraction=_fraction(count, n))
            for value, count in top
        ],
        other_count=int(sum(int(count) for _, count in ordered[max_categories:])),
        distinct=len(ordered),
    )


# ---------------------------------------------------------------------------------------- API


def build_baseline(
    df: pd.DataFrame,
    columns: Sequence[Any] | None = None,
    *,
    bins: int = DEFAULT_BINS,
    max_categories: int = DEFAULT_MAX_CATEGORIES,
) -> Baseline:
    """The :class:`Baseline` of ``df`` (see the module doc for what each feature gets).

    ``columns`` limits and orders the features: column names, or the model's input schema as
    ``{"name", "type"}`` items (MLflow type names), whose types then decide numeric or categorical.
    A listed column absent from ``df`` is a :class:`BaselineError`.
    """
    if not isinstance(df, pd.DataFrame):
        raise BaselineError(f"a baseline is computed from a pandas DataFrame, not {type(df)!r}")
    if bins < 2:
        raise BaselineError("a baseline needs at least 2 histogram bins")
    if max_categories < 1:
        raise BaselineError("a baseline needs at least 1 category per feature")
    wanted = _schema_columns(columns, df)
    absent = [name for name, _ in wanted if name not in df.columns]
    if absent:
        raise BaselineError(
            f"the training data has no column {', '.join(map(repr, absent))}; "
            f"it has: {', '.join(map(str, df.columns))}"
        )
    features: list[FeatureBaseline] = []
    skipped: dict[str, str] = {}
    rows = len(df)
    for name, schema_type in wanted:
        series = df[name]
        if isinstance(series, pd.DataFrame):
            raise BaselineError(f"the training data has more than one column called {name!r}")
        kind = _kind_of(series, schema_type)
        if kind is None:
            skipped[name] = f"{schema_type or series.dtype} columns are not monitored"
            continue
        common = {
            "name": name,
            "type": kind,
            "dtype": str(series.dtype),
            "schema_type": schema_type,
            "count": rows,
        }
        if kind == "numeric":
            if pd.api.types.is_bool_dtype(series.dtype):
                series = series.astype(np.float64)
            numbers = pd.to_numeric(series, errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            present = numbers[np.isfinite(numbers)]
            missing = rows - len(present)
            stats = _numeric_stats(present, bins) if len(present) else None
            features.append(
                FeatureBaseline(
                    **common,
                    missing=missing,
                    missing_fraction=_fraction(missing, rows),
                    numeric=stats,
                )
            )
        else:
            mask = series.notna().to_numpy()
            boolean = schema_type == "boolean" or pd.api.types.is_bool_dtype(series.dtype)
            keys = category_keys(series[mask].tolist(), boolean=boolean)
            missing = rows - len(keys)
            features.append(
                FeatureBaseline(
                    **common,
                    missing=missing,
                    missing_fraction=_fraction(missing, rows),
                    categorical=_categorical_stats(keys, max_categories) if keys else None,
                )
            )
    return Baseline(rows=rows, features=features, skipped=skipped)


def compute_baseline(
    df: pd.DataFrame,
    columns: Sequence[Any] | None = None,
    *,
    bins: int = DEFAULT_BINS,
    max_categories: int = DEFAULT_MAX_CATEGORIES,
) -> dict[str, Any]:
    """The baseline of ``df`` as a JSON-ready dict (see :func:`build_baseline`)."""
    return build_baseline(df, columns, bins=bins, max_categories=max_categories).model_dump(
        mode="json"
    )


def save_baseline(baseline: Baseline | Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``baseline`` as JSON to ``path`` (atomically); returns the path."""
    model = load_baseline(baseline)
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(model.model_dump_json(indent=1))
    os.replace(partial, target)
    return target


def load_baseline(source: Baseline | Mapping[str, Any] | str | os.PathLike[str]) -> Baseline:
    """A :class:`Baseline` from a model, a dict or a JSON file; :class:`BaselineError` if invalid."""
    if isinstance(source, Baseline):
        return source
    where = "the baseline"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        where = f"the baseline file {path}"
        try:
            source = json.loads(path.read_text())
        except FileNotFoundError:
            raise BaselineError(f"{where} does not exist") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BaselineError(f"{where} cannot be read: {error}") from None
    if not isinstance(source, Mapping) or source.get("kind") != BASELINE_FILE_KIND:
        raise BaselineError(f"{where} is not a Jupyter Studio baseline")
    try:
        return Baseline.model_validate(source)
    except ValidationError as error:
        raise BaselineError(f"{where} is not valid: {error}") from None
