"""Every transform, with its output checked on a small input (and the registry's promises)."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import math
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jupyter_studio.core.wrangler.transforms import FAMILIES, load_all

REGISTRY = load_all()


def run(transform_name: str, /, *frames: pl.DataFrame, **params: Any) -> pl.DataFrame:
    """Parse the parameters through the transform's model, fit, apply, collect."""
    transform = REGISTRY[transform_name]
    kwargs = transform.kwargs(transform.parse(params))
    lazies = [f.lazy() for f in frames]
    state = transform.fit(*lazies, **kwargs) if transform.fit else None
    return transform.apply(*lazies, state=state, **kwargs).collect()


NUM = pl.DataFrame({"a": [1.0, None, 3.0, 4.0], "b": [1, 2, 2, None], "s": ["x", None, "y", "x"]})
SKEW = pl.DataFrame({"v": [1.0, 2.0, 3.0, 4.0, 100.0]})
CAT = pl.DataFrame({"c": ["a", "b", "a", "c", "a", "b"], "y": [1, 0, 1, 0, 1, 1]})
TXT = pl.DataFrame({"t": ["  Hello World  ", "foo-bar_baz", None]})
DATES = pl.DataFrame(
    {
        "d": [dt.datetime(2026, 1, 31, 13, 5), dt.datetime(2026, 7, 4, 0, 30)],
        "e": [dt.datetime(2026, 2, 1, 13, 5), dt.datetime(2026, 7, 5, 6, 30)],
    }
)
SERIES = pl.DataFrame(
    {"g": ["a", "a", "a", "b", "b"], "t": [1, 2, 3, 1, 2], "v": [10.0, 20.0, 30.0, 5.0, 7.0]}
)
DOCS = pl.DataFrame({"doc": ["the cat sat", "the dog", "cat cat dog"]})


def col(frame: pl.DataFrame, name: str) -> list[Any]:
    return frame[name].to_list()


def approx(values: list[Any], expected: list[Any]) -> bool:
    return all(
        (a is None and b is None)
        or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9))
        for a, b in zip(values, expected, strict=True)
    )


CASES: dict[str, Any] = {}


def case(name: str) -> Any:
    def register(fn: Any) -> Any:
        CASES[name] = fn
        return fn

    return register


# -- Handle missing -------------------------------------------------------------------------------
@case("drop_missing")
def _() -> None:
    assert run("drop_missing", NUM).height == 2
    assert col(run("drop_missing", NUM, columns=["a"]), "a") == [1.0, 3.0, 4.0]
    assert run("drop_missing", NUM, columns=["a", "b"], how="all").height == 4


@case("fill_missing")
def _() -> None:
    assert col(run("fill_missing", NUM, columns=["a"], strategy="mean"), "a") == pytest.approx(
        [1.0, 8 / 3, 3.0, 4.0]
    )
    assert col(run("fill_missing", NUM, columns=["a"], strategy="median"), "a") == [
        1.0,
        3.0,
        3.0,
        4.0,
    ]
    assert col(run("fill_missing", NUM, columns=["b", "s"], strategy="mode"), "b") == [1, 2, 2, 2]
    assert col(run("fill_missing", NUM, columns=["s"], strategy="mode"), "s") == [
        "x",
        "x",
        "y",
        "x",
    ]
    assert col(run("fill_missing", NUM, columns=["s"], strategy="constant", value="?"), "s") == [
        "x",
        "?",
        "y",
        "x",
    ]
    assert col(run("fill_missing", NUM, columns=["b"], strategy="constant", value=0), "b") == [
        1,
        2,
        2,
        0,
    ]


@case("fill_forward")
def _() -> None:
    assert col(run("fill_forward", NUM, columns=["a", "s"]), "s") == ["x", "x", "y", "x"]


@case("fill_backward")
def _() -> None:
    assert col(run("fill_backward", NUM, columns=["a"]), "a") == [1.0, 3.0, 3.0, 4.0]


