"""A model registry on the test Studio, and a small trained scikit-learn pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mlflow")
pytest.importorskip("sklearn")


def make_registry(studio: Any) -> Any:
    """The registry the facade built."""
    return studio.models


@pytest.fixture
def registry(studio: Any) -> Any:
    return make_registry(studio)


@dataclass
class Trained:
    model: Any
    features: Any
    target: Any

    @property
    def training_data(self) -> Any:
        return self.features.assign(churned=self.target)


@pytest.fixture(scope="session")
def trained() -> Trained:
    """A scaler + logistic regression pipeline on two numeric and one categorical column."""
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "tenure": rng.integers(1, 72, 200).astype("int64"),
            "charges": rng.normal(70, 20, 200),
            "plan": rng.choice(["basic", "pro", "team"], 200),
        }
    )
    target = (frame["charges"] + rng.normal(0, 10, 200) > 75).astype(int)
    model = Pipeline(
        [
            (
                "prep",
                ColumnTransformer(
                    [
                        ("num", StandardScaler(), ["tenure", "charges"]),
                        ("cat", OneHotEncoder(handle_unknown="ignore"), ["plan"]),
                    ]
                ),
            ),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    ).fit(frame, target)
    return Trained(model=model, features=frame, target=target)


@pytest.fixture
def model_folder(tmp_path: Path, trained: Trained) -> Path:
    """An MLflow model folder written by MLflow itself (as a training job would)."""
    import mlflow.sklearn

    folder = tmp_path / "exported" / "model"
    mlflow.sklearn.save_model(
        trained.model,
        str(folder),
        serialization_format="cloudpickle",
        input_example=trained.features.head(3),
        pip_requirements=["scikit-learn"],
    )
    return folder
