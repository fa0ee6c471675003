"""The insights report gives no clipping or log-transform advice for 0/1 dummy columns."""

from __future__ import annotations

import numpy as np
import polars as pl

from jupyter_studio.core.wrangler.report import build_report


def test_dummy_columns_get_no_skew_or_outlier_advice() -> None:
    rng = np.random.default_rng(3)
    n = 1000
    rare = (rng.random(n) < 0.03).astype(int)  # a one-hot dummy of a rare category: skew ~5.5
    frame = pl.DataFrame(
        {
            "city_Nice": rare,
            "city_Paris": 1 - rare,
            "flag": (rng.random(n) < 0.1).astype(float),
            "visits": np.where(rng.random(n) < 0.85, 0, rng.integers(1, 40, n)),
            "income": rng.lognormal(10, 1.5, n),
        }
    )
    report = build_report(frame, node_id="n", title="dummies")
    flagged = {(i.code, c) for i in report.issues for c in i.columns}
    for dummy in ("city_Nice", "city_Paris", "flag"):
        assert ("skew", dummy) not in flagged
        assert ("outliers", dummy) not in flagged
    # a mostly-zero count has no spread between its quartiles: no value is an "outlier"
    assert ("outliers", "visits") not in flagged
    # a real skewed measurement still gets the advice
    assert ("skew", "income") in flagged
    features = {f.name: f for f in report.features}
    assert features["city_Nice"].outlier_fraction is None
    assert features["income"].outlier_fraction is not None