@case("missing_indicator")
def _() -> None:
    assert col(run("missing_indicator", NUM, columns=["a"]), "a_missing") == [0, 1, 0, 0]


@case("drop_sparse_columns")
def _() -> None:
    frame = pl.DataFrame(
        {"full": [1, 2, 3, 4], "half": [1, None, None, 4], "empty": [None, None, None, 1]}
    )
    assert run("drop_sparse_columns", frame, threshold=0.5).columns == ["full"]


# -- Encode categorical -----------------------------------------------------------------------------
@case("one_hot_encode")
def _() -> None:
    out = run("one_hot_encode", CAT, columns=["c"])
    assert out.columns == ["y", "c_a", "c_b", "c_c"]
    assert col(out, "c_a") == [1, 0, 1, 0, 1, 0]
    assert run(
        "one_hot_encode", CAT, columns=["c"], max_categories=1, drop_original=False
    ).columns == ["c", "y", "c_a"]


@case("ordinal_encode")
def _() -> None:
    assert col(run("ordinal_encode", CAT, columns=["c"]), "c") == [0, 1, 0, 2, 0, 1]
    assert col(
        run("ordinal_encode", CAT, columns=["c"], order="custom", custom_order=["c", "b"]), "c"
    ) == [-1, 1, -1, 0, -1, 1]


@case("target_mean_encode")
def _() -> None:
    out = run("target_mean_encode", CAT, columns=["c"], target="y", smoothing=0)
    assert col(out, "c") == pytest.approx([1.0, 0.5, 1.0, 0.0, 1.0, 0.5])


@case("group_rare_categories")
def _() -> None:
    assert col(run("group_rare_categories", CAT, columns=["c"], min_fraction=0.3), "c") == [
        "a",
        "b",
        "a",
        "Other",
        "a",
        "b",
    ]


@case("frequency_encode")
def _() -> None:
    assert col(run("frequency_encode", CAT, columns=["c"]), "c_frequency") == pytest.approx(
        [0.5, 1 / 3, 0.5, 1 / 6, 0.5, 1 / 3]
    )


# -- Scale numeric ----------------------------------------------------------------------------------
@case("standard_scale")
def _() -> None:
    out = col(run("standard_scale", SKEW.head(4), columns=["v"]), "v")
    assert approx(out, [-1.3416407865, -0.4472135955, 0.4472135955, 1.3416407865])


@case("min_max_scale")
def _() -> None:
    assert approx(
        col(run("min_max_scale", SKEW, columns=["v"]), "v"), [0.0, 1 / 99, 2 / 99, 3 / 99, 1.0]
    )
    assert approx(
        col(run("min_max_scale", SKEW.head(3), columns=["v"], minimum=-1, maximum=1), "v"),
        [-1.0, 0.0, 1.0],
    )


@case("robust_scale")
def _() -> None:
    assert approx(col(run("robust_scale", SKEW, columns=["v"]), "v"), [-1.0, -0.5, 0.0, 0.5, 48.5])


@case("max_abs_scale")
def _() -> None:
    assert approx(
        col(run("max_abs_scale", pl.DataFrame({"v": [-4.0, 2.0]}), columns=["v"]), "v"), [-1.0, 0.5]
    )


@case("log_transform")
def _() -> None:
    out = col(
        run("log_transform", pl.DataFrame({"v": [0.0, 9.0, -5.0]}), columns=["v"], base="10"), "v"
    )
    assert approx(out, [0.0, 1.0, None])


@case("power_transform")
def _() -> None:
    from scipy import stats

    out = run("power_transform", SKEW, columns=["v"], standardize=False)
    expected, _ = stats.yeojohnson(SKEW["v"].to_numpy())
    assert approx(col(out, "v"), list(expected))
    standardized = col(run("power_transform", SKEW, columns=["v"]), "v")
    assert abs(sum(standardized)) < 1e-6


