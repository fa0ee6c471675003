"""The portfolio: strong default configurations per family, tried in order (data, not code).

The order puts a cheap, robust model first (so a result exists early), then one default of each
family (diversity is what a greedy ensemble needs), then variants that often add to an ensemble
of the defaults. It was written from general experience with these libraries and checked on the
development datasets' training folds only (``benchmarks/automl``), never on their test splits.
"""

from __future__ import annotations

from typing import Any

from .pipeline import CandidateSpec

#: (name, family, hyperparameters) in the order they are tried.
PORTFOLIO: list[tuple[str, str, dict[str, Any]]] = [
    ("LightGBM", "lightgbm", {}),
    ("Linear", "linear", {}),
    ("CatBoost", "catboost", {}),
    ("ExtraTrees", "extra_trees", {}),
    ("LightGBM_XT", "lightgbm", {"extra_trees": True, "learning_rate": 0.05}),
    ("XGBoost", "xgboost", {"learning_rate": 0.08, "max_depth": 6, "colsample_bytree": 0.9}),
    ("RandomForest", "random_forest", {}),
    ("KNN", "knn", {"n_neighbors": 15, "weights": "distance"}),
    ("NeuralNet", "neural_network", {}),
    (
        "LightGBM_Large",
        "lightgbm",
        {"learning_rate": 0.03, "num_leaves": 128, "feature_fraction": 0.9, "min_data_in_leaf": 3},
    ),
    (
        "CatBoost_d8",
        "catboost",
        {"depth": 8, "learning_rate": 0.04, "l2_leaf_reg": 3.0, "grow_policy": "Depthwise"},
    ),
    (
        "LightGBM_slow",
        "lightgbm",
        {"learning_rate": 0.015, "num_leaves": 48, "feature_fraction": 0.7, "min_data_in_leaf": 15},
    ),
    (
        "XGBoost_d4",
        "xgboost",
        {"learning_rate": 0.05, "max_depth": 4, "subsample": 0.8, "colsample_bytree": 0.7},
    ),
    ("CatBoost_d4", "catboost", {"depth": 4, "learning_rate": 0.06, "l2_leaf_reg": 5.0}),
    (
        "NeuralNet_wide",
        "neural_network",
        {"hidden_layer_sizes": [256, 128], "learning_rate_init": 0.001, "alpha": 1e-3},
    ),
    ("ExtraTrees_half", "extra_trees", {"max_features": 0.5, "min_samples_leaf": 2}),
    (
        "LightGBM_XT_small",
        "lightgbm",
        {
            "extra_trees": True,
            "learning_rate": 0.02,
            "num_leaves": 16,
            "feature_fraction": 0.55,
            "min_data_in_leaf": 40,
        },
    ),
    ("RandomForest_half", "random_forest", {"max_features": 0.5, "min_samples_leaf": 2}),
    (
        "XGBoost_d8",
        "xgboost",
        {"learning_rate": 0.03, "max_depth": 8, "min_child_weight": 2.0, "colsample_bytree": 0.6},
    ),
    ("Linear_strong", "linear", {"C": 0.05}),
    ("KNN_uniform", "knn", {"n_neighbors": 40, "weights": "uniform"}),
    (
        "LightGBM_deep",
        "lightgbm",
        {"learning_rate": 0.02, "num_leaves": 200, "feature_fraction": 0.6, "min_data_in_leaf": 10},
    ),
    (
        "CatBoost_slow",
        "catboost",
        {"depth": 6, "learning_rate": 0.02, "l2_leaf_reg": 2.0, "max_ctr_complexity": 3},
    ),
]

#: Level-2 (stacked) candidates, trained on the features plus level-1 out-of-fold predictions.
STACK_PORTFOLIO: list[tuple[str, str, dict[str, Any]]] = [
    ("LightGBM_L2", "lightgbm", {"learning_rate": 0.03, "num_leaves": 15, "min_data_in_leaf": 30}),
    ("ExtraTrees_L2", "extra_trees", {"min_samples_leaf": 3}),
    ("Linear_L2", "linear", {"C": 0.3}),
]


def portfolio(algorithms: list[str] | None) -> list[CandidateSpec]:
    """The level-1 candidates of the allowed families, in order."""
    return [
        CandidateSpec(name, family, dict(params))
        for name, family, params in PORTFOLIO
        if algorithms is None or family in algorithms
    ]


def stack_portfolio(algorithms: list[str] | None) -> list[CandidateSpec]:
    """The level-2 candidates of the allowed families."""
    return [
        CandidateSpec(name, family, dict(params), level=2)
        for name, family, params in STACK_PORTFOLIO
        if algorithms is None or family in algorithms
    ]
