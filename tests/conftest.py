"""Shared fixtures: a Studio engine on a temporary SQLite file, and the Jupyter server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server", "tests.postgres_fixture")

# Nothing in the suite may read the developer's own Studio domain.
for _name in (
    "JUPYTER_STUDIO_ROOT",
    "JUPYTER_STUDIO_DB_URL",
    "JUPYTER_STUDIO_CONTENTS_ROOT",
    "JUPYTERHUB_USER",
    "JUPYTERHUB_API_TOKEN",
):
    os.environ.pop(_name, None)

STUDIO_ENV = ("JUPYTER_STUDIO_ROOT", "JUPYTER_STUDIO_DB_URL", "JUPYTER_STUDIO_CONTENTS_ROOT")


#: With STUDIO_TEST_TIMINGS=<file>, each test's set-up, call and tear-down time is appended to that
#: file as the test ends (tab-separated), so a run cut short still tells where the time went.
_TIMINGS = os.environ.get("STUDIO_TEST_TIMINGS")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if _TIMINGS:
        with open(_TIMINGS, "a", encoding="utf-8") as out:
            out.write(f"{report.duration:.2f}\t{report.when}\t{report.outcome}\t{report.nodeid}\n")


@pytest.fixture(autouse=True)
def _forget_exported_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server exports its domain for kernels; no test may see another test's domain."""
    for name in STUDIO_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def contents_root(tmp_path: Path) -> Path:
    root = tmp_path / "files"
    root.mkdir()
    return root


@pytest.fixture
def studio(contents_root: Path) -> Iterator:
    """The core engine on a temp SQLite store, with a fast runner."""
    from jupyter_studio.core.studio import Studio

    engine = Studio(
        contents_root=str(contents_root),
        poll_interval=0.1,
        stop_grace_seconds=2.0,
        default_user="alice",
        admin_users={"admin"},
    )
    try:
        yield engine
    finally:
        engine.close()


def write_script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path
