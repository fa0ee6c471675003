"""Exported script and notebook reproduce the engine's output row for row."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from jupyter_studio.core.wrangler.flow import Flow


@pytest.fixture
def flow(tmp_path: Path) -> tuple[Flow, str]:
    """A flow over a CSV (with a {region} parameter in its path), SQLite and DuckDB sources."""
    (tmp_path / "data" / "eu").mkdir(parents=True)
    pl.DataFrame(
        {
            "id": list(range(1, 41)),
            "price": [None if i % 7 == 0 else float(i * 3 % 50) for i in range(40)],
            "city": [["Paris", "Lyon", "Nice", "Lille"][i % 4] for i in range(40)],
            "day": [f"2026-0{1 + i % 9}-{10 + i % 18}" for i in range(40)],
            "comment": [f"  Great product {i % 3} number {i}  " for i in range(40)],
            "label": [i % 2 for i in range(40)],
        }
    ).write_csv(tmp_path / "data" / "eu" / "sales.csv")
    con = sqlite3.connect(tmp_path / "data" / "cities.db")
    con.execute("CREATE TABLE cities (city TEXT, population REAL)")
    con.executemany(
        "INSERT INTO cities VALUES (?, ?)", [("Paris", 2.1), ("Lyon", 0.5), ("Nice", 0.3)]
    )
    con.commit()
    con.close()
    f = Flow.new("export test", root=tmp_path)
    f.add_parameter("region", "eu")
    sales = f.add_source("data/{region}/sales.csv")
    cities = f.add_source(
        kind="sql", url="sqlite:///data/cities.db", query="SELECT city, population FROM cities"
    )
    n = f.add_step(sales, "fill_missing", columns=["price"], strategy="mean")
    n = f.add_step(n, "cast_columns", types={"label": "boolean"})
    n = f.add_step(n, "filter_rows", conditions=[{"column": "price", "operator": ">", "value": 2}])
    n = f.add_step(n, "derive_column", name="price2", expression="price * 2")
    n = f.add_step(n, "strip_text", columns=["comment"])
    n = f.add_step(n, "extract_datetime_parts", column="day", parts=["month", "weekday"])
    n = f.add_step(n, "one_hot_encode", columns=["city"], drop_original=False)
    n = f.add_step(n, "tfidf_top_terms", column="comment", max_terms=3)
    n = f.add_step(n, "standard_scale", columns=["price"])
    n = f.add_join(n, cities, left_on=["city"], how="left")
    n = f.add_step(
        n, "custom_polars", code="df = df.with_columns(pl.col('population').fill_null(0.0))"
    )
    n = f.add_step(n, "sort_rows", by=[{"column": "id", "descending": True}])
    f.save(tmp_path / "export.flow")
    return f, n


def test_exported_script_matches_the_engine(flow: tuple[Flow, str], tmp_path: Path) -> None:
    f, node = flow
    script = tmp_path / "flow_script.py"
    script.write_text(f.export_code(node))
    compile(script.read_text(), str(script), "exec")
    out = tmp_path / "script.parquet"
    done = subprocess.run(
        [sys.executable, str(script), "--output", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path / "data",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    engine = f.run(node)
    assert isinstance(engine, pl.DataFrame)
    assert engine.height > 20 and "population" in engine.columns
    assert_frame_equal(pl.read_parquet(out), engine, check_exact=False)


def test_exported_script_takes_parameters(flow: tuple[Flow, str], tmp_path: Path) -> None:
    f, node = flow
    (tmp_path / "data" / "us").mkdir()
    pl.read_csv(tmp_path / "data" / "eu" / "sales.csv").head(9).write_csv(
        tmp_path / "data" / "us" / "sales.csv"
    )
    script = tmp_path / "flow_script.py"
    script.write_text(f.export_code(node))
    out = tmp_path / "us.parquet"
    done = subprocess.run(
        [sys.executable, str(script), "--param", "region=us", "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert_frame_equal(
        pl.read_parquet(out), f.run(node, params={"region": "us"}), check_exact=False
    )  # type: ignore[arg-type]


def test_exported_notebook_matches_the_engine(flow: tuple[Flow, str], tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    f, node = flow
    nb = nbformat.reads(f.export_code(node, format="notebook"), as_version=4)
    out = tmp_path / "notebook.parquet"
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace("OUTPUT = None", f"OUTPUT = {str(out)!r}")
    nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    assert_frame_equal(pl.read_parquet(out), f.run(node), check_exact=False)  # type: ignore[arg-type]
    assert sum(
        1 for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")
    ) == len(f.engine.ancestors(f.document, node))


def test_duckdb_and_pandas_steps_export(tmp_path: Path) -> None:
    pl.DataFrame({"a": [3, 1, 2], "b": ["x", "y", "z"]}).write_parquet(tmp_path / "t.parquet")
    f = Flow.new(root=tmp_path)
    src = f.add_source(
        kind="duckdb", query="SELECT a, b FROM t WHERE a > 1", tables={"t": "t.parquet"}
    )
    n = f.add_step(src, "custom_pandas", code="df['c'] = df['a'] * 10")
    n = f.add_step(n, "custom_sql", query="SELECT * FROM df ORDER BY a")
    script = tmp_path / "s.py"
    script.write_text(f.export_code(n))
    done = subprocess.run(
        [sys.executable, str(script), "--output", str(tmp_path / "o.parquet")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert_frame_equal(pl.read_parquet(tmp_path / "o.parquet"), f.run(n))  # type: ignore[arg-type]
    assert json.loads(f.export_code(n, format="notebook"))["nbformat"] == 4
