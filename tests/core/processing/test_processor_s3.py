"""Processor inputs and outputs on S3, through a moto server (as the wrangler's store tests do)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_studio.core.errors import InvalidInput, PathNotFound
from jupyter_studio.core.jobs.schemas import JobStatus
from jupyter_studio.core.studio import Studio
from tests.conftest import write_script
from tests.core.processing.test_processor import _spec
from tests.core.wrangler.test_sources import _start_moto
from tests.support import SHORT_WAIT

SCRIPT = """
import pandas as pd
df = pd.concat(
    pd.read_csv(f"/opt/ml/processing/input/raw/{name}") for name in ("a.csv", "b.csv")
)
df.to_csv("/opt/ml/processing/output/clean/all.csv", index=False)
"""


@pytest.fixture(scope="module")
def s3_url() -> Iterator[str]:
    """A moto S3 server with a bucket holding two CSV objects under raw/."""
    import boto3

    proc, url = _start_moto()
    try:
        client = boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket="lake")
        client.put_object(Bucket="lake", Key="raw/a.csv", Body=b"x\n1\n")
        client.put_object(Bucket="lake", Key="raw/b.csv", Body=b"x\n2\n")
        yield url
    finally:
        proc.kill()
        proc.wait()


def _store(url: str) -> dict[str, str]:
    return {
        "endpoint_url": url,
        "region": "us-east-1",
        "key": "${PROC_KEY}",
        "secret": "${PROC_SECRET}",
    }


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROC_KEY", "test")
    monkeypatch.setenv("PROC_SECRET", "test")


def test_inputs_and_outputs_on_s3(studio: Studio, contents_root: Path, s3_url: str) -> None:
    import boto3

    write_script(contents_root, "clean.py", SCRIPT)
    job = studio.processing.create(
        studio.caller(),
        _spec(
            code="clean.py",
            inputs=[{"source": "s3://lake/raw/", "input_name": "raw"}],
            outputs=[{"output_name": "clean", "destination": "s3://lake/clean/"}],
            store=_store(s3_url),
        ),
    )
    done = studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.COMPLETED, studio.job_logs(job.job_id).content
    client = boto3.client(
        "s3",
        endpoint_url=s3_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    body = client.get_object(Bucket="lake", Key="clean/all.csv")["Body"].read()
    assert body == b"x\n1\n2\n"
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="lake", Prefix="clean/")["Contents"]]
    assert keys == ["clean/all.csv"]


def test_a_failed_job_marks_its_s3_output_partial(
    studio: Studio, contents_root: Path, s3_url: str
) -> None:
    import boto3

    write_script(
        contents_root,
        "half.py",
        "open('/opt/ml/processing/output/o/part.txt', 'w').write('1')\nraise SystemExit(3)\n",
    )
    job = studio.processing.create(
        studio.caller(),
        _spec(
            code="half.py",
            outputs=[{"output_name": "o", "destination": "s3://lake/half"}],
            store=_store(s3_url),
        ),
    )
    done = studio.wait(job.job_id, timeout=SHORT_WAIT)
    assert done.status == JobStatus.FAILED
    client = boto3.client(
        "s3",
        endpoint_url=s3_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    keys = sorted(
        o["Key"] for o in client.list_objects_v2(Bucket="lake", Prefix="half/")["Contents"]
    )
    assert keys == ["half/_PARTIAL", "half/part.txt"]


@pytest.mark.parametrize(
    ("inputs", "outputs", "error", "words"),
    [
        ([{"source": "s3://lake/none/"}], [], PathNotFound, "Nothing found at s3://lake/none/"),
        ([{"source": "s3://nobucket/x.csv"}], [], PathNotFound, "s3://nobucket/x.csv"),
        ([], [{"destination": "s3://nobucket/out"}], PathNotFound, "s3://nobucket/out"),
    ],
)
def test_missing_s3_objects_and_buckets_are_refused(
    studio: Studio,
    contents_root: Path,
    s3_url: str,
    inputs: list[dict[str, str]],
    outputs: list[dict[str, str]],
    error: type[InvalidInput],
    words: str,
) -> None:
    write_script(contents_root, "ok.py", "print('hi')\n")
    with pytest.raises(error) as caught:
        studio.processing.create(
            studio.caller(),
            _spec(code="ok.py", inputs=inputs, outputs=outputs, store=_store(s3_url)),
        )
    assert words in caught.value.message
    assert studio.list_jobs().total_count == 0


def test_an_unset_credential_variable_is_named(
    studio: Studio, contents_root: Path, s3_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROC_SECRET")
    write_script(contents_root, "ok.py", "print('hi')\n")
    with pytest.raises(InvalidInput) as caught:
        studio.processing.create(
            studio.caller(),
            _spec(code="ok.py", inputs=[{"source": "s3://lake/raw/"}], store=_store(s3_url)),
        )
    assert "PROC_SECRET" in caught.value.message
