"""Feature types and the preprocessing fitted inside every candidate's pipeline.

Column types are decided once per run (from the data, or as the user set them); each
candidate then fits its own :class:`Preprocessor` on its training rows only, so nothing
leaks across folds and a fitted pipeline takes raw rows.

Styles, by what a model family needs:

``native``   numbers as they are (missing values stay NaN), categories as pandas categoricals
             (LightGBM and XGBoost split on them natively), text as TF-IDF -> SVD components,
             datetimes expanded into parts.
``catboost`` as ``native`` but categories as strings, which CatBoost encodes itself.
``ordinal``  numbers with missing values imputed and flagged, categories as frequency-ordered codes
             plus out-of-fold target encoding for high cardinality (random forest, extra trees).
``dense``    scaled numbers, one-hot categories (target encoding above 20 levels),
             text as TF-IDF -> SVD (k-nearest neighbours, neural network).
``sparse``   as ``dense`` but text as the full sparse TF-IDF matrix (linear models).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

NUMERICAL = "numerical"
CATEGORICAL = "categorical"
TEXT = "text"
DATETIME = "datetime"
SEQUENCE = "sequence"
FEATURE_TYPES = (NUMERICAL, CATEGORICAL, TEXT, DATETIME, SEQUENCE)

#: Categories seen fewer times than this in the training rows become "other".
MIN_CATEGORY_COUNT = 2
#: Categorical columns with more levels than this get target encoding instead of one-hot.
MAX_ONEHOT = 20
#: Keep at most this many categories per column (the most frequent).
MAX_CATEGORIES = 1000


def _looks_like_dates(values: pd.Series) -> bool:
    sample = values.dropna().astype(str).head(200)
    if sample.empty or not sample.str.contains(r"\d").all():
        return False
    if sample.str.fullmatch(r"[-+]?\d+(\.\d+)?").all():  # plain numbers are not dates
        return False
    if not sample.str.contains(r"[-/:]").mean() > 0.9:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
        except (TypeError, ValueError):
            return False
    return bool(parsed.notna().mean() >= 0.9)


def infer_feature_type(values: pd.Series) -> tuple[str, str]:
    """The type of one feature column and why."""
    if pd.api.types.is_bool_dtype(values):
        return NUMERICAL, "true/false values"
    if pd.api.types.is_datetime64_any_dtype(values):
        return DATETIME, "a date/time column"
    if pd.api.types.is_numeric_dtype(values):
        return NUMERICAL, "numbers"
    if isinstance(values.dtype, pd.CategoricalDtype):
        return CATEGORICAL, "a categorical column"
    present = values.dropna()
    if present.empty:
        return NUMERICAL, "empty"
    if _looks_like_dates(present):
        return DATETIME, "text that parses as dates"
    numeric = pd.to_numeric(present, errors="coerce")
    if numeric.notna().mean() > 0.95:
        return NUMERICAL, "text that parses as numbers"
    text = present.astype(str)
    words = text.str.count(r"\s+") + 1
    unique_ratio = text.nunique() / len(text)
    if words.mean() >= 3 and unique_ratio > 0.3:
        return TEXT, f"free text (about {words.mean():.0f} words a value, mostly distinct)"
    return CATEGORICAL, f"{text.nunique()} distinct labels"


def infer_feature_types(
    frame: pd.DataFrame, given: dict[str, str] | None = None
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Types of the feature columns, the reason for each, and the columns dropped with why.

    ``given`` maps columns to a type the user chose ("auto" or missing means infer it).
    Constant columns and identifier-like text columns (every value distinct) are dropped.
    """
    types: dict[str, str] = {}
    reasons: dict[str, str] = {}
    dropped: dict[str, str] = {}
    given = {k: v.lower() for k, v in (given or {}).items()}
    for column in frame.columns:
        values = frame[column]
        chosen = given.get(column, "auto")
        if values.nunique(dropna=True) <= 1 and values.notna().all():
            dropped[column] = "constant: the same value on every row"
            continue
        if chosen not in ("auto", ""):
            types[column] = chosen
            reasons[column] = "set by the user"
            continue
        kind, why = infer_feature_type(values)
        if (
            kind == CATEGORICAL
            and len(values) >= 100
            and values.nunique() >= 0.99 * values.notna().sum()
            and not pd.api.types.is_numeric_dtype(values)
        ):
            dropped[column] = "an identifier: every value is distinct"
            continue
        types[column] = kind
        reasons[column] = why
    return types, reasons, dropped


