"""HPO mode: a Bayesian search (Optuna's TPE sampler) over model families and their settings.

Each trial is a candidate trained like any other (bagged under cross-validation, or on the
holdout split). Under cross-validation a trial reports its score after every round of folds and
Optuna's median pruner stops a trial whose partial score is worse than the median of earlier
trials at the same number of folds. The first trials are the families' defaults, so the search starts from good
points. A pruned trial appears in the leaderboard as ``pruned``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .pipeline import CandidateSpec

if TYPE_CHECKING:
    from .engine import Engine

HPO_FAMILIES = (
    "lightgbm",
    "catboost",
    "xgboost",
    "extra_trees",
    "random_forest",
    "linear",
    "neural_network",
    "knn",
)


class TrialPruned(Exception):
    """Optuna decided this trial is not worth finishing."""


def suggest(trial: Any, family: str) -> dict[str, Any]:
    """Hyperparameters of ``family`` drawn from its search space."""
    if family == "lightgbm":
        return {
            "learning_rate": trial.suggest_float("lgb_learning_rate", 0.01, 0.2, log=True),
            "num_leaves": trial.suggest_int("lgb_num_leaves", 8, 256, log=True),
            "feature_fraction": trial.suggest_float("lgb_feature_fraction", 0.4, 1.0),
            "min_data_in_leaf": trial.suggest_int("lgb_min_data_in_leaf", 2, 100, log=True),
            "lambda_l2": trial.suggest_float("lgb_lambda_l2", 1e-3, 10.0, log=True),
            "extra_trees": trial.suggest_categorical("lgb_extra_trees", [False, True]),
        }
    if family == "catboost":
        return {
            "learning_rate": trial.suggest_float("cat_learning_rate", 0.02, 0.2, log=True),
            "depth": trial.suggest_int("cat_depth", 4, 8),
            "l2_leaf_reg": trial.suggest_float("cat_l2_leaf_reg", 1.0, 10.0, log=True),
        }
    if family == "xgboost":
        return {
            "learning_rate": trial.suggest_float("xgb_learning_rate", 0.01, 0.2, log=True),
            "max_depth": trial.suggest_int("xgb_max_depth", 3, 10),
            "min_child_weight": trial.suggest_float("xgb_min_child_weight", 0.5, 10.0, log=True),
            "subsample": trial.suggest_float("xgb_subsample", 0.5, 1.0),
            "colsample_bytree": trial.suggest_float("xgb_colsample_bytree", 0.4, 1.0),
            "reg_lambda": trial.suggest_float("xgb_reg_lambda", 1e-3, 10.0, log=True),
        }
    if family in ("extra_trees", "random_forest"):
        prefix = "xt" if family == "extra_trees" else "rf"
        return {
            "max_features": trial.suggest_float(f"{prefix}_max_features", 0.1, 1.0),
            "min_samples_leaf": trial.suggest_int(f"{prefix}_min_samples_leaf", 1, 10, log=True),
        }
    if family == "linear":
        return {"C": trial.suggest_float("linear_C", 1e-3, 100.0, log=True)}
    if family == "knn":
        return {
            "n_neighbors": trial.suggest_int("knn_n_neighbors", 3, 60, log=True),
            "weights": trial.suggest_categorical("knn_weights", ["uniform", "distance"]),
        }
    if family == "neural_network":
        width = trial.suggest_int("nn_width", 32, 256, log=True)
        layers = trial.suggest_int("nn_layers", 1, 3)
        return {
            "hidden_layer_sizes": [width] * layers,
            "learning_rate_init": trial.suggest_float("nn_learning_rate", 1e-4, 1e-2, log=True),
            "alpha": trial.suggest_float("nn_alpha", 1e-6, 1e-2, log=True),
        }
    raise ValueError(f"no search space for {family}")


def run_hpo(
    engine: Engine, with_defaults: bool = True, prefix: str = "Trial", max_trials: int | None = None
) -> None:
    """Search until the budget is spent (or the caller stops the run).

    ``with_defaults`` starts from each family's defaults; without, the search only adds new
    points (used by ensembling mode to fill the time its portfolio left).
    """
    import optuna

    optuna.logging.set_verbosity(logging.WARNING)
    allowed = engine.settings.algorithms
    families = [f for f in HPO_FAMILIES if allowed is None or f in allowed]
    seed = engine.settings.seed
    cv = engine.scheme == "cv"
    n_defaults = len(families) if with_defaults else 0
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(8, 2 * len(families))),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=max(3, n_defaults), n_warmup_steps=1)
        if cv
        else optuna.pruners.NopPruner(),
    )
    # start from each family's defaults, cheapest-first like the portfolio
    for family in families[:n_defaults]:
        study.enqueue_trial({"family": family}, skip_if_exists=True)
    number = 0
    while engine.remaining() - engine.reserve() > 1.0:
        if max_trials is not None and number >= max_trials:
            break
        engine.check_stop()
        trial = study.ask()
        family = trial.suggest_categorical("family", families)
        defaults = trial.number < n_defaults
        params = {} if defaults else suggest(trial, family)
        number += 1
        name = f"{'Default' if defaults else prefix}{number:03d}_{family}"
        spec = CandidateSpec(name, family, params)

        def report(step: int, score: float, _trial: Any = trial) -> None:
            loss = -score if engine.metric.greater_is_better else score
            _trial.report(loss, step)
            if _trial.should_prune():
                raise TrialPruned(f"pruned after {step} folds (worse than other trials)")

        result = engine.train(spec, report=report if cv and not defaults else None)
        if result.status == "pruned":
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        elif result.status == "completed" and result.score is not None:
            study.tell(trial, engine.metric_loss(result.score))
        else:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        recent = engine.results[-5:]
        if len(recent) == 5 and all(r.status == "skipped" for r in recent):
            break  # nothing fits in the time left