@case("bin_numeric")
def _() -> None:
    frame = pl.DataFrame({"v": [1.0, 2.0, 3.0, 4.0, None]})
    assert col(run("bin_numeric", frame, columns=["v"], bins=2, strategy="uniform"), "v_bin") == [
        0,
        0,
        1,
        1,
        None,
    ]


@case("round_numeric")
def _() -> None:
    assert col(
        run("round_numeric", pl.DataFrame({"v": [1.234, 5.678]}), columns=["v"], decimals=1), "v"
    ) == [1.2, 5.7]


# -- Outliers ---------------------------------------------------------------------------------------
@case("clip_outliers")
def _() -> None:
    # IQR: q1 = 2, q3 = 4, bounds -1 .. 7
    assert col(run("clip_outliers", SKEW, columns=["v"]), "v") == [1.0, 2.0, 3.0, 4.0, 7.0]
    clipped = col(
        run(
            "clip_outliers",
            SKEW,
            columns=["v"],
            method="quantile",
            lower_quantile=0.25,
            upper_quantile=0.75,
        ),
        "v",
    )
    assert clipped == [2.0, 2.0, 3.0, 4.0, 4.0]
    by_std = col(run("clip_outliers", SKEW, columns=["v"], method="std", threshold=1.0), "v")
    assert by_std[-1] < 100.0 and by_std[0] == 1.0


@case("remove_outliers")
def _() -> None:
    assert col(run("remove_outliers", SKEW, columns=["v"]), "v") == [1.0, 2.0, 3.0, 4.0]
    frame = pl.DataFrame({"v": [1.0, 2.0, None, 3.0, 1000.0]})
    assert col(
        run(
            "remove_outliers",
            frame,
            columns=["v"],
            method="quantile",
            lower_quantile=0.0,
            upper_quantile=0.75,
        ),
        "v",
    ) == [1.0, 2.0, None, 3.0]


# -- Strings ----------------------------------------------------------------------------------------
@case("change_case")
def _() -> None:
    assert col(run("change_case", TXT, columns=["t"], case="upper"), "t") == [
        "  HELLO WORLD  ",
        "FOO-BAR_BAZ",
        None,
    ]
    assert col(
        run("change_case", pl.DataFrame({"t": ["aB cD"]}), columns=["t"], case="title"), "t"
    ) == ["Ab Cd"]


@case("strip_text")
def _() -> None:
    assert col(run("strip_text", TXT, columns=["t"]), "t") == ["Hello World", "foo-bar_baz", None]
    assert col(
        run(
            "strip_text", pl.DataFrame({"t": ["xxaxx"]}), columns=["t"], side="left", characters="x"
        ),
        "t",
    ) == ["axx"]


@case("pad_text")
def _() -> None:
    assert col(
        run("pad_text", pl.DataFrame({"t": ["7", "123"]}), columns=["t"], width=3, fill_char="0"),
        "t",
    ) == ["007", "123"]


@case("regex_replace")
def _() -> None:
    assert (
        col(run("regex_replace", TXT, columns=["t"], pattern=r"[-_]", replacement=" "), "t")[1]
        == "foo bar baz"
    )


@case("regex_extract")
def _() -> None:
    frame = pl.DataFrame({"t": ["order-42", "order-7", "none"]})
    assert col(
        run("regex_extract", frame, column="t", pattern=r"order-(\d+)", output_column="n"), "n"
    ) == ["42", "7", None]


@case("split_text")
def _() -> None:
    out = run("split_text", pl.DataFrame({"t": ["a,b,c", "d"]}), column="t", delimiter=",", parts=2)
    assert col(out, "t_1") == ["a", "d"] and col(out, "t_2") == ["b,c", None]


@case("text_length")
def _() -> None:
    assert col(run("text_length", TXT, columns=["t"]), "t_length") == [15, 11, None]


@case("contains_text")
def _() -> None:
    out = run(
        "contains_text", TXT, column="t", pattern="hello", case_sensitive=False, output_column="has"
    )
    assert col(out, "has") == [True, False, None]