def _as_datetime(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = pd.to_datetime(values, errors="coerce", format="mixed")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert(None)
    return out


def _expand_datetime(values: pd.Series, name: str, with_time: bool) -> pd.DataFrame:
    when = _as_datetime(values)
    parts = {
        f"{name}.epoch_days": (when - pd.Timestamp("1970-01-01")).dt.total_seconds() / 86400.0,
        f"{name}.year": when.dt.year,
        f"{name}.month": when.dt.month,
        f"{name}.day": when.dt.day,
        f"{name}.dayofweek": when.dt.day_of_week,
        f"{name}.dayofyear": when.dt.day_of_year,
    }
    if with_time:
        parts[f"{name}.hour"] = when.dt.hour
    return pd.DataFrame({k: v.astype(float) for k, v in parts.items()}, index=values.index)


def _as_text(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str)


class Preprocessor:
    """Turns raw rows into what one model family takes; fitted on a candidate's training rows."""

    def __init__(
        self,
        feature_types: dict[str, str],
        style: str,
        problem_type: str,
        scaler: str = "standard",
        text_components: int = 20,
        seed: int = 0,
    ):
        self.feature_types = dict(feature_types)
        self.style = style
        self.problem_type = problem_type
        self.scaler = scaler
        self.text_components = text_components
        self.seed = seed

    # -- fitting ----------------------------------------------------------------------
    def fit_transform(self, X: pd.DataFrame, y: np.ndarray | None = None) -> Any:
        """Fit on the training rows and return them transformed (target encoding out of fold)."""
        self._fit_base(X)
        base = self._base(X)
        return self._finish(base, y, fit=True)

    def transform(self, X: pd.DataFrame) -> Any:
        """Transform rows with the fitted state."""
        return self._finish(self._base(X), None, fit=False)

    def _fit_base(self, X: pd.DataFrame) -> None:
        self.columns_ = list(self.feature_types)
        self.categories_: dict[str, list[str]] = {}
        self.datetime_has_time_: dict[str, bool] = {}
        self.text_: dict[str, Any] = {}
        for column, kind in self.feature_types.items():
            values = X[column]
            if kind == CATEGORICAL:
                counts = values.dropna().astype(str).value_counts()
                keep = counts[counts >= min(MIN_CATEGORY_COUNT, max(1, len(X) // 1000))]
                self.categories_[column] = [str(v) for v in keep.index[:MAX_CATEGORIES]]
            elif kind == DATETIME:
                when = _as_datetime(values)
                self.datetime_has_time_[column] = bool(
                    (when.dropna().dt.floor("D") != when.dropna()).any()
                )
            elif kind in (TEXT, SEQUENCE):
                self.text_[column] = self._fit_text(_as_text(values), kind)

    def _fit_text(self, text: pd.Series, kind: str) -> dict[str, Any]:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        pattern = r"(?u)\b\w+\b" if kind == TEXT else r"[^\s,;|]+"
        vectorizer = TfidfVectorizer(
            token_pattern=pattern,
            ngram_range=(1, 2) if kind == TEXT else (1, 1),
            min_df=2 if len(text) > 50 else 1,
            max_features=5000,
            sublinear_tf=True,
            dtype=np.float32,
        )
        try:
            matrix = vectorizer.fit_transform(text)
        except ValueError:  # empty vocabulary
            return {"vectorizer": None, "svd": None}
        svd = None
        n_comp = min(self.text_components, matrix.shape[1] - 1, matrix.shape[0] - 1)
        if self.style != "sparse" and n_comp >= 1:
            svd = TruncatedSVD(n_components=n_comp, random_state=self.seed).fit(matrix)
        return {"vectorizer": vectorizer, "svd": svd}

    # -- the shared first stage: numbers, datetime parts, category strings, text parts ----
    def _base(self, X: pd.DataFrame) -> dict[str, Any]:
        numeric: dict[str, pd.Series] = {}
        categorical: dict[str, pd.Series] = {}
        sparse: list[Any] = []
        index = X.index
        for column, kind in self.feature_types.items():
            values = X[column] if column in X else pd.Series(np.nan, index=index)
            if kind == NUMERICAL:
                if pd.api.types.is_bool_dtype(values):
                    values = values.astype(float)
                numeric[column] = pd.to_numeric(values, errors="coerce").astype(float)
            elif kind == DATETIME:
                parts = _expand_datetime(values, column, self.datetime_has_time_[column])
                numeric.update({c: parts[c] for c in parts.columns})
            elif kind == CATEGORICAL:
                known = self.categories_[column]
                text = values.astype("string").astype(object)
                text = text.where(text.isin(known), other=None)
                text = text.where(values.notna() | text.notna(), other=None)
                categorical[column] = text
            else:
                fitted = self.text_[column]
                raw = _as_text(values)
                numeric[f"{column}.chars"] = raw.str.len().astype(float)
                numeric[f"{column}.words"] = (raw.str.count(r"\S+")).astype(float)
                if fitted["vectorizer"] is None:
                    continue
                matrix = fitted["vectorizer"].transform(raw)
                if fitted["svd"] is not None:
                    comps = fitted["svd"].transform(matrix)
                    for i in range(comps.shape[1]):
                        numeric[f"{column}.svd{i}"] = pd.Series(comps[:, i], index=index)
                else:
                    sparse.append(matrix)
        return {
            "numeric": pd.DataFrame(numeric, index=index),
            "categorical": categorical,
            "sparse": sparse,
        }

    # -- the style-specific second stage -------------------------------------------------
    def _finish(self, base: dict[str, Any], y: np.ndarray | None, fit: bool) -> Any:
        numeric: pd.DataFrame = base["numeric"]
        cats: dict[str, pd.Series] = base["categorical"]
        if self.style == "native":
            out = numeric.copy()
            for column, values in cats.items():
                out[column] = pd.Categorical(values, categories=self.categories_[column])
            return out
        if self.style == "catboost":
            out = numeric.copy()
            for column, values in cats.items():
                out[column] = values.fillna("__missing__").astype(str)
            return out
        if fit:
            self.medians_ = numeric.median().fillna(0.0)
            self.flag_columns_ = [c for c in numeric.columns if numeric[c].isna().any()]
        filled = numeric.fillna(self.medians_)
        flags = numeric[self.flag_columns_].isna().astype(float)
        flags.columns = [f"{c}.missing" for c in self.flag_columns_]
        if self.style == "ordinal":
            blocks = [filled.to_numpy(float), flags.to_numpy(float)]
            for column, values in cats.items():
                mapping = {v: i for i, v in enumerate(self.categories_[column])}
                blocks.append(values.map(mapping).fillna(-1).to_numpy(float)[:, None])
            high = [c for c in cats if len(self.categories_[c]) > 10]
            blocks.append(self._target_encode(cats, high, y, fit))
            return np.hstack([b for b in blocks if b.shape[1]]).astype(np.float32)
        # dense and sparse: scaled numbers, one-hot or target-encoded categories
        if fit:
            self.scale_ = self._fit_scaler(filled)
        dense = [self.scale_.transform(filled.to_numpy(float)) if filled.shape[1] else filled]
        dense.append(flags.to_numpy(float))
        low = [c for c in cats if len(self.categories_[c]) <= MAX_ONEHOT]
        high = [c for c in cats if len(self.categories_[c]) > MAX_ONEHOT]
        for column in low:
            values = cats[column]
            onehot = np.stack(
                [(values == v).to_numpy(float) for v in self.categories_[column]]
                + [values.isna().to_numpy(float)],
                axis=1,
            )
            dense.append(onehot)
        encoded = self._target_encode(cats, high, y, fit)
        if encoded.shape[1]:
            if fit:
                self.te_mean_ = encoded.mean(axis=0)
                self.te_std_ = encoded.std(axis=0) + 1e-9
            dense.append((encoded - self.te_mean_) / self.te_std_)
        matrix = np.hstack(
            [np.asarray(b, float) for b in dense if b.shape[1]] or [np.zeros((len(numeric), 1))]
        )
        matrix = np.clip(np.nan_to_num(matrix), -20, 20).astype(np.float32)
        if self.style == "sparse" and base["sparse"]:
            from scipy import sparse as sp

            return sp.hstack([sp.csr_matrix(matrix), *base["sparse"]], format="csr")
        return matrix

    def _fit_scaler(self, filled: pd.DataFrame) -> Any:
        from sklearn.preprocessing import QuantileTransformer, StandardScaler

        if self.scaler == "quantile" and len(filled) >= 20:
            scaler = QuantileTransformer(
                n_quantiles=min(1000, len(filled)),
                output_distribution="normal",
                random_state=self.seed,
            )
        else:
            scaler = StandardScaler()
        if filled.shape[1]:
            scaler.fit(filled.to_numpy(float))
        return scaler

    def _target_encode(
        self, cats: dict[str, pd.Series], columns: list[str], y: np.ndarray | None, fit: bool
    ) -> np.ndarray:
        n = len(next(iter(cats.values()))) if cats else 0
        if not columns:
            return np.zeros((n, 0))
        from sklearn.preprocessing import TargetEncoder

        frame = pd.DataFrame({c: cats[c].fillna("__missing__") for c in columns})
        if fit:
            target_type = {"regression": "continuous", "binary": "binary"}.get(
                self.problem_type, "multiclass"
            )
            from sklearn.model_selection import KFold, StratifiedKFold

            splitter = (KFold if target_type == "continuous" else StratifiedKFold)(
                5, shuffle=True, random_state=self.seed
            )
            try:  # scikit-learn >= 1.9 takes a splitter
                self.target_encoder_ = TargetEncoder(target_type=target_type, cv=splitter)
                return self.target_encoder_.fit_transform(frame, y)
            except (TypeError, ValueError):
                self.target_encoder_ = TargetEncoder(
                    target_type=target_type, random_state=self.seed, cv=5
                )
            return self.target_encoder_.fit_transform(frame, y)
        return self.target_encoder_.transform(frame)
