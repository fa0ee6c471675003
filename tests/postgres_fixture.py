"""A throw-away PostgreSQL cluster for the test session.

Register from ``tests/conftest.py`` with::

    pytest_plugins = ["tests.postgres_fixture"]

Fixtures:

``postgres_server`` (session)
    Starts ``initdb`` + ``pg_ctl`` from Debian's ``/usr/lib/postgresql/<ver>/bin`` on
    127.0.0.1 at a free port, in a fresh temporary folder; stops it and removes the
    folder at the end of the session. Skips with a clear message when the binaries or
    psycopg are missing. ``server.create_database(name)`` returns a SQLAlchemy URL.
``postgres_url`` (session)
    ``postgresql+psycopg://postgres@127.0.0.1:<port>/studio`` of a database created once
    for the session.
``fresh_postgres_url`` (function)
    A new, empty database for one test.

As root, PostgreSQL refuses to run: initdb and pg_ctl run as the ``postgres`` OS user
(``runuser -u postgres --``) in a folder that user owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

INSTALL_HINT = (
    "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
    "install them with `apt-get install -y postgresql` (Debian/Ubuntu)"
)
PSYCOPG_HINT = (
    "psycopg is not installed: `pip install 'psycopg[binary]'` (or `pip install -e .[test]`)"
)
START_TIMEOUT = 120  # initdb and the first start are slow on a loaded machine


def find_pg_bindir() -> Path | None:
    """The newest Debian PostgreSQL bin folder that has initdb and pg_ctl (or $PG_BINDIR)."""
    env = os.environ.get("PG_BINDIR")
    candidates = [env] if env else []

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parent.name
        return tuple(int(x) for x in part.split(".") if x.isdigit()) or (0,)

    candidates += [
        str(Path(p).parent)
        for p in sorted(
            glob.glob("/usr/lib/postgresql/*/bin/initdb"),
            key=lambda p: version(str(Path(p).parent)),
            reverse=True,
        )
    ]
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One running cluster: ``url(db)``, ``create_database(name)``, ``stop()``."""

    def __init__(self, bindir: Path, base: Path, port: int, run_as: list[str]):
        self.bindir = bindir
        self.base = base
        self.data = base / "data"
        self.sockets = base / "sockets"
        self.logfile = base / "postgres.log"
        self.port = port
        self.run_as = run_as
        self.user = "postgres"
        self.started = False

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [*self.run_as, *args]
        result = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace")[-3000:] if self.logfile.exists() else ""
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{log}"
            )
        return result

    def start(self) -> None:
        self._run("mkdir", "-p", str(self.sockets))
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.sockets} -F "
            "-c max_connections=200 -c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-o",
            options,
            "-w",
            "-t",
            str(START_TIMEOUT),
            "start",
            timeout=START_TIMEOUT + 10,
        )
        self.started = True

    def stop(self) -> None:
        if not self.started:
            return
        try:
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "-w",
                "stop",
                timeout=30,
            )
        except Exception:
            # Last resort: the postmaster PID from its pid file (never a broad kill).
            pid_file = self.data / "postmaster.pid"
            with contextlib.suppress(Exception):
                os.kill(int(pid_file.read_text().splitlines()[0]), 9)
        self.started = False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """Create a database and return its SQLAlchemy URL."""
        import psycopg

        name = name or f"studio_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _make_base_dir() -> tuple[Path, list[str]]:
    """A fresh folder the server's OS user owns, and the command prefix to run as that user."""
    base = Path(tempfile.mkdtemp(prefix="studio-pg-"))
    if os.geteuid() != 0:
        return base, []
    runuser = shutil.which("runuser")
    if runuser is None:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(
            "Running as root needs `runuser` (util-linux) to start PostgreSQL as the postgres user"
        )
    import pwd

    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip("Running as root needs the `postgres` OS user: " + INSTALL_HINT)
    os.chown(base, pw.pw_uid, pw.pw_gid)
    os.chmod(base, 0o700)
    return base, [runuser, "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_pg_bindir()
    if bindir is None:
        pytest.skip(INSTALL_HINT)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip(PSYCOPG_HINT)
    base, run_as = _make_base_dir()
    server = None
    try:
        for attempt in range(3):  # a free port can be taken between the probe and the bind
            server = PostgresServer(bindir, base, free_port(), run_as)
            try:
                server.start()
                break
            except RuntimeError:
                if attempt == 2:
                    raise
                with contextlib.suppress(Exception):
                    server.stop()
                subprocess.run(
                    [*run_as, "rm", "-rf", str(server.data), str(server.logfile)], check=False
                )
                time.sleep(0.2)
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of a database created once for the session."""
    return postgres_server.create_database("studio")


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of a new, empty database for one test."""
    return postgres_server.create_database()
