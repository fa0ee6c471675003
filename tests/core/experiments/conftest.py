"""An experiment service on the test Studio, with an MLflow store made once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mlflow")

PROVIDER = "jupyter_studio.core.experiments.context:StudioRunContext"


def make_service(studio: Any) -> Any:
    """The service as the facade builds it (``studio.experiments`` once the facade has it)."""
    from jupyter_studio.core.experiments.service import ExperimentService

    root = getattr(studio, "domain_root", None) or studio.root_dir
    return ExperimentService(spaces=studio.spaces, domain_root=Path(root))


@pytest.fixture(scope="session")
def mlflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty tracking store at MLflow's newest schema (creating one runs MLflow's migrations,
    which takes seconds: do it once and copy the file into each test's domain)."""
    from jupyter_studio.core.experiments.service import ExperimentService

    folder = tmp_path_factory.mktemp("mlflow-template")
    service = ExperimentService(spaces=None, domain_root=folder)  # type: ignore[arg-type]
    service.store()
    service.close()
    return folder / "mlflow" / "mlflow.db"


@pytest.fixture
def experiments(studio: Any, mlflow_template: Path) -> Any:
    service = make_service(studio)
    target = Path(service.domain_root) / "mlflow" / "mlflow.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(mlflow_template, target)
    yield service
    service.close()


@pytest.fixture(scope="session")
def provider_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PYTHONPATH entry that registers Studio's run-context provider with MLflow.

    Empty once the installed package declares the entry point itself (pyproject); until then a
    minimal distribution folder declares it, as an installed package would.
    """
    declared = any(ep.value == PROVIDER for ep in entry_points(group="mlflow.run_context_provider"))
    if declared:
        return ""
    folder = tmp_path_factory.mktemp("provider")
    info = folder / "studio_run_context-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: studio-run-context\nVersion: 0\n")
    (info / "entry_points.txt").write_text(f"[mlflow.run_context_provider]\nstudio = {PROVIDER}\n")
    return str(folder)


def run_script(
    script: Path, env: dict[str, str], provider_path: str, cwd: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run a script that uses plain ``mlflow`` with ``env`` added, as a job's process would."""
    paths = [p for p in (provider_path, os.environ.get("PYTHONPATH", "")) if p]
    full = {**os.environ, **env, "PYTHONPATH": os.pathsep.join(paths)}
    for name in ("STUDIO_JOB_ID", "STUDIO_SPACE_ID", "STUDIO_OWNER"):
        if name not in env:
            full.pop(name, None)
    cwd.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, str(script), *args],
        env=full,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done
