"""Fixtures of the Data Wrangler tests: small data files and a flow factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from jupyter_studio.core.wrangler.flow import Flow


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: heavier Data Wrangler tests (large data, subprocesses)"
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A folder with sales.csv (with missing prices and dates as text) and cities.csv."""
    folder = tmp_path / "data"
    folder.mkdir()
    pl.DataFrame(
        {
            "id": list(range(1, 13)),
            "price": [10.0, None, 30.0, 40.0, None, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0],
            "city": [
                "Paris",
                "Lyon",
                "Paris",
                "Nice",
                "Lyon",
                "Paris",
                "Nice",
                "Paris",
                "Lyon",
                "Paris",
                "Nice",
                "Paris",
            ],
            "day": [f"2026-01-{d:02d}" for d in range(1, 13)],
            "label": [0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1],
        }
    ).write_csv(folder / "sales.csv")
    pl.DataFrame({"city": ["Paris", "Lyon", "Nice"], "population": [2.1, 0.5, 0.3]}).write_csv(
        folder / "cities.csv"
    )
    return folder


@pytest.fixture
def make_flow(tmp_path: Path) -> Callable[..., Flow]:
    def make(**kwargs: object) -> Flow:
        return Flow.new("test", root=tmp_path, **kwargs)  # type: ignore[arg-type]

    return make
