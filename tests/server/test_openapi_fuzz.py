"""schemathesis over the whole OpenAPI document against a live server: a few cases per operation.

Every operation gets schema-valid and schema-violating requests. The server must never answer
5xx, answer only documented statuses and shapes, refuse what the schema refuses, and take what
it allows (except where validity depends on state the schema cannot know: see STATEFUL).
The full run is ``schemathesis run http://127.0.0.1:PORT/studio/api/openapi.json --url
http://127.0.0.1:PORT --checks all -H "Authorization: token T"``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from jupyter_studio import __version__  # noqa: E402
from jupyter_studio.server.openapi import build_openapi  # noqa: E402
from jupyter_studio.server.routes import ROUTES  # noqa: E402
from tests.support import LONG_WAIT, free_port, studio_api  # noqa: E402

TOKEN = "studio-fuzz-token"
REPO = Path(__file__).resolve().parents[2]
#: Operations whose valid input still depends on the server's state, which no schema can say: a
#: job kind's own parameters, a file's content (a table with the target, a readable table, an
#: MLflow model folder), a path that climbs out of the caller's files, a flow document's nodes, an
#: MLflow filter's syntax. A 4xx there is a refusal with a reason, not a disagreement. A file, flow
#: or job kind that does not exist is a 404 (path_not_found, unknown_job_kind) and a path of
#: another kind (a folder for a file, a file that is not a flow) a 409, which the check takes; a
#: private space's members and an existing profile are in the schema or a 409.
STATEFUL = {
    "POST /studio/api/jobs",  # parameters are the kind's
    "POST /studio/api/processing/jobs",  # code and inputs must exist in the caller's files
    "POST /studio/api/models",  # path must be an MLflow model folder
    # data must be a readable table with the target
    "POST /studio/api/automl/experiments",
    "GET /studio/api/automl/preview",  # path must be a readable table
    "POST /studio/api/flows/runs",  # path must be a saved flow
    "POST /studio/api/flows/handoffs",
    "POST /studio/api/flows/edits",  # the document must be a flow, the edit one of its ops
    "POST /studio/api/flows/preview",
    "POST /studio/api/flows/statuses",
    "POST /studio/api/flows/report",
    "POST /studio/api/flows/report/html",
    "POST /studio/api/flows/exports",
    "POST /studio/api/modelhub/finetune",  # data must be a readable table with the columns
    "POST /studio/api/modelhub/evaluate",
    "GET /studio/api/runs",  # filter and order_by are MLflow syntax
}

#: A regression guard that stays fast on a busy machine: random cases only (the coverage phase's
#: hundreds of boundary cases per operation are the CLI run's job), a few per operation.
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
        "generation": {"max-examples": 3, "mode": "all", "no-shrink": True},
    }
)
SCHEMA = schemathesis.openapi.from_dict(build_openapi(ROUTES, __version__), config=CONFIG)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Jupyter server with Studio on a fresh root (its own process: schemathesis is sync)."""
    root = tmp_path_factory.mktemp("fuzz-root")
    home = tmp_path_factory.mktemp("fuzz-home")
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_STUDIO_", "JUPYTERHUB_"))
    }
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(home / "rt"),
        JUPYTER_DATA_DIR=str(home / "data"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    log_path = root.parent / "fuzz-server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                "--no-browser",
                "--allow-root",
                f"--port={port}",
                "--ip=127.0.0.1",
                f"--ServerApp.root_dir={root}",
                f"--IdentityProvider.token={TOKEN}",
                # a new MLflow store is made before the server answers (the first requests need it)
                "--Studio.warm_up_tracking_store=True",
            ],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + LONG_WAIT
    try:
        while True:
            try:
                if studio_api(base, TOKEN, "GET", "info")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Jupyter did not start:\n" + log_path.read_text()[-4000:])
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@SCHEMA.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_server_keeps_the_documented_contract(case: Any, fuzz_server: str) -> None:
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
    ]
    if f"{case.method.upper()} {case.path}" not in STATEFUL:
        checks.append(positive_data_acceptance)
    response = case.call(
        base_url=fuzz_server, headers={"Authorization": f"token {TOKEN}"}, timeout=LONG_WAIT
    )
    case.validate_response(response, checks=checks)
