"""Sources: files and folders, the path resolver, SQLite, DuckDB, an S3 store (moto), PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest

from jupyter_studio.core.errors import Forbidden
from jupyter_studio.core.spaces.paths import scope_for
from jupyter_studio.core.wrangler.flow import Flow

FRAME = pl.DataFrame(
    {"id": [1, 2, 3], "name": ["a", "b", "c"], "when": ["2026-01-01", "2026-01-02", "2026-01-03"]}
)


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("x.csv", lambda f, p: f.write_csv(p)),
        ("x.tsv", lambda f, p: f.write_csv(p, separator="\t")),
        ("x.jsonl", lambda f, p: f.write_ndjson(p)),
        ("x.parquet", lambda f, p: f.write_parquet(p)),
    ],
)
def test_file_formats(tmp_path: Path, name: str, write: Callable) -> None:
    write(FRAME, tmp_path / name)
    flow = Flow.new(root=tmp_path)
    src = flow.add_source(name)
    out = flow.sample(src)
    assert out["id"].to_list() == [1, 2, 3] and out["name"].to_list() == ["a", "b", "c"]
    if name.endswith(("csv", "tsv")):
        assert out.schema["when"] == pl.Date  # types inferred on import


def test_semicolon_csv_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a;b\n1;2\n3;4\n")
    flow = Flow.new(root=tmp_path)
    assert flow.sample(flow.add_source("x.csv")).columns == ["a", "b"]


def test_a_folder_of_files(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    for i in range(3):
        FRAME.with_columns(pl.col("id") + 10 * i).write_parquet(
            tmp_path / "parts" / f"part-{i}.parquet"
        )
    (tmp_path / "parts" / "_SUCCESS").write_text("")
    flow = Flow.new(root=tmp_path)
    assert flow.run(flow.add_source("parts")).height == 9
    (tmp_path / "parts" / "extra.csv").write_text("a\n1\n")
    error = flow.preview(flow.add_source("parts")).error
    assert error is not None and error.code == "mixed_formats"


@pytest.fixture
def scope(tmp_path: Path):
    root = tmp_path / "root"
    home = root / "studio" / "users" / "alice"
    home.mkdir(parents=True)
    (root / "studio" / "users" / "bob").mkdir(parents=True)
    FRAME.write_csv(home / "mine.csv")
    FRAME.write_csv(root / "studio" / "users" / "bob" / "theirs.csv")
    return scope_for(root, root / "studio", [home], allow_outside_domain=False)


def test_paths_outside_the_users_spaces_are_refused(scope) -> None:
    flow = Flow.new(
        resolve=lambda p: scope.resolve(p, what="source path"), root=scope.contents_root
    )
    ok = flow.add_source("studio/users/alice/mine.csv")
    assert flow.preview(ok).status == "ok"
    for path in (
        "studio/users/bob/theirs.csv",
        "../etc/passwd",
        "/etc/passwd",
        "studio/users/alice/%2e%2e/bob/theirs.csv",
    ):
        error = flow.preview(flow.add_source(path)).error
        assert error is not None and error.code in ("path_outside_space", "invalid_path"), path
    with pytest.raises(Forbidden):
        scope.resolve("studio/users/bob/theirs.csv")


def test_sqlite_table_and_query_with_bound_parameters(tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "shop.db")
    con.execute("CREATE TABLE orders (id INTEGER, day TEXT, amount REAL)")
    con.executemany(
        "INSERT INTO orders VALUES (?, ?, ?)",
        [(1, "2026-11-01", 9.5), (2, "2026-11-02", 3.0), (3, "2026-11-01", 1.0)],
    )
    con.commit()
    con.close()
    flow = Flow.new(root=tmp_path)
    flow.add_parameter("day", "2026-11-01")
    table = flow.add_source(kind="sql", url="sqlite:///shop.db", table="orders")
    assert flow.sample(table).height == 3
    query = flow.add_source(
        kind="sql", url="sqlite:///shop.db", query="SELECT id, amount FROM orders WHERE day = {day}"
    )
    assert flow.sample(query)["id"].to_list() == [1, 3]
    assert (
        flow.run(query, params={"day": "2026-11-02'; DROP TABLE orders; --"}).height == 0
    )  # bound, not pasted
    assert flow.run(query, params={"day": "2026-11-02"})["id"].to_list() == [2]
    bad = flow.add_source(kind="sql", url="sqlite:///shop.db", query="SELECT nope FROM orders")
    error = flow.preview(bad).error
    assert error is not None and error.code == "sql_error" and "nope" in error.message
    missing = flow.add_source(kind="sql", url="sqlite:///shop.db", table="absent")
    assert flow.preview(missing).error.code == "sql_error"  # type: ignore[union-attr]


def test_sqlite_file_goes_through_the_resolver(scope) -> None:
    flow = Flow.new(
        resolve=lambda p: scope.resolve(p, what="source path"), root=scope.contents_root
    )
    src = flow.add_source(kind="sql", url="sqlite:///studio/users/bob/x.db", table="t")
    assert flow.preview(src).error.code == "path_outside_space"  # type: ignore[union-attr]


def test_duckdb_sql_over_files_and_nothing_else(tmp_path: Path) -> None:
    FRAME.write_parquet(tmp_path / "a.parquet")
    FRAME.write_csv(tmp_path / "b.csv")
    (tmp_path / "secret.csv").write_text("s\n42\n")
    flow = Flow.new(root=tmp_path)
    flow.add_parameter("n", "2")
    src = flow.add_source(
        kind="duckdb",
        query="SELECT a.id, b.name FROM a JOIN b USING (id) WHERE a.id >= {n} ORDER BY a.id",
        tables={"a": "a.parquet", "b": "b.csv"},
    )
    assert flow.sample(src)["id"].to_list() == [2, 3]
    assert flow.run(src, params={"n": "3"})["name"].to_list() == ["c"]
    sneaky = flow.add_source(
        kind="duckdb",
        query=f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')",
        tables={"a": "a.parquet"},
    )
    error = flow.preview(sneaky).error
    assert error is not None and error.code == "sql_error" and "table" in error.hint


# -- PostgreSQL ----------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_query(fresh_postgres_url: str, tmp_path: Path) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(fresh_postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id int, label text)"))
        conn.execute(sa.text("INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 250) g"))
    engine.dispose()
    flow = Flow.new(root=tmp_path, sample_size=100)
    src = flow.add_source(kind="sql", url=fresh_postgres_url, query="SELECT * FROM t ORDER BY id")
    assert flow.sample(src).height == 100
    assert flow.run(src, output=tmp_path / "t.parquet").rows == 250  # streamed through a spool file
    bad = flow.add_source(kind="sql", url=fresh_postgres_url, table="missing_table")
    assert flow.preview(bad).error.code == "sql_error"  # type: ignore[union-attr]


# -- S3 through moto's server mode ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_moto(env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # moto imports boto and Flask first: slow on a loaded machine
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    pytest.skip("moto server did not start")


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """A moto S3 server in its own process with a bucket of CSV and Parquet objects."""
    import boto3

    proc, url = _start_moto()
    try:
        client = boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket="lake")
        client.put_object(
            Bucket="lake", Key="sales/2026-11-01.csv", Body=FRAME.write_csv().encode()
        )
        for i in range(2):
            import io

            buf = io.BytesIO()
            FRAME.with_columns(pl.col("id") + 10 * i).write_parquet(buf)
            client.put_object(Bucket="lake", Key=f"parts/p{i}.parquet", Body=buf.getvalue())
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_object_store_file_prefix_and_parameters(
    s3: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAKE_KEY", "test")
    monkeypatch.setenv("LAKE_SECRET", "test")
    flow = Flow.new(root=tmp_path)
    flow.add_parameter("date", "2026-11-01")
    opts = {
        "endpoint_url": s3,
        "region": "us-east-1",
        "key": "${LAKE_KEY}",
        "secret": "${LAKE_SECRET}",
    }
    one = flow.add_source(kind="object_store", url="s3://lake/sales/{date}.csv", **opts)
    assert flow.sample(one)["name"].to_list() == ["a", "b", "c"]
    prefix = flow.add_source(kind="object_store", url="s3://lake/parts/", **opts)
    assert sorted(flow.run(prefix)["id"].to_list()) == [1, 2, 3, 11, 12, 13]
    assert "LAKE_SECRET" in json.dumps(flow.document.model_dump()) and "test" not in json.dumps(
        flow.node(one).parameters
    )
    missing = flow.add_source(kind="object_store", url="s3://lake/sales/{date}.csv", **opts)
    assert flow.preview(missing, params={"date": "1999-01-01"}).error.code == "object_not_found"  # type: ignore[union-attr]


def test_unreachable_object_store(tmp_path: Path) -> None:
    pytest.importorskip("s3fs")
    flow = Flow.new(root=tmp_path)
    src = flow.add_source(
        kind="object_store",
        url="s3://lake/x.csv",
        endpoint_url=f"http://127.0.0.1:{_free_port()}",
        key="k",
        secret="s",
    )
    error = flow.preview(src).error
    assert error is not None and error.code == "store_unreachable" and "endpoint" in error.hint


def test_bad_credentials(tmp_path: Path) -> None:
    """moto with IAM authentication on: a wrong secret is refused, the right one reads."""
    import boto3

    proc, url = _start_moto({"INITIAL_NO_AUTH_ACTION_COUNT": "3"})
    try:
        iam = boto3.client(
            "iam",
            endpoint_url=url,
            aws_access_key_id="x",
            aws_secret_access_key="x",
            region_name="us-east-1",
        )
        iam.create_user(UserName="u")
        key = iam.create_access_key(UserName="u")["AccessKey"]
        iam.put_user_policy(
            UserName="u",
            PolicyName="all",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                }
            ),
        )
        s3 = boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket="vault")
        s3.put_object(Bucket="vault", Key="x.csv", Body=b"a\n1\n")
        flow = Flow.new(root=tmp_path)
        good = flow.add_source(
            kind="object_store",
            url="s3://vault/x.csv",
            endpoint_url=url,
            key=key["AccessKeyId"],
            secret=key["SecretAccessKey"],
        )
        assert flow.sample(good)["a"].to_list() == [1]
        bad = flow.add_source(
            kind="object_store",
            url="s3://vault/x.csv",
            endpoint_url=url,
            key=key["AccessKeyId"],
            secret="wrong",
        )
        error = flow.preview(bad).error
        assert error is not None and error.code == "store_access_denied" and "secret" in error.hint
    finally:
        proc.terminate()
        proc.wait(10)
