"""A model that a run logged with plain MLflow becomes a registered version linked to the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_studio.core.errors import Conflict, Forbidden, NotFound
from tests.core.models.conftest import make_registry

pytest.importorskip("sklearn")


def test_register_the_model_a_run_logged(studio, experiments, monkeypatch) -> None:  # noqa: ANN001
    import mlflow
    import mlflow.sklearn
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    alice, bob = studio.caller("alice"), studio.caller("bob")
    experiment = experiments.create_experiment(alice, "registering")
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [1.0, 0.0, 1.0, 0.0]})
    model = LogisticRegression().fit(frame, [0, 0, 1, 1])
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(experiments.tracking_uri)
    try:
        with mlflow.start_run(
            experiment_id=experiment.experiment_id,
            tags={"studio.owner": "alice", "studio.job_id": "job-7"},
        ) as run:
            mlflow.log_metric("auc", 0.88)
            mlflow.sklearn.log_model(
                model, name="clf", input_example=frame.head(2), serialization_format="cloudpickle"
            )
    finally:
        mlflow.set_tracking_uri(previous)
    run_id = run.info.run_id

    (logged,) = experiments.run_models(alice, run_id)
    assert logged.name == "clf" and logged.model_id.startswith("m-")
    assert logged.path.startswith("studio/mlflow/artifacts/")

    registry = make_registry(studio)
    registry.experiments = None  # a registry built without the experiments service
    with pytest.raises(Conflict, match="Experiments are not available"):
        registry.register_from_run(alice, run_id, "from-run")
    registry.experiments = experiments
    version = registry.register_from_run(alice, run_id, "from-run")
    assert version.source == f"run:{run_id}" and version.run_id == run_id
    assert version.job_id == "job-7" and version.metrics == {"auc": 0.88}
    assert [c.name for c in version.input_schema] == ["x", "y"]
    resolved = registry.resolve_version(alice, "from-run")
    assert (resolved.model_dir / "MLmodel").is_file()
    assert Path(studio.contents_root) / version.path == resolved.model_dir

    assert (
        registry.register_from_run(alice, run_id, "by-id", model_name=logged.model_id).version == 1
    )
    with pytest.raises(NotFound, match="no model named 'other'"):
        registry.register_from_run(alice, run_id, "other", model_name="other")
    with pytest.raises(Forbidden):
        registry.register_from_run(bob, run_id, "stolen")
    with pytest.raises(NotFound):
        registry.register_from_run(alice, "0" * 32, "ghost")
