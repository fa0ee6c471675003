"""Experiments: a job's plain-mlflow script is tracked in Studio, listed, compared, by space."""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest

from jupyter_studio.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from jupyter_studio.core.spaces.schemas import CreateSpace, SpaceKind
from tests.core.experiments.conftest import run_script
from tests.support import SHORT_WAIT

TRAIN = textwrap.dedent(
    """
    import sys

    import mlflow

    mlflow.set_experiment(sys.argv[1])
    for spec in sys.argv[2:]:  # run-name:learning-rate
        name, rate = spec.split(":")
        with mlflow.start_run(run_name=name):
            mlflow.log_param("learning_rate", rate)
            mlflow.log_param("trees", 50)
            for step in range(4):
                mlflow.log_metric("loss", float(rate) * 10 / (step + 1), step=step)
            mlflow.log_metric("accuracy", 0.8 + float(rate))
            with open("notes.txt", "w") as handle:
                handle.write("trained")
            mlflow.log_artifact("notes.txt")
    """
)


def _space(studio: Any, owner: str, *members: str) -> Any:
    return studio.spaces.create_space(
        studio.caller(owner),
        CreateSpace(
            name=f"lab-{uuid.uuid4().hex[:6]}", kind=SpaceKind.SHARED, members=list(members)
        ),
    )


def test_a_jobs_plain_mlflow_script_is_tracked_in_studio(  # noqa: ANN001
    studio, experiments, provider_path
) -> None:
    alice, bob, carol = (studio.caller(name) for name in ("alice", "bob", "carol"))
    space = _space(studio, "alice", "bob")
    script = Path(studio.contents_root) / space.path / "train.py"
    script.write_text(TRAIN)
    environment = experiments.tracking_environment(owner="alice", space_id=space.space_id)
    if provider_path:
        environment["PYTHONPATH"] = provider_path
    job = studio.submit_job(
        "processing",
        {
            "script": f"{space.path}/train.py",
            "arguments": ["churn", "first:0.1"],
            "environment": environment,
        },
        space_id=space.space_id,
        user="alice",
    )
    job = studio.wait(job.job_id, timeout=180, user="alice")
    assert job.status.value == "Completed", studio.job_logs(job.job_id, user="alice").content

    (experiment,) = experiments.list_experiments(alice)
    assert experiment.name == "churn" and experiment.run_count == 1
    (run,) = experiments.list_runs(alice).items
    assert run.job_id == job.job_id and run.space_id == space.space_id and run.owner == "alice"
    assert run.run_name == "first" and run.status == "FINISHED"
    assert run.params == {"learning_rate": "0.1", "trees": "50"}
    assert run.metrics == {"loss": pytest.approx(0.25), "accuracy": pytest.approx(0.9)}
    assert run.tags["studio.job_id"] == job.job_id and run.experiment_name == "churn"
    assert run.start_time is not None and run.end_time is not None
    # artifacts go to the domain's artifact root, not to the job's working folder
    assert run.artifact_path is not None and run.artifact_path.startswith(
        "studio/mlflow/artifacts/"
    )
    assert (Path(studio.contents_root) / run.artifact_path / "notes.txt").read_text() == "trained"
    assert not (Path(studio.contents_root) / job.output_path / "mlruns").exists()

    history = experiments.metric_history(alice, run.run_id, "loss")
    assert [p.step for p in history.points] == [0, 1, 2, 3]
    assert [p.value for p in history.points] == pytest.approx([1.0, 0.5, 1 / 3, 0.25])

    # a member of the space sees the run; someone else sees nothing and is refused
    assert [r.run_id for r in experiments.list_runs(bob).items] == [run.run_id]
    assert experiments.get_run(bob, run.run_id).job_id == job.job_id
    assert experiments.list_experiments(carol) == []
    assert experiments.list_runs(carol).items == []
    with pytest.raises(Forbidden):
        experiments.get_run(carol, run.run_id)
    with pytest.raises(Forbidden):
        experiments.metric_history(carol, run.run_id, "loss")
    with pytest.raises(Forbidden):
        experiments.list_runs(carol, experiment.experiment_id)
    assert experiments.list_runs(studio.caller("admin")).items[0].run_id == run.run_id


