"""Benchmark of the endpoint model server against ``mlflow models serve``, on the loopback port.

One command, bounded in time (about 2.5 minutes with the defaults, never more than 3)::

    python benchmarks/endpoints/run.py

It benchmarks two models trained on a synthetic 20-column table (16 float columns and 4 integer
category codes, 5000 rows), each saved with ``mlflow.sklearn.save_model`` and a signature:

- **lightgbm**: a LightGBM classifier (the codes as categorical features);
- **sklearn**: a scikit-learn pipeline, ``ColumnTransformer`` (``StandardScaler`` on the floats,
  ``OneHotEncoder`` on the codes) then ``LogisticRegression``, the typical tabular pipeline.

Each model folder is served twice, each with 2 worker processes, one model after the other:

- **studio**: ``python -m jupyter_studio.core.endpoints.runtime.model_server`` (answers with
  predictions *and* class probabilities);
- **mlflow**: ``mlflow models serve --env-manager local`` (full ``mlflow`` is needed, the ``bench``
  extra of pyproject.toml; the row is skipped with a note when it is not installed).

For each server and payload (a 1-row JSON ``dataframe_split`` body, a 100-row CSV body with a header)
it measures latency with 1 connection and throughput with ``--connections`` connections for
``--duration`` seconds each, after a short warm-up. The load generator is ``wrk`` (Debian:
``apt-get install -y wrk``) with a Lua script for the POST body, or, without ``wrk``, a small asyncio
HTTP/1.1 client (slower: it shares the 2 cores with the servers, so its numbers are pessimistic).

``--model lightgbm`` or ``--model sklearn`` benchmarks one of the two only.
``--proxy-url URL`` aims the same load at an endpoint reached through the Jupyter server as well,
e.g. ``--proxy-url http://127.0.0.1:8888/studio/endpoints/bench --proxy-token TOKEN`` (with one
``--model``); deploy the benchmark's model there first (``--save-model DIR`` writes the model folder
and exits). ``--json FILE`` also writes the results as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
SERVER_MODULE = "jupyter_studio.core.endpoints.runtime.model_server"
NUMERIC = [f"x{i:02d}" for i in range(16)]
CODES = [f"c{i}" for i in range(4)]
TARGETS = {"p50_ms": 2.0, "p99_ms": 10.0, "rps": 1000.0, "vs_mlflow": 3.0}
#: The benchmark's models: name -> what the table's title calls it.
MODELS = {"lightgbm": "a LightGBM classifier", "sklearn": "a scikit-learn pipeline"}


@dataclass
class Result:
    """One measured run."""

    model: str
    target: str
    payload: str
    connections: int
    p50_ms: float | None
    p99_ms: float | None
    rps: float | None
    requests: int
    failures: int
    note: str = ""


# ------------------------------------------------------------------------------------------ model


def make_data(rows: int = 5000, seed: int = 0) -> tuple[Any, Any]:
    """A 20-column table (16 floats, 4 integer category codes) and binary labels."""
    import numpy as np
    import pandas as pd
    from sklearn.datasets import make_classification

    features, labels = make_classification(
        n_samples=rows, n_features=20, n_informative=10, random_state=seed
    )
    frame = pd.DataFrame(features[:, :16], columns=NUMERIC)
    for number, name in enumerate(CODES):
        # category codes that carry signal: quantiles of an informative feature
        frame[name] = np.digitize(features[:, 16 + number], [-1.0, 0.0, 1.0]).astype(np.int64)
    return frame, labels


def build_model(kind: str, folder: Path) -> Any:
    """Train and save the benchmark model in ``folder``; the training frame."""
    import mlflow.sklearn
    from mlflow.models import infer_signature

    frame, labels = make_data()
    if kind == "lightgbm":
        from lightgbm import LGBMClassifier

        model = LGBMClassifier(n_estimators=100, num_leaves=31, verbose=-1)
        model.fit(frame, labels, categorical_feature=CODES)
    else:
        from sklearn.compose import ColumnTransformer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        model = Pipeline(
            [
                (
                    "prepare",
                    ColumnTransformer(
                        [
                            ("numbers", StandardScaler(), NUMERIC),
                            ("codes", OneHotEncoder(handle_unknown="ignore"), CODES),
                        ]
                    ),
                ),
                ("classify", LogisticRegression(max_iter=500)),
            ]
        ).fit(frame, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.sklearn.save_model(
            model,
            str(folder),
            signature=infer_signature(frame, model.predict(frame)),
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn", "lightgbm"] if kind == "lightgbm" else None,
        )
    return frame


def payloads(frame: Any, folder: Path) -> dict[str, tuple[Path, str]]:
    """The request bodies: name -> (file, content type)."""
    one = folder / "one-row.json"
    one.write_text(
        json.dumps(
            {"dataframe_split": json.loads(frame.iloc[:1].to_json(orient="split", index=False))}
        )
    )
    hundred = folder / "hundred-rows.csv"
    hundred.write_text(frame.iloc[100:200].to_csv(index=False))
    return {"1-row JSON": (one, "application/json"), "100-row CSV": (hundred, "text/csv")}


# --------------------------------------------------------------------------------------- servers


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    """A server in its own process group, output to ``log``."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL after 15 s."""
    if process.poll() is not None:
        return
    for signum, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_ping(
    url: str, process: subprocess.Popen[bytes] | None, timeout: float, headers: dict[str, str]
) -> None:
    """Until ``url/ping`` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        try:
            request = urllib.request.Request(url + "/ping", headers=headers)
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}/ping did not answer within {timeout:.0f}s")


def invoke(url: str, body: bytes, content_type: str, headers: dict[str, str]) -> Any:
    """One invocation; the decoded JSON answer."""
    request = urllib.request.Request(
        url + "/invocations",
        data=body,
        headers={"Content-Type": content_type, "Accept": "application/json", **headers},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


# ------------------------------------------------------------------------------------------- load

LUA = """
wrk.method = "POST"
wrk.path = "{path}"
{headers}
local f = io.open("{body}", "rb")
wrk.body = f:read("*a")
f:close()
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %.1f %.1f\\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(
    url: str,
    body: Path,
    content_type: str,
    connections: int,
    seconds: float,
    headers: dict[str, str],
    work: Path,
) -> tuple[int, float, int, float, float]:
    """(requests, seconds, failures, p50 ms, p99 ms) of one wrk run."""
    parts = urlsplit(url)
    all_headers = {"Content-Type": content_type, "Accept": "application/json", **headers}
    script = work / "post.lua"
    script.write_text(
        LUA.format(
            path=(parts.path.rstrip("/") + "/invocations"),
            headers="\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in all_headers.items()),
            body=str(body),
        )
    )
    base = f"{parts.scheme}://{parts.netloc}"
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        base,
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    for line in output.splitlines():
        if line.startswith("RESULT "):
            requests, micros, status_errors, io_errors, p50, p99 = line.split()[1:]
            return (
                int(requests),
                int(micros) / 1e6,
                int(status_errors) + int(io_errors),
                float(p50) / 1000,
                float(p99) / 1000,
            )
    raise RuntimeError(f"wrk gave no result:\n{output}")


