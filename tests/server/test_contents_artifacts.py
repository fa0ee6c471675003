"""The multi-user contents manager opens a run's artifacts only for those who may see the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_studio.server.handlers.base import STUDIO_SETTINGS_KEY

pytest.importorskip("mlflow")


@pytest.fixture
def jp_server_config(multiuser_config):  # noqa: ANN001, ANN201
    multiuser_config.ServerApp.contents_manager_class = (
        "jupyter_studio.server.contents.StudioContentsManager"
    )
    return multiuser_config


async def _status(jp_fetch: Any, path: str) -> int:
    try:
        response = await jp_fetch("api", "contents", *path.split("/"))
    except HTTPClientError as error:
        return error.code
    return response.code


async def test_run_artifacts_follow_the_runs_visibility(jp_fetch, jp_serverapp) -> None:  # noqa: ANN001
    """The contents manager acts for the server's user (one server per user under JupyterHub)."""
    from mlflow.tracking import MlflowClient

    studio = jp_serverapp.web_app.settings[STUDIO_SETTINGS_KEY]["studio"]
    me = studio.caller()
    assert not me.is_admin
    experiments = studio.experiments
    # created by the store, as jobs' experiments are: artifacts under <artifact root>/<id>/
    experiment_id = experiments.store().create_experiment("shared")
    client = MlflowClient(tracking_uri=experiments.tracking_uri)
    root = Path(jp_serverapp.root_dir).resolve()

    def artifact(owner: str) -> str:
        run = client.create_run(experiment_id, tags={"studio.owner": owner})
        folder = Path(run.info.artifact_uri.removeprefix("file://"))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "notes.txt").write_text(f"{owner}'s artifact")
        return (folder / "notes.txt").resolve().relative_to(root).as_posix()

    mine, theirs = artifact(me.username), artifact("bob")
    assert await _status(jp_fetch, mine) == 200
    assert await _status(jp_fetch, theirs) == 403
    # the tracking database itself is nobody's file to open
    database = Path(experiments.artifact_root).parent / "mlflow.db"
    assert database.exists()
    assert await _status(jp_fetch, database.resolve().relative_to(root).as_posix()) == 403
