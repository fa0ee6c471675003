"""Fitted candidates and the picklable model a user gets: raw rows in, predictions out.

A :class:`FittedCandidate` is one configuration of one model family trained on k folds (a bag:
each fold's preprocessor + model, predictions averaged) or on one training split. A level-2
candidate also takes the level-1 candidates' predictions as extra columns (stacking).
A :class:`TabularModel` is a weighted set of candidates (one candidate with weight 1, or a
greedy ensemble) with the label decoding, so ``predict`` returns the original labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .preprocess import Preprocessor
from .problem import BINARY, REGRESSION


@dataclass
class CandidateSpec:
    """What to train: a name, a model family, its hyperparameters and the stack level."""

    name: str
    family: str
    params: dict[str, Any] = field(default_factory=dict)
    level: int = 1


@dataclass
class FittedCandidate:
    """A trained candidate: one (preprocessor, model) per fold, or one for a holdout split."""

    spec: CandidateSpec
    problem_type: str
    n_classes: int
    folds: list[tuple[Preprocessor, Any]]
    #: Training-row positions each fold model was validated on (cross-validation only).
    fold_rows: list[np.ndarray] | None = None
    #: Level-1 candidates whose predictions are extra columns of this one (stacking).
    stack_on: list[str] = field(default_factory=list)

    def predict_raw(self, X: pd.DataFrame) -> np.ndarray:
        """The bag's averaged output on new rows (``X`` already carries any stack columns)."""
        total: np.ndarray | None = None
        for prep, model in self.folds:
            out = model.predict(prep.transform(X))
            total = out if total is None else total + out
        assert total is not None
        return total / len(self.folds)

    def predict_oof(self, X: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        """Out-of-fold output for training rows at positions ``rows`` (``X`` holds those rows)."""
        if self.fold_rows is None:
            return self.predict_raw(X)
        shape = (len(X), self.n_classes) if self.problem_type != REGRESSION else (len(X),)
        out = np.zeros(shape)
        for (prep, model), valid in zip(self.folds, self.fold_rows, strict=True):
            mask = np.isin(rows, valid)
            if mask.any():
                out[mask] = model.predict(prep.transform(X[mask]))
        return out


def stack_columns(name: str, output: np.ndarray, problem_type: str) -> dict[str, np.ndarray]:
    """Level-1 output as named columns for level 2 (the positive class only for binary)."""
    if problem_type == REGRESSION:
        return {f"__stack.{name}": output}
    if problem_type == BINARY:
        return {f"__stack.{name}": output[:, 1]}
    return {f"__stack.{name}.{j}": output[:, j] for j in range(output.shape[1])}


class TabularModel:
    """A fitted model: a weighted blend of candidates, taking raw rows with the training columns."""

    def __init__(
        self,
        name: str,
        problem_type: str,
        classes: list[Any] | None,
        columns: list[str],
        dtypes: dict[str, str],
        members: dict[str, FittedCandidate],
        weights: dict[str, float],
        target: str = "",
    ):
        self.name = name
        self.problem_type = problem_type
        self.classes = classes
        self.columns = columns
        self.dtypes = dtypes
        self.members = members
        self.weights = weights
        self.target = target

    # -- predictions -------------------------------------------------------------------
    def _frame(self, X: Any) -> pd.DataFrame:
        frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(X)
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise ValueError(f"Missing columns: {', '.join(map(str, missing))}")
        return frame[self.columns].reset_index(drop=True)

    def _outputs(self, frame: pd.DataFrame, rows: np.ndarray | None) -> dict[str, np.ndarray]:
        outputs: dict[str, np.ndarray] = {}

        def output_of(name: str) -> np.ndarray:
            if name in outputs:
                return outputs[name]
            member = self.members[name]
            X = frame
            if member.stack_on:
                extra: dict[str, np.ndarray] = {}
                for base in member.stack_on:
                    extra.update(stack_columns(base, output_of(base), self.problem_type))
                X = pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1)
            outputs[name] = member.predict_raw(X) if rows is None else member.predict_oof(X, rows)
            return outputs[name]

        for name in self.weights:
            output_of(name)
        return outputs

    def predict_raw(self, X: Any, rows: np.ndarray | None = None) -> np.ndarray:
        """Probabilities ``(n, k)`` or values ``(n,)``; with ``rows``, out-of-fold for training rows."""
        frame = self._frame(X)
        outputs = self._outputs(frame, rows)
        total = sum(weight * outputs[name] for name, weight in self.weights.items())
        return np.asarray(total) / sum(self.weights.values())

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels (classification) or values (regression) for raw rows."""
        raw = self.predict_raw(X)
        if self.problem_type == REGRESSION:
            return raw
        return np.asarray(self.classes, dtype=object)[raw.argmax(axis=1)].astype(
            _label_dtype(self.classes)
        )

    def predict_proba(self, X: Any) -> pd.DataFrame:
        """Class probabilities: one column per class label (classification only)."""
        if self.problem_type == REGRESSION:
            raise ValueError("predict_proba is only defined for classification")
        raw = self.predict_raw(X)
        return pd.DataFrame(raw, columns=list(self.classes or []))

    def __repr__(self) -> str:
        return f"TabularModel({self.name!r}, {self.problem_type}, {len(self.weights)} member(s))"


def _label_dtype(classes: list[Any] | None) -> Any:
    values = np.asarray(classes)
    return values.dtype if values.dtype.kind in "biuf" else object
