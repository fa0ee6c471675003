"""A broken source file is named, with what is wrong and on which line, in preview and run alike.

Found by a bad-file corpus: a CSV whose quote on line 2 is never closed previewed "ok, 0 rows"
(601 data lines gone) and its full run was called a type mismatch with advice to raise the
inference rows; a corrupt Parquet file got the hint "the preview of the step above".
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from jupyter_studio.core.wrangler.errors import NodeError
from jupyter_studio.core.wrangler.flow import Flow

LINES = ["id,name,value"] + [f"{i},n{i},{i * 1.5}" for i in range(601)]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def preview_error(flow: Flow, node: str) -> dict:
    preview = flow.preview(node)
    assert preview.status == "error", preview
    assert preview.error is not None
    return preview.error.model_dump()


def run_error(flow: Flow, node: str, tmp_path: Path) -> NodeError:
    with pytest.raises(NodeError) as info:
        flow.run(node, output=tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()
    return info.value


def test_an_unclosed_quote_is_named_in_preview_and_run(tmp_path: Path) -> None:
    lines = list(LINES)
    lines[1] = '"' + lines[1]
    write(tmp_path / "quote.csv", lines)
    flow = Flow.new(root=tmp_path)
    src = flow.add_source("quote.csv")
    error = preview_error(flow, src)
    assert error["code"] == "unclosed_quote" and error["node_id"] == src
    assert "quote.csv" in error["message"]
    assert "the quote opened on line 2 is never closed" in error["message"]
    assert "infer rows" not in error["hint"]
    failed = run_error(flow, src, tmp_path)
    assert failed.code == "unclosed_quote" and "line 2" in failed.short_message


def test_problems_past_the_sample_are_named_by_the_full_run(tmp_path: Path) -> None:
    lines = ["id,name,value"] + [f"{i},n{i},{i * 1.5}" for i in range(3000)]
    quote = list(lines)  # past the 1,000 rows checked before every read
    quote[2500] = quote[2500].replace(",n", ',"n')
    write(tmp_path / "late_quote.csv", quote)
    wide = list(lines)
    wide[2450] += ",extra"
    write(tmp_path / "late_wide.csv", wide)
    flow = Flow.new(root=tmp_path, sample_size=50)
    for name, code, words in (
        ("late_quote.csv", "unclosed_quote", "the quote opened on line 2501"),
        ("late_wide.csv", "malformed_csv", "line 2451 has 4 fields where the header has 3"),
    ):
        src = flow.add_source(name, csv={"infer_rows": 20})
        assert flow.preview(src).status == "ok"  # the first 50 rows are fine
        failed = run_error(flow, src, tmp_path)
        assert failed.code == code and words in failed.short_message, failed
        assert failed.node_id == src and "infer rows" not in failed.hint
    # with the default sample (50,000 rows) the preview reads them and says so
    flow = Flow.new(root=tmp_path)
    error = preview_error(flow, flow.add_source("late_quote.csv"))
    assert error["code"] == "unclosed_quote" and "line 2501" in error["message"]


def test_a_header_only_csv_and_a_wider_row(tmp_path: Path) -> None:
    write(tmp_path / "header.csv", LINES[:1])
    write(tmp_path / "wide.csv", [LINES[0], LINES[1] + ",9", *LINES[2:]])
    flow = Flow.new(root=tmp_path)
    error = preview_error(flow, flow.add_source("header.csv"))
    assert error["code"] == "header_only" and "no rows" in error["message"]
    wide = flow.add_source("wide.csv")
    error = preview_error(flow, wide)
    assert error["code"] == "malformed_csv" and "line 2 has 4 fields" in error["message"]
    assert "'ragged lines' to 'truncate'" in error["hint"]
    flow.update_step(wide, csv={"ragged_lines": "truncate"})  # the user's way to keep them
    assert flow.sample(wide).height == 601


def test_a_file_that_is_not_utf8_names_its_line_and_the_encoding_setting(tmp_path: Path) -> None:
    (tmp_path / "latin.csv").write_bytes(b"name\nAnn\n" + "Jos\xe9\n".encode("latin-1"))
    flow = Flow.new(root=tmp_path)
    src = flow.add_source("latin.csv")
    error = preview_error(flow, src)
    assert error["code"] == "bad_encoding" and "line 3" in error["message"]
    assert "latin1" in error["hint"]
    flow.update_step(src, csv={"encoding": "latin1"})
    assert flow.sample(src)["name"].to_list() == ["Ann", "José"]


def test_a_corrupt_parquet_file_is_named_not_blamed_on_the_step_above(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": list(range(50_000)), "b": ["x"] * 50_000})
    frame.write_parquet(tmp_path / "good.parquet")
    raw = (tmp_path / "good.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(raw[: len(raw) // 2])
    damaged = bytearray(raw)
    damaged[100:400] = b"\0" * 300  # a data page, past a good footer
    (tmp_path / "parts").mkdir()
    frame.head(100).write_parquet(tmp_path / "parts" / "part-0.parquet")  # the sample reads on
    (tmp_path / "parts" / "part-1.parquet").write_bytes(bytes(damaged))
    flow = Flow.new(root=tmp_path)
    for path, shown in (("cut.parquet", "cut.parquet"), ("parts", "parts/part-1.parquet")):
        src = flow.add_source(path)
        error = preview_error(flow, src)
        assert error["code"] == "corrupt_parquet", error
        assert shown in error["message"] and "not a readable Parquet file" in error["message"]
        assert "step above" not in error["hint"]
        failed = run_error(flow, src, tmp_path)
        assert failed.code == "corrupt_parquet" and shown in failed.short_message


def test_text_that_does_not_parse_as_text_is_a_quoting_problem() -> None:
    """An object-store CSV is not scanned line by line: Polars' own words still point at quotes."""
    from polars.exceptions import ComputeError

    from jupyter_studio.core.wrangler.engine import translate_error
    from jupyter_studio.core.wrangler.schemas import FlowNode

    node = FlowNode(id="s3", kind="source", operator="object_store", parameters={})
    error = translate_error(
        ComputeError("could not parse `\"n2,3.0\n4,n4` as dtype `str` at column 'name'"), node
    )
    assert error.code == "malformed_csv" and "never closed" in error.short_message
    assert "infer rows" not in error.hint
    typed = translate_error(
        ComputeError("could not parse `oops` as dtype `i64` at column 'n'"), node
    )
    assert typed.code == "csv_type_mismatch"
