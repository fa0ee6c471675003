"""Training-data baselines and drift reports: round trip, shifted and unshifted features, checks."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jupyter_studio.core.endpoints.monitor.baseline import (
    OTHER,
    Baseline,
    BaselineError,
    build_baseline,
    compute_baseline,
    load_baseline,
    save_baseline,
)
from jupyter_studio.core.endpoints.monitor.drift import DriftReport, drift_report, psi

from .conftest import customers

SCHEMA = [
    {"name": "age", "type": "long"},
    {"name": "income", "type": "double"},
    {"name": "city", "type": "string"},
]


@pytest.fixture(scope="module")
def baseline() -> dict:
    return compute_baseline(customers(5000, seed=1), SCHEMA)


def test_baseline_round_trip_is_small_json(tmp_path: Path) -> None:
    frame = customers(20_000, seed=1)
    frame["member"] = np.random.default_rng(2).random(len(frame)) > 0.4
    frame.loc[:99, "income"] = np.nan
    frame["label"] = "x"
    raw = compute_baseline(frame)
    text = json.dumps(raw)  # plain JSON, no NaN
    assert "NaN" not in text and len(text) < 12_000
    path = save_baseline(raw, tmp_path / "baseline.json")
    loaded = load_baseline(path)
    assert loaded.model_dump(mode="json") == raw
    assert [f.name for f in loaded.features] == ["age", "income", "city", "member", "label"]

    income = loaded.feature("income")
    assert income is not None and income.type == "numeric" and income.numeric is not None
    assert income.missing == 100 and income.missing_fraction == pytest.approx(0.005)
    present = frame.income.dropna()
    assert income.numeric.mean == pytest.approx(present.mean())
    assert income.numeric.std == pytest.approx(present.std())
    assert income.numeric.min == present.min() and income.numeric.max == present.max()
    assert income.numeric.quantiles["p50"] == pytest.approx(present.median())
    histogram = income.numeric.histogram
    assert len(histogram.edges) == len(histogram.counts) + 1 == 11
    assert sum(histogram.counts) == len(present)
    assert max(histogram.counts) - min(histogram.counts) < 0.02 * len(present)  # quantile bins
    assert income.numeric.cdf.step == 0.01  # values in cents

    age = loaded.feature("age")
    assert age is not None and age.numeric is not None and age.numeric.cdf.step == 1.0
    city = loaded.feature("city")
    assert city is not None and city.type == "categorical" and city.categorical is not None
    assert [c.value for c in city.categorical.categories] == ["Lyon", "Paris", "Nice"]
    assert sum(c.count for c in city.categorical.categories) == len(frame)
    member = loaded.feature("member")
    assert member is not None and member.type == "categorical"
    assert member.categorical is not None
    assert {c.value for c in member.categorical.categories} == {"True", "False"}


def test_top_categories_fold_the_rest_into_other() -> None:
    frame = pd.DataFrame({"code": [f"c{i % 30}" for i in range(3000)] + ["c0"] * 100})
    feature = build_baseline(frame, max_categories=5).feature("code")
    assert feature is not None and feature.categorical is not None
    assert len(feature.categorical.categories) == 5
    assert feature.categorical.categories[0].value == "c0"
    assert feature.categorical.other_count == 25 * 100
    assert feature.categorical.distinct == 30
    assert feature.categorical.bin_labels()[-1] == OTHER


def test_schema_decides_the_features_and_their_types() -> None:
    frame = customers(500, seed=3)
    frame["zip"] = np.random.default_rng(0).integers(10_000, 99_999, len(frame))
    frame["when"] = pd.Timestamp("2024-01-01")
    columns = [
        SimpleNamespace(name="zip", type="string"),  # registry objects have attributes
        {"name": "income", "type": "double"},
        {"name": "when", "type": "datetime"},
    ]
    model = build_baseline(frame, columns)
    assert [f.name for f in model.features] == ["zip", "income"]
    assert model.feature("zip").type == "categorical"  # type: ignore[union-attr]
    assert "when" in model.skipped
    with pytest.raises(BaselineError, match="no column 'salary'"):
        build_baseline(frame, ["income", "salary"])
    with pytest.raises(BaselineError, match="DataFrame"):
        build_baseline([[1, 2]])  # type: ignore[arg-type]


def test_load_baseline_refuses_other_files(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="does not exist"):
        load_baseline(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(BaselineError, match="cannot be read"):
        load_baseline(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"rows": 3}')
    with pytest.raises(BaselineError, match="not a Jupyter Studio baseline"):
        load_baseline(tmp_path / "other.json")


def test_shifted_features_are_flagged_and_unshifted_ones_are_not(baseline: dict) -> None:
    same = drift_report(baseline, customers(3000, seed=2))
    assert same.summary.status == "ok", same.summary.message
    assert same.summary.drifted == 0
    for feature in same.features:
        assert feature.status == "ok" and not feature.flags
        assert feature.psi is not None and feature.psi < 0.05
        assert feature.p_value is not None and feature.p_value > 0.05

    shifted = drift_report(
        baseline, customers(3000, seed=3, shift=0.6, cities=[0.2, 0.3, 0.5]), psi_threshold=0.2
    )
    by_name = {f.name: f for f in shifted.features}
    assert shifted.summary.status == "drift"
    assert shifted.summary.drifted_features == ["income", "city"]
    income, city, age = by_name["income"], by_name["city"], by_name["age"]
    assert income.test == "ks" and income.p_value is not None and income.p_value < 1e-10
    assert income.psi is not None and income.psi > 0.2
    assert {flag.kind for flag in income.flags} == {"psi", "ks"}
    assert [flag.threshold for flag in income.flags if flag.kind == "psi"] == [0.2]
    assert city.test == "chi_square" and city.p_value is not None and city.p_value < 1e-10
    assert {flag.kind for flag in city.flags} == {"psi", "chi_square"}
    assert age.status == "ok" and not age.flags
    assert income.bins is not None and len(income.bins.labels) == 10
    assert income.bins.current[-1] > 2 * income.bins.baseline[-1]
    assert "income" in shifted.summary.message and "city" in shifted.summary.message
    DriftReport.model_validate_json(shifted.model_dump_json())  # the JSON the panel reads


def test_ks_matches_scipy_on_the_raw_samples() -> None:
    rng = np.random.default_rng(7)
    train = pd.DataFrame({"x": rng.lognormal(size=4000), "n": rng.poisson(150, 4000)})
    model = build_baseline(train)
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        current = pd.DataFrame({"x": rng.lognormal(0.03, 1.0, 1500), "n": rng.poisson(151, 1500)})
        report = {f.name: f for f in drift_report(model, current).features}
        for name in ("x", "n"):
            exact = stats.ks_2samp(train[name], current[name])
            assert report[name].statistic == pytest.approx(exact.statistic, abs=0.003)
            assert report[name].p_value == pytest.approx(exact.pvalue, abs=0.03)


def test_missing_values_types_and_columns(baseline: dict) -> None:
    current = customers(1000, seed=4).astype({"income": object, "age": object})
    current.loc[:9, "income"] = "abc"
    current.loc[10:14, "income"] = ""  # empty text is a missing value, not a violation
    current.loc[15:17, "age"] = 30.5  # a fraction in a long column
    current.loc[100:299, "city"] = None
    current = current.drop(columns=["age"]).assign(age=current["age"], extra=1)
    report = drift_report(baseline, current)
    by_name = {f.name: f for f in report.features}
    income = by_name["income"]
    assert income.type_violations == 10 and income.type_violation_fraction == 0.01
    assert income.type_violation_examples == ["'abc'"]
    assert [f.kind for f in income.flags] == ["type_violations"]
    assert income.current_count == 985
    assert income.current_missing_fraction == pytest.approx(0.005)
    age = by_name["age"]
    assert age.type_violations == 3 and "whole numbers" in age.flags[0].message
    city = by_name["city"]
    assert city.current_missing_fraction == pytest.approx(0.2)
    missing_flag = next(f for f in city.flags if f.kind == "missing_values")
    assert missing_flag.threshold == 0.05 and missing_flag.value == pytest.approx(0.2)
    assert report.summary.extra_columns == ["extra"]

    tolerant = drift_report(baseline, current, type_threshold=0.05, missing_threshold=0.5)
    assert {f.name for f in tolerant.features if f.flags} == set()

    gone = drift_report(baseline, current.drop(columns=["city"]))
    city = next(f for f in gone.features if f.name == "city")
    assert city.status == "missing" and city.flags[0].kind == "missing_column"
    assert gone.summary.missing_columns == ["city"]


def test_unseen_categories_and_out_of_range_values(baseline: dict) -> None:
    current = customers(1000, seed=5)
    current.loc[:299, "city"] = "Brest"
    current.loc[:99, "income"] = 500.0
    report = {f.name: f for f in drift_report(baseline, current).features}
    assert report["city"].unseen_categories == ["Brest"]
    assert report["city"].bins is not None
    assert report["city"].bins.labels[-1] == OTHER
    assert report["city"].bins.current[-1] == pytest.approx(0.3)
    assert report["income"].out_of_range_fraction == pytest.approx(0.1)


def test_empty_data_and_psi_edges(baseline: dict) -> None:
    report = drift_report(baseline, customers(10, seed=1).iloc[:0])
    assert report.summary.current_rows == 0 and "no rows" in report.summary.message
    assert psi(np.array([5, 5]), np.array([5, 5])) == 0.0
    assert psi(np.array([10, 0]), np.array([0, 10])) > 5
    assert isinstance(load_baseline(baseline), Baseline)
