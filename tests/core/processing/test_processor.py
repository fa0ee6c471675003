"""The ``processor`` job kind: SageMaker-style scripts run unchanged, outputs land, bad input is a 4xx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sklearn

from jupyter_studio.core.errors import Forbidden, InvalidInput, PathNotFound, StudioError
from jupyter_studio.core.jobs.schemas import DescribeJob, JobStatus
from jupyter_studio.core.processing.schemas import CreateProcessingJob
from jupyter_studio.core.studio import Studio
from jupyter_studio.core.validation import parse_model
from tests.conftest import write_script
from tests.support import SHORT_WAIT

SAGEMAKER_SCRIPT = """
import argparse, os, pathlib
import pandas as pd

parser = argparse.ArgumentParser()
parser.add_argument("--factor", type=int, default=1)
args = parser.parse_args()
df = pd.read_csv("/opt/ml/processing/input/data/sales.csv")
df["total"] = df["price"] * df["qty"] * args.factor
os.makedirs("/opt/ml/processing/output/train", exist_ok=True)
df.to_csv("/opt/ml/processing/output/train/train.csv", index=False)
with open("/opt/ml/processing/output/report/rows.txt", "w") as handle:
    handle.write(str(len(df)))
pathlib.Path("/opt/ml/processing/output/report/files.txt").write_text(
    ",".join(sorted(os.listdir("/opt/ml/processing/input/data")))
)
print("processed", len(df), "rows; code at", __file__)
"""

FAILING_SCRIPT = """
import pandas as pd
df = pd.read_csv("/opt/ml/processing/input/data/sales.csv")
df.head(1).to_csv("/opt/ml/processing/output/train/first.csv", index=False)
raise SystemExit("the second half went wrong")
"""


def _sales(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sales.csv").write_text("price,qty\n2,3\n5,1\n")


def _spec(**fields: Any) -> CreateProcessingJob:
    return parse_model(CreateProcessingJob, fields, "processing job")


def run(studio: Studio, **fields: Any) -> DescribeJob:
    """Start a processor job as alice and wait for it to end."""
    job = studio.processing.create(studio.caller(), _spec(**fields))
    return studio.wait(job.job_id, timeout=SHORT_WAIT)


def test_a_sagemaker_script_runs_unchanged_and_its_outputs_land(
    studio: Studio, contents_root: Path
) -> None:
    write_script(contents_root, "code/preprocess.py", SAGEMAKER_SCRIPT)
    _sales(contents_root / "data")
    done = run(
        studio,
        processor="sklearn",
        framework_version=".".join(sklearn.__version__.split(".")[:2]),
        code="code/preprocess.py",
        arguments=["--factor", "10"],
        inputs=[{"source": "data/sales.csv", "input_name": "data"}],
        outputs=[
            {"output_name": "train", "destination": "results/train"},
            {"output_name": "report", "destination": "results/report"},
        ],
        base_job_name="prep",
    )
    log = studio.job_logs(done.job_id).content
    assert done.status == JobStatus.COMPLETED, log
    assert done.kind == "processor" and done.name == "prep"
    assert (contents_root / "results/train/train.csv").read_text().splitlines() == [
        "price,qty,total",
        "2,3,60",
        "5,1,50",
    ]
    assert (contents_root / "results/report/rows.txt").read_text() == "2"
    assert (contents_root / "results/report/files.txt").read_text() == "sales.csv"
    assert not (contents_root / "results/train/_PARTIAL").exists()
    assert "processed 2 rows; code at" in log and "/input/code/preprocess.py" in log
    assert "output train: 1 file(s) uploaded" in log


def test_a_failing_script_keeps_its_partial_outputs_marked(
    studio: Studio, contents_root: Path
) -> None:
    write_script(contents_root, "fail.py", FAILING_SCRIPT)
    _sales(contents_root / "in")
    done = run(
        studio,
        code="fail.py",
        inputs=[{"source": "in", "destination": "/opt/ml/processing/input/data"}],
        outputs=[{"source": "/opt/ml/processing/output/train", "destination": "out"}],
    )
    assert done.status == JobStatus.FAILED
    assert "the second half went wrong" in (done.status_message or "")
    assert (contents_root / "out/first.csv").read_text() == "price,qty\n2,3\n"
    marker = (contents_root / "out/_PARTIAL").read_text()
    assert "the job failed" in marker and "second half" in marker
    assert "partial" in studio.job_logs(done.job_id).content


def test_source_dir_is_copied_with_the_code(studio: Studio, contents_root: Path) -> None:
    write_script(contents_root, "proj/helpers.py", "VALUE = 41\n")
    write_script(
        contents_root,
        "proj/main.py",
        "from helpers import VALUE\n"
        "open('/opt/ml/processing/output/o/v.txt', 'w').write(str(VALUE + 1))\n",
    )
    done = run(
        studio,
        processor="framework",
        framework="sklearn",
        code="main.py",
        source_dir="proj",
        outputs=[{"output_name": "o", "destination": "answers"}],
    )
    assert done.status == JobStatus.COMPLETED, done.status_message
    assert (contents_root / "answers/v.txt").read_text() == "42"


@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"code": "../outside.py"}, InvalidInput, "climbs out"),
        ({"code": "missing.py"}, PathNotFound, "missing.py"),
        ({"inputs": [{"source": "nope.csv"}]}, PathNotFound, "nope.csv"),
        ({"inputs": [{"source": "s3://Bad_Bucket/x"}]}, InvalidInput, "s3://bucket/key"),
        ({"inputs": [{"source": "gs://b/x"}]}, InvalidInput, "s3:// URL"),
        ({"instance_count": 2}, InvalidInput, "instance_count"),
        ({"instance_count": 0}, InvalidInput, "instance_count"),
        (
            {"inputs": [{"source": "d", "input_name": "a"}, {"source": "d", "input_name": "a"}]},
            InvalidInput,
            "Two inputs are called 'a'",
        ),
        (
            {
                "inputs": [
                    {"source": "d", "destination": "/opt/ml/processing/input/x"},
                    {"source": "d", "destination": "/opt/ml/processing/input/x/y"},
                ]
            },
            InvalidInput,
            "same place",
        ),
        (
            {"outputs": [{"output_name": "a"}, {"output_name": "a"}]},
            InvalidInput,
            "Two outputs are called 'a'",
        ),
        (
            {"outputs": [{"destination": "r"}, {"destination": "r"}]},
            InvalidInput,
            "both upload to",
        ),
        ({"outputs": [{"destination": "../../elsewhere"}]}, InvalidInput, "climbs out"),
        (
            {"inputs": [{"source": "d", "destination": "/tmp/x"}]},
            InvalidInput,
            "/opt/ml/processing/",
        ),
        (
            {"inputs": [{"source": "d", "destination": "/opt/ml/processing/input/code"}]},
            InvalidInput,
            "where the code is copied",
        ),
        ({"processor": "sklearn", "framework_version": "0.20"}, InvalidInput, "not available yet"),
        ({"processor": "framework", "framework": "caffe"}, InvalidInput, "framework"),
        ({"framework_version": "1.2"}, InvalidInput, "script processor"),
        ({"command": ["bash"]}, InvalidInput, "not Python"),
        ({"command": ["python3", "-I"]}, InvalidInput, "-I"),
    ],
)
def test_bad_input_is_refused_before_any_job_starts(
    studio: Studio,
    contents_root: Path,
    fields: dict[str, Any],
    error: type[StudioError],
    words: str,
) -> None:
    write_script(contents_root, "ok.py", "print('hi')\n")
    (contents_root / "d").mkdir()
    with pytest.raises(error) as caught:
        studio.processing.create(studio.caller(), _spec(**{"code": "ok.py", **fields}))
    assert 400 <= caught.value.status < 500
    assert words in caught.value.message, caught.value.message
    assert studio.list_jobs().total_count == 0


def test_outside_code_is_forbidden(studio: Studio, contents_root: Path) -> None:
    studio.caller("bob")
    write_script(studio.spaces.home_dir("bob"), "secret.py", "print('bob')\n")
    bob_code = studio.spaces.path_scope(studio.caller("bob")).to_contents_path(
        studio.spaces.home_dir("bob") / "secret.py"
    )
    assert bob_code is not None
    with pytest.raises(Forbidden):
        studio.processing.create(studio.caller(), _spec(code=bob_code))


def test_the_installed_sklearn_version_is_accepted_and_named_when_another_is_asked(
    studio: Studio, contents_root: Path
) -> None:
    write_script(contents_root, "ok.py", "print('hi')\n")
    installed = ".".join(sklearn.__version__.split(".")[:2])
    job = studio.processing.create(
        studio.caller(), _spec(code="ok.py", processor="sklearn", framework_version=installed)
    )
    assert job.kind == "processor"
    with pytest.raises(InvalidInput) as caught:
        studio.processing.create(
            studio.caller(), _spec(code="ok.py", processor="sklearn", framework_version="0.23-1")
        )
    assert (
        installed in caught.value.message and caught.value.code == "framework_version_unavailable"
    )
    studio.wait(job.job_id, timeout=SHORT_WAIT)


def test_a_stopped_job_uploads_what_it_wrote_marked_partial(
    studio: Studio, contents_root: Path
) -> None:
    from tests.support import wait_until

    write_script(
        contents_root,
        "slow.py",
        "import time\n"
        "open('/opt/ml/processing/output/o/early.txt', 'w').write('early')\n"
        "print('wrote early', flush=True)\n"
        "time.sleep(60)\n",
    )
    job = studio.processing.create(
        studio.caller(),
        _spec(code="slow.py", outputs=[{"output_name": "o", "destination": "kept"}]),
    )
    studio.start()
    wait_until(lambda: "wrote early" in studio.job_logs(job.job_id).content, what="the first file")
    studio.stop_job(job.job_id)
    done = studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.STOPPED
    assert (contents_root / "kept/early.txt").read_text() == "early"
    assert "stopped" in (contents_root / "kept/_PARTIAL").read_text()


def test_a_complete_run_removes_an_earlier_partial_marker(tmp_path: Path) -> None:
    from jupyter_studio.core.processing.transfer import PARTIAL_MARKER, upload

    (tmp_path / "src").mkdir()
    (tmp_path / "src/a.txt").write_text("a")
    upload(tmp_path / "src", str(tmp_path / "dest"), None, partial="the job failed")
    assert (tmp_path / "dest" / PARTIAL_MARKER).read_text() == "the job failed\n"
    assert upload(tmp_path / "src", str(tmp_path / "dest"), None, partial=None) == 1
    assert not (tmp_path / "dest" / PARTIAL_MARKER).exists()
