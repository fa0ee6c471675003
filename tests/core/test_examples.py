"""The example scripts the README points to run as Studio jobs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jupyter_studio.core.jobs.schemas import JobStatus

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "processing"


def test_countdown_example_completes_with_an_artifact(studio, contents_root: Path) -> None:  # noqa: ANN001
    shutil.copytree(EXAMPLES, contents_root / "examples" / "processing")
    job = studio.submit_job(
        "processing",
        {
            "script": "examples/processing/countdown.py",
            "arguments": ["--steps", "3", "--delay", "0"],
        },
    )
    done = studio.wait(job.job_id, timeout=60)
    assert done.status == JobStatus.COMPLETED, done.status_message
    assert done.progress_message == "step 3 of 3"
    artifacts = [a.name for a in studio.jobs.artifacts(studio.caller(), job.job_id)]
    assert artifacts == ["summary.json"]


def test_train_model_example(studio, contents_root: Path) -> None:  # noqa: ANN001
    pytest.importorskip("sklearn")
    shutil.copytree(EXAMPLES, contents_root / "examples" / "processing")
    job = studio.submit_job(
        "processing",
        {
            "script": "examples/processing/train_model.py",
            "arguments": ["--trees", "5", "--folds", "2"],
        },
    )
    done = studio.wait(job.job_id, timeout=120)
    assert done.status == JobStatus.COMPLETED, done.status_message
    assert {a.name for a in studio.jobs.artifacts(studio.caller(), job.job_id)} == {
        "model.pkl",
        "metrics.json",
    }