@case("combine_columns")
def _() -> None:
    frame = pl.DataFrame({"a": ["x", None], "b": ["y", "z"]})
    assert col(
        run("combine_columns", frame, columns=["a", "b"], separator="-", output_column="ab"), "ab"
    ) == ["x-y", "z"]


@case("replace_values")
def _() -> None:
    assert col(run("replace_values", CAT, column="c", mapping={"a": "A", "c": "C"}), "c") == [
        "A",
        "b",
        "A",
        "C",
        "A",
        "b",
    ]


# -- Datetime ---------------------------------------------------------------------------------------
@case("parse_datetime")
def _() -> None:
    frame = pl.DataFrame({"d": ["31/01/2026", "bad"]})
    out = run("parse_datetime", frame, columns=["d"], format="%d/%m/%Y", to="date", on_error="null")
    assert col(out, "d") == [dt.date(2026, 1, 31), None]
    with pytest.raises(pl.exceptions.InvalidOperationError):
        run("parse_datetime", frame, columns=["d"], format="%d/%m/%Y")


@case("extract_datetime_parts")
def _() -> None:
    out = run(
        "extract_datetime_parts",
        DATES,
        column="d",
        parts=["year", "month", "weekday", "hour", "quarter"],
    )
    assert (
        col(out, "d_month") == [1, 7]
        and col(out, "d_weekday") == [6, 6]
        and col(out, "d_hour") == [13, 0]
        and col(out, "d_quarter") == [1, 3]
    )


@case("datetime_difference")
def _() -> None:
    out = run(
        "datetime_difference",
        DATES,
        start_column="d",
        end_column="e",
        unit="hours",
        output_column="h",
    )
    assert col(out, "h") == [24.0, 30.0]
    ref = run(
        "datetime_difference", DATES, start_column="d", reference="2026-02-01", output_column="days"
    )
    assert col(ref, "days")[0] == pytest.approx(11 / 24 - 5 / 1440)


@case("cyclical_encode")
def _() -> None:
    out = run(
        "cyclical_encode",
        pl.DataFrame({"h": [0.0, 6.0, 12.0]}),
        column="h",
        part="value",
        period=24,
    )
    assert approx(col(out, "h_sin"), [0.0, 1.0, 0.0]) and approx(
        col(out, "h_cos"), [1.0, 0.0, -1.0]
    )
    assert "d_month_sin" in run("cyclical_encode", DATES, column="d").columns


@case("truncate_datetime")
def _() -> None:
    assert col(run("truncate_datetime", DATES, columns=["d"], every="1mo"), "d") == [
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 7, 1),
    ]


# -- Text featurize -----------------------------------------------------------------------------------
@case("word_count")
def _() -> None:
    assert col(run("word_count", DOCS, columns=["doc"]), "doc_words") == [3, 2, 3]


@case("token_counts")
def _() -> None:
    out = run("token_counts", DOCS, column="doc", max_terms=2)
    assert out.columns == ["doc", "doc_cat", "doc_dog"]
    assert col(out, "doc_cat") == [1, 0, 2] and col(out, "doc_dog") == [0, 1, 1]


@case("tfidf_top_terms")
def _() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    out = run("tfidf_top_terms", DOCS, column="doc", max_terms=10)
    vec = TfidfVectorizer(norm=None, token_pattern=r"[a-z0-9]{2,}").fit(DOCS["doc"].to_list())
    idf = dict(zip(vec.get_feature_names_out(), vec.idf_, strict=True))
    assert approx(col(out, "doc_cat"), [1 / 3 * idf["cat"], 0.0, 2 / 3 * idf["cat"]])


# -- Manage columns -----------------------------------------------------------------------------------
@case("rename_columns")
def _() -> None:
    assert run("rename_columns", NUM, mapping={"a": "alpha"}).columns == ["alpha", "b", "s"]


