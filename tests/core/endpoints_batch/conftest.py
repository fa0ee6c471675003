"""Models in MLflow's format and data frames for the batch-transform and model-monitor tests."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("mlflow")
pytest.importorskip("sklearn")


def customers(rows: int, seed: int, *, shift: float = 0.0, cities: Any = None) -> pd.DataFrame:
    """Integer, float and text columns; ``shift`` moves income, ``cities`` sets city odds."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, rows),
            "income": (rng.normal(50.0, 12.0, rows) + shift * 12.0).round(2),
            "city": rng.choice(["Lyon", "Paris", "Nice"], rows, p=cities or [0.5, 0.3, 0.2]),
        }
    )


def fit_pipeline(frame: pd.DataFrame) -> Any:
    """A scaler + one-hot + logistic regression classifier of ``frame`` ("yes"/"no")."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    labels = np.where(
        frame.income + (frame.city == "Paris") * 6 - frame.age * 0.05 > 49, "yes", "no"
    )
    return Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("numbers", StandardScaler(), ["age", "income"]),
                        ("city", OneHotEncoder(handle_unknown="ignore"), ["city"]),
                    ]
                ),
            ),
            ("classify", LogisticRegression()),
        ]
    ).fit(frame, labels)


def save_sklearn(model: Any, path: Path, frame: pd.DataFrame) -> Path:
    """Save ``model`` with a signature inferred from ``frame``."""
    import mlflow.sklearn
    from mlflow.models import infer_signature

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(
            model,
            str(path),
            signature=infer_signature(frame, model.predict(frame)),
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn"],
        )
    return path


@pytest.fixture(scope="session")
def training() -> pd.DataFrame:
    """The training data of the classifier."""
    return customers(2000, seed=1)


@pytest.fixture(scope="session")
def classifier(tmp_path_factory: pytest.TempPathFactory, training: pd.DataFrame) -> Path:
    """Folder of the scikit-learn pipeline classifier (age long, income double, city string)."""
    return save_sklearn(
        fit_pipeline(training), tmp_path_factory.mktemp("models") / "churn", training
    )


@pytest.fixture(scope="session")
def regressor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a linear regression on two double columns x1, x2 (no probabilities)."""
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x1": rng.normal(size=200), "x2": rng.normal(size=200)})
    model = LinearRegression().fit(frame, frame.x1 * 2 - frame.x2)
    return save_sklearn(model, tmp_path_factory.mktemp("models") / "linear", frame)
