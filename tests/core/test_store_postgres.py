"""The metadata store and the engine on PostgreSQL (the documented multi-server setup).

Needs the ``postgres_server`` fixtures of ``tests/postgres_fixture.py`` (registered in
``tests/conftest.py``); skipped when Debian's PostgreSQL binaries are missing.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from jupyter_studio.core.jobs.schemas import JobStatus
from jupyter_studio.core.spaces.schemas import CreateSpace
from jupyter_studio.core.spaces.service import Caller
from jupyter_studio.core.spaces.tables import DomainRow, UserProfileRow
from jupyter_studio.core.store import Store
from jupyter_studio.core.studio import Studio

pytestmark = pytest.mark.postgres

TABLES = {"domains", "user_profiles", "spaces", "space_members", "jobs", "alembic_version"}


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_store_creates_schema_at_head(fresh_postgres_url: str) -> None:
    store = Store(fresh_postgres_url)
    try:
        assert store.backend == "postgresql"
        assert store.head_revision() is not None
        assert store.current_revision() == store.head_revision()
        assert _tables(fresh_postgres_url) >= TABLES
    finally:
        store.dispose()


def test_second_store_upgrades_nothing_and_keeps_rows(fresh_postgres_url: str, monkeypatch) -> None:
    first = Store(fresh_postgres_url)
    with first.session() as session:
        session.add(
            DomainRow(domain_id="d1", name="team", root_dir="/srv/studio", settings={"k": 1})
        )
        session.flush()
        session.add(
            UserProfileRow(username="alice", domain_id="d1", display_name="Alice", settings={})
        )
    first.dispose()

    from alembic import command

    calls: list[str] = []
    monkeypatch.setattr(command, "upgrade", lambda *a, **k: calls.append("upgrade"))
    second = Store(fresh_postgres_url)
    try:
        assert calls == [], "a second Store on an up-to-date database must not run migrations"
        assert second.current_revision() == second.head_revision()
        with second.session() as session:
            domain = session.get(DomainRow, "d1")
            profile = session.get(UserProfileRow, "alice")
            assert domain is not None and domain.settings == {"k": 1}
            assert profile is not None and profile.display_name == "Alice"
    finally:
        second.dispose()


def test_concurrent_first_start_ends_at_head(fresh_postgres_url: str) -> None:
    """Servers that start together on an empty database serialise the upgrade (advisory lock)."""
    errors: list[BaseException] = []
    stores: list[Store] = []
    lock = threading.Lock()

    def start() -> None:
        try:
            store = Store(fresh_postgres_url)
            with lock:
                stores.append(store)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert len(stores) == 4
        assert {store.current_revision() for store in stores} == {Store.head_revision()}
    finally:
        for store in stores:
            store.dispose()


def _studio(root: Path, url: str, **kwargs) -> Studio:
    return Studio(
        domain_root=str(root),
        contents_root=str(root),
        db_url=url,
        poll_interval=0.2,
        default_user="tester",
        **kwargs,
    )


def test_processing_job_completes_on_postgres(tmp_path: Path, fresh_postgres_url: str) -> None:
    with _studio(tmp_path, fresh_postgres_url) as studio:
        assert studio.spaces.describe_domain().store == "postgresql"
        home = studio.spaces.home_dir("tester")
        home.mkdir(parents=True, exist_ok=True)
        (home / "hello.py").write_text(
            "from pathlib import Path\n"
            "print('##studio[progress] 0.5 halfway', flush=True)\n"
            "Path('result.txt').write_text('42')\n"
            "print('hello from postgres job')\n"
        )
        job = studio.submit_job("processing", {"script": "users/tester/hello.py"})
        assert job.status == JobStatus.PENDING
        done = studio.wait(job.job_id, timeout=60, poll=0.2)
        logs = studio.job_logs(job.job_id).content
        assert done.status == JobStatus.COMPLETED, (done.status_message, logs)
        assert done.exit_code == 0
        assert "hello from postgres job" in logs
        artifacts = studio.jobs.artifacts(studio.caller(), job.job_id)
        assert [a.name for a in artifacts] == ["result.txt"]


def test_two_studios_share_profiles_spaces_and_jobs(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    """Two servers on one PostgreSQL database and one domain root see the same state."""
    with (
        _studio(tmp_path, fresh_postgres_url, admin_users={"alice"}) as one,
        _studio(tmp_path, fresh_postgres_url, admin_users={"alice"}) as two,
    ):
        assert one.spaces.domain_id == two.spaces.domain_id
        alice1 = one.caller("alice")
        bob2 = two.caller("bob")
        assert alice1.is_admin and not bob2.is_admin

        # Profiles created through either server are listed by both.
        names1 = [p.username for p in one.spaces.list_profiles(alice1)]
        names2 = [p.username for p in two.spaces.list_profiles(two.caller("alice"))]
        assert names1 == names2
        assert {"alice", "bob"} <= set(names1)

        # A space created on one server is visible, with its members, on the other.
        space = one.spaces.create_space(
            alice1, CreateSpace(name="Team A", kind="shared", members=["bob"])
        )
        seen = two.spaces.list_spaces(bob2)
        assert [s.space_id for s in seen] == [space.space_id]
        assert seen[0].members == ["alice", "bob"]
        assert two.spaces.list_spaces(Caller("carol")) == []

        # A job submitted on server one is readable by a space member through server two.
        folder = tmp_path / "spaces" / Path(space.path or "").name
        (folder / "hi.py").write_text("print('hi')\n")
        job = one.submit_job(
            "processing", {"script": f"{space.path}/hi.py"}, space_id=space.space_id, user="alice"
        )
        done = one.wait(job.job_id, timeout=60, poll=0.2, user="alice")
        assert done.status == JobStatus.COMPLETED, done.status_message
        listed = two.list_jobs(user="bob")
        assert [j.job_id for j in listed.items] == [job.job_id]
        assert two.get_job(job.job_id, user="bob").status == JobStatus.COMPLETED


@pytest.mark.postgres
def test_concurrent_first_starts_share_one_domain_on_postgres(
    fresh_postgres_url: str, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from jupyter_studio.core.spaces.service import SpaceService

    store = Store(fresh_postgres_url)
    try:

        def start(_: int) -> str:
            return SpaceService(
                store, domain_root=tmp_path / "domain", contents_root=tmp_path
            ).domain_id

        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = set(pool.map(start, range(16)))
        assert len(ids) == 1
    finally:
        store.dispose()
