"""The one reader of users' table files: what each broken file is told, and what a good one gives.

Every case of the bad-file corpus that once went through silently (a row wider than the header
shifting every column, a semicolon file read as one column, a header-only file, an unclosed quote
swallowing the rest of the file) is a TableFileError naming the file and the line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jupyter_studio.core.errors import InvalidInput
from jupyter_studio.core.tabular_files import (
    TableFileError,
    check_parquet,
    find_csv_problem,
    inspect_csv,
    read_table,
    show_value,
    sniff_delimiter,
)


def refused(path, **options) -> TableFileError:  # noqa: ANN001
    with pytest.raises(TableFileError) as info:
        read_table(path, **options)
    error = info.value
    assert isinstance(error, InvalidInput) and error.status == 400
    assert path.name in error.message and error.hint in error.message
    return error


def test_a_row_with_one_field_more_than_the_header_is_refused_not_shifted(tmp_path) -> None:  # noqa: ANN001
    every = tmp_path / "every.csv"  # pandas alone makes the first field the index, silently
    every.write_text("a,b,target\n1,2,3,4\n5,6,7,8\n")
    error = refused(every)
    assert error.code == "malformed_csv" and error.line == 2
    assert "line 2 has 4 fields where the header has 3" in error.message
    assert "comma" in error.hint
    late = tmp_path / "late.csv"
    late.write_text("a,b,target\n" + "1,2,3\n" * 3000 + "1,2,3,4\n")
    error = refused(late)
    assert error.line == 3002 and "line 3002" in error.message
    assert error.detail == [{"loc": ["data"], "msg": error.message, "line": 3002}]


def test_fewer_fields_are_missing_values_and_blank_lines_are_skipped(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "short.csv"
    path.write_text("a,b,target\n1,2\n\n5,6,7\n")
    frame = read_table(path)
    assert frame.shape == (2, 3) and list(frame.columns) == ["a", "b", "target"]
    assert frame["target"].isna().tolist() == [True, False]


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_the_delimiter_is_detected(tmp_path, delimiter: str, name: str) -> None:  # noqa: ANN001
    path = tmp_path / "data.csv"
    path.write_text(
        delimiter.join(["a", "b", "target"])
        + "\n"
        + "".join(delimiter.join(["1,5", str(i), "x"]) + "\n" for i in range(30))
    )
    frame = read_table(path)
    assert list(frame.columns) == ["a", "b", "target"] and len(frame) == 30
    assert frame["a"].iloc[0] == "1,5"
    layout = inspect_csv(path)
    assert layout.delimiter == delimiter and layout.delimiter_name == name
    assert sniff_delimiter(path.read_bytes()[:40]) == delimiter  # a sample cut mid-line


def test_a_tsv_file_is_tabs_and_a_single_column_is_fine(tmp_path) -> None:  # noqa: ANN001
    tsv = tmp_path / "data.tsv"
    tsv.write_text("a\tb\n1,2\t3\n")
    assert read_table(tsv).to_dict("list") == {"a": ["1,2"], "b": [3]}
    one = tmp_path / "one.csv"
    one.write_text("target\n1\n2\n")
    assert read_table(one)["target"].tolist() == [1, 2]


def test_empty_and_header_only_files(tmp_path) -> None:  # noqa: ANN001
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert refused(empty).code == "empty_file"
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n  \n")
    assert refused(blank).code == "empty_file"
    header = tmp_path / "header.csv"
    header.write_text("a,b,target\n\n")
    error = refused(header)
    assert error.code == "header_only" and "a header (a, b, target) but no rows" in error.message
    assert read_table(header, require_rows=False).shape == (0, 3)
    empty_parquet = tmp_path / "none.parquet"
    pd.DataFrame({"a": pd.Series([], dtype=float)}).to_parquet(empty_parquet)
    assert refused(empty_parquet).code == "header_only"


def test_an_unclosed_quote_names_the_line_it_opens_on(tmp_path) -> None:  # noqa: ANN001
    rows = [f"{i},n{i},{i * 1.5}" for i in range(600)]
    for line, opened in ((2, '"0,n0,0.0'), (400, '398,"n398,597.0')):
        lines = ["id,name,value", *rows]
        lines[line - 1] = opened
        path = tmp_path / f"quote{line}.csv"
        path.write_text("\n".join(lines) + "\n")
        error = refused(path)
        assert error.code == "unclosed_quote" and error.line == line, error.message
        assert f"the quote opened on line {line} is never closed" in error.message
        assert f"({601 - line + 1} lines)" in error.message
        assert find_csv_problem(path).line == line


def test_text_after_a_closing_quote(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "junk.csv"
    path.write_text('a,b\n1,"x"y\n')
    error = refused(path)
    assert error.code == "malformed_csv" and error.line == 2
    good = tmp_path / "quoted.csv"
    good.write_text('a,b\n1,"x, ""y"""\n2,"two\nlines"\n3,z\n')
    frame = read_table(good)
    assert frame["b"].tolist() == ['x, "y"', "two\nlines", "z"]
    assert find_csv_problem(good) is None


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffa;b\n1;2\n".encode())
    assert list(read_table(path).columns) == ["a", "b"]
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("a,b\n1,é\n".encode("utf-16"))
    assert read_table(utf16).to_dict("list") == {"a": [1], "b": ["é"]}


