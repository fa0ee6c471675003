"""Models saved in MLflow's format and model-server processes for the endpoint runtime tests."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support import LONG_WAIT, SHORT_WAIT, free_port

pytest.importorskip("mlflow")
pytest.importorskip("sklearn")
pytest.importorskip("uvicorn")

SERVER_MODULE = "jupyter_studio.core.endpoints.runtime.model_server"
REPO = Path(__file__).resolve().parents[3]

TROUBLE_MODEL = '''
import os
import time

import mlflow


class Trouble(mlflow.pyfunc.PythonModel):
    """Doubles x; raises on a negative x; sleeps x seconds for a positive one.

    Before sleeping it creates the file named by $TROUBLE_STARTED (when set), so a test can wait
    for a request to be in the model instead of guessing how long that takes.
    """

    def predict(self, context, model_input, params=None):
        x = model_input["x"]
        if (x < 0).any():
            raise ValueError("negative x is not allowed")
        if x.max() > 0:
            if os.environ.get("TROUBLE_STARTED"):
                open(os.environ["TROUBLE_STARTED"], "w").close()
            time.sleep(float(x.max()))
        return x * 2


mlflow.models.set_model(Trouble())
'''


def training_frame(rows: int = 300, seed: int = 0) -> Any:
    """Numeric (integer and float) and categorical columns."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, rows),
            "income": rng.normal(50.0, 12.0, rows).round(2),
            "city": rng.choice(["Lyon", "Paris", "Nice"], rows),
        }
    )


def save_pipeline(path: Path, classifier: Any = None) -> Any:
    """A scikit-learn pipeline (scaler + one-hot + classifier) saved with a signature; returns it."""
    import mlflow.sklearn
    import numpy as np
    from mlflow.models import infer_signature
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = training_frame()
    labels = np.where(
        frame.income + (frame.city == "Paris") * 6 - frame.age * 0.05 > 49, "yes", "no"
    )
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
            ("classify", classifier if classifier is not None else LogisticRegression()),
        ]
    ).fit(frame, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(
            pipeline,
            str(path),
            signature=infer_signature(frame, pipeline.predict(frame)),
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn"],
        )
    return pipeline


def save_trouble_model(path: Path) -> None:
    """A pyfunc model (from code) that raises or sleeps on demand; input column ``x`` (double)."""
    import mlflow.pyfunc
    import pandas as pd
    from mlflow.models import infer_signature

    code = path.parent / f"{path.name}_code.py"
    code.write_text(TROUBLE_MODEL)
    frame = pd.DataFrame({"x": [0.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.pyfunc.save_model(
            str(path),
            python_model=str(code),
            signature=infer_signature(frame, frame["x"]),
            pip_requirements=["mlflow-skinny"],
        )


@pytest.fixture(scope="session")
def pipeline_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """(folder, fitted pipeline) of the scikit-learn classifier."""
    path = tmp_path_factory.mktemp("models") / "churn"
    return path, save_pipeline(path)


@pytest.fixture(scope="session")
def trouble_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of the pyfunc model that raises on a negative x and sleeps on a positive one."""
    path = tmp_path_factory.mktemp("models") / "trouble"
    save_trouble_model(path)
    return path


@dataclass
class Response:
    """What a request to the model server got back."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class ModelServer:
    """A model-server subprocess on a free loopback port."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    args: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = SHORT_WAIT,
    ) -> Response:
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    def invoke(
        self,
        body: bytes | str,
        content_type: str | None = "application/json",
        accept: str | None = None,
        timeout: float = SHORT_WAIT,
    ) -> Response:
        headers = {}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if accept is not None:
            headers["Accept"] = accept
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        return self.request("POST", "/invocations", body, headers, timeout)

    def stats(self) -> dict[str, Any]:
        return self.request("GET", "/stats").json()

    def wait_ready(self, timeout: float = LONG_WAIT) -> None:
        """Until every worker serves (the supervisor logs it) or the process ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"model server exited early:\n{self.log()}")
            if "ready: all" in self.log():
                return
            time.sleep(0.1)
        raise AssertionError(f"model server not ready in {timeout}s:\n{self.log()}")

    def stop(self, timeout: float = SHORT_WAIT) -> int:
        """SIGTERM and wait; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise
        return self.process.returncode


def launch(model_dir: Path, log_path: Path, *args: str, port: int | None = None) -> ModelServer:
    """Start ``python -m model_server --model-dir model_dir ...`` without waiting."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        SERVER_MODULE,
        "--model-dir",
        str(model_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    return ModelServer(process, port, log_path, list(args))


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., ModelServer]]:
    """Start model servers for one test (ready); they are stopped after it."""
    started: list[ModelServer] = []

    def start(model_dir: Path, *args: str, wait: bool = True) -> ModelServer:
        server = launch(model_dir, tmp_path / f"server-{len(started)}.log", *args)
        started.append(server)
        if wait:
            server.wait_ready()
        return server

    yield start
    for server in started:
        _shutdown(server)


def _shutdown(server: ModelServer) -> None:
    try:
        server.stop(timeout=SHORT_WAIT)
    except subprocess.TimeoutExpired:
        pass
    finally:  # a worker left behind would keep the port: end the whole group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def churn_server(
    pipeline_model: tuple[Path, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModelServer]:
    """The pipeline on two workers, capture off (0 %), a 200 kB body limit."""
    folder = tmp_path_factory.mktemp("churn-server")
    server = launch(
        pipeline_model[0],
        folder / "server.log",
        "--workers",
        "2",
        "--model-version",
        "churn/1",
        "--endpoint-name",
        "churn",
        "--capture-dir",
        str(folder / "capture"),
        "--capture-percent",
        "0",
        "--max-payload-bytes",
        "200000",
    )
    try:
        server.wait_ready()
        yield server
    finally:
        _shutdown(server)


def raw_request(
    port: int, method: str, path: str, body_chunks: list[bytes], headers: dict[str, str]
) -> tuple[int, bytes]:
    """A request with a chunked body (no Content-Length); (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SHORT_WAIT)
    try:
        connection.putrequest(method, path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        try:
            for chunk in body_chunks:
                connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()
