"""The engine: per-node caching, previews, parameters, full runs and errors on the right node."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from jupyter_studio.core.wrangler.errors import NodeError
from jupyter_studio.core.wrangler.flow import Flow


def chain(make_flow: Callable[..., Flow], data_dir: Path) -> tuple[Flow, list[str]]:
    flow = make_flow()
    src = flow.add_source(str(data_dir / "sales.csv"))
    fill = flow.add_step(src, "fill_missing", columns=["price"], strategy="median")
    upper = flow.add_step(fill, "change_case", columns=["city"], case="upper")
    parts = flow.add_step(upper, "extract_datetime_parts", column="day", parts=["month", "day"])
    return flow, [src, fill, upper, parts]


def test_editing_a_late_step_does_not_recompute_early_ones(
    make_flow: Callable[..., Flow], data_dir: Path
) -> None:
    flow, (src, fill, upper, parts) = chain(make_flow, data_dir)
    assert flow.preview(parts).status == "ok"
    assert dict(flow.engine.executions) == {src: 1, fill: 1, upper: 1, parts: 1}
    flow.preview(parts)  # unchanged: all cached
    assert sum(flow.engine.executions.values()) == 4
    flow.update_step(parts, parts=["day"])
    flow.preview(parts)
    assert dict(flow.engine.executions) == {src: 1, fill: 1, upper: 1, parts: 2}
    flow.update_step(upper, case="lower")
    flow.preview(parts)
    assert dict(flow.engine.executions) == {src: 1, fill: 1, upper: 2, parts: 3}


def test_a_changed_source_file_is_read_again(
    make_flow: Callable[..., Flow], data_dir: Path
) -> None:
    flow, (src, *_rest) = chain(make_flow, data_dir)
    flow.preview(src)
    csv = data_dir / "sales.csv"
    csv.write_text(csv.read_text() + "13,5.0,Lyon,2026-01-13,0\n")
    assert flow.preview(src).row_count == 13
    assert flow.engine.executions[src] == 2


def test_preview_has_types_and_histograms(make_flow: Callable[..., Flow], data_dir: Path) -> None:
    flow, (src, fill, *_rest) = chain(make_flow, data_dir)
    preview = flow.preview(src)
    cols = {c.name: c for c in preview.columns}
    assert (
        cols["price"].kind == "numeric" and cols["price"].missing == 2 and cols["price"].histogram
    )
    assert cols["day"].kind == "datetime" and cols["day"].dtype == "Date"
    assert cols["city"].kind == "categorical" and cols["city"].top_values[0].value == "Paris"
    assert preview.row_count == 12 and len(preview.rows) == 12
    assert flow.preview(fill).columns[1].missing == 0


def test_sample_first_and_random(make_flow: Callable[..., Flow], tmp_path: Path) -> None:
    pl.DataFrame({"i": list(range(1000))}).write_parquet(tmp_path / "big.parquet")
    flow = make_flow(sample_size=50)
    src = flow.add_source("big.parquet")
    assert flow.sample(src)["i"].to_list() == list(range(50))
    flow.document.settings.sample.method = "random"
    picked = flow.sample(src)["i"].to_list()
    assert len(picked) == 50 and picked != list(range(50)) and picked == sorted(picked)


def test_parameters_pick_the_file(make_flow: Callable[..., Flow], tmp_path: Path) -> None:
    for day, n in (("2026-11-01", 3), ("2026-11-02", 5)):
        (tmp_path / "data" / day).mkdir(parents=True)
        pl.DataFrame({"v": list(range(n))}).write_csv(tmp_path / "data" / day / "sales.csv")
    flow = make_flow()
    flow.add_parameter("date", "2026-11-01")
    src = flow.add_source("data/{date}/sales.csv")
    assert flow.preview(src).row_count == 3
    assert flow.run(src, params={"date": "2026-11-02"}).height == 5
    with pytest.raises(Exception, match="no parameter 'day'"):
        flow.run(src, params={"day": "x"})
    flow.update_step(src, path="data/{missing}/sales.csv")
    error = flow.preview(src).error
    assert error is not None and error.code == "unknown_parameter"


def test_full_run_streams_to_parquet_and_csv(
    make_flow: Callable[..., Flow], data_dir: Path, tmp_path: Path
) -> None:
    flow, (*_rest, parts) = chain(make_flow, data_dir)
    messages: list[str] = []
    result = flow.run(
        parts, output=tmp_path / "out.parquet", progress=lambda f, m: messages.append(m)
    )
    assert result.rows == 12 and "day_month" in result.columns and messages[-1] == "12 rows written"
    assert not list(tmp_path.glob(".*partial"))
    assert pl.read_parquet(tmp_path / "out.parquet")["price"].null_count() == 0
    flow.run(parts, output=tmp_path / "out.csv")
    assert pl.read_csv(tmp_path / "out.csv").height == 12


def test_full_run_fits_on_all_rows_not_the_sample(
    make_flow: Callable[..., Flow], tmp_path: Path
) -> None:
    pl.DataFrame({"v": [1.0] * 5 + [None] + [100.0] * 5}).write_csv(tmp_path / "v.csv")
    flow = make_flow(sample_size=6)
    src = flow.add_source("v.csv")
    fill = flow.add_step(src, "fill_missing", columns=["v"], strategy="mean")
    assert flow.sample(fill)["v"][5] == 1.0  # mean of the sample
    assert flow.run(fill)["v"][5] == pytest.approx(50.5)  # mean of all rows
    assert (
        flow.run(fill, refit=False)["v"][5] == 1.0
    )  # the sample's state, as Data Wrangler's default


def test_join_and_concatenate_have_two_inputs(
    make_flow: Callable[..., Flow], data_dir: Path
) -> None:
    flow = make_flow()
    sales = flow.add_source(str(data_dir / "sales.csv"))
    cities = flow.add_source(str(data_dir / "cities.csv"))
    joined = flow.add_join(sales, cities, left_on=["city"])
    assert "population" in flow.sample(joined).columns
    both = flow.add_concatenate(sales, sales)
    assert flow.sample(both).height == 24
    assert flow.node(joined).inputs == [sales, cities]


def errors_of(flow: Flow, node: str) -> dict:
    preview = flow.preview(node)
    assert preview.status == "error", preview
    assert preview.error is not None
    return preview.error.model_dump()


def test_column_removed_upstream_fails_on_the_step_and_keeps_earlier_previews(
    make_flow: Callable[..., Flow], data_dir: Path
) -> None:
    flow, (src, fill, upper, parts) = chain(make_flow, data_dir)
    flow.preview(parts)
    flow.update_step(fill, columns=["price"])  # unchanged
    renamed = flow.add_step(src, "rename_columns", mapping={"city": "town"})
    flow.edit({"op": "update_node", "node_id": fill, "inputs": [renamed]})
    error = errors_of(flow, upper)
    assert (
        error["node_id"] == upper
        and error["code"] == "column_missing"
        and error["columns"] == ["city"]
    )
    assert "renamed or dropped" in error["message"]
    downstream = errors_of(flow, parts)
    assert downstream["node_id"] == upper  # a later node points at the step that failed
    assert flow.preview(fill).status == "ok" and flow.preview(src).status == "ok"


def test_cast_failing_on_some_rows(make_flow: Callable[..., Flow], tmp_path: Path) -> None:
    (tmp_path / "n.csv").write_text("n\n1\n2\nthree\n4\n")
    flow = make_flow()
    src = flow.add_source("n.csv")
    cast = flow.add_step(src, "cast_columns", types={"n": "int64"})
    error = errors_of(flow, cast)
    assert (
        error["code"] == "cast_failed"
        and "three" in error["message"]
        and "on_error" in error["hint"]
    )
    flow.update_step(cast, on_error="null")
    assert flow.sample(cast)["n"].to_list() == [1, 2, None, 4]


def test_cast_failing_beyond_the_sample_names_the_step_in_a_full_run(
    make_flow: Callable[..., Flow], tmp_path: Path
) -> None:
    pl.DataFrame({"n": ["1"] * 20 + ["oops"]}).write_parquet(tmp_path / "n.parquet")
    flow = make_flow(sample_size=5)
    src = flow.add_source("n.parquet")
    cast = flow.add_step(src, "cast_columns", types={"n": "int64"})
    assert flow.preview(cast).status == "ok"
    with pytest.raises(NodeError) as info:
        flow.run(cast, output=tmp_path / "o.parquet")
    assert info.value.node_id == cast and info.value.code == "cast_failed"
    assert not (tmp_path / "o.parquet").exists()


def test_csv_value_beyond_the_type_guess(make_flow: Callable[..., Flow], tmp_path: Path) -> None:
    (tmp_path / "n.csv").write_text("n\n" + "1\n" * 20 + "oops\n")
    flow = make_flow()
    src = flow.add_source("n.csv", csv={"infer_rows": 10})
    error = errors_of(flow, src)
    assert error["code"] == "csv_type_mismatch" and "infer rows" in error["hint"]
    flow.update_step(src, csv={"infer_rows": None})
    assert flow.sample(src)["n"].dtype == pl.String


def test_custom_step_that_raises(make_flow: Callable[..., Flow], data_dir: Path) -> None:
    flow, (src, *_rest) = chain(make_flow, data_dir)
    step = flow.add_step(src, "custom_pandas", code="x = 1\ndf['p2'] = df['nope'] * 2")
    error = errors_of(flow, step)
    assert (
        error["code"] == "custom_code_failed"
        and "line 2" in error["message"]
        and "KeyError" in error["message"]
    )
    sql = flow.add_step(src, "custom_sql", query="SELEC nonsense")
    assert errors_of(flow, sql)["node_id"] == sql


def test_malformed_csv_empty_file_bad_encoding_and_too_many_columns(
    make_flow: Callable[..., Flow], tmp_path: Path
) -> None:
    (tmp_path / "ragged.csv").write_text("a,b\n1,2\n3,4,5,6\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "latin.csv").write_bytes("name\nJos\xe9\n".encode("latin-1"))
    (tmp_path / "wide.csv").write_text(
        ",".join(f"c{i}" for i in range(1001)) + "\n" + ",".join("1" for _ in range(1001)) + "\n"
    )
    flow = make_flow()
    ragged = flow.add_source("ragged.csv")
    assert errors_of(flow, ragged)["code"] == "malformed_csv"
    flow.update_step(ragged, csv={"ragged_lines": "truncate"})
    assert flow.sample(ragged).height == 2
    assert errors_of(flow, flow.add_source("empty.csv"))["code"] == "empty_file"
    latin = flow.add_source("latin.csv")
    assert errors_of(flow, latin)["code"] == "bad_encoding"
    flow.update_step(latin, csv={"encoding": "latin1"})
    assert flow.sample(latin)["name"].to_list() == ["José"]
    error = errors_of(flow, flow.add_source("wide.csv"))
    assert error["code"] == "too_many_columns" and "1001" in error["message"]
    assert errors_of(flow, flow.add_source("missing.csv"))["code"] == "path_not_found"


def test_a_thousand_columns_are_fine(make_flow: Callable[..., Flow], tmp_path: Path) -> None:
    pl.DataFrame({f"c{i}": [i, i + 1] for i in range(1000)}).write_parquet(
        tmp_path / "wide.parquet"
    )
    flow = make_flow()
    src = flow.add_source("wide.parquet")
    step = flow.add_step(src, "standard_scale", columns=[f"c{i}" for i in range(1000)])
    preview = flow.preview(step)
    assert preview.status == "ok" and len(preview.columns) == 1000


def test_invalid_parameters_and_unknown_operator(
    make_flow: Callable[..., Flow], data_dir: Path
) -> None:
    flow, (src, *_rest) = chain(make_flow, data_dir)
    bad = flow.add_step(src, "fill_missing", columns=["price"], strategy="magic")
    assert errors_of(flow, bad)["code"] == "invalid_parameters"
    unknown = flow.add_step(src, "teleport")
    assert errors_of(flow, unknown)["code"] == "unknown_operator"


def test_delete_reconnects_children(make_flow: Callable[..., Flow], data_dir: Path) -> None:
    flow, (src, fill, upper, parts) = chain(make_flow, data_dir)
    flow.remove(upper)
    assert flow.node(parts).inputs == [fill]
    assert flow.preview(parts).status == "ok"
