"""The Python clients users meet: one per feature, importable from ``jupyter_studio``, acting as
the current user (or ``user=``), with plain keyword arguments.

The README's snippets are read from README.md and run as written, in a fresh folder, the way a
new user follows them (``Models()`` with no ``studio=`` finds the domain of the working folder);
each client also has a failure path: bad input is an ``InvalidInput`` naming the field, an
unknown name a ``NotFound``.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_studio.core.errors import InvalidInput, NotFound, StudioError

README = Path(__file__).resolve().parents[2] / "README.md"
CLIENTS = (
    "Studio",
    "AutoML",
    "AutoMLExperiments",
    "Flow",
    "ModelHub",
    "Predictor",
    "Models",
    "Endpoints",
)


def readme_snippet(marker: str) -> str:
    """The README's ```python block holding the line ``marker``."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    found = [block for block in blocks if marker in block]
    assert len(found) == 1, f"one README python block holds {marker!r}, not {len(found)}"
    return found[0]


def run_snippet(marker: str, names: dict[str, Any]) -> dict[str, Any]:
    """Run the README block holding ``marker`` with the placeholders ``names``; its variables."""
    namespace = dict(names)
    exec(compile(readme_snippet(marker), f"README.md ({marker})", "exec"), namespace)
    return namespace


@pytest.fixture
def new_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """A fresh working folder and the user ``me`` (as under JupyterHub); every Studio the clients
    build on their own is closed at the end (yielded: the list of them)."""
    from jupyter_studio.core.studio import Studio

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTERHUB_USER", "me")
    built: list[Any] = []
    original = Studio.__init__

    def remember(self: Any, **kwargs: Any) -> None:
        original(self, **kwargs)
        built.append(self)

    monkeypatch.setattr(Studio, "__init__", remember)
    try:
        yield built
    finally:
        for studio in built:
            studio.close()


def churn_data() -> tuple[Any, Any, Any]:
    """(fitted pipeline, X, y): a scaler + one-hot + logistic regression on 200 rows."""
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "age": rng.integers(18, 80, 200),
            "income": rng.normal(50.0, 12.0, 200).round(2),
            "city": rng.choice(["Lyon", "Paris", "Nice"], 200),
        }
    )
    y = np.where(X.income - X.age * 0.05 > 48, "yes", "no")
    pipeline = Pipeline(
        [
            (
                "prepare",
                ColumnTransformer(
                    [
                        ("numbers", StandardScaler(), ["age", "income"]),
                        ("city", OneHotEncoder(handle_unknown="ignore"), ["city"]),
                    ]
                ),
            ),
            ("classify", LogisticRegression()),
        ]
    ).fit(X, y)
    return pipeline, X, y


