"""``Predictor`` sends rows exactly: every float reaches the model as the same double."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jupyter_studio.core.endpoints.invocation import CSV, JSON, encode_rows
from jupyter_studio.core.endpoints.runtime.payloads import Column, InputSchema, parse_request

AWKWARD = [
    1.2345678901234e-7,
    3e-12,
    0.1 + 0.2,
    -1.0000000000000002,
    123456789.12345679,
    5e-324,
    1.7976931348623157e308,
    -0.0,
    2.0**53 + 2,
]


def frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = np.concatenate([AWKWARD, rng.normal(size=200) * 10.0 ** rng.integers(-15, 15, 200)])
    return pd.DataFrame(
        {
            "x": values,
            "n": np.arange(len(values), dtype=np.int64) * 1_000_000_007,
            "city": rng.choice(["Lyon", "Paris", "Nice"], len(values)),
        }
    )


SCHEMA = InputSchema([Column("x", "double"), Column("n", "long"), Column("city", "string")])


@pytest.mark.parametrize("content_type", [JSON, CSV])
def test_floats_arrive_as_the_same_doubles(content_type: str) -> None:
    sent = frame()
    body, kind = encode_rows(sent, content_type)
    received = parse_request(body, kind, SCHEMA)
    assert received["x"].to_numpy().tobytes() == sent["x"].to_numpy().tobytes()
    assert received["n"].tolist() == sent["n"].tolist()
    assert received["city"].tolist() == sent["city"].tolist()


def test_missing_values_and_a_series_are_sent() -> None:
    sent = pd.DataFrame({"x": [1.2345678901234e-7, math.nan], "n": [1, 2], "city": ["a", None]})
    received = parse_request(*encode_rows(sent), SCHEMA)
    assert received["x"].iloc[0] == 1.2345678901234e-7 and math.isnan(received["x"].iloc[1])
    assert received["city"].tolist() == ["a", None]
    one = parse_request(*encode_rows(sent.iloc[0]), SCHEMA)
    assert one["x"].iloc[0] == 1.2345678901234e-7 and one["n"].iloc[0] == 1


def test_records_and_numpy_values_are_sent_exactly() -> None:
    records = [{"x": np.float64(3e-12), "n": np.int64(7), "city": "Lyon"}]
    received = parse_request(*encode_rows(records), SCHEMA)
    assert received["x"].iloc[0] == 3e-12 and received["n"].iloc[0] == 7
