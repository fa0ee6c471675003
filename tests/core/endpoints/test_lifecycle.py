"""Endpoint lifecycle under races and traffic: one model server per launch even when the
supervisor and a create meet, a model server whose endpoint is gone stops itself, an update under
continuous traffic drops no request and leaves nothing behind, and the model server knows its
endpoint's name (stats and capture records)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mlflow")
pytest.importorskip("sklearn")

import psutil  # noqa: E402

from jupyter_studio.core.endpoints import service as service_module  # noqa: E402
from jupyter_studio.core.endpoints.schemas import CreateEndpoint, UpdateEndpoint  # noqa: E402
from jupyter_studio.core.endpoints.tables import EndpointRow  # noqa: E402
from jupyter_studio.core.processes import ProcessHandle, find_process  # noqa: E402
from jupyter_studio.endpoints import Predictor  # noqa: E402

from .conftest import training_frame  # noqa: E402


def servers_of(studio: Any, name: str) -> list[psutil.Process]:
    """Live model-server supervisors started for endpoint ``name`` (found by their folder)."""
    with studio.store.session() as session:
        folder = session.get(EndpointRow, name).endpoint_dir
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmdline = proc.info["cmdline"] or []
        if (
            service_module.MODEL_SERVER_MODULE in cmdline
            and str(Path(folder) / service_module.CAPTURE_FOLDER) in cmdline
            and proc.info["status"] != psutil.STATUS_ZOMBIE
            and os.getpgid(proc.pid) == proc.pid  # the supervisor, not its forked workers
        ):
            found.append(proc)
    return found


def stop_all(studio: Any, name: str) -> None:
    """Delete the endpoint and end whatever model server of it is still running."""
    leftover = servers_of(studio, name)
    studio.endpoints.delete(studio.caller(), name)
    for proc in leftover:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


def gone(proc: psutil.Process) -> bool:
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(0.2)


@pytest.fixture
def pipeline(studio: Any) -> Any:
    """Two versions of a scaler + one-hot + logistic-regression pipeline named ``pipe``."""
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = training_frame()
    labels = np.where(frame.income - frame.age * 0.05 > 48, "yes", "no")
    for c in (1.0, 0.5):
        model = Pipeline(
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
                ("classify", LogisticRegression(C=c)),
            ]
        ).fit(frame, labels)
        studio.models.register(studio.caller(), model, "pipe", input_example=frame.head())
    return frame


@pytest.mark.parametrize("lease", [60.0, 0.0], ids=["within-lease", "lease-over"])
def test_a_supervisor_pass_during_create_starts_no_second_server(
    studio: Any, pipeline: Any, monkeypatch: pytest.MonkeyPatch, lease: float
) -> None:
    """The monitor sees the new row (Creating, generation 0) before the create launched."""
    service = studio.endpoints
    service.launch_lease_seconds = lease
    original = service_module.EndpointService._launch
    raced: list[bool] = []

    def launch_after_a_supervisor_pass(self: Any, *args: Any, **kwargs: Any) -> None:
        if not raced:
            raced.append(True)
            self.supervise()  # the monitor's pass lands between the insert and the launch
        original(self, *args, **kwargs)

    monkeypatch.setattr(service_module.EndpointService, "_launch", launch_after_a_supervisor_pass)
    caller = studio.caller()
    service.create(caller, CreateEndpoint(endpoint_name="race", model_name="pipe"))
    try:
        ready = service.wait(caller, "race", timeout=240)
        assert ready.status.value == "InService", ready.status_message
        assert len(servers_of(studio, "race")) == 1
    finally:
        stop_all(studio, "race")


def test_a_model_server_whose_endpoint_row_is_gone_stops_itself(studio: Any, pipeline: Any) -> None:
    service = studio.endpoints
    service.lease_check_seconds = 0.5
    caller = studio.caller()
    service.create(caller, CreateEndpoint(endpoint_name="orphan", model_name="pipe"))
    assert service.wait(caller, "orphan", timeout=240).status.value == "InService"
    (server,) = servers_of(studio, "orphan")
    service.stop()
    try:
        check_the_orphan_stops(studio, server)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.pid, signal.SIGKILL)


def check_the_orphan_stops(studio: Any, server: psutil.Process) -> None:
    """Nobody supervises: only the model server itself can notice its row is gone."""
    with studio.store.session() as session:
        folder = Path(session.get(EndpointRow, "orphan").endpoint_dir)
        session.delete(session.get(EndpointRow, "orphan"))
    wait_for(lambda: gone(server), 90, "the orphaned model server stops")
    log = (folder / service_module.LOG_NAME).read_text()
    assert "stopping: its endpoint no longer exists" in log


def test_an_update_under_traffic_drops_nothing_and_leaves_nothing(
    studio: Any, pipeline: Any
) -> None:
    caller = studio.caller()
    shm = Path("/dev/shm")
    loky_before = {p.name for p in shm.glob("*loky*")} if shm.is_dir() else set()
    studio.endpoints.create(
        caller, CreateEndpoint(endpoint_name="busy", model_name="pipe", capture_percent=100)
    )
    try:
        check_an_update_under_traffic(studio, pipeline, loky_before)
    finally:
        stop_all(studio, "busy")


def check_an_update_under_traffic(studio: Any, pipeline: Any, loky_before: set[str]) -> None:
    caller = studio.caller()
    shm = Path("/dev/shm")
    assert studio.endpoints.wait(caller, "busy", timeout=240).status.value == "InService"
    predictor = Predictor("busy", studio=studio)
    row = pipeline.head(1)
    failures: list[str] = []
    answered: list[int] = []
    stop = threading.Event()

    def traffic() -> None:
        while not stop.is_set():
            try:
                answered.append(len(predictor.predict(row)))
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                failures.append(repr(exc))

    thread = threading.Thread(target=traffic)
    thread.start()
    try:
        wait_for(lambda: len(answered) >= 5, 60, "traffic flows")
        with studio.store.session() as session:
            old_row = session.get(EndpointRow, "busy")
            old = ProcessHandle(old_row.pid, old_row.pid_started_at, old_row.host or "")
        studio.endpoints.update(caller, "busy", UpdateEndpoint(model_version=2))
        updated = studio.endpoints.wait(caller, "busy", timeout=240)
        assert updated.status.value == "InService" and updated.model_version == 2
        # traffic goes on while the old server drains and exits
        wait_for(lambda: find_process(old) is None, 120, "the replaced model server exits")
        count = len(answered)
        wait_for(lambda: len(answered) >= count + 5, 60, "the new version answers")
    finally:
        stop.set()
        thread.join()
    assert not failures, failures[:3]
    loky_after = {p.name for p in shm.glob("*loky*")} if shm.is_dir() else set()
    assert loky_after <= loky_before, sorted(loky_after - loky_before)

    # The model server knows its endpoint's name: /stats and the capture records say it.
    stats = studio.endpoints.stats(caller, "busy")
    assert stats.raw["endpoint"] == "busy" and stats.latency_window == "last 60 s"
    capture = Path(studio.endpoints._folder(caller, None, "busy")) / "capture"
    records = [
        json.loads(line)
        for path in sorted(capture.glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]
    assert records and {r["endpoint"] for r in records} == {"busy"}