@case("drop_columns")
def _() -> None:
    assert run("drop_columns", NUM, columns=["a", "s"]).columns == ["b"]


@case("select_columns")
def _() -> None:
    assert run("select_columns", NUM, columns=["s", "a"]).columns == ["s", "a"]


@case("duplicate_column")
def _() -> None:
    assert col(run("duplicate_column", NUM, column="s", new_name="s2"), "s2") == col(NUM, "s")


@case("move_column")
def _() -> None:
    assert run("move_column", NUM, column="s").columns == ["s", "a", "b"]
    assert run("move_column", NUM, column="a", position="after", anchor="b").columns == [
        "b",
        "a",
        "s",
    ]


@case("cast_columns")
def _() -> None:
    frame = pl.DataFrame(
        {"n": ["1", "2", "x"], "f": ["yes", "no", None], "d": ["2026-01-02", None, "2026-03-04"]}
    )
    out = run(
        "cast_columns", frame, types={"n": "int64", "f": "boolean", "d": "date"}, on_error="null"
    )
    assert (
        col(out, "n") == [1, 2, None]
        and col(out, "f") == [True, False, None]
        and col(out, "d")[0] == dt.date(2026, 1, 2)
    )
    with pytest.raises(pl.exceptions.InvalidOperationError):
        run("cast_columns", frame, types={"n": "int64"})


@case("derive_column")
def _() -> None:
    out = run(
        "derive_column", NUM, name="c", expression="CASE WHEN a > 2 THEN 'big' ELSE 'small' END"
    )
    assert col(out, "c") == ["small", "small", "big", "big"]
    assert col(run("derive_column", NUM, name="a2", expression="a * 2 + b"), "a2") == [
        3.0,
        None,
        8.0,
        None,
    ]


# -- Manage rows --------------------------------------------------------------------------------------
@case("filter_rows")
def _() -> None:
    out = run(
        "filter_rows",
        NUM,
        conditions=[
            {"column": "a", "operator": ">", "value": 1},
            {"column": "s", "operator": "==", "value": "x"},
        ],
    )
    assert col(out, "a") == [4.0]
    assert (
        run(
            "filter_rows", NUM, conditions=[{"column": "s", "operator": "is_null"}], keep=False
        ).height
        == 3
    )
    assert (
        run(
            "filter_rows", NUM, conditions=[{"column": "s", "operator": "in", "value": ["y"]}]
        ).height
        == 1
    )


@case("filter_expression")
def _() -> None:
    assert col(run("filter_expression", NUM, expression="a >= 3 AND s = 'x'"), "a") == [4.0]


@case("sort_rows")
def _() -> None:
    assert col(run("sort_rows", NUM, by=[{"column": "a", "descending": True}]), "a") == [
        4.0,
        3.0,
        1.0,
        None,
    ]


@case("drop_duplicates")
def _() -> None:
    assert run("drop_duplicates", CAT, columns=["c"]).height == 3
    assert col(run("drop_duplicates", CAT, columns=["c"], keep="none"), "c") == ["c"]


@case("sample_rows")
def _() -> None:
    big = pl.DataFrame({"i": list(range(1000))})
    assert run("sample_rows", big, size=100).height == 100
    assert run("sample_rows", big, method="first", size=10)["i"].to_list() == list(range(10))
    assert 350 < run("sample_rows", big, fraction=0.5).height < 650
    assert (
        run("sample_rows", big, size=100, seed=1)["i"].to_list()
        == run("sample_rows", big, size=100, seed=1)["i"].to_list()
    )


# -- Group-by -------------------------------------------------------------------------------------------
@case("group_by_aggregate")
def _() -> None:
    out = run(
        "group_by_aggregate",
        SERIES,
        keys=["g"],
        aggregations=[
            {"column": "v", "function": "sum"},
            {"column": "v", "function": "count", "name": "n"},
        ],
    )
    assert out.to_dict(as_series=False) == {"g": ["a", "b"], "v_sum": [60.0, 12.0], "n": [3, 2]}


