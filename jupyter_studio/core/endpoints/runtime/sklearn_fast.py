"""A faster first step for scikit-learn pipelines: fitted transformers called on numpy arrays.

A pipeline fitted on a DataFrame spends most of a one-row request in pandas handling: the
:class:`~sklearn.compose.ColumnTransformer` selects each transformer's columns with pandas
indexing, and every transformer validates its DataFrame (feature names, dtypes, narwhals) before
turning it into the numpy array it computes on. :class:`FastTransforms` runs the same fitted
objects, but hands the transformers it knows the array itself: exactly the array their own
validation would have made of the DataFrame. Nothing of a transformer is re-implemented; what
changes is only the container a transformer receives. The result is the same, bit for bit.

What is taken apart, and why the result cannot change
-----------------------------------------------------
The first step of the (flattened) pipeline is the only one that sees the request DataFrame; the
later steps get numpy or sparse arrays on either path and run unchanged.

- A fitted ``ColumnTransformer`` (fitted on a DataFrame, output left at ``"default"``) is run as
  its ``transform`` does for a DataFrame: the ``(name, transformer, columns, weight)`` list comes
  from its own ``_iter(fitted=True, column_as_labels=True, ...)`` (so callable selectors and the
  remainder are whatever fit resolved them to), each part goes through scikit-learn's own
  ``_transform_one``, then its own ``_validate_output`` and ``_hstack``.
- A part whose transformer is an exact instance of a *known* class gets a numpy array in place of
  ``_safe_indexing(frame, columns, axis=1)``; any other part gets that very DataFrame, as before.
  The known classes validate with ``check_array``, which turns a DataFrame of plain numpy dtypes
  into ``np.asarray(frame)`` (pandas' common dtype, column-major) and then converts; the array
  given here is built with the dtype pandas picks (asked of pandas when the model loads) and the
  same memory layout, so the converted array is the same. Their ``transform`` reads the fitted
  feature names only to check the input's names (checked here once, at load), so they are called
  on a shallow copy without ``feature_names_in_`` (no "fitted with feature names" warning):

  * ``StandardScaler``, ``MinMaxScaler``, ``MaxAbsScaler``, ``RobustScaler``: number columns
    (double, float, long, integer; booleans are not taken: pandas mixes them into ``object``);
  * ``SimpleImputer``: columns of one dtype, or number columns (not when a column had no observed
    value: its warning names the feature);
  * ``OneHotEncoder``, ``OrdinalEncoder``: columns of one dtype (a DataFrame keeps each column's
    dtype, which a 2-D array of one dtype does too);
  * the identity ``FunctionTransformer`` that ``remainder="passthrough"`` (or ``"passthrough"``)
    becomes: number or boolean columns of one dtype (mixed dtypes go through pandas, whose
    common dtype may be ``object``);
  * a ``Pipeline`` whose first step is one of these (its later steps get arrays on either path).

- A known transformer may also be the first step itself (``Pipeline([imputer, scaler, model])``
  on number columns) when its fitted feature names are the schema's columns in the same order.

Anything else (set_output pandas or polars, a ColumnTransformer fitted on an array, a frame that
does not have the schema's columns and dtypes, a scalar column selector, a ``FunctionTransformer``
with a function, an unknown transformer...) takes the normal path, ``step.transform(frame)``; so
does a request the fast path fails on (the normal path then gives the error, if any). The first
:data:`VERIFY_CALLS` requests are transformed both ways and compared bit for bit (values, dtype,
shape, memory order): a difference turns the fast path off for good, with a warning in the log.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, _transform_one
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)
from sklearn.utils import _safe_indexing

log = logging.getLogger(__name__)

#: The first requests are transformed both ways and compared.
VERIFY_CALLS = 3

#: numpy dtypes of the columns :func:`.payloads.build_frame` makes, by MLflow type.
SCHEMA_DTYPES: dict[str, np.dtype] = {
    "double": np.dtype("float64"),
    "float": np.dtype("float32"),
    "long": np.dtype("int64"),
    "integer": np.dtype("int32"),
    "boolean": np.dtype("bool"),
    "string": np.dtype("O"),
    "binary": np.dtype("O"),
}
_NUMBERS = frozenset(SCHEMA_DTYPES[t] for t in ("double", "float", "long", "integer"))
_SCALERS = (StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler)
_ENCODERS = (OneHotEncoder, OrdinalEncoder)
_NO_PARAMS: dict[str, dict[str, Any]] = {"transform": {}}

Rows = Any
Columns = list[np.ndarray]
Part = Callable[[pd.DataFrame, Columns], Any]


class NotEquivalent(Exception):
    """Why a step cannot take the fast path (the message says so in the log)."""


def _output_is_default(estimator: Any) -> bool:
    """Whether ``transform`` output of ``estimator`` is left at ``"default"`` (no DataFrames)."""
    config = getattr(estimator, "_sklearn_output_config", None) or {}
    return config.get("transform", sklearn.get_config()["transform_output"]) == "default"


def _common_dtype(dtypes: Sequence[np.dtype]) -> np.dtype:
    """The dtype pandas gives ``np.asarray`` of a DataFrame with columns of ``dtypes``."""
    probe = pd.DataFrame({f"c{i}": np.zeros(1, dtype) for i, dtype in enumerate(dtypes)})
    return probe.to_numpy().dtype


def _without_feature_names(transformer: Any) -> Any:
    """A shallow copy of a fitted transformer without ``feature_names_in_`` (arrays have none)."""
    copy = object.__new__(type(transformer))
    copy.__dict__.update(transformer.__dict__)
    copy.__dict__.pop("feature_names_in_", None)
    return copy


def _array_dtype(transformer: Any, dtypes: Sequence[np.dtype]) -> np.dtype:
    """The dtype of the array ``transformer`` may get for columns of ``dtypes``; else raise."""
    kinds = set(dtypes)
    kind = type(transformer)
    name = kind.__name__
    if kind in _SCALERS:
        if not kinds <= _NUMBERS:
            raise NotEquivalent(f"{name} on columns that are not all numbers")
        return _common_dtype(dtypes)
    if kind is SimpleImputer:
        if len(kinds) != 1 and not kinds <= _NUMBERS:
            raise NotEquivalent(f"{name} on columns of mixed, not only number, dtypes")
        statistics = np.asarray(transformer.statistics_)
        if not transformer.keep_empty_features and bool(np.any(statistics != statistics)):
            raise NotEquivalent(f"{name} with a feature that had no observed value")
        return _common_dtype(dtypes)
    if kind in _ENCODERS:
        if len(kinds) != 1:
            raise NotEquivalent(f"{name} on columns of different dtypes")
        return dtypes[0]
    if (
        kind is FunctionTransformer
        and transformer.func is None
        and not transformer.validate
        and not transformer.kw_args
        and transformer.feature_names_out in (None, "one-to-one")
    ):
        if len(kinds) != 1 or not kinds <= _NUMBERS | {np.dtype(bool)}:
            raise NotEquivalent("passthrough of columns of mixed or non-number dtypes")
        return dtypes[0]
    raise NotEquivalent(f"{name} is not a transformer known to take arrays unchanged")


def _leaf(
    transformer: Any,
    labels: Sequence[str],
    positions: dict[str, int],
    dtypes: Sequence[np.dtype | None],
) -> tuple[Any, list[int], np.dtype]:
    """(copy to call, frame positions, array dtype) of a known transformer on ``labels``."""
    if not _output_is_default(transformer):
        raise NotEquivalent(f"{type(transformer).__name__} has a set_output container")
    fitted = getattr(transformer, "feature_names_in_", None)
    if fitted is None or list(fitted) != list(labels):
        raise NotEquivalent(f"{type(transformer).__name__} was not fitted on these columns")
    missing = [label for label in labels if label not in positions]
    if missing:
        raise NotEquivalent(f"columns {missing} are not in the input schema")
    where = [positions[label] for label in labels]
    column_dtypes = [dtypes[p] for p in where]
    if any(d is None for d in column_dtypes):
        raise NotEquivalent("a column of a type without a fixed numpy dtype")
    dtype = _array_dtype(transformer, column_dtypes)  # type: ignore[arg-type]
    return _without_feature_names(transformer), where, dtype


def _assemble(columns: Columns, where: list[int], dtype: np.dtype) -> np.ndarray:
    """The columns at ``where`` as one column-major 2-D array of ``dtype`` (as pandas makes it)."""
    rows = len(columns[where[0]])
    out = np.empty((len(where), rows), dtype=dtype).T
    for number, position in enumerate(where):
        out[:, number] = columns[position]
    return out


class _Plan:
    """How the first step runs on the request's columns; raises :class:`NotEquivalent` if it cannot."""

    def __init__(self, step: Any, names: list[str], dtypes: list[np.dtype | None]) -> None:
        self.positions = {name: number for number, name in enumerate(names)}
        self.dtypes = dtypes
        self.used: set[int] = set()
        self.parts: list[str] = []
        if type(step) is ColumnTransformer:
            self.run = self._column_transformer(step)
        else:
            if type(step) is FunctionTransformer:
                raise NotEquivalent("the first step is a FunctionTransformer")
            copy, where, dtype = _leaf(step, names_of(step), self.positions, dtypes)
            if where != list(range(len(names))):
                raise NotEquivalent(
                    "the first step was not fitted on the schema's columns in order"
                )
            self.used.update(where)
            self.parts.append(f"{type(step).__name__} on arrays")

            def run(frame: pd.DataFrame, columns: Columns) -> Rows:
                return copy.transform(_assemble(columns, where, dtype))

            self.run = run

    def _column_transformer(self, ct: ColumnTransformer) -> Callable[[pd.DataFrame, Columns], Rows]:
        if not hasattr(ct, "transformers_") or getattr(ct, "feature_names_in_", None) is None:
            raise NotEquivalent("the ColumnTransformer was not fitted on a DataFrame")
        if not _output_is_default(ct):
            raise NotEquivalent("the ColumnTransformer has a set_output container")
        expected = ["transformer", "X", "y", "weight", "params"]
        if list(inspect.signature(_transform_one).parameters) != expected:
            raise NotEquivalent("this scikit-learn's _transform_one is not the one known here")
        missing = [n for n in ct.feature_names_in_ if n not in self.positions]
        if missing:
            raise NotEquivalent(f"the ColumnTransformer's columns {missing} are not in the schema")
        try:
            items = list(
                ct._iter(
                    fitted=True, column_as_labels=True, skip_drop=True, skip_empty_columns=True
                )
            )
        except (TypeError, AttributeError) as error:
            raise NotEquivalent(
                f"ColumnTransformer._iter is not the one known here: {error}"
            ) from None
        parts = [self._part(name, trans, columns, weight) for name, trans, columns, weight in items]
        if not callable(getattr(ct, "_hstack", None)) or not callable(
            getattr(ct, "_validate_output", None)
        ):
            raise NotEquivalent("this ColumnTransformer has no _hstack or _validate_output")

        def run(frame: pd.DataFrame, columns: Columns) -> Rows:
            outputs = [part(frame, columns) for part in parts]
            ct._validate_output(outputs)
            if not outputs:
                return np.zeros((len(frame), 0))
            return ct._hstack(outputs, n_samples=len(frame))

        return run

    def _part(self, name: str, transformer: Any, columns: Any, weight: Any) -> Part:
        """One ``(name, transformer, columns, weight)`` of a ColumnTransformer, as a function."""
        described = f"{name} ({type(transformer).__name__})"
        try:
            if np.isscalar(columns):
                raise NotEquivalent("a scalar column selector gives a Series")
            labels = list(columns)
            if weight is not None and type(transformer) is FunctionTransformer:
                raise NotEquivalent("a weighted passthrough")
            first, rest = transformer, []
            if type(transformer) is Pipeline:
                if not _output_is_default(transformer):
                    raise NotEquivalent("a Pipeline with a set_output container")
                steps = [s for _, s in transformer.steps if s is not None and s != "passthrough"]
                if not steps:
                    raise NotEquivalent("an empty Pipeline")
                if not all(_output_is_default(s) for s in steps):
                    raise NotEquivalent("a Pipeline step with a set_output container")
                first, rest = steps[0], steps[1:]
                if type(first) is FunctionTransformer:
                    raise NotEquivalent("a Pipeline starting with a FunctionTransformer")
            copy, where, dtype = _leaf(first, labels, self.positions, self.dtypes)
        except NotEquivalent as why:
            self.parts.append(f"{described}: DataFrame ({why})")
            return self._frame_part(transformer, columns, weight)
        self.used.update(where)
        self.parts.append(f"{described}: arrays")
        if rest:
            pipeline = _Steps(copy, rest)
            return lambda frame, cols: _transform_one(
                pipeline, _assemble(cols, where, dtype), None, weight, _NO_PARAMS
            )
        return lambda frame, cols: _transform_one(
            copy, _assemble(cols, where, dtype), None, weight, _NO_PARAMS
        )

    @staticmethod
    def _frame_part(transformer: Any, columns: Any, weight: Any) -> Part:
        """A part run exactly as ColumnTransformer runs it: on ``_safe_indexing`` of the frame."""
        return lambda frame, cols: _transform_one(
            transformer, _safe_indexing(frame, columns, axis=1), None, weight, _NO_PARAMS
        )