async def _python_load(
    url: str,
    body: bytes,
    content_type: str,
    connections: int,
    seconds: float,
    headers: dict[str, str],
) -> tuple[int, float, int, list[float]]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    lines = [
        f"POST {parts.path.rstrip('/')}/invocations HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Content-Type: {content_type}",
        "Accept: application/json",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def one_connection() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - began)
                if not head.startswith(b"HTTP/1.1 200"):
                    failures += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_connection() for _ in range(connections)))
    return len(latencies), time.perf_counter() - started, failures, latencies


def run_python(
    url: str,
    body: Path,
    content_type: str,
    connections: int,
    seconds: float,
    headers: dict[str, str],
    work: Path,
) -> tuple[int, float, int, float, float]:
    """Like :func:`run_wrk`, with the asyncio client."""
    import numpy as np

    requests, elapsed, failures, latencies = asyncio.run(
        _python_load(url, body.read_bytes(), content_type, connections, seconds, headers)
    )
    p50, p99 = (np.percentile(latencies, [50, 99]) * 1000) if latencies else (float("nan"),) * 2
    return requests, elapsed, failures, float(p50), float(p99)


def measure(
    model: str,
    target: str,
    url: str,
    bodies: dict[str, tuple[Path, str]],
    args: argparse.Namespace,
    headers: dict[str, str],
    work: Path,
) -> list[Result]:
    """Latency (1 connection) and throughput (N connections) runs of every payload on ``url``."""
    runner = run_wrk if args.load == "wrk" else run_python
    results = []
    for name, (body, content_type) in bodies.items():
        runner(url, body, content_type, 2, args.warmup, headers, work)
        for connections in (1, args.connections):
            requests, elapsed, failures, p50, p99 = runner(
                url, body, content_type, connections, args.duration, headers, work
            )
            results.append(
                Result(
                    model=model,
                    target=target,
                    payload=name,
                    connections=connections,
                    p50_ms=round(p50, 3),
                    p99_ms=round(p99, 3),
                    rps=round(requests / elapsed, 1) if elapsed else None,
                    requests=requests,
                    failures=failures,
                )
            )
            print(
                f"  {model:<9} {target:<22} {name:<12} c={connections:<3} done",
                file=sys.stderr,
                flush=True,
            )
    return results


