"""`jupyter studio ...` drives the same engine as the server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_studio.cli import main


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    (tmp_path / "hello.py").write_text("import sys\nprint('hello', *sys.argv[1:])\n")
    (tmp_path / "bad.py").write_text("raise SystemExit('no data')\n")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--user", "alice", *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_run_follow_list_logs_and_retry(cli) -> None:  # noqa: ANN001
    code, out, _ = cli("jobs", "run", "--follow", "hello.py", "a", "b c")
    assert code == 0 and "hello a b c" in out and "Completed" in out
    code, out, _ = cli("jobs", "list", "--json")
    jobs = json.loads(out)["items"]
    assert [j["status"] for j in jobs] == ["Completed"]
    code, out, _ = cli("jobs", "logs", jobs[0]["job_id"][:12])
    assert "hello a b c" in out
    code, out, _ = cli("jobs", "retry", jobs[0]["job_id"][:12], "--json")
    assert code == 0 and json.loads(out)["job_id"] != jobs[0]["job_id"]


def test_failures_and_bad_input_are_clear(cli) -> None:  # noqa: ANN001
    code, out, _ = cli("jobs", "run", "--wait", "bad.py")
    assert code == 1 and "Failed" in out and "no data" in out
    code, _, err = cli("jobs", "run", "../etc/passwd")
    assert code == 2 and "climbs out" in err
    code, _, err = cli("jobs", "get", "nope")
    assert code == 2 and "No job with id" in err


def test_spaces_and_profiles(cli) -> None:  # noqa: ANN001
    code, out, _ = cli("spaces", "create", "Team", "--member", "bob")
    assert code == 0 and "shared" in out
    code, out, _ = cli("spaces", "list", "--json")
    assert json.loads(out)[0]["members"] == ["alice", "bob"]
    code, _, err = cli("profiles", "list")
    assert code == 2 and "administrators" in err  # alice is not an admin


def test_profiles_as_admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"Studio": {"admin_users": ["boss"]}})
    )
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(config))
    assert (
        main(
            ["--user", "boss", "profiles", "create", "dana", "--default-max-runtime-seconds", "600"]
        )
        == 0
    )
    assert (
        main(["--user", "boss", "profiles", "set", "dana", "--admin", "--display-name", "Dana D"])
        == 0
    )
    capsys.readouterr()
    assert main(["--user", "boss", "profiles", "list", "--json"]) == 0
    profiles = {p["username"]: p for p in json.loads(capsys.readouterr().out)}
    assert profiles["dana"]["is_admin"] and profiles["dana"]["settings"] == {
        "default_max_runtime_seconds": 600
    }
    assert profiles["dana"]["display_name"] == "Dana D"


def test_train_with_mlflow_register_deploy_and_invoke(cli, tmp_path: Path) -> None:  # noqa: ANN001
    """The whole story from the command line: a job logs a run and saves a model with plain
    mlflow, the model is registered from the job's folder, deployed and invoked."""
    pytest.importorskip("sklearn")
    (tmp_path / "train.py").write_text(
        "import mlflow, mlflow.sklearn, numpy as np, pandas as pd\n"
        "from sklearn.linear_model import LinearRegression\n"
        "X = pd.DataFrame({'a': np.arange(50.0), 'b': np.arange(50.0) % 7})\n"
        "y = 2 * X['a'] + X['b']\n"
        "with mlflow.start_run():\n"
        "    model = LinearRegression().fit(X, y)\n"
        "    for step in range(3):\n"
        "        mlflow.log_metric('loss', 1.0 / (step + 1), step=step)\n"
        "    mlflow.log_param('kind', 'linear')\n"
        "mlflow.sklearn.save_model(model, 'model', input_example=X.head(),\n"
        "                          serialization_format='cloudpickle')\n"
    )
    code, out, err = cli("jobs", "run", "--follow", "train.py")
    assert code == 0 and "Completed" in out, out + err
    code, out, _ = cli("runs", "list")
    assert code == 0 and "loss=0.3333" in out
    code, out, _ = cli("jobs", "list", "--json")
    output = json.loads(out)["items"][0]["output_path"]
    code, out, err = cli("models", "register", f"{output}/model", "--name", "lin")
    assert code == 0 and "lin version 1" in out, err
    code, out, err = cli("endpoints", "create", "lin-ep", "--model", "lin", "--wait")
    assert code == 0 and "InService" in out, out + err
    (tmp_path / "rows.csv").write_text("a,b\n10,3\n")
    code, out, err = cli("endpoints", "invoke", "lin-ep", "--file", "rows.csv")
    assert code == 0 and json.loads(out)["predictions"][0] == pytest.approx(23.0), err
    code, out, err = cli("endpoints", "invoke", "lin-ep", "--data", '[{"a": 1}]')
    assert code == 2 and "b" in err
    code, out, _ = cli("endpoints", "delete", "lin-ep")
    assert code == 0


def test_run_and_export_a_flow(cli, tmp_path: Path) -> None:  # noqa: ANN001
    pytest.importorskip("polars")
    from jupyter_studio.flows import Flow

    (tmp_path / "data" / "2026-11-01").mkdir(parents=True)
    (tmp_path / "data" / "2026-11-01" / "sales.csv").write_text("a,b\n1,x\n2,y\n3,x\n")
    flow = Flow.new("sales")
    source = flow.add_source("data/{date}/sales.csv")
    flow.add_step(source, "filter_rows", conditions=[{"column": "a", "operator": ">", "value": 1}])
    flow.add_parameter("date", "2026-11-01")
    flow.save(tmp_path / "sales.flow")
    code, out, err = cli(
        "flows", "run", "sales.flow", "--param", "date=2026-11-01", "--output", "out.csv"
    )
    assert code == 0, err
    assert (tmp_path / "out.csv").read_text().splitlines()[1:] == ["2,y", "3,x"]
    code, out, err = cli(
        "flows", "run", "sales.flow", "--param", "date=2026-11-01", "--output", "out.csv"
    )
    assert code == 2 and "--overwrite" in err
    code, out, _ = cli("flows", "export", "sales.flow")
    assert code == 0 and "import polars" in out
    code, out, err = cli("flows", "run", "../elsewhere.flow", "--output", "x.csv")
    assert code == 2 and err


def test_options_carry_the_glossary_names() -> None:
    """`--space-id` and `--instance-count` everywhere (the old `--space` and `--instances` still work)."""
    from jupyter_studio.cli import build_parser

    parser = build_parser()
    cases = [
        (["jobs", "run", "--space-id", "s1", "x.py"], "space_id", "s1"),
        (["jobs", "run", "--space", "s1", "x.py"], "space_id", "s1"),
        (
            ["automl", "deploy", "exp", "--endpoint", "e", "--instance-count", "2"],
            "instance_count",
            2,
        ),
        (["automl", "deploy", "exp", "--endpoint", "e", "--instances", "2"], "instance_count", 2),
        (["endpoints", "update", "ep", "--instance-count", "3"], "instance_count", 3),
    ]
    for argv, dest, value in cases:
        assert getattr(parser.parse_args(argv), dest) == value, argv
