"""A real server process killed with SIGKILL mid-job: jobs and their state survive honestly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.support import LONG_WAIT, SHORT_WAIT, free_port, studio_api, wait_until

TOKEN = "restart-test"


class Server:
    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JUPYTER_STUDIO_", "JUPYTERHUB_"))
        }
        self.log = open(root.parent / f"server-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                "--no-browser",
                "--allow-root",
                f"--port={self.port}",
                "--ip=127.0.0.1",
                f"--ServerApp.root_dir={root}",
                f"--IdentityProvider.token={TOKEN}",
                "--Studio.poll_interval=0.2",
            ],
            cwd=root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + LONG_WAIT  # a loaded machine starts Jupyter slowly
        while True:
            try:
                if self.api("GET", "info")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((root.parent / f"server-{self.port}.log").read_text()[-3000:])
            time.sleep(0.2)

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        return studio_api(f"http://127.0.0.1:{self.port}", TOKEN, method, path, body)

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=SHORT_WAIT)
        self.log.close()

    def wait_job(self, job_id: str, statuses: set[str], timeout: float = SHORT_WAIT) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code, job = self.api("GET", f"jobs/{job_id}")
            if job["status"] in statuses:
                return job
            time.sleep(0.2)
        raise AssertionError(f"job stayed {job['status']}")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    folder.mkdir()
    (folder / "steady.py").write_text(
        "import time\nfrom jupyter_studio.runtime import report_progress\nprint('SCRIPT-READY', flush=True)\n"
        "for i in range(20):\n    report_progress(i / 20, f'tick {i}')\n    time.sleep(0.2)\nprint('finished')\n"
    )
    (folder / "forever.py").write_text(
        "import time\nprint('SCRIPT-READY', flush=True)\ntime.sleep(600)\n"
    )
    return folder


def wait_log(server: Server, job_id: str, text: str) -> None:
    wait_until(
        lambda: text in server.api("GET", f"jobs/{job_id}/logs")[1]["content"],
        what=f"{text!r} in the log of job {job_id}",
    )


def test_job_outlives_a_killed_server_and_finishes(root: Path) -> None:
    first = Server(root)
    code, job = first.api(
        "POST", "jobs", {"kind": "processing", "parameters": {"script": "steady.py"}}
    )
    assert code == 201
    wait_log(first, job["job_id"], "SCRIPT-READY")
    first.kill9()
    second = Server(root)
    try:
        assert second.api("GET", f"jobs/{job['job_id']}")[1]["status"] in (
            "InProgress",
            "Completed",
        )
        done = second.wait_job(job["job_id"], {"Completed", "Failed"})
        assert done["status"] == "Completed", done["status_message"]
        assert "finished" in second.api("GET", f"jobs/{job['job_id']}/logs")[1]["content"]
    finally:
        second.stop()


def test_worker_killed_while_the_server_is_down_is_reported_failed(root: Path) -> None:
    first = Server(root)
    code, job = first.api(
        "POST", "jobs", {"kind": "processing", "parameters": {"script": "forever.py"}}
    )
    wait_log(first, job["job_id"], "SCRIPT-READY")
    workers = [
        p
        for p in psutil.process_iter(["cmdline"])
        if job["job_id"] in " ".join(p.info["cmdline"] or [])
    ]
    assert len(workers) == 1
    first.kill9()
    workers[0].send_signal(signal.SIGKILL)
    second = Server(root)
    try:
        failed = second.wait_job(job["job_id"], {"Failed"})
        assert "killed or crashed" in failed["status_message"]
        assert "SCRIPT-READY" in second.api("GET", f"jobs/{job['job_id']}/logs")[1]["content"]
        leftovers = [
            p
            for p in psutil.process_iter(["cmdline"])
            if str(root / "forever.py") in " ".join(p.info["cmdline"] or [])
        ]
        assert leftovers == []
    finally:
        second.stop()


def test_worker_killed_while_the_server_runs_is_failed_at_once(root: Path) -> None:
    server = Server(root)
    try:
        code, job = server.api(
            "POST", "jobs", {"kind": "processing", "parameters": {"script": "forever.py"}}
        )
        wait_log(server, job["job_id"], "SCRIPT-READY")
        worker = next(
            p
            for p in psutil.process_iter(["cmdline"])
            if job["job_id"] in " ".join(p.info["cmdline"] or [])
        )
        worker.send_signal(signal.SIGKILL)
        # "at once": while it runs, not at the next restart (60 s for a loaded machine)
        failed = server.wait_job(job["job_id"], {"Failed"})
        assert f"pid {worker.pid}" in failed["status_message"]
    finally:
        server.stop()