# ------------------------------------------------------------------------------------------ report


def table(results: list[Result]) -> str:
    """The results as a fixed-width table."""
    header = (
        f"{'model':<9} {'server':<24} {'payload':<12} {'conns':>5} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'req/s':>9} {'failed':>7}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        if r.rps is None:
            lines.append(f"{r.model:<9} {r.target:<24} {r.payload:<12} {'':>5} {r.note}")
            continue
        lines.append(
            f"{r.model:<9} {r.target:<24} {r.payload:<12} {r.connections:>5} {r.p50_ms:>8.2f} "
            f"{r.p99_ms:>8.2f} {r.rps:>9.0f} {r.failures:>7}"
        )
    return "\n".join(lines)


def verdicts(results: list[Result], connections: int, model: str) -> list[str]:
    """The targets of the issue, checked on the studio rows of ``model``."""

    def find(target: str, payload: str, conns: int) -> Result | None:
        for r in results:
            if (
                r.model == model
                and r.target.startswith(target)
                and r.payload == payload
                and r.connections == conns
                and r.rps
            ):
                return r
        return None

    def yes(ok: bool) -> str:
        return "yes" if ok else "NO"

    lines = []
    one = find("studio", "1-row JSON", 1)
    busy = find("studio", "1-row JSON", connections)
    if one:
        lines.append(
            f"{model}: p50 {one.p50_ms:.2f} ms (1-row, 1 connection) < {TARGETS['p50_ms']} ms: "
            f"{yes(one.p50_ms < TARGETS['p50_ms'])}"
        )
        lines.append(
            f"{model}: p99 {one.p99_ms:.2f} ms (1-row, 1 connection) < {TARGETS['p99_ms']} ms: "
            f"{yes(one.p99_ms < TARGETS['p99_ms'])}"
        )
    if busy:
        lines.append(
            f"{model}: throughput {busy.rps:.0f} req/s (1-row, {connections} connections) >= "
            f"{TARGETS['rps']:.0f}: {yes(busy.rps >= TARGETS['rps'])}"
        )
    for payload in ("1-row JSON", "100-row CSV"):
        ours, theirs = find("studio", payload, connections), find("mlflow", payload, connections)
        if ours and theirs and ours.rps and theirs.rps:
            ratio = ours.rps / theirs.rps
            lines.append(
                f"{model}: {payload}: {ratio:.1f}x MLflow's throughput "
                f"(target >= {TARGETS['vs_mlflow']:.0f}x): {yes(ratio >= TARGETS['vs_mlflow'])}"
            )
        ours, theirs = find("studio", payload, 1), find("mlflow", payload, 1)
        if ours and theirs and ours.p50_ms and theirs.p50_ms:
            lines.append(
                f"{model}: {payload}: p50 latency {theirs.p50_ms / ours.p50_ms:.1f}x lower than "
                "MLflow's (1 connection)"
            )
    return lines


# -------------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=("all", *MODELS), default="all")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of each server")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per payload")
    parser.add_argument(
        "--connections", type=int, default=8, help="connections of the throughput runs"
    )
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--skip-mlflow", action="store_true", help="do not start mlflow models serve"
    )
    parser.add_argument(
        "--proxy-url", default=None, help="an endpoint URL through the Jupyter proxy"
    )
    parser.add_argument("--proxy-token", default=None, help="Jupyter token for --proxy-url")
    parser.add_argument("--save-model", default=None, help="write the model folder here and exit")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    args.models = list(MODELS) if args.model == "all" else [args.model]
    if (args.proxy_url or args.save_model) and len(args.models) != 1:
        parser.error("--proxy-url and --save-model need one --model (lightgbm or sklearn)")
    if args.load == "auto":
        args.load = "wrk" if shutil.which("wrk") else "python"
    runs = len(args.models) * ((2 if args.skip_mlflow else 4) + (2 if args.proxy_url else 0))
    budget = runs * (args.warmup + 2 * args.duration)
    if budget > 150:
        parser.error(f"{runs} payload runs of this length take {budget:.0f}s; keep it under 150s")
    return args


def mlflow_available() -> str | None:
    """The ``mlflow`` command when full MLflow (its scoring server) is installed, else None."""
    try:
        import mlflow.server  # noqa: F401  (only full mlflow has it)
    except ImportError:
        return None
    return shutil.which("mlflow")


