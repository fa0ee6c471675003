"""A real JupyterHub on 127.0.0.1 running Jupyter Studio for several users.

The hub loads ``examples/jupyterhub/jupyterhub_config.py`` unchanged (settings through
its environment variables) plus a small test config that adds a service token able to
create users, start their servers and mint their tokens. The store is PostgreSQL when
``tests/postgres_fixture.py`` can start a cluster (the documented multi-server setup),
else SQLite in the temporary folder.

Needs: ``jupyterhub`` (PyPI), Node.js + npm (the fixture runs
``npm install --prefix ~/.cache/jupyter-studio-tests/chp configurable-http-proxy`` once).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port

requests = pytest.importorskip("requests")
pytest.importorskip("jupyterhub", reason="JupyterHub is not installed: pip install jupyterhub")

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = REPO / "examples" / "jupyterhub" / "jupyterhub_config.py"
CHP_CACHE = Path(
    os.environ.get("STUDIO_TEST_CHP_DIR", "~/.cache/jupyter-studio-tests/chp")
).expanduser()
CHP_SPEC = "configurable-http-proxy@^5"
USERS = ("alice", "bob", "carol")
ADMINS = ("alice",)
# A hub and its single-user servers start slowly on a 2-core machine busy with other work.
HUB_START_TIMEOUT = 120
SPAWN_TIMEOUT = 180


def configurable_http_proxy() -> str:
    """Path of configurable-http-proxy, installed into a cache folder on first use."""
    override = os.environ.get("STUDIO_CHP_COMMAND")
    if override:
        return override
    binary = CHP_CACHE / "node_modules" / ".bin" / "configurable-http-proxy"
    if binary.exists():
        return str(binary)
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(
            "npm is not installed: the hub tests need Node.js + npm for configurable-http-proxy "
            "(apt-get install -y nodejs npm)"
        )
    CHP_CACHE.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(CHP_CACHE),
            CHP_SPEC,
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0 or not binary.exists():
        raise RuntimeError(
            f"npm install configurable-http-proxy failed:\n{result.stdout}\n{result.stderr}"
        )
    return str(binary)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    with contextlib.suppress(Exception), open(f"/proc/{pid}/stat") as handle:
        if handle.read().split(") ", 1)[1].startswith("Z"):
            return False
    return True


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = [pid for pid in pids if pid_alive(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if pid_alive(pid)]
    return alive


@dataclass
class Hub:
    """A running hub: URLs, the service token, per-user tokens and the PIDs to clean up."""

    base: Path
    url: str  # public proxy URL, e.g. http://127.0.0.1:8123
    service_token: str
    domain_root: Path
    db_url: str
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    proxy_pid_file: Path | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    server_pids: dict[str, int] = field(default_factory=dict)
    http: Any = field(default_factory=lambda: requests.Session())

    @property
    def store(self) -> str:
        return "postgresql" if self.db_url.startswith("postgresql") else "sqlite"

    def log_tail(self, chars: int = 4000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-chars:]

    # ---------------------------------------------------------- hub API
    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"token {self.service_token}"}
        kwargs.setdefault("timeout", 30)
        return self.http.request(method, f"{self.url}/hub/api{path}", headers=headers, **kwargs)

    # ----------------------------------------------------- user requests
    def request(self, user: str, method: str, path: str, **kwargs: Any) -> Any:
        """A request to ``user``'s server: ``path`` is relative to /user/<name>/."""
        headers = {"Authorization": f"token {self.tokens[user]}", **kwargs.pop("headers", {})}
        url = f"{self.url}/user/{user}/{path.lstrip('/')}"
        kwargs.setdefault("timeout", 30)
        return self.http.request(method, url, headers=headers, **kwargs)

    def studio(self, user: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(user, method, "studio/api/" + path.lstrip("/"), **kwargs)

    def contents(self, user: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(user, method, "api/contents/" + path.lstrip("/"), **kwargs)

    def put_text(self, user: str, path: str, text: str) -> Any:
        return self.contents(
            user, "PUT", path, json={"type": "file", "format": "text", "content": text}
        )

    # ------------------------------------------------------------ lifecycle
    def proxy_pid(self) -> int | None:
        with contextlib.suppress(Exception):
            assert self.proxy_pid_file is not None
            return int(self.proxy_pid_file.read_text().strip())
        return None

    def shutdown(self) -> None:
        """Stop servers, hub and proxy; whatever survives is killed by its recorded PID."""
        proxy_pid = self.proxy_pid()
        if self.process is not None and self.process.poll() is None:
            for user in list(self.server_pids) or list(USERS):
                with contextlib.suppress(Exception):
                    self.api("DELETE", f"/users/{user}/server", timeout=10)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and any(
                pid_alive(p) for p in self.server_pids.values()
            ):
                time.sleep(0.2)
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        leftovers = [pid for pid in [*self.server_pids.values(), proxy_pid] if pid]
        for pid in wait_gone(leftovers, 5):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in wait_gone(leftovers, 5):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.http.close()


TEST_CONFIG = """\
# Generated by tests/hub/conftest.py: the example config plus a service for the tests.
import os
example = {example!r}
if not os.path.exists(example):
    raise SystemExit("missing " + example)
load_subconfig(example)
c = get_config()
c.JupyterHub.services = [{{"name": "studio-tests", "api_token": os.environ["STUDIO_TEST_SERVICE_TOKEN"]}}]
c.JupyterHub.load_roles = [{{
    "name": "studio-tests",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens"],
    "services": ["studio-tests"],
}}]
# Start and stop calls return at once, so the users' servers spawn and stop in parallel.
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0, "slow_stop_timeout": 0}}
c.Spawner.start_timeout = {spawn_timeout}
c.Spawner.http_timeout = {spawn_timeout}
"""


def _store_url(request: pytest.FixtureRequest, base: Path) -> str:
    """A PostgreSQL database when a throw-away cluster can start, else SQLite in ``base``."""
    try:
        server = request.getfixturevalue("postgres_server")
        return server.create_database("studio_hub")
    except pytest.FixtureLookupError:
        reason = "the postgres_server fixture is not registered (tests/conftest.py pytest_plugins)"
    except pytest.skip.Exception as exc:
        reason = str(exc)
    warnings.warn(f"hub tests use SQLite because {reason}", stacklevel=1)
    return f"sqlite:///{base / 'domain' / 'studio.db'}"


def _wait_for(condition: Any, timeout: float, what: str, hub: Hub) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if hub.process is not None and hub.process.poll() is not None:
            raise RuntimeError(
                f"JupyterHub exited ({hub.process.returncode}) while waiting for {what}:\n"
                f"{hub.log_tail()}"
            )
        try:
            last = condition()
        except requests.RequestException as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(0.2)
    raise TimeoutError(
        f"Timed out after {timeout} s waiting for {what} (last: {last!r}):\n{hub.log_tail()}"
    )


@pytest.fixture(scope="session")
def hub(request: pytest.FixtureRequest) -> Iterator[Hub]:
    """JupyterHub with alice, bob and carol's servers running Studio on one domain and store."""
    chp = configurable_http_proxy()
    base = Path(tempfile.mkdtemp(prefix="studio-hub-"))
    (base / "hub").mkdir()
    domain_root = base / "domain"
    db_url = _store_url(request, base)
    port, hub_port, proxy_api_port = free_port(), free_port(), free_port()
    hub_obj = Hub(
        base=base,
        url=f"http://127.0.0.1:{port}",
        service_token=secrets.token_hex(32),
        domain_root=domain_root,
        db_url=db_url,
        log_path=base / "hub" / "jupyterhub.log",
        proxy_pid_file=base / "hub" / "jupyterhub-proxy.pid",
    )
    config = base / "hub" / "jupyterhub_test_config.py"
    config.write_text(TEST_CONFIG.format(example=str(EXAMPLE_CONFIG), spawn_timeout=SPAWN_TIMEOUT))
    env = {
        **os.environ,
        "STUDIO_DOMAIN_ROOT": str(domain_root),
        "STUDIO_DB_URL": db_url,
        "STUDIO_ADMINS": ",".join(ADMINS),
        "STUDIO_DOMAIN_NAME": "hub-tests",
        "STUDIO_HUB_STATE_DIR": str(base / "hub"),
        "STUDIO_HUB_IP": "127.0.0.1",
        "STUDIO_HUB_PORT": str(port),
        "STUDIO_HUB_API_PORT": str(hub_port),
        "STUDIO_PROXY_API_PORT": str(proxy_api_port),
        "STUDIO_CHP_COMMAND": chp,
        "STUDIO_TEST_SERVICE_TOKEN": hub_obj.service_token,
    }
    for name in (
        "JUPYTERHUB_USER",
        "JUPYTERHUB_API_TOKEN",
        "JUPYTER_STUDIO_ROOT",
        "JUPYTER_STUDIO_DB_URL",
        "JUPYTER_STUDIO_CONTENTS_ROOT",
        "STUDIO_SHARED_PASSWORD",
    ):
        env.pop(name, None)
    log = open(hub_obj.log_path, "wb")  # noqa: SIM115 - closed in the finally below
    try:
        hub_obj.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=base / "hub",
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_for(
            lambda: hub_obj.api("GET", "/").status_code == 200,
            HUB_START_TIMEOUT,
            "the hub API",
            hub_obj,
        )

        response = hub_obj.api("POST", "/users", json={"usernames": list(USERS)})
        assert response.status_code in (201, 409), response.text
        for user in USERS:
            response = hub_obj.api("POST", f"/users/{user}/server")
            assert response.status_code in (201, 202), (user, response.status_code, response.text)

        def ready(user: str) -> dict[str, Any] | None:
            model = hub_obj.api("GET", f"/users/{user}").json()
            server = model.get("servers", {}).get("")
            return server if server and server.get("ready") else None

        for user in USERS:
            server = _wait_for(
                lambda user=user: ready(user), SPAWN_TIMEOUT, f"{user}'s server", hub_obj
            )
            pid = (server.get("state") or {}).get("pid")
            if pid:
                hub_obj.server_pids[user] = int(pid)
            response = hub_obj.api(
                "POST",
                f"/users/{user}/tokens",
                json={"note": "jupyter studio hub tests", "expires_in": 3600},
            )
            assert response.status_code == 201, response.text
            hub_obj.tokens[user] = response.json()["token"]
        yield hub_obj
    finally:
        try:
            hub_obj.shutdown()
        finally:
            log.close()
            if request.session.testsfailed:
                sys.stderr.write(f"\n--- JupyterHub log (tail) ---\n{hub_obj.log_tail(8000)}\n")
            if os.environ.get("STUDIO_TEST_KEEP_HUB_DIR"):
                sys.stderr.write(f"\nkept the hub folder {base}\n")
            else:
                shutil.rmtree(base, ignore_errors=True)
