"""The registry's Alembic revision upgrades a store of the previous release and keeps its rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from jupyter_studio.core.store import Store
from jupyter_studio.core.store.engine import alembic_config

REVISION = "0003"
PREVIOUS = "0002"


def _upgrade_to(store: Store, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_models_revision_follows_the_previous_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    revision = script.get_revision(REVISION)
    assert revision is not None and revision.down_revision == PREVIOUS
    assert len(script.get_heads()) == 1


@pytest.mark.parametrize("start", ["0001", PREVIOUS])
def test_upgrade_from_an_older_release_keeps_rows(tmp_path: Path, start: str) -> None:
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    old = Store(url, upgrade=False)
    _upgrade_to(old, start)
    assert "registered_models" not in inspect(old.engine).get_table_names()
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO domains (domain_id, name, root_dir, settings, created_at) "
                "VALUES ('d1', 'team', '/srv', '{\"keep\": true}', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO jobs (job_id, name, kind, owner, parameters, status, progress, "
                "progress_message, created_at, executor, job_dir, spec) VALUES ('j1', 'train', "
                "'processing', 'alice', '{}', 'Completed', 1.0, '', '2026-01-01 00:00:00', "
                "'local', '/srv/users/alice/jobs/j1', '{}')"
            )
        )
    old.dispose()

    upgraded = Store(url)
    try:
        assert upgraded.current_revision() == Store.head_revision()
        tables = set(inspect(upgraded.engine).get_table_names())
        assert {"registered_models", "model_versions"} <= tables
        with upgraded.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM domains WHERE domain_id='d1'")).scalar() == (
                "team"
            )
            assert conn.execute(text("SELECT status FROM jobs WHERE job_id='j1'")).scalar() == (
                "Completed"
            )
    finally:
        upgraded.dispose()


def test_registered_rows_survive_reopening_and_a_downgrade_round_trip(  # noqa: ANN001
    studio, model_folder
) -> None:
    from alembic import command

    from tests.core.models.conftest import make_registry

    registry = make_registry(studio)
    alice = studio.caller("alice")
    registry.register(alice, model_folder, "kept", metrics={"auc": 0.7})
    url = studio.store.db_url

    again = Store(url)  # a second server starting on the same store upgrades nothing
    try:
        with again.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM registered_models")).scalar() == "kept"
            assert conn.execute(text("SELECT version FROM model_versions")).scalar() == 1
        cfg = alembic_config()
        with again.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, PREVIOUS)
        assert "model_versions" not in inspect(again.engine).get_table_names()
        assert again.current_revision() == PREVIOUS
    finally:
        again.dispose()


@pytest.mark.postgres
def test_concurrent_registrations_on_postgresql(
    fresh_postgres_url, contents_root, model_folder
) -> None:  # noqa: ANN001
    import threading

    from jupyter_studio.core.studio import Studio
    from tests.core.models.conftest import make_registry

    studio = Studio(
        contents_root=str(contents_root), db_url=fresh_postgres_url, default_user="alice"
    )
    try:
        registry = make_registry(studio)
        alice = studio.caller("alice")
        results: list[int] = []
        errors: list[BaseException] = []
        start = threading.Barrier(5)

        def register() -> None:
            try:
                start.wait()
                results.append(registry.register(alice, model_folder, "racy").version)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=register) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        assert sorted(results) == [1, 2, 3, 4, 5]
        assert registry.get_model(alice, "racy").version_count == 5
    finally:
        studio.close()