def bench_model(kind: str, args: argparse.Namespace, work: Path, notes: list[str]) -> list[Result]:
    """Train, serve and measure one model (studio, then mlflow when installed); its results."""
    processes: list[subprocess.Popen[bytes]] = []
    results: list[Result] = []
    folder = work / kind
    folder.mkdir()
    try:
        model_dir = folder / "model"
        frame = build_model(kind, model_dir)
        bodies = payloads(frame, folder)
        studio_port = free_port()
        studio = start(
            [
                sys.executable,
                "-m",
                SERVER_MODULE,
                "--model-dir",
                str(model_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(studio_port),
                "--workers",
                str(args.workers),
                "--model-version",
                "bench/1",
            ],
            folder / "studio.log",
        )
        processes.append(studio)
        mlflow_port = free_port()
        mlflow_cli = None if args.skip_mlflow else mlflow_available()
        if mlflow_cli:
            processes.append(
                start(
                    [
                        mlflow_cli,
                        "models",
                        "serve",
                        "-m",
                        str(model_dir),
                        "--env-manager",
                        "local",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(mlflow_port),
                        "-w",
                        str(args.workers),
                    ],
                    folder / "mlflow.log",
                )
            )
        elif not args.skip_mlflow and not any(n.startswith("mlflow models serve:") for n in notes):
            notes.append(
                "mlflow models serve: full `mlflow` is not installed (pip install "
                "'jupyter-studio[bench]'); not measured"
            )
        studio_url = f"http://127.0.0.1:{studio_port}"
        wait_ping(studio_url, studio, 90, {})
        # correctness first: both servers must agree on the 100-row payload
        csv_body = bodies["100-row CSV"][0].read_bytes()
        ours = invoke(studio_url, csv_body, "text/csv", {})["predictions"]
        targets = [(f"studio ({args.workers} workers)", studio_url, {})]
        if mlflow_cli:
            mlflow_url = f"http://127.0.0.1:{mlflow_port}"
            try:
                wait_ping(mlflow_url, processes[-1], 120, {})
                theirs = invoke(mlflow_url, csv_body, "text/csv", {})["predictions"]
                if theirs != ours:
                    notes.append(f"WARNING: {kind}: the two servers disagree on the predictions")
                targets.append((f"mlflow ({args.workers} workers)", mlflow_url, {}))
            except RuntimeError as error:
                notes.append(
                    f"{kind}: mlflow models serve did not start: {error} "
                    f"(log: {folder / 'mlflow.log'})"
                )
        if args.proxy_url:
            headers = {"Authorization": f"token {args.proxy_token}"} if args.proxy_token else {}
            proxy = args.proxy_url.rstrip("/")
            try:
                wait_ping(proxy, None, 10, headers)
                targets.append(("studio via Jupyter proxy", proxy, headers))
            except RuntimeError as error:
                notes.append(f"proxy {proxy}: {error}")
        for name, url, headers in targets:
            results += measure(kind, name, url, bodies, args, headers, folder)
    finally:
        for process in processes:
            stop(process)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; 0 when it ran (whether or not targets are met)."""
    args = parse_args(argv)
    began = time.monotonic()
    # SIGTERM (a timeout, say) unwinds like Ctrl-C, so the servers are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.save_model:
        build_model(args.models[0], Path(args.save_model))
        print(f"model saved in {args.save_model}")
        return 0
    work = Path(tempfile.mkdtemp(prefix="endpoint-bench-"))
    results: list[Result] = []
    notes: list[str] = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"load generator: {args.load}; models: {', '.join(args.models)}; {os.cpu_count()} CPUs; "
        f"load average {load:.2f}",
        file=sys.stderr,
    )
    for kind in args.models:
        results += bench_model(kind, args, work, notes)
    print()
    print(
        f"Endpoint benchmark: {' and '.join(MODELS[m] for m in args.models)} on 20 columns; "
        f"load by {args.load}; {args.duration:.0f}s per run; latency rows use 1 connection, "
        f"throughput rows {args.connections}; load average {load:.2f} at the start"
    )
    print("studio answers predictions and class probabilities; mlflow answers predictions only")
    print()
    print(table(results))
    print()
    for kind in args.models:
        for line in verdicts(results, args.connections, kind):
            print(line)
    for line in notes:
        print(line)
    print(f"(took {time.monotonic() - began:.0f}s)")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"results": [asdict(r) for r in results], "notes": notes}, indent=2)
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
