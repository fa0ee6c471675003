"""The /opt/ml/processing mapping: what it translates, and the startup hook in a real Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from jupyter_studio.core.processing.container_paths import translate
from jupyter_studio.core.processing.job import STARTUP_DIR


def test_only_the_container_prefix_is_translated() -> None:
    assert translate("/opt/ml/processing/input/a.csv", "/j") == "/j/input/a.csv"
    assert translate("/opt/ml/processing", "/j") == "/j"
    assert translate(Path("/opt/ml/processing/x"), "/j") == "/j/x"
    assert translate(b"/opt/ml/processing/x", "/j") == b"/j/x"
    assert translate("/opt/ml/processingX/a", "/j") == "/opt/ml/processingX/a"
    assert translate("opt/ml/processing/a", "/j") == "opt/ml/processing/a"
    assert translate(3, "/j") == 3


def test_the_hook_maps_open_os_pathlib_and_child_pythons(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(
        "import os, pathlib, subprocess, sys\n"
        "os.makedirs('/opt/ml/processing/output/a', exist_ok=True)\n"
        "pathlib.Path('/opt/ml/processing/output/a/p.txt').write_text('p')\n"
        "os.rename('/opt/ml/processing/output/a/p.txt', '/opt/ml/processing/output/a/q.txt')\n"
        "print(sorted(os.listdir('/opt/ml/processing/output/a')))\n"
        "subprocess.run([sys.executable, '-c', "
        "\"print(open('/opt/ml/processing/output/a/q.txt').read())\"], check=True)\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(STARTUP_DIR),
        "STUDIO_PROCESSING_ROOT": str(tmp_path / "job"),
    }
    out = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["['q.txt']", "p"]
    assert (tmp_path / "job/output/a/q.txt").read_text() == "p"


def test_without_the_root_variable_the_hook_does_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STUDIO_PROCESSING_ROOT"}
    env["PYTHONPATH"] = str(STARTUP_DIR)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import builtins; print(hasattr(builtins.open, '_studio_processing_root'))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["False"]
