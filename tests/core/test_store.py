"""The metadata store: schema creation, versioning, upgrades that keep rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from jupyter_studio.core.errors import InvalidInput
from jupyter_studio.core.spaces.tables import DomainRow
from jupyter_studio.core.store import Store
from jupyter_studio.core.store.orm import Base


def test_new_store_creates_every_table_at_head(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'studio.db'}")
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "domains",
        "user_profiles",
        "spaces",
        "space_members",
        "jobs",
        "alembic_version",
    } <= tables
    assert store.current_revision() == Store.head_revision() is not None


def test_migrations_match_the_orm_models(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'studio.db'}")
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_reopening_an_existing_store_keeps_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    first = Store(url)
    with first.session() as session:
        session.add(DomainRow(domain_id="d1", name="team", root_dir="/srv", settings={"a": 1}))
    first.dispose()
    second = Store(url)
    with second.session() as session:
        row = session.get(DomainRow, "d1")
        assert row is not None and row.settings == {"a": 1}
    assert second.current_revision() == Store.head_revision()


def test_an_empty_database_from_an_older_release_is_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    store = Store(url, upgrade=False)
    assert store.current_revision() is None
    store.upgrade()
    assert store.current_revision() == Store.head_revision()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'studio.db'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 10_000


def test_a_malformed_db_url_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="not a valid SQLAlchemy URL"):
        Store("not a url at all")


def test_a_later_release_migrates_an_existing_store_without_losing_rows(
    tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    """Simulate the next release: a new revision adds a column; old rows survive the upgrade."""
    import shutil

    from jupyter_studio.core.store import engine as engine_module

    url = f"sqlite:///{tmp_path / 'studio.db'}"
    old = Store(url)
    with old.session() as session:
        session.add(
            DomainRow(domain_id="d1", name="team", root_dir="/srv", settings={"keep": True})
        )
    head = old.head_revision()
    old.dispose()

    next_release = tmp_path / "migrations"
    shutil.copytree(
        engine_module.MIGRATIONS_DIR, next_release, ignore=shutil.ignore_patterns("__pycache__")
    )
    (next_release / "versions" / "9999_domain_description.py").write_text(
        'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "9999"\n'
        f"down_revision = {head!r}\n"
        "branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n"
        '    with op.batch_alter_table("domains") as batch:\n'
        '        batch.add_column(sa.Column("description", sa.Text(), nullable=True))\n\n\n'
        "def downgrade():\n"
        '    with op.batch_alter_table("domains") as batch:\n'
        '        batch.drop_column("description")\n'
    )
    monkeypatch.setattr(engine_module, "MIGRATIONS_DIR", next_release)

    upgraded = Store(url)
    assert upgraded.current_revision() == "9999"
    columns = {c["name"] for c in inspect(upgraded.engine).get_columns("domains")}
    assert "description" in columns
    with upgraded.engine.connect() as conn:
        assert conn.execute(
            text("SELECT name, settings FROM domains WHERE domain_id='d1'")
        ).one() == ("team", '{"keep": true}')
