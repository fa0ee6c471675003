"""The same job code runs on a Dask cluster (local worker processes here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_studio.core.jobs.schemas import JobStatus
from jupyter_studio.core.studio import Studio
from tests.conftest import write_script
from tests.support import LONG_WAIT, SHORT_WAIT, wait_until

pytest.importorskip("distributed")


@pytest.fixture
def dask_studio(contents_root: Path):  # noqa: ANN201
    from traitlets.config import Config

    config = Config({"DaskExecutor": {"local_workers": 1}})
    engine = Studio(
        contents_root=str(contents_root),
        poll_interval=0.1,
        stop_grace_seconds=2,
        default_user="alice",
        executor_class="jupyter_studio.core.jobs.dask_executor.DaskExecutor",
        config=config,
    )
    yield engine
    engine.close()


def test_processing_job_completes_on_dask(dask_studio: Studio, contents_root: Path) -> None:
    write_script(
        contents_root,
        "hello.py",
        "from jupyter_studio.runtime import report_progress\n"
        "report_progress(0.5, 'half')\nprint('hello from dask')\nopen('x.txt', 'w').write('1')\n",
    )
    job = dask_studio.submit_job("processing", {"script": "hello.py"})
    done = dask_studio.wait(job.job_id, timeout=LONG_WAIT)  # the cluster starts first
    assert done.status == JobStatus.COMPLETED, done.status_message
    assert "hello from dask" in dask_studio.job_logs(job.job_id).content
    assert [a.name for a in dask_studio.jobs.artifacts(dask_studio.caller(), job.job_id)] == [
        "x.txt"
    ]


def test_stop_reaches_a_job_on_dask(dask_studio: Studio, contents_root: Path) -> None:
    write_script(
        contents_root,
        "slow.py",
        "import time\nprint('SCRIPT-READY', flush=True)\ntime.sleep(120)\n",
    )
    job = dask_studio.submit_job("processing", {"script": "slow.py"})
    wait_until(
        lambda: "SCRIPT-READY" in dask_studio.job_logs(job.job_id).content,
        LONG_WAIT,  # the cluster starts first
        "the script's start",
    )
    dask_studio.stop_job(job.job_id)
    done = dask_studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.STOPPED and done.status_message == "Stopped by alice"
