"""Small data for the AutoML tests: bundled scikit-learn datasets and a generated mixed frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("lightgbm")
pytest.importorskip("sklearn")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: an AutoML test that trains for more than 20 s")


@pytest.fixture(scope="session")
def binary_frame() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame.rename(columns={"target": "y"})
    frame["y"] = frame["y"].map({0: "malignant", 1: "benign"})
    return frame


@pytest.fixture(scope="session")
def multiclass_frame() -> pd.DataFrame:
    from sklearn.datasets import load_wine

    return load_wine(as_frame=True).frame.rename(columns={"target": "y"})


@pytest.fixture(scope="session")
def regression_frame() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame.rename(columns={"target": "y"})


def mixed_frame(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    """Numbers with gaps, a low- and a high-cardinality category, text, dates, a weight column."""
    rng = np.random.default_rng(seed)
    city = rng.choice(["Lyon", "Paris", "Nice", "Lille"], rows)
    shop = rng.integers(0, 80, rows).astype(str)
    x = rng.normal(size=rows)
    x_gappy = np.where(rng.random(rows) < 0.1, np.nan, x)
    when = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D")
    words = np.array(["great", "poor", "fine", "late", "fast", "broken", "nice", "slow"])
    text = [" ".join(rng.choice(words, 5)) for _ in range(rows)]
    good = np.array([t.count("great") + t.count("fast") - t.count("broken") for t in text])
    signal = 1.5 * x + (city == "Paris") + 0.6 * good + 0.002 * (when.dayofyear.to_numpy() - 180)
    y = np.where(signal + rng.normal(scale=0.7, size=rows) > 0.5, "yes", "no")
    return pd.DataFrame(
        {
            "x": x_gappy,
            "city": city,
            "shop": "s" + shop,
            "review": text,
            "day": when.strftime("%Y-%m-%d"),
            "weight": rng.uniform(0.5, 2.0, rows),
            "y": y,
        }
    )


@pytest.fixture(scope="session")
def mixed() -> pd.DataFrame:
    return mixed_frame()
