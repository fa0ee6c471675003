"""``from jupyter_studio.processing import ...``: SageMaker's argument names, the log followed."""

from __future__ import annotations

from pathlib import Path

import pytest
import sklearn

from jupyter_studio.core.errors import InvalidInput
from jupyter_studio.core.jobs.schemas import JobStatus
from jupyter_studio.core.studio import Studio
from jupyter_studio.processing import (
    FrameworkProcessor,
    ProcessingInput,
    ProcessingOutput,
    ScriptProcessor,
    SKLearnProcessor,
)
from tests.conftest import write_script
from tests.core.processing.test_processor import SAGEMAKER_SCRIPT, _sales


def test_sklearn_processor_runs_and_prints_the_log(
    studio: Studio, contents_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_script(contents_root, "preprocess.py", SAGEMAKER_SCRIPT)
    _sales(contents_root / "data")
    processor = SKLearnProcessor(
        framework_version=".".join(sklearn.__version__.split(".")[:2]),
        role="ignored-here",
        instance_type="ml.m5.xlarge",
        instance_count=1,
        base_job_name="prep",
        max_runtime_in_seconds=600,
        env={"MODE": "test"},
        studio=studio,
    )
    job = processor.run(
        code="preprocess.py",
        inputs=[ProcessingInput(source="data", destination="/opt/ml/processing/input/data")],
        outputs=[
            ProcessingOutput(source="/opt/ml/processing/output/train", destination="out/train"),
            ProcessingOutput(output_name="report"),  # stays in the job folder
        ],
        arguments=["--factor", "2"],
    )
    assert job.status == JobStatus.COMPLETED and job.name == "prep"
    assert job.max_runtime_seconds == 600 and processor.latest_job == job
    assert "processed 2 rows" in capsys.readouterr().out
    assert (contents_root / "out/train/train.csv").exists()
    assert (contents_root / job.output_path / "report" / "rows.txt").read_text() == "2"


def test_run_without_waiting_returns_the_queued_job(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "hi.py", "print('hi')\n")
    job = ScriptProcessor(command=["python3"], studio=studio).run("hi.py", wait=False)
    assert job.kind == "processor" and job.status == JobStatus.PENDING
    assert studio.wait(job.job_id, timeout=60).status == JobStatus.COMPLETED


def test_framework_processor_names_its_framework(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "hi.py", "print('hi')\n")
    spec = FrameworkProcessor("SKLearn", framework_version=None, studio=studio).spec("hi.py")
    assert spec.processor == "framework" and spec.framework == "sklearn"
    with pytest.raises(InvalidInput, match="framework"):
        FrameworkProcessor("Caffe", studio=studio).run("hi.py", wait=False)
    with pytest.raises(InvalidInput, match="image_uri"):
        ScriptProcessor(image_uri="my/image:1", studio=studio)
    with pytest.raises(InvalidInput, match="instance_count"):
        ScriptProcessor(instance_count=3, studio=studio).run("hi.py", wait=False)
    assert studio.list_jobs().total_count == 0
