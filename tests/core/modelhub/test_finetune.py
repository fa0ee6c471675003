"""The ``finetune`` job kind: checks before the job starts, and short MiniLM trainings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_studio.core.errors import Forbidden, InvalidInput, NotFound
from jupyter_studio.core.jobs.schemas import JobStatus
from jupyter_studio.core.modelhub.finetune import loss_curve

FAST = {"max_steps": 6, "batch_size": 8, "max_length": 32, "checkpoint_every": 2}


def submit(studio, **parameters):
    return studio.submit_job("finetune", parameters)


def wait(studio, job_id: str, timeout: float = 300):
    return studio.wait(job_id, timeout=timeout)


def test_missing_columns_are_refused_before_the_job_starts(hub_studio, samples: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        submit(
            hub_studio,
            model_id="all-minilm-l6-v2",
            data="data/reviews_train.csv",
            text_column="review",
        )
    assert info.value.code == "missing_columns"
    assert "'review'" in info.value.message and "'text'" in info.value.message
    assert info.value.detail[0]["loc"] == ["parameters", "text_column"]
    assert hub_studio.list_jobs().total_count == 0


def test_empty_rows_name_their_line(hub_studio, samples: Path) -> None:
    bad = samples / "bad.csv"
    bad.write_text("text,label\ngood product,positive\n ,negative\nbroken,\n")
    with pytest.raises(InvalidInput) as info:
        submit(hub_studio, model_id="all-minilm-l6-v2", data="data/bad.csv")
    assert info.value.code == "empty_rows"
    assert "line(s) 3" in info.value.message


def test_other_bad_requests(hub_studio, samples: Path) -> None:
    (samples / "notes.txt").write_text("hello")
    with pytest.raises(InvalidInput) as info:
        submit(hub_studio, model_id="all-minilm-l6-v2", data="data/notes.txt")
    assert info.value.code == "unsupported_data_format"
    with pytest.raises(NotFound) as missing:
        submit(hub_studio, model_id="no-such-model", data="data/reviews_train.csv")
    assert "no-such-model" in missing.value.message
    with pytest.raises(InvalidInput) as task:
        submit(
            hub_studio,
            model_id="all-minilm-l6-v2",
            data="data/reviews_train.csv",
            task="generation",
        )
    assert task.value.code == "unsupported_task"
    one = samples / "one_label.csv"
    one.write_text("text,label\na,x\nb,x\n")
    with pytest.raises(InvalidInput) as labels:
        submit(hub_studio, model_id="all-minilm-l6-v2", data="data/one_label.csv")
    assert labels.value.code == "too_few_labels"
    with pytest.raises(InvalidInput) as outside:
        submit(hub_studio, model_id="all-minilm-l6-v2", data="../etc/passwd")
    assert outside.value.status in (400, 403)


def test_a_gated_model_needs_its_license_accepted(hub_studio, samples: Path) -> None:
    from jupyter_studio.core.modelhub.tables import LicenseAcceptanceRow

    request = {
        "model_id": "gemma3-270m",
        "data": "data/instructions_train.csv",
        "response_column": "answer",
    }
    with pytest.raises(Forbidden) as info:
        submit(hub_studio, **request)
    assert info.value.code == "license_not_accepted"
    assert "gemma" in info.value.message and "accept" in info.value.message
    with hub_studio.store.session() as session:
        session.add(LicenseAcceptanceRow(profile="alice", model_id="gemma3-270m", license="gemma"))
    with pytest.raises(InvalidInput) as next_check:  # the license passes, the column does not
        submit(hub_studio, **request)
    assert next_check.value.code == "missing_columns"


@pytest.mark.slow
def test_a_short_finetune_lowers_the_loss_and_registers_a_version(hub_studio, samples) -> None:
    job = submit(
        hub_studio,
        model_id="all-minilm-l6-v2",
        data="data/reviews_train.csv",
        output_model_name="reviews-clf",
        **FAST,
    )
    done = wait(hub_studio, job.job_id)
    log = hub_studio.job_logs(job.job_id).content
    assert done.status == JobStatus.COMPLETED, (done.status_message, log[-3000:])
    output = hub_studio.jobs.job_dir(hub_studio.caller(), job.job_id) / "output"
    curve = loss_curve(output)
    assert [p.step for p in curve.points] == list(range(1, 7))
    first, last = curve.points[0].loss, curve.points[-1].loss
    assert last < first
    result = json.loads((output / "result.json").read_text())
    assert result["model_name"] == "reviews-clf" and result["model_version"] == 1
    version = hub_studio.models.get_version(hub_studio.caller(), "reviews-clf", 1)
    assert version.problem_type == "multiclass"
    # tagged with a catalogue task, so the catalogue lists it as registry:<name>/<version>
    assert version.tags["modelhub.task"] == "text-classification"
    import mlflow.pyfunc
    import pandas as pd

    model = mlflow.pyfunc.load_model(str(output / "model"))
    predictions = model.predict(
        pd.DataFrame({"text": ["I love it, excellent quality", "It broke at once"]})
    )
    assert [p["label"] for p in predictions] == ["positive", "negative"]
    assert result["run_id"]  # the steps are logged as a run in the domain's experiments


@pytest.mark.slow
def test_stop_keeps_a_checkpoint_and_resume_continues_from_it(hub_studio, samples) -> None:
    import time

    params = {
        "model_id": "all-minilm-l6-v2",
        "data": "data/reviews_train.csv",
        "register_version": False,
        **{**FAST, "max_steps": 40, "checkpoint_every": 100},
    }
    job = submit(hub_studio, **params)
    output = hub_studio.jobs.job_dir(hub_studio.caller(), job.job_id) / "output"
    deadline = time.monotonic() + 300  # loading torch and the model: minutes on a loaded machine
    while len(loss_curve(output).points) < 3:
        assert time.monotonic() < deadline, "no training steps"
        assert not hub_studio.get_job(job.job_id).status.is_final
        time.sleep(0.2)
    hub_studio.stop_job(job.job_id)
    stopped = wait(hub_studio, job.job_id)
    assert stopped.status == JobStatus.STOPPED
    assert "checkpoint saved at step" in hub_studio.job_logs(job.job_id).content
    curve = loss_curve(output)
    assert curve.checkpoint is not None
    step = json.loads((output / "checkpoint" / "state.json").read_text())["step"]
    assert step >= 3 and step == curve.points[-1].step
    with pytest.raises(InvalidInput):  # a different model cannot continue it
        submit(hub_studio, **{**params, "method": "head", "resume_from_job": job.job_id})
    resumed = submit(hub_studio, **{**params, "max_steps": step + 2, "resume_from_job": job.job_id})
    done = wait(hub_studio, resumed.job_id)
    assert done.status == JobStatus.COMPLETED, done.status_message
    new_output = hub_studio.jobs.job_dir(hub_studio.caller(), resumed.job_id) / "output"
    steps = [p.step for p in loss_curve(new_output).points]
    assert steps == list(range(1, step + 3))
    assert (new_output / "model" / "MLmodel").is_file()