def test_compare_two_runs_side_by_side(studio, experiments, provider_path, tmp_path) -> None:  # noqa: ANN001
    script = tmp_path / "train.py"
    script.write_text(TRAIN)
    env = experiments.tracking_environment(job_id="job-a", owner="alice")
    run_script(script, env, provider_path, tmp_path / "work", "cmp", "slow:0.1", "fast:0.2")
    alice = studio.caller("alice")
    runs = experiments.list_runs(alice, order_by=["metrics.accuracy DESC"]).items
    assert [r.run_name for r in runs] == ["fast", "slow"]
    assert [r.job_id for r in runs] == ["job-a", "job-a"]

    table = experiments.compare_runs(alice, [runs[1].run_id, runs[0].run_id])
    assert table.run_ids == [runs[1].run_id, runs[0].run_id]
    params = {p.key: p for p in table.params}
    assert params["learning_rate"].differs and not params["trees"].differs
    assert params["learning_rate"].values == {runs[1].run_id: "0.1", runs[0].run_id: "0.2"}
    metrics = {m.key: m.values for m in table.metrics}
    assert metrics["accuracy"][runs[0].run_id] == pytest.approx(1.0)
    assert set(table.histories) == {"accuracy", "loss"}
    slow_loss = table.histories["loss"][runs[1].run_id]
    assert [(p.step, p.value) for p in slow_loss] == [
        (0, pytest.approx(1.0)),
        (1, pytest.approx(0.5)),
        (2, pytest.approx(1 / 3)),
        (3, pytest.approx(0.25)),
    ]

    for bad in ([runs[0].run_id], [runs[0].run_id] * 2, [runs[0].run_id] + ["x"] * 5):
        with pytest.raises(InvalidInput):
            experiments.compare_runs(alice, bad)
    with pytest.raises(NotFound):
        experiments.compare_runs(alice, [runs[0].run_id, "0" * 32])
    with pytest.raises(Forbidden):
        experiments.compare_runs(studio.caller("bob"), [r.run_id for r in runs])


def _client(experiments: Any) -> Any:
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=experiments.tracking_uri)


def _log_run(client: Any, experiment_id: str, tags: dict[str, str], **metrics: float) -> str:
    run = client.create_run(experiment_id, tags=tags)
    for key, value in metrics.items():
        client.log_metric(run.info.run_id, key, value)
    client.log_param(run.info.run_id, "k", str(int(metrics.get("acc", 0) * 10)))
    client.set_terminated(run.info.run_id)
    return run.info.run_id


def test_visibility_rules_filters_and_pages(studio, experiments) -> None:  # noqa: ANN001
    alice, bob, dave = (studio.caller(name) for name in ("alice", "bob", "dave"))
    space = _space(studio, "bob", "alice")
    client = _client(experiments)
    experiment_id = client.create_experiment(
        "mixed", artifact_location=str(Path(experiments.artifact_root) / "mixed")
    )
    mine = [
        _log_run(client, experiment_id, {"studio.owner": "alice"}, acc=0.1 * n) for n in range(1, 4)
    ]
    spaced = _log_run(
        client, experiment_id, {"studio.owner": "bob", "studio.space_id": space.space_id}, acc=0.45
    )
    bobs = _log_run(client, experiment_id, {"studio.owner": "bob"}, acc=0.9)
    plain = _log_run(client, experiment_id, {"mlflow.user": "dave"}, acc=0.5)  # no studio tags
    untagged = _log_run(client, experiment_id, {}, acc=0.6)

    def ids(caller: Any, **kwargs: Any) -> list[str]:
        return [r.run_id for r in experiments.list_runs(caller, **kwargs).items]

    assert set(ids(alice)) == {*mine, spaced}
    assert set(ids(bob)) == {spaced, bobs}
    assert ids(dave) == [plain]  # runs without studio tags belong to their mlflow.user
    assert set(ids(studio.caller("admin"))) == {*mine, spaced, bobs, plain, untagged}
    assert experiments.list_experiments(dave)[0].run_count == 1

    # the file browser opens a run's artifacts only for those who may see the run
    def folder(run_id: str) -> Path:
        return Path(client.get_run(run_id).info.artifact_uri.removeprefix("file://")) / "a.txt"

    assert experiments.may_read_artifact(alice, folder(spaced))
    assert experiments.may_read_artifact(alice, folder(mine[0]))
    assert not experiments.may_read_artifact(alice, folder(bobs))
    assert not experiments.may_read_artifact(dave, folder(spaced))
    assert experiments.may_read_artifact(alice, Path(experiments.artifact_root))
    assert not experiments.may_read_artifact(alice, Path(experiments.artifact_root).parent / "x")

    ordered = ids(alice, order_by=["metrics.acc DESC"])
    assert ordered == [spaced, mine[2], mine[1], mine[0]]
    # pages of two, skipping runs alice may not see
    first = experiments.list_runs(alice, order_by=["metrics.acc DESC"], max_results=2)
    assert [r.run_id for r in first.items] == ordered[:2] and first.next_token
    second = experiments.list_runs(
        alice, order_by=["metrics.acc DESC"], max_results=2, page_token=first.next_token
    )
    assert [r.run_id for r in second.items] == ordered[2:] and second.next_token is None
    assert set(ids(alice, filter="metrics.acc > 0.25")) == {spaced, mine[2]}
    assert ids(alice, filter="params.k = '2'") == [mine[1]]

    with pytest.raises(InvalidInput):
        experiments.list_runs(alice, filter="metrics.acc >>> nonsense")
    with pytest.raises(InvalidInput):
        experiments.list_runs(alice, order_by=["nonsense.key SIDEWAYS"])
    with pytest.raises(InvalidInput):
        experiments.list_runs(alice, page_token="not-a-token")
    with pytest.raises(InvalidInput):
        experiments.list_runs(alice, max_results=0)