@case("group_statistic")
def _() -> None:
    assert col(
        run("group_statistic", SERIES, keys=["g"], column="v", function="max", name="m"), "m"
    ) == [30.0, 30.0, 30.0, 7.0, 7.0]


# -- Window ---------------------------------------------------------------------------------------------
@case("lag_features")
def _() -> None:
    out = run(
        "lag_features", SERIES, columns=["v"], lags=[1, -1], order_by=["t"], partition_by=["g"]
    )
    assert col(out, "v_lag1") == [None, 10.0, 20.0, None, 5.0] and col(out, "v_lead1") == [
        20.0,
        30.0,
        None,
        7.0,
        None,
    ]


@case("rolling_aggregate")
def _() -> None:
    out = run(
        "rolling_aggregate",
        SERIES,
        columns=["v"],
        window=2,
        function="sum",
        partition_by=["g"],
        order_by=["t"],
    )
    assert col(out, "v_rolling_sum2") == [10.0, 30.0, 50.0, 5.0, 12.0]


@case("difference")
def _() -> None:
    assert col(run("difference", SERIES, columns=["v"]), "v_diff1") == [
        None,
        10.0,
        10.0,
        -25.0,
        2.0,
    ]


@case("cumulative")
def _() -> None:
    assert col(run("cumulative", SERIES, columns=["v"], partition_by=["g"]), "v_cum_sum") == [
        10.0,
        30.0,
        60.0,
        5.0,
        12.0,
    ]


@case("rank_values")
def _() -> None:
    assert col(
        run("rank_values", SERIES, columns=["v"], method="ordinal", partition_by=["g"]), "v_rank"
    ) == [1, 2, 3, 1, 2]


# -- Balance ----------------------------------------------------------------------------------------------
IMB = pl.DataFrame({"x": [float(i) for i in range(12)], "k": ["maj"] * 9 + ["min"] * 3})


@case("random_oversample")
def _() -> None:
    out = run("random_oversample", IMB, target="k")
    assert out["k"].value_counts().sort("k")["count"].to_list() == [9, 9]


@case("random_undersample")
def _() -> None:
    out = run("random_undersample", IMB, target="k")
    assert out["k"].value_counts().sort("k")["count"].to_list() == [3, 3]


@case("smote")
def _() -> None:
    out = run("smote", IMB, target="k", k_neighbors=2)
    synthetic = out.filter(pl.col("k") == "min")["x"].to_list()
    assert len(synthetic) == 9 and all(9.0 <= x <= 11.0 for x in synthetic)


# -- Join, concatenate ---------------------------------------------------------------------------------------
LEFT = pl.DataFrame({"k": [1, 2, 3], "l": ["a", "b", "c"]})
RIGHT = pl.DataFrame({"key": [2, 3, 4], "r": ["x", "y", "z"]})


@case("join")
def _() -> None:
    assert col(run("join", LEFT, RIGHT, left_on=["k"], right_on=["key"]), "r") == ["x", "y"]
    assert col(run("join", LEFT, RIGHT, left_on=["k"], right_on=["key"], how="left"), "r") == [
        None,
        "x",
        "y",
    ]
    assert run("join", LEFT, RIGHT, left_on=["k"], right_on=["key"], how="outer").height == 4
    assert col(run("join", LEFT, RIGHT, left_on=["k"], right_on=["key"], how="anti"), "k") == [1]
    assert run("join", LEFT, RIGHT, left_on=["k"], right_on=["key"], how="right").height == 3


@case("concatenate")
def _() -> None:
    out = run("concatenate", LEFT, pl.DataFrame({"k": [9], "extra": [True]}))
    assert out.height == 4 and out.columns == ["k", "l", "extra"]
    assert col(run("concatenate", LEFT, RIGHT, how="by_position"), "l") == [
        "a",
        "b",
        "c",
        "x",
        "y",
        "z",
    ]