# ------------------------------------------------------------------ the package
def test_the_clients_import_from_the_package_lazily() -> None:
    """``import jupyter_studio`` loads no engine; each client is the class of its old path."""
    code = (
        "import sys, jupyter_studio\n"
        "assert not [m for m in sys.modules if m.startswith('jupyter_studio.')"
        " and m != 'jupyter_studio._version'], sorted(sys.modules)\n"
        f"from jupyter_studio import {', '.join(CLIENTS)}\n"
        "from jupyter_studio.automl import AutoML as A\n"
        "from jupyter_studio.flows import Flow as F\n"
        "from jupyter_studio.modelhub import ModelHub as H\n"
        "from jupyter_studio.endpoints import Predictor as P, Endpoints as E\n"
        "from jupyter_studio.models import Models as M\n"
        "from jupyter_studio.core.studio import Studio as S\n"
        "assert (A, F, H, P, E, M, S) == (AutoML, Flow, ModelHub, Predictor, Endpoints, Models,"
        " Studio)\n"
        "assert set(jupyter_studio.__all__) >= set(%r)\n"
        "try:\n    jupyter_studio.Nope\nexcept AttributeError as exc:\n    print(exc)\n"
        % (CLIENTS,)
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "has no attribute 'Nope'" in done.stdout


# ------------------------------------------------------------ models and endpoints
def test_the_readme_models_run_as_written(new_user: list[Any]) -> None:
    import mlflow.sklearn

    sklearn_pipeline, X, y = churn_data()
    job_output = Path("studio/users/me/jobs/train-1a2b/output/model")
    job_output.parent.mkdir(parents=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(
            sklearn_pipeline,
            str(job_output),
            input_example=X.head(),
            pip_requirements=["scikit-learn"],  # inferring them imports torch: slow
        )

    names = {"sklearn_pipeline": sklearn_pipeline, "X": X, "train_df": X.assign(churned=y)}
    ran = run_snippet("models = Models()", names)
    models = ran["models"]
    assert models.caller.username == "me"
    assert ran["version"].version == 1 and ran["version"].baseline_path
    assert [v.version for v in models.versions("churn")] == [2, 1]
    assert [m.name for m in models.list()] == ["churn"]
    assert models.get("churn").latest_version == 2
    assert models.version("churn", 2).source == "path:" + job_output.as_posix()
    predicted = models.load("churn", 1).predict(X.head(3))
    assert list(predicted) == list(sklearn_pipeline.predict(X.head(3)))


@pytest.mark.timeout(900)  # two model servers start, on a busy 2-core machine
def test_the_readme_endpoints_run_as_written(new_user: list[Any]) -> None:
    from jupyter_studio import Models

    sklearn_pipeline, X, _ = churn_data()
    models = Models()
    for _ in range(2):
        models.register(sklearn_pipeline, "churn", input_example=X.head())
    ran: dict[str, Any] = {}
    try:
        ran = run_snippet("endpoints = Endpoints()", {"df": X.head(5)})
    finally:
        with contextlib.suppress(StudioError):
            models.studio.endpoints.delete(models.caller, "churn")
    assert ran["endpoints"].list() == []  # the snippet ends with a delete
    with pytest.raises(NotFound, match="No endpoint 'churn'"):
        ran["endpoints"].describe("churn")


@pytest.mark.timeout(900)  # a model server starts, on a busy 2-core machine
def test_endpoints_create_wait_and_predict(studio: Any) -> None:
    """The client's calls one by one, with what each returns."""
    from jupyter_studio import Endpoints, Models

    pipeline, X, _ = churn_data()
    Models(studio=studio).register(pipeline, "churn", input_example=X.head())
    endpoints = Endpoints(studio=studio)
    try:
        created = endpoints.create("churn-ep", "churn", capture_percent=5, wait=False)
        assert (created.model_version, created.owner) == (1, "alice")
        assert created.capture_percent == 5.0
        served = endpoints.wait("churn-ep", timeout=600)
        assert served.status.value == "InService", served.status_message
        predictions = endpoints.predictor("churn-ep").predict(X.head(4))
        assert len(predictions) == 4 and "prediction" in predictions.columns
        assert [e.endpoint_name for e in endpoints.list()] == ["churn-ep"]
        assert endpoints.stats("churn-ep").request_count == 1
    finally:
        with contextlib.suppress(StudioError):
            endpoints.delete("churn-ep")
    with pytest.raises(NotFound):
        endpoints.describe("churn-ep")


# ------------------------------------------------------------------ failure paths
def test_models_refuse_a_bad_name_and_name_an_unknown_model(studio: Any) -> None:
    from jupyter_studio import Models

    pipeline, X, _ = churn_data()
    models = Models(studio=studio)
    with pytest.raises(InvalidInput) as bad:
        models.register(pipeline, "churn model!", input_example=X.head())
    assert bad.value.message == (
        "Invalid model registration: name: not a valid value; expected: letters, digits and "
        "hyphens, at most 63 characters, no hyphen at either end."
    )
    assert models.list() == []  # nothing was written
    with pytest.raises(InvalidInput, match="Cannot register a dict"):
        models.register({}, "churn")
    with pytest.raises(InvalidInput, match=r"model update: tags"):
        models.update("churn", tags={"": "empty key"})
    with pytest.raises(NotFound, match="No model named 'nope'"):
        models.get("nope")
    with pytest.raises(NotFound):
        models.versions("nope")


def test_models_act_as_the_user_given(studio: Any) -> None:
    from jupyter_studio import Models

    pipeline, X, _ = churn_data()
    bob = Models(studio=studio, user="bob")
    version = bob.register(pipeline, "bobs-model", input_example=X.head(), tags={"team": "b"})
    assert version.owner == "bob"
    assert bob.update("bobs-model", description="Bob's").description == "Bob's"
    assert bob.get("bobs-model").tags == {"team": "b"}
    alice = Models(studio=studio)  # the default user of the fixture's Studio
    assert alice.list() == []
    with pytest.raises(NotFound):
        alice.get("bobs-model")
    bob.delete_version("bobs-model", 1)
    assert bob.versions("bobs-model") == []
    bob.delete("bobs-model")
    assert bob.list() == []


def test_endpoints_refuse_a_bad_name_and_name_an_unknown_endpoint(studio: Any) -> None:
    from jupyter_studio import Endpoints, Predictor

    endpoints = Endpoints(studio=studio)
    with pytest.raises(InvalidInput, match=r"^Invalid endpoint: endpoint_name: not a valid value"):
        endpoints.create("churn endpoint", "churn")
    with pytest.raises(InvalidInput, match=r"^Invalid endpoint: instance_count: "):
        endpoints.create("churn", "churn", instance_count=0)
    with pytest.raises(NotFound, match="No model named 'churn'"):
        endpoints.create("churn", "churn")
    with pytest.raises(NotFound, match="No endpoint 'nope': list endpoints"):
        endpoints.describe("nope")
    with pytest.raises(NotFound, match="No endpoint 'nope'"):
        endpoints.update("nope", model_version=2)
    with pytest.raises(InvalidInput, match=r"^Invalid endpoint update: model_version: "):
        endpoints.update("nope", model_version=0)
    with pytest.raises(NotFound, match="No endpoint 'nope'"):
        Predictor("nope", studio=studio).predict([{"x": 1.0}])
    assert endpoints.list() == []


# ------------------------------------------------------------- the other sections
def test_the_readme_python_api_imports_and_failure_paths(new_user: list[Any]) -> None:
    """AutoML, Flow and ModelHub from the package, each with its failure path (the fit, the
    deploy and the generation themselves are covered by their own tests)."""
    from jupyter_studio import AutoML, Flow, Studio

    assert readme_snippet("result = AutoML(").startswith("from jupyter_studio import AutoML\n")
    AutoML(target="churned", max_runtime=120)
    with pytest.raises(InvalidInput, match="mode: must be one of auto, ensembling, hpo"):
        AutoML(target="churned", mode="fast")

    with pytest.raises(StudioError, match="'missing.flow' does not exist"):
        Flow.load("missing.flow")

    hub_lines = readme_snippet("hub = ModelHub()").splitlines()[:3]
    assert hub_lines[:2] == ["from jupyter_studio import ModelHub", "hub = ModelHub()"]
    namespace: dict[str, Any] = {}
    exec("\n".join(hub_lines), namespace)
    hub = namespace["hub"]
    assert hub.caller.username == "me"
    assert "smollm2-135m-instruct" in [card.id for card in hub.list(task="text-generation")]
    with pytest.raises(NotFound, match="No model 'no-such-model' in the model hub"):
        hub.show("no-such-model")
    with pytest.raises(InvalidInput, match="prompt: the prompt is blank"):
        hub.generate("smol", "")

    with pytest.raises(StudioError, match="Unknown job kind 'nope'"):
        Studio().submit_job("nope")


def test_the_readme_flow_runs_as_written(new_user: list[Any]) -> None:
    import pandas as pd

    from jupyter_studio import Flow

    folder = Path("data/2026-11-01")
    folder.mkdir(parents=True)
    pd.DataFrame(
        {
            "price": [10.0, None, 12.5, 11.0, None, 9.5] * 10,
            "units": list(range(60)),
            "churned": ["yes", "no", "no", "yes", "no", "no"] * 10,
        }
    ).to_csv(folder / "sales.csv", index=False)
    flow = Flow.new("sales")
    flow.add_parameter("date", "2026-11-01")
    flow.add_source("data/{date}/sales.csv")
    flow.save("sales.flow")

    ran = run_snippet('flow = Flow.load("sales.flow")', {})
    assert (
        ran["flow"].sample(ran["clean"], params={"date": "2026-11-01"})["price"].null_count() == 0
    )
    assert pd.read_parquet("out.parquet")["price"].isna().sum() == 0