def names_of(step: Any) -> list[str]:
    """The column names ``step`` was fitted on; raise when it has none."""
    fitted = getattr(step, "feature_names_in_", None)
    if fitted is None:
        raise NotEquivalent(f"{type(step).__name__} was not fitted on a DataFrame")
    return list(fitted)


class _Steps:
    """A Pipeline's ``transform`` (no parameters): the steps in order, passthrough left out."""

    def __init__(self, first: Any, rest: list[Any]) -> None:
        self.steps = [first, *rest]

    def transform(self, rows: Rows) -> Rows:
        """Every step's ``transform``, in order."""
        for step in self.steps:
            rows = step.transform(rows)
        return rows


def same(fast: Any, normal: Any) -> bool:
    """Whether two transformed results are identical: type, dtype, shape, memory order, bits."""
    if type(fast) is not type(normal):
        return False
    if isinstance(normal, np.ndarray):
        if fast.dtype != normal.dtype or fast.shape != normal.shape:
            return False
        if (fast.flags.c_contiguous, fast.flags.f_contiguous) != (
            normal.flags.c_contiguous,
            normal.flags.f_contiguous,
        ):
            return False
        if normal.dtype.kind == "O":
            return all(
                a is b or a == b or (a != a and b != b)
                for a, b in zip(fast.ravel(order="K"), normal.ravel(order="K"), strict=True)
            )
        return np.ascontiguousarray(fast).tobytes() == np.ascontiguousarray(normal).tobytes()
    if sparse.issparse(normal):
        if fast.format != normal.format or fast.dtype != normal.dtype:
            return False
        if fast.shape != normal.shape:
            return False
        if normal.format in ("csr", "csc"):
            return all(
                np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()
                and a.dtype == b.dtype
                for a, b in (
                    (fast.indptr, normal.indptr),
                    (fast.indices, normal.indices),
                    (fast.data, normal.data),
                )
            )
        return same(fast.tocsr(), normal.tocsr())
    return False


