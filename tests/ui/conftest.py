"""Browser fixtures: a real JupyterLab server with Studio, driven by Debian's Chromium.

No browser is downloaded: Playwright launches /usr/bin/chromium. Each test saves a
screenshot under test-artifacts/ui/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import LONG_WAIT, free_port, studio_api

CHROMIUM = os.environ.get("STUDIO_TEST_CHROMIUM", "/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "ui"
# A job kind with no form of its own (tests/ui/kinds.py); the server and its workers import it.
EXTRA_KIND = "tests.ui.kinds:GreetJob"
TOKEN = "studio-ui-test-token"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class LabServer:
    def __init__(self, root: Path, port: int, process: subprocess.Popen[bytes], log_path: Path):
        self.root, self.port, self.process, self.log_path = root, port, process, log_path
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path}{sep}token={TOKEN}"

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        return studio_api(self.base, TOKEN, method, path, body)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium (scripts/test.sh does)")
    root = tmp_path_factory.mktemp("lab-root")
    home = tmp_path_factory.mktemp("lab-home")
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_STUDIO_", "JUPYTERHUB_"))
    }
    env.update(
        {
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
            "JUPYTER_RUNTIME_DIR": str(home / "rt"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        }
    )
    settings = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    env["JUPYTERLAB_SETTINGS_DIR"] = str(home / "lab-settings")
    log_path = root.parent / "lab-server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in teardown
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={TOKEN}",
            "--ServerApp.disable_check_xsrf=False",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--Studio.poll_interval=0.2",
            "--Studio.stop_grace_seconds=3",
            f"--Studio.extra_job_kinds={EXTRA_KIND}",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LabServer(root, port, process, log_path)
    deadline = time.monotonic() + LONG_WAIT  # JupyterLab starts slowly on a loaded machine
    while True:
        try:
            status, _ = server.api("GET", "info")
            if status == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.close()
            raise RuntimeError("JupyterLab did not start:\n" + log_path.read_text()[-4000:])
        time.sleep(0.3)
    yield server
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found")
    user_data = Path(os.environ.get("TMPDIR", "/tmp")) / f"studio-chromium-{os.getpid()}"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()
    shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    # JupyterLab is a heavy page: on a 2-core machine busy with other work, loading it and
    # drawing a panel can take well over 30 s. A deadline only costs time when something broke.
    page.set_default_timeout(90_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


def show_home(page):  # noqa: ANN001, ANN201
    """The Studio home side panel, opened from the left side bar if it is not showing."""
    home = page.locator('[data-testid="studio-home"]')
    if not home.is_visible():
        page.locator(
            '.jp-SideBar [data-id="jp-studio-home"], .jp-SideBar li[title*="Studio"]'
        ).first.click()
    home.wait_for()
    return home


def open_jobs(page):  # noqa: ANN001, ANN201
    """The Jobs panel, opened from its launcher card."""
    page.locator(".jp-LauncherCard", has_text=re.compile(r"^Jobs$")).click()
    view = page.locator(".jp-studio-JobsView")
    view.wait_for()
    return view


def new_job_form(page, kind_title: str = "Processing script"):  # noqa: ANN001, ANN201
    """Choose a kind from the Jobs panel's "New job" menu; the kind's form."""
    page.locator(".jp-studio-JobsView-toolbar").get_by_role("button", name="New job").click()
    page.get_by_role("menu", name="Job kinds").get_by_role(
        "menuitem", name=re.compile(rf"^{re.escape(kind_title)}")
    ).click()
    form = page.locator("form.jp-studio-NewJobForm")
    form.wait_for()
    return form


def open_lab(page, server: LabServer) -> None:  # noqa: ANN001
    """Open JupyterLab on a fresh workspace, so no earlier test's tabs are restored."""
    import uuid

    page.goto(server.url(f"lab/workspaces/ui-{uuid.uuid4().hex[:8]}?reset"))
    page.wait_for_selector("#jp-main-dock-panel", state="attached")
    page.wait_for_selector(".jp-Launcher", state="visible")


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> Iterator[None]:
    """Browser tests need no asyncio loop of pytest-jupyter's: Playwright's sync API runs its own,
    and closing that one after each test would fail."""
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> Iterator[None]:
    """No in-process Jupyter server here: the browser tests start a real one in a subprocess."""
    yield None
