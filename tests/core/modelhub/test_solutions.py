"""Solution templates: listing, bad launches, and the text classifier chain end to end."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from pathlib import Path

import pytest

from jupyter_studio.core.errors import NotFound
from jupyter_studio.core.jobs.schemas import JobStatus
from jupyter_studio.core.modelhub.solutions import SOLUTIONS, launch_solution
from jupyter_studio.core.modelhub.training_service import TrainingMixin


class Hub(TrainingMixin):
    """The training side alone, on a Studio's jobs and spaces."""

    def __init__(self, studio) -> None:
        self.jobs, self.spaces = studio.jobs, studio.spaces


def test_at_least_two_solutions_are_listed(hub_studio) -> None:
    listed = Hub(hub_studio).solutions()
    assert {s.id for s in listed} >= {"text-classifier", "tabular-automl"}
    assert all(s.steps and s.title for s in SOLUTIONS)


def test_an_unknown_solution_is_a_404(hub_studio) -> None:
    with pytest.raises(NotFound) as info:
        launch_solution(hub_studio, hub_studio.caller(), "nope")
    assert "text-classifier" in info.value.message


def test_finetune_and_evaluate_requests_through_the_service(hub_studio, samples: Path) -> None:
    from jupyter_studio.core.errors import InvalidInput

    hub = Hub(hub_studio)
    caller = hub_studio.caller()
    with pytest.raises(InvalidInput) as info:
        hub.finetune(
            caller,
            {
                "model_id": "all-minilm-l6-v2",
                "data": "data/reviews_train.csv",
                "label_column": "sentiment",
            },
        )
    assert info.value.code == "missing_columns"
    with pytest.raises(InvalidInput):
        hub.finetune(caller, {"model_id": "all-minilm-l6-v2", "max_steps": 0})
    with pytest.raises(InvalidInput):
        hub.evaluate(
            caller,
            {
                "models": ["all-minilm-l6-v2"],
                "data": "data/reviews_test.csv",
                "task": "classification",
                "text_column": "body",
            },
        )
    assert hub_studio.list_jobs().total_count == 0


@pytest.mark.slow
def test_the_text_classifier_solution_deploys_an_endpoint(hub_studio) -> None:
    hub = Hub(hub_studio)
    caller = hub_studio.caller()
    launched = hub.launch_solution(caller, "text-classifier", {"max_steps": 6})
    hub_studio.start()
    assert launched.endpoint and len(launched.jobs) == 1
    chain = launched.jobs[0]
    try:
        done = hub_studio.wait(chain.job_id, timeout=600)
        log = hub_studio.job_logs(chain.job_id).content
        assert done.status == JobStatus.COMPLETED, (done.status_message, log[-3000:])
        output = hub_studio.jobs.job_dir(caller, chain.job_id) / "output"
        steps = json.loads((output / "chain.json").read_text())["steps"]
        kinds = [s.get("kind") for s in steps if s.get("kind")]
        assert kinds == ["finetune", "evaluate"]
        assert steps[-1] == {"step": "deploy", "endpoint": launched.endpoint, "status": "InService"}
        evaluation = hub.evaluation(caller, steps[2]["job_id"])
        assert evaluation.complete and len(evaluation.rows) == 4
        curve = hub.finetune_loss(caller, steps[0]["job_id"])
        assert len(curve.points) == 6
        port = hub_studio.endpoints.port_of(caller, launched.endpoint)
        # a fine-tuned classifier takes the model hub's classification body
        body = json.dumps({"inputs": ["Terrible, it broke at once"]})
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        assert answer["predictions"][0]["label"] in {"positive", "negative", "neutral"}
    finally:
        try:
            hub_studio.endpoints.delete(caller, launched.endpoint)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                hub_studio.endpoints.supervise()
                try:
                    hub_studio.endpoints.get(caller, launched.endpoint)
                except NotFound:
                    break
                time.sleep(0.5)
        except NotFound:
            pass


@pytest.mark.slow
def test_the_tabular_solution_runs_flow_automl_and_deploys(hub_studio) -> None:
    hub = Hub(hub_studio)
    caller = hub_studio.caller()
    launched = hub.launch_solution(caller, "tabular-automl", {"automl_max_runtime": 30})
    hub_studio.start()
    chain = launched.jobs[0]
    try:
        done = hub_studio.wait(chain.job_id, timeout=600)
        log = hub_studio.job_logs(chain.job_id).content
        assert done.status == JobStatus.COMPLETED, (done.status_message, log[-3000:])
        output = hub_studio.jobs.job_dir(caller, chain.job_id) / "output"
        steps = json.loads((output / "chain.json").read_text())["steps"]
        assert [s.get("kind") for s in steps if s.get("kind")] == ["flow", "automl"]
        assert steps[-1] == {"step": "deploy", "endpoint": launched.endpoint, "status": "InService"}
        port = hub_studio.endpoints.port_of(caller, launched.endpoint)
        row = {k: v for k, v in _first_customer().items() if k != "churned"}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations",
            data=json.dumps({"dataframe_records": [row]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert len(json.loads(response.read())["predictions"]) == 1
    finally:
        with contextlib.suppress(NotFound):
            hub_studio.endpoints.delete(caller, launched.endpoint)


def _first_customer() -> dict:
    import csv

    from jupyter_studio.core.modelhub.solutions import SAMPLES

    with open(SAMPLES / "customers.csv", newline="") as handle:
        row = next(csv.DictReader(handle))
    return {k: (float(v) if v.replace(".", "", 1).isdigit() else v) for k, v in row.items() if v}
