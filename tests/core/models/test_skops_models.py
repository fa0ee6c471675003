"""A scikit-learn model saved the usual way (``mlflow.sklearn.save_model(model, path)``).

MLflow 3 writes such a model in the skops format by default, which needs the ``skops`` package:
``mlflow-skinny`` does not bring it, so Studio must. The folder must then register, load with
``mlflow.pyfunc.load_model``, and deploy, also when it names extra trusted types (a LightGBM step).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from jupyter_studio.core.endpoints.schemas import CreateEndpoint
from jupyter_studio.endpoints import Predictor
from tests.support import LONG_WAIT

REPO = Path(__file__).resolve().parents[3]


def test_skops_is_a_runtime_dependency() -> None:
    """The README's install (``pip install .``) must bring what the default save needs."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = {
        re.split(r"[<>=!~\[ ;]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]
    }
    assert "skops" in names


def _save_default(model: Any, folder: Path, example: Any, **kwargs: Any) -> None:
    """What a user writes: no serialization format, so MLflow picks skops."""
    import mlflow.sklearn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(model, str(folder), input_example=example, **kwargs)


def _register_and_check(studio: Any, registry: Any, folder: Path, name: str, frame: Any) -> Any:
    """Register ``folder`` from the user's home, load the version back, return the version."""
    import mlflow.pyfunc
    from mlflow.models import Model

    assert Model.load(str(folder)).flavors["sklearn"]["serialization_format"] == "skops"
    alice = studio.caller("alice")
    version = registry.register_from_path(alice, f"studio/users/alice/{folder.name}", name)
    assert version.flavor == "sklearn"
    assert version.problem_type is not None and version.problem_type.value == "binary"
    model_dir = registry.resolve_version(alice, name).model_dir
    loaded = mlflow.pyfunc.load_model(str(model_dir))
    assert len(loaded.predict(frame.head(4))) == 4
    return version


def _deploy_and_invoke(studio: Any, name: str, frame: Any) -> None:
    caller = studio.caller("alice")
    studio.endpoints.create(caller, CreateEndpoint(endpoint_name=name, model_name=name))
    try:
        ready = studio.endpoints.wait(caller, name, timeout=LONG_WAIT)
        assert ready.status.value == "InService", ready.status_message
        answer = Predictor(name, studio=studio).predict(frame.head(3))
        assert len(answer) == 3 and {"probability_0", "probability_1"} <= set(answer.columns)
    finally:
        studio.endpoints.delete(caller, name)


@pytest.mark.slow
@pytest.mark.timeout(900)  # MLflow infers the requirements (imports torch) and skops loads slowly
def test_the_readme_saving_path_registers_loads_and_deploys(
    studio: Any, registry: Any, trained: Any
) -> None:
    folder = Path(studio.domain_root) / "users" / "alice" / "churn-skops"
    _save_default(trained.model, folder, trained.features.head(3))
    version = _register_and_check(studio, registry, folder, "churn-skops", trained.features)
    assert version.output.classes == [0, 1]
    _deploy_and_invoke(studio, "churn-skops", trained.features)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_skops_model_with_trusted_extra_types_registers_and_deploys(
    studio: Any, registry: Any, trained: Any
) -> None:
    """Types outside skops' default list load because MLflow records them in the MLmodel file."""
    import lightgbm
    import skops.io
    from sklearn.pipeline import Pipeline

    numbers = trained.features[["tenure", "charges"]]
    model = Pipeline(
        [("gbm", lightgbm.LGBMClassifier(n_estimators=10, min_child_samples=5, verbose=-1))]
    ).fit(numbers, trained.target)
    trusted = skops.io.get_untrusted_types(data=skops.io.dumps(model))
    assert trusted  # LightGBM's classes are not in skops' default list
    folder = Path(studio.domain_root) / "users" / "alice" / "gbm-skops"
    _save_default(
        model,
        folder,
        numbers.head(3),
        skops_trusted_types=trusted,
        pip_requirements=["scikit-learn", "lightgbm", "skops"],
    )
    _register_and_check(studio, registry, folder, "gbm-skops", numbers)
    _deploy_and_invoke(studio, "gbm-skops", numbers)