class FastTransforms:
    """The transforms of a flattened pipeline, with the fast first step where it is proven safe.

    Call :meth:`transform` with the request DataFrame (columns of the input schema, in schema
    order, with the dtypes :func:`.payloads.build_frame` gives); it returns what
    ``for step in transforms: rows = step.transform(rows)`` returns.
    """

    def __init__(self, transforms: Sequence[Any], plan: _Plan, index: pd.Index) -> None:
        self.transforms = list(transforms)
        self.plan = plan
        self.rest = self.transforms[1:]
        self.index = index
        self.dtypes = plan.dtypes
        self.used = sorted(plan.used)
        self.active = True
        self.fast_calls = 0
        self.normal_calls = 0
        self.verified = 0
        self._lock = threading.Lock()

    @classmethod
    def build(cls, transforms: Sequence[Any], schema: Any) -> FastTransforms | None:
        """The fast transforms for a model with ``schema``, or None (the log says why)."""
        if not transforms or schema is None:
            return None
        if not callable(getattr(pd.DataFrame, "_get_column_array", None)):
            log.info("scikit-learn fast path off: this pandas has no DataFrame._get_column_array")
            return None
        names = [column.name for column in schema.columns]
        dtypes = [SCHEMA_DTYPES.get(column.type) for column in schema.columns]
        try:
            plan = _Plan(transforms[0], names, dtypes)
        except NotEquivalent as why:
            log.info("scikit-learn fast path off: %s", why)
            return None
        except Exception as error:  # never let the fast path stop a model from loading
            log.warning("scikit-learn fast path off: %s: %s", type(error).__name__, error)
            return None
        if not plan.used:
            log.info("scikit-learn fast path off: no transformer takes arrays")
            return None
        log.info("scikit-learn fast path: %s", "; ".join(plan.parts))
        index = getattr(schema, "index", None)  # build_frame's frames share it: `is` is enough
        return cls(transforms, plan, index if isinstance(index, pd.Index) else pd.Index(names))

    def describe(self) -> dict[str, Any]:
        """What the fast path does and how often it ran."""
        return {
            "active": self.active,
            "parts": list(self.plan.parts),
            "fast_calls": self.fast_calls,
            "normal_calls": self.normal_calls,
        }

    def normal(self, frame: pd.DataFrame) -> Rows:
        """The transforms as the pipeline runs them."""
        rows: Any = frame
        for step in self.transforms:
            rows = step.transform(rows)
        return rows

    def _columns(self, frame: pd.DataFrame) -> Columns | None:
        """The request's column arrays (only those used), or None when the frame is not as planned."""
        if frame.columns is not self.index and not frame.columns.equals(self.index):
            return None
        columns: Columns = [None] * len(self.dtypes)  # type: ignore[list-item]
        for position in self.used:
            array = frame._get_column_array(position)
            if type(array) is not np.ndarray or array.dtype != self.dtypes[position]:
                return None
            columns[position] = array
        return columns

    def transform(self, frame: pd.DataFrame) -> Rows:
        """What the transforms give for ``frame``, by the fast path when it applies."""
        columns = self._columns(frame) if self.active else None
        if columns is None or sklearn.get_config()["transform_output"] != "default":
            self.normal_calls += 1
            return self.normal(frame)
        try:
            rows = self.plan.run(frame, columns)
            for step in self.rest:
                rows = step.transform(rows)
        except Exception as error:  # the normal path gives the error, if there is one
            log.debug("scikit-learn fast path failed (%s); using the normal path", error)
            self.normal_calls += 1
            return self.normal(frame)
        if self.verified < VERIFY_CALLS:
            return self._verify(frame, rows)
        self.fast_calls += 1
        return rows

    def _verify(self, frame: pd.DataFrame, rows: Rows) -> Rows:
        """Compare with the normal path; turn the fast path off if they differ."""
        expected = self.normal(frame)
        with self._lock:
            if not same(rows, expected):
                self.active = False
                log.warning(
                    "scikit-learn fast path off: it differs from the pipeline on %d rows "
                    "(please report it); using the normal path",
                    len(frame),
                )
                self.normal_calls += 1
                return expected
            self.verified += 1
            self.fast_calls += 1
        return rows
