"""Export and train: the flow's output, the target and a pipeline that turns raw rows into features."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jupyter_studio.core.wrangler.flow import Flow
from jupyter_studio.core.wrangler.handoff import apply_pipeline, load_pipeline
from jupyter_studio.flows import apply_pipeline as public_apply


@pytest.fixture
def raw(tmp_path: Path) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "age": [25, None, 40, 33, 51, 29, 47, None, 38, 60],
            "plan": [
                "basic",
                "pro",
                "pro",
                "basic",
                "team",
                "pro",
                "basic",
                "team",
                "pro",
                "basic",
            ],
            "joined": [f"2025-0{1 + i % 9}-15" for i in range(10)],
            "churned": [0, 1, 0, 0, 1, 0, 1, 0, 0, 1],
        }
    )
    frame.write_csv(tmp_path / "customers.csv")
    return frame


def test_handoff_writes_data_and_a_pipeline_that_reproduces_features(
    tmp_path: Path, raw: pl.DataFrame
) -> None:
    flow = Flow.new("churn", root=tmp_path)
    src = flow.add_source("customers.csv")
    n = flow.add_step(src, "fill_missing", columns=["age"], strategy="median")
    n = flow.add_step(
        n, "filter_rows", conditions=[{"column": "age", "operator": ">=", "value": 26}]
    )
    n = flow.add_step(n, "one_hot_encode", columns=["plan"])
    n = flow.add_step(n, "extract_datetime_parts", column="joined", parts=["month"])
    n = flow.add_step(n, "drop_columns", columns=["joined"])
    n = flow.add_step(n, "standard_scale", columns=["age"])
    handoff = flow.training_handoff(n, "churned", output_dir=tmp_path / "handoff")
    assert handoff.target == "churned" and handoff.problem_type == "binary"
    data = pl.read_parquet(handoff.data_path)
    assert data.height == handoff.row_count == 9  # the filter dropped one row for training
    assert "churned" not in handoff.feature_columns and "plan_pro" in handoff.feature_columns
    pipeline = load_pipeline(handoff.pipeline_path)
    assert pipeline["applicable"] and pipeline["input_columns"] == ["age", "plan", "joined"]
    assert {s["operator"]: s["inference"] for s in pipeline["steps"]}["filter_rows"] == "skip"
    # An endpoint gets raw rows without the target, as JSON records (dates as text).
    kept = raw.with_columns(pl.col("age").fill_null(pl.col("age").median())).filter(
        pl.col("age") >= 26
    )
    records = kept.drop("churned").to_dicts()
    features = apply_pipeline(pipeline, records)
    assert features.columns == handoff.feature_columns
    assert_frame_equal(features, data.select(handoff.feature_columns), check_dtypes=False)
    assert public_apply is apply_pipeline


def test_handoff_flags_pipelines_that_cannot_run_on_rows(tmp_path: Path, raw: pl.DataFrame) -> None:
    flow = Flow.new(root=tmp_path)
    src = flow.add_source("customers.csv")
    agg = flow.add_step(
        src,
        "group_by_aggregate",
        keys=["plan"],
        aggregations=[{"column": "churned", "function": "max", "name": "churned"}],
    )
    handoff = flow.training_handoff(agg, "churned", output_dir=tmp_path / "h2")
    assert not handoff.pipeline["applicable"] and "single raw rows" in handoff.pipeline["reason"]
    with pytest.raises(Exception, match="cannot run on raw rows"):
        apply_pipeline(handoff.pipeline, raw.drop("churned"))
    with pytest.raises(Exception, match="target"):
        flow.training_handoff(src, "nope", output_dir=tmp_path / "h3")
