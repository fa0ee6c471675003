"""Retrain one leaderboard candidate exactly as the run did (used by the generated notebook).

The run's settings are replayed with the same split (folds or holdout, same seed), the same
column types and preprocessing, and the same hyperparameters; no time budget stops it early.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import Engine
from .pipeline import CandidateSpec, TabularModel
from .settings import RunSettings


def candidate_recipe(result: Any, candidate: str | None = None) -> dict[str, Any]:
    """Everything needed to retrain ``candidate`` (default: the best) as JSON-ready data."""
    engine: Engine = result._engine
    name = candidate or result.best_candidate
    by_name = {r.name: r for r in engine.results}
    row = by_name[name]
    members = list(row.weights) if row.weights is not None else [name]
    needed: list[str] = []

    def add(member: str) -> None:
        fitted = by_name[member].fitted
        assert fitted is not None
        for base in fitted.stack_on:
            add(base)
        if member not in needed:
            needed.append(member)

    for member in members:
        add(member)
    specs = [by_name[m].fitted.spec for m in needed]  # type: ignore[union-attr]
    stacked = any(by_name[m].fitted.stack_on for m in needed)  # type: ignore[union-attr]
    stack_base = list(getattr(engine, "stack_base", [])) if stacked else []
    settings = engine.settings.replayable()
    settings.update(engine.replay_settings())
    settings.update(
        feature_types=dict(engine.feature_types),
        problem_type=engine.problem_type,
        objective_metric=engine.metric.name,
    )
    return {
        "candidate": name,
        "settings": settings,
        "specs": [
            {"name": sp.name, "family": sp.family, "params": sp.params, "level": sp.level}
            for sp in specs
        ],
        "stack_base": [b for b in stack_base],
        "weights": dict(row.weights) if row.weights is not None else {name: 1.0},
        "score": row.score,
        "objective_metric": engine.metric.name,
    }


def retrain(data: Any, recipe: dict[str, Any], validation: Any = None) -> dict[str, Any]:
    """Retrain a recipe from :func:`candidate_recipe` on ``data``; returns the score and model."""
    stored = recipe["settings"]  # JSON in the notebook: keep only what a run reads
    values = {k: v for k, v in stored.items() if k in RunSettings.model_fields}
    values.update(
        max_runtime=max(3600.0, float(values.get("max_runtime", 0))),
        max_candidate_runtime=None,
        stacking=False,
    )
    if validation is not None:
        values["validation"] = validation
    settings = RunSettings(**values)
    engine = Engine(settings)
    engine.prepare(data)
    specs = [
        CandidateSpec(s["name"], s["family"], s["params"], s["level"]) for s in recipe["specs"]
    ]
    engine.replay(specs, recipe.get("stack_base"))
    by_name = {r.name: r for r in engine.results}
    failed = [r for r in engine.results if r.status != "completed"]
    if failed:
        raise RuntimeError(f"{failed[0].name} did not train: {failed[0].failure_reason}")
    weights = recipe["weights"]
    blend = sum(w * by_name[n].predictions for n, w in weights.items()) / sum(weights.values())
    if engine.scheme == "cv":
        y, w = engine.y, engine.w
    else:
        y, w = engine.y_val, engine.w_val
    score = float(engine.metric(y, np.asarray(blend), w))
    model: TabularModel = TabularModel(
        recipe["candidate"],
        engine.problem_type,
        engine.classes,
        engine.columns,
        {c: str(t) for c, t in engine.request.frame.dtypes.items()},
        {n: by_name[n].fitted for n in by_name},  # type: ignore[misc]
        dict(weights),
        target=str(settings.target),
    )
    return {"score": score, "objective_metric": engine.metric.name, "model": model}
