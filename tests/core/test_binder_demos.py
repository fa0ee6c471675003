"""Every Binder demo notebook (binder/demos/) runs top to bottom in a fresh kernel.

Each runs in a temporary working folder with a temporary Studio domain, so nothing lands in the
repository; endpoints a notebook leaves behind (when it fails half-way) are deleted afterwards.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

DEMOS = Path(__file__).resolve().parents[2] / "binder" / "demos"
NOTEBOOKS = sorted(DEMOS.glob("*.ipynb"))


def test_there_are_demos_for_automl_flows_and_the_model_hub() -> None:
    names = " ".join(path.name for path in NOTEBOOKS)
    assert "automl" in names and "flow" in names and "model-hub" in names


def _delete_endpoints(domain: Path) -> None:
    from jupyter_studio.core.studio import Studio

    studio = Studio(domain_root=str(domain), contents_root=str(domain.parent))
    try:
        caller = studio.caller()
        for endpoint in studio.endpoints.list(caller):
            studio.endpoints.delete(caller, endpoint.endpoint_name)
    finally:
        studio.close()


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a busy 2-core machine: the model hub converts SmolLM2 on first use
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_demo_notebook_runs_top_to_bottom(
    notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    work = tmp_path / "demos"
    work.mkdir()
    copy = work / notebook.name
    shutil.copy(notebook, copy)
    domain = tmp_path / "studio"
    monkeypatch.setenv("JUPYTER_STUDIO_ROOT", str(domain))
    monkeypatch.setenv("JUPYTER_STUDIO_CONTENTS_ROOT", str(tmp_path))
    document = nbformat.read(str(copy), as_version=4)
    try:
        NotebookClient(
            document,
            timeout=1200,
            kernel_name="python3",
            resources={"metadata": {"path": str(work)}},
        ).execute()
    finally:
        if (domain / "studio.db").exists():
            _delete_endpoints(domain)
    errors = [
        output
        for cell in document.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    assert not (DEMOS / "studio").exists() and not (DEMOS / "data").exists()
