"""The generated notebooks: the candidate notebook retrains the same pipeline to the same score."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from jupyter_studio.automl import AutoML
from jupyter_studio.core.automl.notebooks import candidate_notebook, data_exploration_notebook

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def execute(path: Path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    notebook = nbformat.read(str(path), as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> str:
    text = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            text.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(text)


@pytest.mark.slow
def test_candidate_notebook_retrains_to_the_same_score(mixed: pd.DataFrame, tmp_path: Path) -> None:
    data = tmp_path / "train.csv"
    mixed.to_csv(data, index=False)
    result = AutoML(
        target="y", max_runtime=10, algorithms=["lightgbm", "linear"], stacking=False
    ).fit(str(data))
    assert result.best_candidate is not None
    explore = data_exploration_notebook(result, str(data), tmp_path / "data_exploration.ipynb")
    notebook = candidate_notebook(result, str(data), tmp_path / "candidate_definition.ipynb")
    executed = execute(notebook)
    text = outputs(executed)
    match = re.search(r"roc_auc: retrained ([\d.]+), leaderboard ([\d.]+)", text)
    assert match, text[-2000:]
    retrained, recorded = float(match.group(1)), float(match.group(2))
    assert recorded == pytest.approx(result.leaderboard().iloc[0]["objective"], abs=1e-6)
    assert retrained == pytest.approx(recorded, abs=0.01)
    assert "'yes'" in text or "'no'" in text  # the retrained model predicted labels
    explored = outputs(execute(explore))
    assert "missing share" in explored and "correlation" in explored
