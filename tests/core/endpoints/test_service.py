"""Endpoint lifecycle on the real registry and model server: deploy, invoke, update without
downtime, a killed model server restarted, bad input refused, delete leaves nothing running."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mlflow")
pytest.importorskip("sklearn")

from jupyter_studio.core.endpoints.invocation import InvocationError  # noqa: E402
from jupyter_studio.core.endpoints.schemas import CreateEndpoint, UpdateEndpoint  # noqa: E402
from jupyter_studio.core.endpoints.tables import EndpointRow  # noqa: E402
from jupyter_studio.core.errors import Conflict, Forbidden, InvalidInput, NotFound  # noqa: E402
from jupyter_studio.core.processes import ProcessHandle, find_process  # noqa: E402
from jupyter_studio.core.validation import parse_model  # noqa: E402
from jupyter_studio.endpoints import Predictor  # noqa: E402
from tests.support import LONG_WAIT, SHORT_WAIT, wait_until  # noqa: E402


@pytest.fixture
def data() -> Any:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x1": rng.normal(size=300), "x2": rng.normal(size=300)})
    return frame, (frame["x1"] + frame["x2"] > 0).astype(int)


@pytest.fixture
def registered(studio: Any, data: Any) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    features, target = data
    caller = studio.caller()
    for model in (LogisticRegression(), DecisionTreeClassifier(max_depth=2)):
        studio.models.register(
            caller, model.fit(features, target), "clf", input_example=features.head()
        )
    return features


def _processes(studio: Any, name: str) -> list[ProcessHandle]:
    with studio.store.session() as session:
        row = session.get(EndpointRow, name)
        handles = [ProcessHandle(row.pid, row.pid_started_at, row.host or "")] if row else []
    return handles


def test_deploy_invoke_update_and_delete(studio: Any, registered: Any) -> None:
    caller = studio.caller()
    created = studio.endpoints.create(
        caller, CreateEndpoint(endpoint_name="clf-ep", model_name="clf", model_version=1)
    )
    assert created.status.value == "Creating" and created.model_version == 1
    ready = studio.endpoints.wait(caller, "clf-ep", timeout=LONG_WAIT)
    assert ready.status.value == "InService", ready.status_message
    predictor = Predictor("clf-ep", studio=studio)
    first = predictor.predict(registered.head(5))
    assert list(first.columns[:1]) == ["prediction"] and len(first) == 5
    assert {"probability_0", "probability_1"} <= set(first.columns)

    # Requests keep succeeding while the endpoint switches to version 2.
    failures: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                predictor.predict(registered.head(2))
            except Exception as exc:  # noqa: BLE001 - any failure is the test's finding
                failures.append(repr(exc))
            time.sleep(0.02)

    thread = threading.Thread(target=hammer)
    thread.start()
    old = _processes(studio, "clf-ep")
    updating = studio.endpoints.update(caller, "clf-ep", UpdateEndpoint(model_version=2))
    assert updating.status.value == "Updating"
    updated = studio.endpoints.wait(caller, "clf-ep", timeout=LONG_WAIT)
    time.sleep(1.0)
    stop.set()
    thread.join()
    assert updated.status.value == "InService" and updated.model_version == 2
    assert not failures, failures[:3]
    wait_until(
        lambda: find_process(old[0]) is None,
        SHORT_WAIT,
        "the replaced model server's exit",
    )

    stats = studio.endpoints.stats(caller, "clf-ep")
    assert stats.request_count > 0 and stats.p50_ms is not None

    current = _processes(studio, "clf-ep")
    studio.endpoints.delete(caller, "clf-ep")
    assert studio.endpoints.list(caller) == []
    assert find_process(current[0]) is None


def test_a_killed_model_server_is_restarted(studio: Any, registered: Any) -> None:
    caller = studio.caller()
    studio.endpoints.create(caller, CreateEndpoint(endpoint_name="phoenix", model_name="clf"))
    assert studio.endpoints.wait(caller, "phoenix", timeout=LONG_WAIT).status.value == "InService"
    (handle,) = _processes(studio, "phoenix")
    os.killpg(handle.pid, signal.SIGKILL)
    wait_until(lambda: find_process(handle) is None, SHORT_WAIT, "the killed server's end")
    studio.endpoints.supervise()
    described = studio.endpoints.get(caller, "phoenix")
    assert described.status.value == "Creating" and "restarting" in described.status_message
    back = studio.endpoints.wait(caller, "phoenix", timeout=LONG_WAIT)
    assert back.status.value == "InService"
    assert len(Predictor("phoenix", studio=studio).predict(registered.head(3))) == 3
    studio.endpoints.delete(caller, "phoenix")


def test_a_model_server_that_cannot_start_is_failed_with_its_log(
    studio: Any, registered: Any
) -> None:
    caller = studio.caller()
    version_dir = Path(studio.models.resolve_version(caller, "clf", 1).model_dir)
    studio.endpoints.create(
        caller, CreateEndpoint(endpoint_name="broken", model_name="clf", model_version=1)
    )
    # Corrupt the model after the deploy was accepted: the server cannot load it.
    (version_dir / "MLmodel").write_text("not: [a valid MLmodel")
    failed = studio.endpoints.wait(caller, "broken", timeout=LONG_WAIT)
    assert failed.status.value == "Failed"
    assert "model server log" in failed.status_message
    with pytest.raises(Conflict):
        Predictor("broken", studio=studio).predict(registered.head(1))
    studio.endpoints.delete(caller, "broken")


def test_bad_requests_are_refused(studio: Any, registered: Any) -> None:
    caller = studio.caller()
    with pytest.raises(InvalidInput) as info:
        parse_model(CreateEndpoint, {"endpoint_name": "-bad-", "model_name": "clf"}, "endpoint")
    assert info.value.detail[0]["loc"] == ["endpoint_name"]
    with pytest.raises(InvalidInput):
        parse_model(CreateEndpoint, {"endpoint_name": "x" * 64, "model_name": "clf"}, "endpoint")
    with pytest.raises(NotFound):
        studio.endpoints.create(caller, CreateEndpoint(endpoint_name="nope", model_name="nope"))
    with pytest.raises(NotFound):
        studio.endpoints.create(
            caller, CreateEndpoint(endpoint_name="nope", model_name="clf", model_version=9)
        )
    studio.endpoints.create(caller, CreateEndpoint(endpoint_name="taken", model_name="clf"))
    with pytest.raises(Conflict):
        studio.endpoints.create(caller, CreateEndpoint(endpoint_name="taken", model_name="clf"))
    assert studio.endpoints.wait(caller, "taken", timeout=LONG_WAIT).status.value == "InService"
    with pytest.raises(InvocationError) as bad:
        Predictor("taken", studio=studio).predict([{"x1": 1.0}])
    assert bad.value.status == 400 and "x2" in bad.value.message
    with pytest.raises(Forbidden):
        studio.endpoints.delete(studio.caller("mallory"), "taken")
    with pytest.raises(Forbidden):
        studio.endpoints.get(studio.caller("mallory"), "taken")
    assert studio.endpoints.list(studio.caller("mallory")) == []
    studio.endpoints.delete(caller, "taken")
    with pytest.raises(NotFound):
        studio.endpoints.get(caller, "taken")


def test_a_model_named_in_several_places_is_deployed_and_restarted_from_the_space_given(
    studio: Any, registered: Any
) -> None:
    from sklearn.linear_model import LinearRegression

    from jupyter_studio.core.spaces.schemas import CreateSpace

    caller = studio.caller()
    team = studio.spaces.create_space(caller, CreateSpace(name="Team"))
    # a second "clf" in the space, told apart by its columns
    renamed = registered.rename(columns={"x1": "a", "x2": "b"})
    studio.models.register(
        caller,
        LinearRegression().fit(renamed, renamed["a"]),
        "clf",
        input_example=renamed.head(),
        space_id=team.space_id,
    )
    studio.endpoints.create(
        caller,
        CreateEndpoint(endpoint_name="spaced", model_name="clf", model_space_id=team.space_id),
    )
    described = studio.endpoints.wait(caller, "spaced", timeout=LONG_WAIT)
    assert described.status.value == "InService" and described.space_id == team.space_id
    assert len(Predictor("spaced", studio=studio).predict(renamed.head(2))) == 2

    (handle,) = _processes(studio, "spaced")
    os.killpg(handle.pid, signal.SIGKILL)
    wait_until(lambda: find_process(handle) is None, SHORT_WAIT, "the killed server's end")
    studio.endpoints.supervise()
    assert studio.endpoints.wait(caller, "spaced", timeout=LONG_WAIT).status.value == "InService"
    # still the space's model (columns a and b), not the home one of the same name
    assert len(Predictor("spaced", studio=studio).predict(renamed.head(2))) == 2
    studio.endpoints.delete(caller, "spaced")
