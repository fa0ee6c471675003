"""The model registry: MLflow round trip, versions, visibility by space, registration from a folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from jupyter_studio.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from jupyter_studio.core.spaces.schemas import CreateSpace, SpaceKind

LOAD_AND_PREDICT = """
import json, sys
import mlflow.pyfunc
import pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
frame = pd.read_json(sys.argv[2], orient="split")
print(json.dumps([int(x) for x in model.predict(frame)]))
"""


def _shared_space(studio: Any, owner: str, *members: str) -> Any:
    return studio.spaces.create_space(
        studio.caller(owner),
        CreateSpace(
            name=f"team-{uuid.uuid4().hex[:6]}", kind=SpaceKind.SHARED, members=list(members)
        ),
    )


def test_round_trip_loads_in_a_fresh_process(studio, registry, trained, tmp_path) -> None:  # noqa: ANN001
    alice = studio.caller("alice")
    version = registry.register(
        alice,
        trained.model,
        "churn-model",
        input_example=trained.features.head(5),
        training_data=trained.training_data,
        metrics={"auc": 0.91},
        tags={"team": "growth"},
        description="Churn in 30 days",
    )
    assert version.version == 1 and version.model_name == "churn-model"
    assert version.flavor == "sklearn" and "python_function" in version.flavors
    assert version.problem_type.value == "binary"
    assert version.output.classes == [0, 1]
    assert [(c.name, c.type) for c in version.input_schema] == [
        ("tenure", "long"),
        ("charges", "double"),
        ("plan", "string"),
    ]
    assert version.metrics == {"auc": 0.91} and version.tags == {"team": "growth"}
    assert version.source == "python" and version.owner == "alice" and version.space_id is None
    # a file-browser path of a normal folder in the user's home
    assert version.path == "studio/users/alice/models/churn-model/1"
    folder = Path(studio.contents_root) / version.path
    assert (folder / "MLmodel").is_file()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left

    resolved = registry.resolve_version(alice, "churn-model")
    assert resolved.model_dir == folder.resolve() and resolved.version == 1
    assert resolved.describe == version and resolved.input_schema == version.input_schema
    if version.baseline_path is not None:  # monitoring's compute_baseline is installed
        assert resolved.baseline_path == folder.resolve() / "baseline.json"
        baseline = json.loads(resolved.baseline_path.read_text())
        names = [feature["name"] for feature in baseline["features"]]
        assert names == ["tenure", "charges", "plan"]  # the inputs, not the target

    rows = trained.features.tail(20)
    expected = [int(x) for x in trained.model.predict(rows)]
    data = tmp_path / "rows.json"
    data.write_text(rows.to_json(orient="split"))
    done = subprocess.run(
        [sys.executable, "-c", LOAD_AND_PREDICT, str(resolved.model_dir), str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == expected

    model = registry.get_model(alice, "churn-model")
    assert model.description == "Churn in 30 days" and model.latest_version == 1
    assert model.path == "studio/users/alice/models/churn-model"


def test_baseline_goes_through_the_monitoring_seam(studio, registry, trained, monkeypatch) -> None:  # noqa: ANN001
    from jupyter_studio.core.models import files

    seen: dict[str, Any] = {}

    class FakeMonitor:
        @staticmethod
        def compute_baseline(df: Any, columns: Any = None) -> dict[str, Any]:
            seen["columns"], seen["rows"] = columns, len(df)
            return {"kind": "test", "rows": len(df)}

    real_import = files.importlib.import_module
    monkeypatch.setattr(
        files.importlib,
        "import_module",
        lambda name: FakeMonitor if name == files.BASELINE_MODULE else real_import(name),
    )
    alice = studio.caller("alice")
    version = registry.register(
        alice,
        trained.model,
        "seam",
        input_example=trained.features.head(2),
        training_data=trained.training_data,
    )
    assert seen["rows"] == 200
    assert [c["name"] for c in seen["columns"]] == ["tenure", "charges", "plan"]
    resolved = registry.resolve_version(alice, "seam", 1)
    assert json.loads(resolved.baseline_path.read_text()) == {"kind": "test", "rows": 200}
    assert version.baseline_path == "studio/users/alice/models/seam/1/baseline.json"


def test_a_python_model_and_its_inferred_signature(studio, registry) -> None:  # noqa: ANN001
    import mlflow.pyfunc
    import pandas as pd

    class Doubler(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):  # noqa: ANN001, ANN201
            return model_input["x"] * 2

    alice = studio.caller("alice")
    version = registry.register(
        alice, Doubler(), "doubler", input_example=pd.DataFrame({"x": [1.0, 2.0]})
    )
    assert version.flavor == "python_function" and version.problem_type is None
    assert [(c.name, c.type) for c in version.input_schema] == [("x", "double")]
    loaded = mlflow.pyfunc.load_model(str(registry.resolve_version(alice, "doubler").model_dir))
    assert list(loaded.predict(pd.DataFrame({"x": [3.0]}))) == [6.0]


def test_versions_are_numbered_and_deleted_numbers_never_come_back(  # noqa: ANN001
    studio, registry, model_folder
) -> None:
    alice = studio.caller("alice")
    for expected in (1, 2, 3):
        assert registry.register(alice, model_folder, "numbered").version == expected
    trash = registry.delete_version(alice, "numbered", 3)
    assert (trash / "MLmodel").is_file() and trash.parent == Path(studio.domain_root) / ".trash"
    assert [v.version for v in registry.list_versions(alice, "numbered")] == [2, 1]
    with pytest.raises(NotFound, match="deleted"):
        registry.get_version(alice, "numbered", 3)
    assert registry.register(alice, model_folder, "numbered").version == 4
    assert registry.resolve_version(alice, "numbered").version == 4  # the latest by default
    assert registry.get_model(alice, "numbered").version_count == 3
    with pytest.raises(NotFound, match="no version 9"):
        registry.resolve_version(alice, "numbered", 9)


def test_concurrent_registrations_get_distinct_versions(studio, registry, model_folder) -> None:  # noqa: ANN001
    alice = studio.caller("alice")
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def register() -> None:
        try:
            start.wait()
            results.append(registry.register(alice, model_folder, "racy").version)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    folder = Path(studio.domain_root) / "users" / "alice" / "models" / "racy"
    assert sorted(p.name for p in folder.iterdir()) == sorted(str(n) for n in range(1, 7))
    assert all((folder / str(n) / "MLmodel").is_file() for n in range(1, 7))
    assert len(registry.list_models(alice).items) == 1


def test_members_of_the_space_see_a_model_and_others_never_do(  # noqa: ANN001
    studio, registry, model_folder
) -> None:
    alice, bob, carol = (studio.caller(name) for name in ("alice", "bob", "carol"))
    admin = studio.caller("admin")
    space = _shared_space(studio, "alice", "bob")
    version = registry.register(alice, model_folder, "shared-model", space_id=space.space_id)
    assert version.space_id == space.space_id
    assert version.path == f"{space.path}/models/shared-model/1"
    registry.register(alice, model_folder, "private-model")

    assert [m.name for m in registry.list_models(alice).items] == ["private-model", "shared-model"]
    assert [m.name for m in registry.list_models(bob).items] == ["shared-model"]
    assert registry.list_models(carol).items == [] and registry.list_models(carol).total_count == 0
    assert registry.get_model(bob, "shared-model").space_id == space.space_id
    assert registry.resolve_version(bob, "shared-model").version == 1
    # a member may register the next version and edit the description
    assert (
        registry.register(bob, model_folder, "shared-model", space_id=space.space_id).version == 2
    )
    assert registry.update_model(bob, "shared-model", {"description": "ours"}).description == "ours"

    with pytest.raises(NotFound):
        registry.get_model(carol, "shared-model")
    with pytest.raises(Forbidden):
        registry.get_model(carol, "shared-model", space_id=space.space_id)
    with pytest.raises(NotFound):
        registry.resolve_version(carol, "shared-model")
    with pytest.raises(NotFound):
        registry.list_versions(bob, "private-model")
    with pytest.raises(Forbidden):
        registry.register(carol, model_folder, "intruder", space_id=space.space_id)
    # deleting is for the model's owner, the version's owner and administrators
    with pytest.raises(Forbidden, match="owner"):
        registry.delete_version(bob, "shared-model", 1)
    registry.delete_version(bob, "shared-model", 2)  # bob registered version 2

    assert {m.name for m in registry.list_models(admin).items} == {"private-model", "shared-model"}
    assert registry.list_models(admin, _query(home=False)).items[0].name == "shared-model"
    # after leaving the space, bob no longer sees its models
    studio.spaces.remove_member(alice, space.space_id, "bob")
    assert registry.list_models(bob).items == []


def _query(**fields: Any) -> Any:
    from jupyter_studio.core.models.schemas import ListModelsQuery

    return ListModelsQuery(**fields)


def test_same_name_in_home_and_space(studio, registry, model_folder) -> None:  # noqa: ANN001
    alice = studio.caller("alice")
    one = _shared_space(studio, "alice")
    two = _shared_space(studio, "alice")
    registry.register(alice, model_folder, "twin", space_id=one.space_id)
    registry.register(alice, model_folder, "twin", space_id=two.space_id)
    with pytest.raises(Conflict, match="space_id"):
        registry.get_model(alice, "twin")
    assert registry.get_model(alice, "twin", space_id=two.space_id).space_id == two.space_id
    registry.register(alice, model_folder, "twin")  # the home one wins a bare name
    assert registry.get_model(alice, "twin").space_id is None
    assert registry.list_models(alice, _query(name_contains="TWI")).total_count == 3


def test_bad_registrations_are_clear_errors(studio, registry, trained, model_folder) -> None:  # noqa: ANN001
    from sklearn.linear_model import LogisticRegression

    alice = studio.caller("alice")
    for bad in ("-lead", "has space", "x" * 64, "under_score", ""):
        with pytest.raises(InvalidInput, match="name: .*letters, digits and hyphens"):
            registry.register(alice, model_folder, bad)
    with pytest.raises(InvalidInput, match="never fitted"):
        registry.register(alice, LogisticRegression(), "unfitted")
    with pytest.raises(InvalidInput, match="Cannot register a dict"):
        registry.register(alice, {"not": "a model"}, "odd")
    with pytest.raises(InvalidInput, match="finite"):
        registry.register(alice, model_folder, "nan-metric", metrics={"auc": float("nan")})
    with pytest.raises(InvalidInput, match="input example"):
        registry.register(
            alice, trained.model, "bad-example", input_example=trained.features[["plan"]]
        )
    with pytest.raises(NotFound):
        registry.register(alice, model_folder, "nowhere", space_id="no-such-space")
    assert registry.list_models(alice).items == []  # nothing half-registered


def test_register_from_path_refuses_what_is_not_a_model_or_not_yours(  # noqa: ANN001
    studio, registry, model_folder
) -> None:
    alice, bob = studio.caller("alice"), studio.caller("bob")
    home = Path(studio.domain_root) / "users" / "alice"
    (home / "notes").mkdir()
    (home / "notes" / "readme.txt").write_text("hi")
    with pytest.raises(InvalidInput, match="not an MLflow model folder") as info:
        registry.register_from_path(alice, "studio/users/alice/notes", "notes")
    assert info.value.code == "not_an_mlflow_model"
    with pytest.raises(InvalidInput, match="not a folder"):
        registry.register_from_path(alice, "studio/users/alice/notes/readme.txt", "notes")
    with pytest.raises(InvalidInput, match="does not exist"):
        registry.register_from_path(alice, "studio/users/alice/nothing", "nothing")
    no_pyfunc = home / "no-pyfunc"
    shutil.copytree(model_folder, no_pyfunc)
    mlmodel = no_pyfunc / "MLmodel"
    mlmodel.write_text(mlmodel.read_text().replace("python_function:", "not_pyfunc:"))
    with pytest.raises(InvalidInput, match="no python_function flavor"):
        registry.register_from_path(alice, "studio/users/alice/no-pyfunc", "no-pyfunc")

    bobs = Path(studio.domain_root) / "users" / "bob" / "model"
    shutil.copytree(model_folder, bobs)
    with pytest.raises(Forbidden, match="outside the folders you may use"):
        registry.register_from_path(alice, "studio/users/bob/model", "stolen")
    for sneaky in (
        "/etc",
        "studio/users/alice/../bob/model",
        "studio/users/alice/%2e%2e/bob/model",
    ):
        with pytest.raises(InvalidInput):
            registry.register_from_path(alice, sneaky, "stolen")
    (home / "link").symlink_to(bobs)
    with pytest.raises(Forbidden):
        registry.register_from_path(alice, "studio/users/alice/link", "stolen")
    assert registry.list_models(alice).items == [] and registry.list_models(bob).items == []


def test_register_from_a_jobs_artifact_folder(studio, registry, model_folder, trained) -> None:  # noqa: ANN001
    from jupyter_studio.core.jobs.tables import JobRow

    alice = studio.caller("alice")
    job_dir = Path(studio.domain_root) / "users" / "alice" / "jobs" / "train-1234abcd"
    shutil.copytree(model_folder, job_dir / "output" / "model")
    trained.training_data.to_csv(job_dir / "output" / "train.csv", index=False)
    with studio.store.session() as session:
        session.add(
            JobRow(
                job_id="job-1234",
                name="train",
                kind="processing",
                owner="alice",
                parameters={},
                status="Completed",
                job_dir=str(job_dir),
                spec={},
            )
        )
    version = registry.register_from_path(
        alice,
        "studio/users/alice/jobs/train-1234abcd/output/model",
        "from-job",
        training_data_path="studio/users/alice/jobs/train-1234abcd/output/train.csv",
        metrics={"auc": 0.8},
    )
    assert version.source == "job:job-1234" and version.job_id == "job-1234"
    assert [c.name for c in version.input_schema] == ["tenure", "charges", "plan"]
    resolved = registry.resolve_version(alice, "from-job")
    assert (resolved.model_dir / "MLmodel").is_file()
    assert resolved.model_dir != (job_dir / "output" / "model").resolve()  # copied in
    # read from the fitted estimator (in a child process), as for an estimator registered live
    assert version.problem_type is not None and version.problem_type.value == "binary"
    assert version.output.classes == list(trained.model.classes_)


def test_damaged_files_and_endpoints_in_use(studio, registry, model_folder) -> None:  # noqa: ANN001
    from jupyter_studio.core.endpoints.tables import EndpointRow

    alice = studio.caller("alice")
    registry.register(alice, model_folder, "served")
    registry.register(alice, model_folder, "served")
    with studio.store.session() as session:
        session.add(
            EndpointRow(
                endpoint_name="served-ep",
                owner="alice",
                space_id=None,
                model_name="served",
                model_version=2,
                instance_count=1,
                capture_percent=0.0,
                status="InService",
                endpoint_dir="/nowhere",
                generation=0,
                restarts=0,
            )
        )
    with pytest.raises(Conflict, match="served-ep"):
        registry.delete_version(alice, "served", 2)
    with pytest.raises(Conflict, match="served-ep"):
        registry.delete_model(alice, "served")
    (registry.resolve_version(alice, "served", 1).model_dir / "MLmodel").unlink()
    with pytest.raises(Conflict, match="missing or damaged"):
        registry.resolve_version(alice, "served", 1)
    registry.delete_version(alice, "served", 1)
    assert registry.update_model(alice, "served", {"tags": {"stage": "prod"}}).tags == {
        "stage": "prod"
    }
    with pytest.raises(InvalidInput):
        registry.update_model(alice, "served", {"colour": "red"})


def test_a_folder_whose_mlmodel_metadata_names_its_classes(studio, registry, tmp_path) -> None:  # noqa: ANN001
    import mlflow.pyfunc
    import pandas as pd

    class Constant(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):  # noqa: ANN001, ANN201
            return ["b"] * len(model_input)

    folder = tmp_path / "pyfunc"
    mlflow.pyfunc.save_model(
        str(folder),
        python_model=Constant(),
        input_example=pd.DataFrame({"x": [1.0]}),
        metadata={"studio_automl": {"problem_type": "multiclass", "classes": ["a", "b", "c"]}},
    )
    version = registry.register(studio.caller("alice"), str(folder), "constant")
    assert version.problem_type.value == "multiclass"
    assert version.output.classes == ["a", "b", "c"]