def test_unknown_ids_and_experiments_shared_with_a_space(studio, experiments) -> None:  # noqa: ANN001
    alice, bob, carol = (studio.caller(name) for name in ("alice", "bob", "carol"))
    with pytest.raises(NotFound):
        experiments.get_run(alice, "0" * 32)
    with pytest.raises(NotFound):
        experiments.get_run(alice, "../../etc/passwd")
    with pytest.raises(NotFound):
        experiments.get_experiment(alice, "424242")
    with pytest.raises(NotFound):
        experiments.list_runs(alice, "424242")

    space = _space(studio, "alice", "bob")
    created = experiments.create_experiment(alice, "team-study", space_id=space.space_id)
    assert created.space_id == space.space_id and created.owner == "alice"
    assert [e.name for e in experiments.list_experiments(bob)] == ["team-study"]  # before any run
    assert experiments.list_experiments(carol) == []
    with pytest.raises(Forbidden):
        experiments.get_experiment(carol, created.experiment_id)
    with pytest.raises(Forbidden):
        experiments.create_experiment(carol, "sneaky", space_id=space.space_id)
    with pytest.raises(Conflict):
        experiments.create_experiment(alice, "team-study")

    client = _client(experiments)
    run_id = _log_run(client, created.experiment_id, {}, acc=0.3)  # inherits the experiment's space
    run = experiments.get_run(bob, run_id)
    assert run.space_id == space.space_id and run.owner == "alice"
    assert run.artifact_path.startswith("studio/mlflow/artifacts/")
    with pytest.raises(NotFound, match="no metric 'loss'"):
        experiments.metric_history(bob, run_id, "loss")


def test_tracking_environment_and_ui_command(studio, experiments) -> None:  # noqa: ANN001
    from jupyter_studio.core.jobs.schemas import DescribeJob

    job = DescribeJob.model_construct(job_id="j-1", owner="alice", space_id="s-1")
    env = experiments.tracking_environment(job)
    domain = Path(studio.domain_root).resolve()
    assert env["MLFLOW_TRACKING_URI"] == f"sqlite:///{domain}/mlflow/mlflow.db"
    assert env["STUDIO_JOB_ID"] == "j-1" and env["STUDIO_OWNER"] == "alice"
    assert env["STUDIO_SPACE_ID"] == "s-1"
    assert env["_MLFLOW_SERVER_ARTIFACT_ROOT"] == str(domain / "mlflow" / "artifacts")
    assert "STUDIO_SPACE_ID" not in experiments.tracking_environment(job_id="j", owner="a")
    assert experiments.ui_command == (
        f"mlflow ui --backend-store-uri 'sqlite:///{domain}/mlflow/mlflow.db' "
        f"--default-artifact-root '{domain}/mlflow/artifacts'"
    )


def test_run_context_provider_tags(monkeypatch) -> None:  # noqa: ANN001
    from jupyter_studio.core.experiments.context import StudioRunContext

    for name in ("STUDIO_JOB_ID", "STUDIO_SPACE_ID", "STUDIO_OWNER"):
        monkeypatch.delenv(name, raising=False)
    provider = StudioRunContext()
    assert not provider.in_context()
    monkeypatch.setenv("STUDIO_JOB_ID", "j-9")
    monkeypatch.setenv("STUDIO_OWNER", "erin")
    assert provider.in_context()
    assert provider.tags() == {
        "studio.job_id": "j-9",
        "studio.owner": "erin",
        "mlflow.user": "erin",
    }
    monkeypatch.setenv("STUDIO_SPACE_ID", "s-9")
    assert provider.tags()["studio.space_id"] == "s-9"


def test_warm_up_creates_a_new_store_before_the_server_answers(studio, tmp_path: Path) -> None:  # noqa: ANN001
    """Issue 22: the first experiments requests timed out while a new store ran its migrations."""
    import threading

    from jupyter_studio.core.experiments.service import ExperimentService

    service = ExperimentService(spaces=studio.spaces, domain_root=tmp_path)
    opened: list[str] = []
    go = threading.Event()

    def store() -> None:
        go.wait(SHORT_WAIT)
        opened.append(threading.current_thread().name)

    service.store = store  # type: ignore[method-assign]
    go.set()
    service.warm_up()
    assert opened == ["studio-mlflow-store"]  # a new store: made before warm_up returns
    go.clear()
    (tmp_path / "mlflow").mkdir()
    (tmp_path / "mlflow" / "mlflow.db").touch()  # an existing store: opened in the background
    thread = service.warm_up()
    assert thread.is_alive() and len(opened) == 1
    go.set()
    thread.join(SHORT_WAIT)
    assert opened == ["studio-mlflow-store"] * 2
    go.clear()  # a creation past create_wait goes on in the background
    (tmp_path / "mlflow" / "mlflow.db").unlink()
    thread = service.warm_up(create_wait=0.1)
    assert thread.is_alive() and len(opened) == 2
    go.set()
    thread.join(SHORT_WAIT)
