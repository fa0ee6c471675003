"""`jupyter studio processing run`: inputs and outputs as SRC[:DEST], --wait follows the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_studio.cli import main


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--user", "alice", *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_processing_run_waits_and_lands_the_output(cli, tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "x.py").write_text(
        "import sys, shutil\n"
        "shutil.copy('/opt/ml/processing/in/a.txt', '/opt/ml/processing/out/b.txt')\n"
        "print('args', *sys.argv[1:])\n"
    )
    (tmp_path / "a.txt").write_text("A")
    code, out, err = cli(
        "processing",
        "run",
        "--code",
        "x.py",
        "--input",
        "a.txt:/opt/ml/processing/in",
        "--output",
        "/opt/ml/processing/out:results",
        "--arg=--flag",
        "--arg",
        "two words",
        "--wait",
    )
    assert code == 0, err
    assert "args --flag two words" in out and "Completed" in out
    assert (tmp_path / "results/b.txt").read_text() == "A"


def test_processing_run_bad_input_is_clear(cli, tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "x.py").write_text("print(1)\n")
    code, _, err = cli("processing", "run", "--code", "x.py", "--instance-count", "2")
    assert code == 2 and "instance_count" in err
    code, _, err = cli("processing", "run", "--code", "x.py", "--output", "results")
    assert code == 2 and "SRC:DEST" in err
    code, _, err = cli("processing", "run", "--code", "x.py", "--input", "missing.csv")
    assert code == 2 and "missing.csv" in err
    code, out, _ = cli("processing", "run", "--code", "x.py", "--json")
    assert code == 0 and json.loads(out)["kind"] == "processor"
