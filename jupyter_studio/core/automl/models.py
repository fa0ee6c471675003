"""Model families: one small wrapper per library with the same contract.

``fit(X, y, w, X_val, y_val, w_val, deadline)`` trains on preprocessed rows, stops early on the
validation rows and stops on time at ``deadline`` (``time.monotonic()``) with what it has;
``predict(X)`` returns class probabilities ``(n, k)`` (every class, in label order) or values.
The heavy libraries are imported when a family is first used.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .problem import BINARY, MULTICLASS, REGRESSION


class TimeLimitExceeded(Exception):
    """No time was left to train a model at all."""


def early_stopping_patience(n_rows: int) -> int:
    """Rounds without improvement before a boosting model stops: fewer on big data."""
    return int(max(20, round(300 * min(1.0, 10000 / max(n_rows, 1)) / 3)))


class Model:
    """Base class of a model family."""

    family: ClassVar[str] = ""
    title: ClassVar[str] = ""
    style: ClassVar[str] = "native"
    supports_weights: ClassVar[bool] = True
    #: Seconds for 10,000 rows x 10 columns on one core, before the run learns real speeds.
    base_cost: ClassVar[float] = 2.0
    #: Seconds one fit takes whatever the data size (iterations' fixed overhead).
    fixed_cost: ClassVar[float] = 0.2
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(
        self, problem_type: str, n_classes: int, params: dict[str, Any], seed: int, n_jobs: int
    ):
        self.problem_type = problem_type
        self.n_classes = n_classes
        self.params = {**self.defaults, **params}
        self.seed = seed
        self.n_jobs = n_jobs
        self.fitted_params: dict[str, Any] = {}

    @classmethod
    def estimate_seconds(cls, n_rows: int, n_cols: int, n_classes: int) -> float:
        """A first guess of one fit's cost, refined by the engine with measured speeds."""
        classes = max(1, n_classes) if n_classes > 2 else 1
        size = (n_rows / 10000) * max(1.0, n_cols / 10) ** 0.7 * classes**0.5
        return cls.fixed_cost * classes**0.5 + cls.base_cost * size

    def fit(
        self,
        X: Any,
        y: np.ndarray,
        w: np.ndarray | None,
        X_val: Any,
        y_val: np.ndarray,
        w_val: np.ndarray | None,
        deadline: float,
    ) -> None:
        raise NotImplementedError

    def predict(self, X: Any) -> np.ndarray:
        raise NotImplementedError

    def _full_proba(self, proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Probabilities over every class, even those absent from this model's training rows."""
        if proba.shape[1] == self.n_classes:
            return proba
        full = np.zeros((proba.shape[0], self.n_classes))
        full[:, np.asarray(classes, dtype=int)] = proba
        return full

    @property
    def is_classification(self) -> bool:
        return self.problem_type in (BINARY, MULTICLASS)


#: Set when the run is asked to stop: a model in training stops as if its deadline had come, so
#: a stopped job still has its grace period to save the best model (see :func:`stop_training`).
_STOP = threading.Event()


def stop_training() -> None:
    """Make every model now training (or about to) stop at its next check, with what it has."""
    _STOP.set()


def resume_training() -> None:
    """Undo :func:`stop_training` (a new run in the same process)."""
    _STOP.clear()


def training_stopped() -> bool:
    """Whether :func:`stop_training` was called."""
    return _STOP.is_set()


def past(deadline: float) -> bool:
    """Whether a model must stop now: its deadline has come, or the run was stopped."""
    return _STOP.is_set() or time.monotonic() > deadline


def _time_left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0 or _STOP.is_set():
        raise TimeLimitExceeded("no time left for this model")
    return left


class LightGBMModel(Model):
    family = "lightgbm"
    title = "LightGBM"
    style = "native"
    base_cost = 1.5
    fixed_cost = 0.3
    defaults: ClassVar[dict[str, Any]] = {
        "learning_rate": 0.05,
        "num_leaves": 31,
        "feature_fraction": 0.9,
        "min_data_in_leaf": 20,
        "lambda_l2": 0.0,
        "extra_trees": False,
        "num_boost_round": 10000,
    }

    def fit(self, X, y, w, X_val, y_val, w_val, deadline):  # noqa: ANN001, D102
        import lightgbm as lgb

        _time_left(deadline)
        params = dict(self.params)
        rounds = int(params.pop("num_boost_round"))
        objective = {BINARY: "binary", MULTICLASS: "multiclass", REGRESSION: "regression"}
        params.update(
            objective=objective[self.problem_type],
            verbosity=-1,
            num_threads=self.n_jobs,
            seed=self.seed,
            deterministic=True,
            force_col_wise=True,
            max_cat_to_onehot=8,
            cat_smooth=10,
            min_data_per_group=50,
        )
        if self.problem_type == MULTICLASS:
            params["num_class"] = self.n_classes
        train = lgb.Dataset(X, label=y, weight=w, free_raw_data=False)
        valid = lgb.Dataset(X_val, label=y_val, weight=w_val, reference=train)

        def stop_on_time(env: Any) -> None:
            if past(deadline):
                raise lgb.callback.EarlyStopException(env.iteration, env.evaluation_result_list)

        callbacks = [
            lgb.early_stopping(early_stopping_patience(len(y)), verbose=False),
            stop_on_time,
        ]
        self.booster_ = lgb.train(params, train, rounds, valid_sets=[valid], callbacks=callbacks)
        self.fitted_params = {"num_boost_round": int(self.booster_.best_iteration or rounds)}

    def predict(self, X):  # noqa: ANN001, D102
        out = self.booster_.predict(X, num_iteration=self.booster_.best_iteration or None)
        if self.problem_type == BINARY:
            return np.column_stack([1 - out, out])
        return np.asarray(out)


class XGBoostModel(Model):
    family = "xgboost"
    title = "XGBoost"
    style = "native"
    base_cost = 2.0
    fixed_cost = 0.5
    defaults: ClassVar[dict[str, Any]] = {
        "learning_rate": 0.1,
        "max_depth": 6,
        "min_child_weight": 1.0,
        "subsample": 1.0,
        "colsample_bytree": 1.0,
        "reg_lambda": 1.0,
        "num_boost_round": 10000,
    }

    def fit(self, X, y, w, X_val, y_val, w_val, deadline):  # noqa: ANN001, D102
        import xgboost as xgb

        _time_left(deadline)
        params = dict(self.params)
        rounds = int(params.pop("num_boost_round"))
        objective = {
            BINARY: "binary:logistic",
            MULTICLASS: "multi:softprob",
            REGRESSION: "reg:squarederror",
        }
        params.update(
            objective=objective[self.problem_type],
            tree_method="hist",
            nthread=self.n_jobs,
            seed=self.seed,
            max_cat_to_onehot=8,
            verbosity=0,
        )
        if self.problem_type == MULTICLASS:
            params["num_class"] = self.n_classes
        train = xgb.DMatrix(X, label=y, weight=w, enable_categorical=True)
        valid = xgb.DMatrix(X_val, label=y_val, weight=w_val, enable_categorical=True)

        class StopOnTime(xgb.callback.TrainingCallback):
            def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
                return past(deadline)

        self.booster_ = xgb.train(
            params,
            train,
            rounds,
            evals=[(valid, "valid")],
            early_stopping_rounds=early_stopping_patience(len(y)),
            callbacks=[StopOnTime()],
            verbose_eval=False,
        )
        best = getattr(self.booster_, "best_iteration", None)
        self.best_ = None if best is None else int(best) + 1
        self.fitted_params = {"num_boost_round": self.best_ or rounds}

    def predict(self, X):  # noqa: ANN001, D102
        import xgboost as xgb

        matrix = xgb.DMatrix(X, enable_categorical=True)
        out = self.booster_.predict(
            matrix, iteration_range=(0, self.best_) if self.best_ else (0, 0)
        )
        if self.problem_type == BINARY:
            return np.column_stack([1 - out, out])
        return np.asarray(out)


class CatBoostModel(Model):
    family = "catboost"
    title = "CatBoost"
    style = "catboost"
    base_cost = 6.0
    fixed_cost = 4.0
    defaults: ClassVar[dict[str, Any]] = {
        "learning_rate": 0.05,
        "depth": 6,
        "l2_leaf_reg": 3.0,
        "iterations": 10000,
    }

    def fit(self, X, y, w, X_val, y_val, w_val, deadline):  # noqa: ANN001, D102
        from catboost import CatBoostClassifier, CatBoostRegressor, Pool

        _time_left(deadline)
        cat_features = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        params = dict(self.params)
        params.update(
            thread_count=self.n_jobs,
            random_seed=self.seed,
            verbose=False,
            allow_writing_files=False,
            od_type="Iter",
            od_wait=early_stopping_patience(len(y)),
            use_best_model=True,
        )
        if self.problem_type == BINARY:
            params.setdefault("loss_function", "Logloss")
            cls: Any = CatBoostClassifier
        elif self.problem_type == MULTICLASS:
            params.setdefault("loss_function", "MultiClass")
            cls = CatBoostClassifier
        else:
            params.setdefault("loss_function", "RMSE")
            cls = CatBoostRegressor

        class StopOnTime:
            def after_iteration(self, info: Any) -> bool:
                return not past(deadline)

        self.model_ = cls(**params)
        self.model_.fit(
            Pool(X, y, weight=w, cat_features=cat_features),
            eval_set=Pool(X_val, y_val, weight=w_val, cat_features=cat_features),
            callbacks=[StopOnTime()],
        )
        self.fitted_params = {"iterations": int(self.model_.get_best_iteration() or 0) + 1}

    def predict(self, X):  # noqa: ANN001, D102
        if self.is_classification:
            proba = self.model_.predict_proba(X)
            return self._full_proba(proba, self.model_.classes_)
        return np.asarray(self.model_.predict(X))


class _ForestModel(Model):
    style = "ordinal"
    base_cost = 3.0
    fixed_cost = 0.5
    defaults: ClassVar[dict[str, Any]] = {"n_estimators": 300, "max_features": None}

    def _estimator(self) -> Any:
        raise NotImplementedError

    def fit(self, X, y, w, X_val, y_val, w_val, deadline):  # noqa: ANN001, D102
        left = _time_left(deadline)
        total = int(self.params["n_estimators"])
        self.model_ = self._estimator()
        # small fits in one go; big ones grow in steps so they can stop on time
        step = total if X.shape[0] * X.shape[1] * total < 2e7 and left > 5 else max(10, total // 10)
        grown = 0
        started = time.monotonic()
        while grown < total:
            grown = min(total, grown + step)
            self.model_.set_params(n_estimators=grown)
            self.model_.fit(X, y, sample_weight=w)
            per_tree = (time.monotonic() - started) / grown
            if past(deadline - per_tree * step):
                break
        self.fitted_params = {"n_estimators": grown}

    def _kwargs(self) -> dict[str, Any]:
        params = {k: v for k, v in self.params.items() if k != "n_estimators"}
        if params.get("max_features") is None:
            params["max_features"] = "sqrt" if self.is_classification else 1.0
        return {**params, "n_jobs": self.n_jobs, "random_state": self.seed, "warm_start": True}

    def predict(self, X):  # noqa: ANN001, D102
        if self.is_classification:
            return self._full_proba(self.model_.predict_proba(X), self.model_.classes_)
        return self.model_.predict(X)


class RandomForestModel(_ForestModel):
    family = "random_forest"
    title = "Random forest"

    def _estimator(self) -> Any:
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        cls = RandomForestClassifier if self.is_classification else RandomForestRegressor
        return cls(**self._kwargs())


class ExtraTreesModel(_ForestModel):
    family = "extra_trees"
    title = "Extra trees"
    base_cost = 1.5

    def _estimator(self) -> Any:
        from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

        cls = ExtraTreesClassifier if self.is_classification else ExtraTreesRegressor
        return cls(**self._kwargs())


class LinearModel(Model):
    """Logistic or ridge regression; ``C="auto"`` picks the regularisation by inner 3-fold CV."""

    family = "linear"
    title = "Linear model"
    style = "sparse"
    base_cost = 0.5
    fixed_cost = 0.1
    defaults: ClassVar[dict[str, Any]] = {"C": "auto"}
    GRID = (0.03, 0.3, 3.0, 30.0)

    def fit(self, X, y, w, X_val, y_val, w_val, deadline):  # noqa: ANN001, D102
        import warnings

        _time_left(deadline)
        c = self.params["C"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.is_classification:
                from sklearn.linear_model import LogisticRegression, LogisticRegressionCV

                if c == "auto" and np.bincount(y).min() >= 3:
                    self.model_ = LogisticRegressionCV(
                        Cs=list(self.GRID), cv=3, scoring="neg_log_loss", max_iter=300, tol=1e-3
                    )
                else:
                    self.model_ = LogisticRegression(
                        C=1.0 if c == "auto" else float(c), max_iter=1000
                    )
            else:
                from sklearn.linear_model import Ridge, RidgeCV

                if c == "auto":
                    self.model_ = RidgeCV(alphas=[1.0 / v for v in self.GRID])
                else:
                    self.model_ = Ridge(alpha=1.0 / float(c))
            self.model_.fit(X, y, sample_weight=w)
        chosen = getattr(self.model_, "C_", None)
        if chosen is None and hasattr(self.model_, "alpha_"):
            chosen = 1.0 / self.model_.alpha_
        if chosen is not None:
            self.fitted_params = {"C": float(np.ravel(chosen)[0])}

    def predict(self, X):  # noqa: ANN001, D102
        if self.is_classification:
            return self._full_proba(self.model_.predict_proba(X), self.model_.classes_)
        return self.model_.predict(X)


class KNNModel(Model):
    family = "knn"
    title = "k-nearest neighbours"
    style = "dense"
    supports_weights = False
    base_cost = 0.5
    fixed_cost = 0.05
    defaults: ClassVar[dict[str, Any]] = {"n_neighbors": 10, "weights": "distance"}

    def fit(self, X, y, w, X_val, y_val, w_val, deadline):  # noqa: ANN001, D102
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

        _time_left(deadline)
        cls = KNeighborsClassifier if self.is_classification else KNeighborsRegressor
        k = int(min(self.params["n_neighbors"], max(1, len(y) - 1)))
        self.model_ = cls(n_neighbors=k, weights=self.params["weights"], n_jobs=self.n_jobs)
        self.model_.fit(X, y)

    def predict(self, X):  # noqa: ANN001, D102
        if self.is_classification:
            proba = self.model_.predict_proba(X)
            # soften the zeros of a vote so log loss stays finite
            proba = 0.98 * proba + 0.02 / proba.shape[1]
            return self._full_proba(proba, self.model_.classes_)
        return self.model_.predict(X)


class NeuralNetworkModel(Model):
    """A multi-layer perceptron (scikit-learn) trained epoch by epoch, keeping the best epoch."""

    family = "neural_network"
    title = "Neural network"
    style = "dense"
    base_cost = 6.0
    fixed_cost = 2.0
    defaults: ClassVar[dict[str, Any]] = {
        "hidden_layer_sizes": [128, 64],
        "learning_rate_init": 0.003,
        "alpha": 1e-4,
        "batch_size": 128,
        "max_epochs": 200,
        "patience": 15,
    }

    def fit(self, X, y, w, X_val, y_val, w_val, deadline):  # noqa: ANN001, D102
        import inspect
        import warnings

        from sklearn.neural_network import MLPClassifier, MLPRegressor

        _time_left(deadline)
        cls = MLPClassifier if self.is_classification else MLPRegressor
        model = cls(
            hidden_layer_sizes=tuple(self.params["hidden_layer_sizes"]),
            learning_rate_init=float(self.params["learning_rate_init"]),
            alpha=float(self.params["alpha"]),
            batch_size=int(min(self.params["batch_size"], len(y))),
            random_state=self.seed,
        )
        weighted = (
            w is not None and "sample_weight" in inspect.signature(model.partial_fit).parameters
        )
        if not self.is_classification:
            self.y_mean_, self.y_std_ = float(np.mean(y)), float(np.std(y) + 1e-9)
            target = (y - self.y_mean_) / self.y_std_
        else:
            target = y
        extra: dict[str, Any] = (
            {"classes": np.arange(self.n_classes)} if self.is_classification else {}
        )
        best, best_loss, waited, epochs = None, np.inf, 0, 0
        rng = np.random.default_rng(self.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in range(int(self.params["max_epochs"])):
                order = rng.permutation(len(target))
                kwargs = dict(extra)
                if weighted:
                    kwargs["sample_weight"] = np.asarray(w)[order]
                model.partial_fit(X[order], target[order], **kwargs)
                loss = self._val_loss(model, X_val, y_val, w_val)
                epochs = epoch + 1
                if loss < best_loss - 1e-6:
                    best, best_loss, waited = copy.deepcopy(model), loss, 0
                else:
                    waited += 1
                if waited >= int(self.params["patience"]) or past(deadline):
                    break
        self.model_ = best if best is not None else model
        self.fitted_params = {"epochs": epochs}

    def _val_loss(self, model: Any, X_val: Any, y_val: np.ndarray, w_val: Any) -> float:
        ww = np.ones(len(y_val)) if w_val is None else np.asarray(w_val)
        if self.is_classification:
            p = np.clip(self._full_proba(model.predict_proba(X_val), model.classes_), 1e-15, 1)
            return float(-np.sum(ww * np.log(p[np.arange(len(y_val)), y_val])) / ww.sum())
        pred = model.predict(X_val) * self.y_std_ + self.y_mean_
        return float(np.sum(ww * (pred - y_val) ** 2) / ww.sum())

    def predict(self, X):  # noqa: ANN001, D102
        if self.is_classification:
            return self._full_proba(self.model_.predict_proba(X), self.model_.classes_)
        return self.model_.predict(X) * self.y_std_ + self.y_mean_


FAMILIES: dict[str, type[Model]] = {
    cls.family: cls
    for cls in [
        LightGBMModel,
        CatBoostModel,
        XGBoostModel,
        RandomForestModel,
        ExtraTreesModel,
        LinearModel,
        KNNModel,
        NeuralNetworkModel,
    ]
}