def test_bytes_that_are_not_utf8_name_their_line(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "latin.csv"
    path.write_bytes(b"name,city\n" + b"Ann,Paris\n" * 5 + "Jos\xe9,Lyon\n".encode("latin-1"))
    error = refused(path)
    assert error.code == "bad_encoding" and error.line == 7 and "0xe9" in error.message
    assert "UTF-8" in error.hint


def test_corrupt_parquet(tmp_path) -> None:  # noqa: ANN001
    good = tmp_path / "good.parquet"
    pd.DataFrame({"a": range(1000), "b": ["x"] * 1000}).to_parquet(good)
    assert read_table(good).shape == (1000, 2)
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(good.read_bytes()[:-100])
    error = refused(truncated)
    assert error.code == "corrupt_parquet" and "not a readable Parquet file" in error.message
    text = tmp_path / "text.parquet"
    text.write_text("a,b\n1,2\n")
    assert refused(text).code == "corrupt_parquet"
    with pytest.raises(TableFileError):
        check_parquet(text)
    check_parquet(good)


def test_options_and_the_field_named_in_errors(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "rows.csv"
    path.write_text("a;b\n001;x\n;y\n")
    frame = read_table(path, dtype=str, keep_default_na=False, na_values=[""])
    assert frame["a"].tolist()[0] == "001"
    assert read_table(path, nrows=1).shape == (1, 2)
    wide = tmp_path / "wide.csv"
    wide.write_text("a\n1,2\n")
    error = refused(wide, field="validation_data")
    assert error.detail[0]["loc"] == ["validation_data"]
    other = tmp_path / "rows.xlsx"
    other.write_text("x")
    assert refused(other).code == "unsupported_format"
    notes = tmp_path / "notes.txt"
    notes.write_text("a,b\n1,2\n")
    assert read_table(notes, file_format="csv").shape == (1, 2)


def test_values_in_messages_are_plain() -> None:
    assert show_value(np.int64(1)) == "1"
    assert show_value(np.float64(2.5)) == "2.5"
    assert show_value(np.bool_(True)) == "True"
    assert show_value(np.str_("yes")) == "'yes'"
    assert show_value(np.nan) == "missing" and show_value(pd.NA) == "missing"
    assert show_value(pd.Timestamp("2026-01-02")) == "'2026-01-02T00:00:00'"


def test_an_endpoint_names_a_numpy_value_plainly() -> None:
    """Batch transform hands the payload checks numpy scalars: messages show 1.5, not np.float64."""
    from jupyter_studio.core.endpoints.runtime.payloads import _describe

    assert _describe(np.float64(1.5), False) == "the number 1.5"
    assert _describe(np.int64(3), False) == "the number 3"
    assert _describe(np.bool_(True), False) == "true"
