"""Greedy ensemble selection (Caruana et al., 2004) on out-of-fold or holdout predictions.

Start from nothing; each round add (with replacement) the candidate whose addition gives the best
score of the averaged predictions; keep the best prefix. A candidate's weight is how often it was
picked divided by the prefix length. Ties go to the candidate picked most already, then the first.
"""

from __future__ import annotations

import time

import numpy as np

from .problem import Metric


def greedy_ensemble(
    predictions: list[np.ndarray],
    y: np.ndarray,
    w: np.ndarray | None,
    metric: Metric,
    rounds: int = 25,
    deadline: float | None = None,
) -> np.ndarray:
    """Weights (summing to 1) over ``predictions`` that minimise ``metric``'s loss.

    With a ``deadline`` (``time.monotonic()``), rounds stop there and the best prefix so far wins.
    """
    n_models = len(predictions)
    counts = np.zeros(n_models, dtype=int)
    total = np.zeros_like(np.asarray(predictions[0], dtype=float))
    best_loss, best_counts = np.inf, None
    for step in range(1, rounds + 1):
        losses = np.empty(n_models)
        for i, pred in enumerate(predictions):
            losses[i] = metric.loss(y, (total + pred) / step, w)
        order = np.lexsort((np.arange(n_models), -counts, losses))
        pick = int(order[0])
        counts[pick] += 1
        total = total + predictions[pick]
        if losses[pick] < best_loss - 1e-12:
            best_loss, best_counts = losses[pick], counts.copy()
        if deadline is not None and time.monotonic() > deadline:
            break
    assert best_counts is not None
    return best_counts / best_counts.sum()
