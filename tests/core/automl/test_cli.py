"""`jupyter studio automl ...`: bad input names its field, create --wait, list, leaderboard, get."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_studio.cli import main
from tests.core.automl.conftest import mixed_frame


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    mixed_frame(600).to_csv(tmp_path / "churn.csv", index=False)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--user", "alice", *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_bad_requests_are_refused_before_any_job(cli) -> None:  # noqa: ANN001
    code, _, err = cli("automl", "create", "--name", "x1", "--data", "churn.csv", "--target", "z")
    assert code == 2 and "target" in err and "no column 'z'" in err
    code, _, err = cli("automl", "create", "--name=-x", "--data", "churn.csv", "--target", "y")
    assert code == 2 and "experiment_name" in err
    code, out, _ = cli("automl", "list")
    assert code == 0 and out.startswith("NAME")
    code, _, err = cli("automl", "get", "nope")
    assert code == 2 and "No AutoML experiment" in err


@pytest.mark.slow
def test_create_wait_leaderboard(cli) -> None:  # noqa: ANN001
    code, out, err = cli(
        "automl", "create", "--name", "cli-1", "--data", "churn.csv", "--target", "y",
        "--max-runtime", "60", "--algorithms", "lightgbm,linear", "--tag", "a=b", "--wait",
    )  # fmt: skip
    assert code == 0, err
    assert "cli-1  Completed  100%" in out
    code, out, _ = cli("automl", "leaderboard", "cli-1")
    assert code == 0 and "ROC_AUC" in out and "* " in out
    code, out, _ = cli("automl", "list")
    assert "cli-1" in out and "Completed" in out