# -- Custom ----------------------------------------------------------------------------------------------------
@case("custom_pandas")
def _() -> None:
    out = run("custom_pandas", NUM, code="df['a3'] = df['a'] * 3\ndf = df[df['a3'] > 5]")
    assert col(out, "a3") == [9.0, 12.0]


@case("custom_polars")
def _() -> None:
    out = run(
        "custom_polars",
        NUM,
        code="df = df.with_columns((pl.col('a') + 1).alias('a1')).filter(pl.col('a1') > 2)",
    )
    assert col(out, "a1") == [4.0, 5.0]


@case("custom_sql")
def _() -> None:
    assert col(
        run(
            "custom_sql",
            NUM,
            query="SELECT s, COUNT(*) AS n FROM df WHERE s IS NOT NULL GROUP BY s ORDER BY s",
        ),
        "n",
    ) == [2, 1]
    assert col(
        run(
            "custom_sql",
            NUM,
            query="SELECT s, COUNT(*) AS n FROM df WHERE s IS NOT NULL GROUP BY s ORDER BY s",
            dialect="duckdb",
        ),
        "n",
    ) == [2, 1]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_transform_output(name: str) -> None:
    assert name in CASES, f"transform {name} has no output test"
    CASES[name]()


def test_at_least_60_transforms_in_the_issue_families() -> None:
    assert len(REGISTRY) >= 60
    assert {t.family for t in REGISTRY.values()} == set(FAMILIES)
    for t in REGISTRY.values():
        assert t.title and t.keywords and t.description, t.name


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_parameter_form_schema(name: str) -> None:
    schema = REGISTRY[name].json_schema()
    assert schema["type"] == "object" and "properties" in schema


def test_transform_functions_are_self_contained() -> None:
    """The exporter copies these functions into scripts: they may only use known globals."""
    import builtins

    allowed = {"pl", "np", "math", "re", "json"} | set(dir(builtins))
    for t in REGISTRY.values():
        helper_names = {h.__name__ for h in t.helpers}
        for fn in (t.apply, t.fit, *t.helpers):
            if fn is None:
                continue
            tree = ast.parse(_undecorated(fn))
            local = {
                n.id
                for n in ast.walk(tree)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
            local |= {
                a.arg
                for n in ast.walk(tree)
                if isinstance(n, ast.arguments)
                for a in (
                    *n.args,
                    *n.kwonlyargs,
                    *n.posonlyargs,
                    *([n.vararg] if n.vararg else []),
                    *([n.kwarg] if n.kwarg else []),
                )
            }
            local |= {
                alias.asname or alias.name.split(".")[0]
                for n in ast.walk(tree)
                if isinstance(n, ast.Import | ast.ImportFrom)
                for alias in n.names
            }
            local |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
            used = {
                n.id
                for n in ast.walk(tree)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            }
            unknown = used - local - allowed - helper_names - {fn.__name__}
            if t.fit is not None:
                unknown -= {t.fit.__name__}
            assert not unknown, (
                f"{t.name}.{fn.__name__} uses {unknown}: declare helpers or import inside"
            )


def _undecorated(fn: Any) -> str:
    lines = inspect.getsource(fn).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("def "))
    return "\n".join(lines[start:])


def test_referenced_columns_found_in_nested_parameters() -> None:
    t = REGISTRY["group_by_aggregate"]
    params = t.parse({"keys": ["g"], "aggregations": [{"column": "v", "function": "sum"}]})
    assert params.referenced_columns()[0] == ["g", "v"]
    join = REGISTRY["join"].parse({"left_on": ["a"], "right_on": ["b"]})
    assert join.referenced_columns()[1] == ["b"]


def test_fitted_state_is_json() -> None:
    import json

    out = REGISTRY["one_hot_encode"].fit(CAT.lazy(), columns=["c"], max_categories=10)
    assert json.loads(json.dumps(out)) == out
    assert_frame_equal(run("select_columns", CAT, columns=["c"]), CAT.select("c"))
