"""AutoML reads a data file as Data Wrangler does: the same columns, the same refusals.

Found by a bad-file corpus run through every feature: AutoML made the first field of a row wider
than its header the index (every column shifted), read a semicolon file as one column ("no column
'y'"), called a header-only file "every value of the target is missing" and showed numpy reprs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_studio.core.automl import validate_request
from jupyter_studio.core.automl.validate import load_table
from jupyter_studio.core.errors import InvalidInput
from jupyter_studio.core.wrangler.flow import Flow


def rows(n: int, sep: str = ",") -> str:
    lines = [sep.join(["x", "city", "y"])]
    lines += [
        sep.join([f"{i % 7}.5", ("Lyon", "Paris")[i % 2], ("no", "yes")[i % 3 == 0]])
        for i in range(n)
    ]
    return "\n".join(lines) + "\n"


def refusal(path: Path, **kwargs: object) -> dict:
    with pytest.raises(InvalidInput) as info:
        validate_request(path, target="y", min_rows=10, **kwargs)
    assert info.value.status == 400
    return info.value.detail[0]


def test_a_row_wider_than_the_header_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("x,city,y\n" + "".join(f"{i},0.5,Lyon,yes\n" for i in range(50)))
    problem = refusal(path)
    assert problem["loc"] == ["data"]
    assert "wide.csv: line 2 has 4 fields where the header has 3" in problem["msg"]


def test_a_semicolon_file_reads_as_in_the_wrangler(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(rows(60, ";"))
    checked = validate_request(path, target="y", min_rows=10)
    assert list(checked.frame.columns) == ["x", "city"] and len(checked.y) == 60
    flow = Flow.new(root=tmp_path)
    wrangled = flow.sample(flow.add_source("semi.csv"))
    assert wrangled.columns == list(load_table(path).columns) == ["x", "city", "y"]


def test_a_header_only_file_is_called_so(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("x,city,y\n")
    problem = refusal(path)
    assert "header.csv: the file has a header (x, city, y) but no rows" in problem["msg"]
    assert "missing" not in problem["msg"]


def test_an_unclosed_quote_names_its_line(tmp_path: Path) -> None:
    text = rows(600).splitlines()
    text[1] = '"' + text[1]
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(text) + "\n")
    problem = refusal(path)
    assert "the quote opened on line 2 is never closed" in problem["msg"]


def test_a_corrupt_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"\0" * 100)
    assert "not a readable Parquet file" in refusal(path)["msg"]


def test_messages_show_plain_values(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("x,y\n" + "".join(f"{i},1\n" for i in range(50)))
    problem = refusal(path)
    assert "has a single value (1)" in problem["msg"] and "np." not in problem["msg"]
