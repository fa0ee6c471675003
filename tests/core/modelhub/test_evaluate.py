"""The ``evaluate`` job kind: request checks, and fine-tuned MiniLM beating zero-shot MiniLM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_studio.core.errors import InvalidInput, NotFound
from jupyter_studio.core.jobs.schemas import JobStatus
from jupyter_studio.core.modelhub.evaluate import evaluation_result, parse_model_ref


def test_model_references_are_parsed() -> None:
    ref = parse_model_ref("registry:reviews-clf/3", "classification")
    assert (ref.kind, ref.name, ref.version) == ("registry", "reviews-clf", 3)
    assert parse_model_ref("endpoint:clf", "generation").kind == "endpoint"
    assert parse_model_ref("all-minilm-l6-v2", "classification").kind == "hub"
    with pytest.raises(InvalidInput):
        parse_model_ref("registry:reviews-clf", "classification")
    with pytest.raises(NotFound):
        parse_model_ref("gpt-99", "generation")
    with pytest.raises(InvalidInput) as task:
        parse_model_ref("all-minilm-l6-v2", "generation")
    assert task.value.code == "unsupported_task"


def test_bad_requests_are_refused_before_the_job_starts(hub_studio, samples: Path) -> None:
    base = {"data": "data/reviews_test.csv", "task": "classification"}
    cases = [
        ({"models": ["registry:nope/1"]}, NotFound, "model_not_found"),
        ({"models": ["all-minilm-l6-v2", "all-minilm-l6-v2"]}, InvalidInput, "duplicate_models"),
        ({"models": ["all-minilm-l6-v2"], "label_column": "y"}, InvalidInput, "missing_columns"),
        ({"models": ["endpoint:missing"]}, NotFound, None),
        ({"models": ["all-minilm-l6-v2"], "zero_shot_template": "x"}, InvalidInput, None),
        ({"models": []}, InvalidInput, None),
    ]
    for extra, error, code in cases:
        with pytest.raises(error) as info:
            hub_studio.submit_job("evaluate", {**base, **extra})
        if code:
            assert info.value.code == code, (extra, info.value.code)
    assert hub_studio.list_jobs().total_count == 0


def test_no_result_before_the_job_writes_one(tmp_path: Path) -> None:
    result = evaluation_result(tmp_path)
    assert result.rows == [] and not result.complete


@pytest.mark.slow
def test_the_fine_tuned_classifier_beats_zero_shot_minilm(hub_studio, samples: Path) -> None:
    tune = hub_studio.submit_job(
        "finetune",
        {
            "model_id": "all-minilm-l6-v2",
            "data": "data/reviews_train.csv",
            "max_steps": 10,
            "batch_size": 8,
            "max_length": 32,
            "output_model_name": "reviews-clf",
        },
    )
    assert hub_studio.wait(tune.job_id, timeout=300).status == JobStatus.COMPLETED
    job = hub_studio.submit_job(
        "evaluate",
        {
            "models": ["all-minilm-l6-v2", "registry:reviews-clf/1"],
            "data": "data/reviews_test.csv",
            "task": "classification",
            "perturbations": True,
        },
    )
    done = hub_studio.wait(job.job_id, timeout=300)
    assert done.status == JobStatus.COMPLETED, hub_studio.job_logs(job.job_id).content[-3000:]
    output = hub_studio.jobs.job_dir(hub_studio.caller(), job.job_id) / "output"
    result = evaluation_result(output)
    assert result.complete and result.rows_evaluated == 42
    clean = {(r.model, r.metric): r.value for r in result.rows if r.perturbation is None}
    base = clean[("all-minilm-l6-v2", "accuracy")]
    tuned = clean[("registry:reviews-clf/1", "accuracy")]
    assert tuned > base + 0.2, (base, tuned)
    assert clean[("registry:reviews-clf/1", "macro_f1")] > clean[("all-minilm-l6-v2", "macro_f1")]
    perturbed = {r.perturbation for r in result.rows if r.perturbation}
    assert perturbed == {"typos", "case", "whitespace"}
    assert any(r.metric == "accuracy_change" for r in result.rows)
    assert result.chart["data"]["values"]
    assert (output / "predictions-2.csv").is_file()
    json.dumps(result.model_dump())
