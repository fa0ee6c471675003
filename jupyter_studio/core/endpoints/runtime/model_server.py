"""The model-server process of an endpoint: one MLflow model version on a loopback port.

Start it with::

    python -m jupyter_studio.core.endpoints.runtime.model_server --model-dir DIR \\
        --host 127.0.0.1 --port 8080 --workers 2 \\
        [--capture-dir D --capture-percent 10 --capture-max-bytes 16777216] \\
        [--model-version churn/3] [--endpoint-name churn] [--max-payload-bytes 6291456] \\
        [--generation 4 --lease-check-seconds 5] \\
        [--ready-file F] [--graceful-timeout 30] [--access-log]

It serves SageMaker's inference contract:

``GET /ping``
    200 ``{"status": "Healthy"}`` once the model is loaded (a worker accepts connections only then).
``POST /invocations``
    CSV or JSON rows in, predictions out; formats and errors in :mod:`.payloads`. A model whose
    predict raises answers 500 ``{"message": ..., "code": "internal_error", "error_code": "INTERNAL_ERROR"}`` and the server
    keeps serving.
``GET /stats``
    Invocation count, errors, p50/p99 latency over the last minute, **aggregated across all
    workers** of this server, with per-worker counters (see :mod:`.stats`), plus the model's
    description.

Routes match the last path segment, so ``/studio/endpoints/churn/invocations`` forwarded unchanged by
a proxy works too. Other paths answer 404, other methods 405.

Processes: the command is a small *supervisor* that binds the listening socket, then forks
``--workers`` worker processes that share it (the kernel hands each new connection to one of them).
Each worker imports MLflow, loads the model once, and serves with uvicorn (httptools and uvloop when
installed) and a bare ASGI application. A worker that dies after it was serving is restarted; one
that fails to load the model makes the whole server exit with status 3 (the log says why). Workers
get ``OMP_NUM_THREADS`` (and the BLAS equivalents) of ``cpus // workers`` unless already set;
scikit-learn's own ``n_jobs`` are set to 1 (a request is scored in the worker's process, never on
a joblib process pool) and those of native libraries (LightGBM, XGBoost: threads) to that number,
so that N workers do not fight over the cores (see :func:`.model.limit_threads`).

SIGTERM or SIGINT to the supervisor stops gracefully: it closes its copy of the listening socket,
the workers stop accepting, finish the requests in flight (up to ``--graceful-timeout`` seconds),
and exit; then the supervisor exits 0. Workers also get SIGTERM if the supervisor dies.
A server started by Studio (``--endpoint-name``, ``--generation`` and the store's URL in the
environment) also stops itself this way once its endpoint's row no longer names it (see
:mod:`.lease`). Everything logs to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from .capture import capture_invocation
from .lease import DEFAULT_CHECK_SECONDS, EndpointLease
from .limits import (
    DEFAULT_CAPTURE_MAX_BYTES,
    DEFAULT_GRACEFUL_TIMEOUT,
    DEFAULT_MAX_PAYLOAD_BYTES,
    INLINE_PREDICT_BYTES,
)
from .stats import SharedStats, WorkerStats

log = logging.getLogger("jupyter_studio.model_server")

#: Exit statuses of the supervisor.
EXIT_OK, EXIT_USAGE, EXIT_BIND, EXIT_LOAD, EXIT_CRASHLOOP = 0, 2, 2, 3, 4
MAX_WORKERS = 64
#: A worker restarted more often than this within CRASH_WINDOW seconds makes the server give up.
MAX_RESTARTS, CRASH_WINDOW = 5, 60.0

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def build_parser() -> argparse.ArgumentParser:
    """The command line of the model server."""
    parser = argparse.ArgumentParser(
        prog="python -m jupyter_studio.core.endpoints.runtime.model_server",
        description="Serve one MLflow model folder with the SageMaker inference contract.",
    )
    parser.add_argument("--model-dir", required=True, help="the MLflow model folder (has MLmodel)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port (0: any free port)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes on the port")
    parser.add_argument("--model-version", default=None, help="label of the model version")
    parser.add_argument("--endpoint-name", default=None, help="name of the endpoint")
    parser.add_argument(
        "--generation",
        type=int,
        default=None,
        help="the endpoint generation this server was started as (with the store URL in "
        "$STUDIO_ENDPOINT_DB_URL: stop once the endpoint no longer names it)",
    )
    parser.add_argument(
        "--lease-check-seconds",
        type=float,
        default=DEFAULT_CHECK_SECONDS,
        help="seconds between two checks of the endpoint's row",
    )
    parser.add_argument("--capture-dir", default=None, help="folder for data-capture files")
    parser.add_argument(
        "--capture-percent", type=float, default=0.0, help="share of invocations captured, 0..100"
    )
    parser.add_argument(
        "--capture-max-bytes",
        type=int,
        default=DEFAULT_CAPTURE_MAX_BYTES,
        help="rotate a capture file before it exceeds this size",
    )
    parser.add_argument(
        "--max-payload-bytes",
        type=int,
        default=DEFAULT_MAX_PAYLOAD_BYTES,
        help="largest request body accepted (413 above)",
    )
    parser.add_argument(
        "--graceful-timeout",
        type=float,
        default=DEFAULT_GRACEFUL_TIMEOUT,
        help="seconds to finish in-flight requests on SIGTERM",
    )
    parser.add_argument(
        "--ready-file", default=None, help="write {pid, host, port, workers} here once serving"
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parsed and checked arguments (exits with status 2 on a usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= MAX_WORKERS:
        parser.error(f"--workers must be within 1..{MAX_WORKERS}")
    if not 0 <= args.capture_percent <= 100:
        parser.error("--capture-percent must be within 0..100")
    if args.capture_percent > 0 and not args.capture_dir:
        parser.error("--capture-percent needs --capture-dir")
    if args.capture_max_bytes <= 0 or args.max_payload_bytes <= 0:
        parser.error("sizes must be positive")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be within 0..65535")
    return args


def setup_logging() -> None:
    """Log lines to stdout, one per line, with the process id (workers share the stream)."""
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [model-server %(process)d] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``, to be shared by the workers."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


# -------------------------------------------------------------------------------------------- ASGI


class ModelApp:
    """The bare ASGI application of one worker: ``/ping``, ``/invocations``, ``/stats``."""

    def __init__(
        self,
        model: Any,
        *,
        stats: WorkerStats | None = None,
        shared: SharedStats | None = None,
        capture: Any = None,
        max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
        model_version: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        from . import payloads

        self.payloads = payloads
        self.model = model
        self.schema = model.schema
        self.stats = stats
        self.shared = shared
        self.capture = capture if capture is not None and capture.enabled else None
        self.max_payload_bytes = max_payload_bytes
        self.model_version = model_version
        self.endpoint = endpoint
        self.started = time.time()
        self.executor: Any = None
        self.extra_headers: list[tuple[bytes, bytes]] = []
        if model_version:
            self.extra_headers.append((b"x-model-version", model_version.encode("utf-8")))
        self.ping_body = json.dumps({"status": "Healthy", "model_version": model_version}).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route one request."""
        if scope["type"] != "http":
            return
        path = scope["path"]
        method = scope["method"]
        # Routed by the last segment, so a proxy may forward its own prefix unchanged
        # (``/studio/endpoints/<name>/invocations``).
        route = path[path.rfind("/") :]
        if route == "/invocations":
            if method != "POST":
                await self._error(send, 405, "use POST for /invocations")
            else:
                await self.invoke(scope, receive, send)
        elif route == "/ping":
            if method in ("GET", "HEAD"):
                await self._send(send, 200, self.ping_body, b"application/json")
            else:
                await self._error(send, 405, "use GET for /ping")
        elif route == "/stats":
            await self._send(send, 200, self.stats_body(), b"application/json")
        else:
            await self._error(send, 404, f"no route {path}; use /ping, /invocations or /stats")

    def stats_body(self) -> bytes:
        """The ``GET /stats`` document."""
        body: dict[str, Any] = self.shared.snapshot() if self.shared else {}
        body.update(
            endpoint=self.endpoint,
            model_version=self.model_version,
            model=self.model.describe(),
            uptime_seconds=round(time.time() - self.started, 3),
            answered_by=os.getpid(),
        )
        return json.dumps(body).encode()

    async def _send(
        self,
        send: Send,
        status: int,
        body: bytes,
        content_type: bytes,
        close: bool = False,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode("ascii")),
            *self.extra_headers,
            *(headers or ()),
        ]
        if close:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _error(self, send: Send, status: int, message: str) -> None:
        await self._send(
            send, status, self.payloads.error_body(status, message), b"application/json"
        )

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The request body, None if the client went away; 413 as soon as it is too long."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                self.payloads.check_size(size, self.max_payload_bytes)
                chunks.append(chunk)
            if not message.get("more_body"):
                break
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def invoke(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``POST /invocations``: parse, predict, render, count, answer, then maybe capture.

        The latency counted is the time from the request's headers to the answer being ready.
        """
        runtime = getattr(self.model, "runtime", None)
        if runtime is not None:
            await runtime.invoke(self, scope, receive, send)
            return
        p = self.payloads
        started_wall = time.time()
        started = time.perf_counter()
        content_type = accept = None
        length = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"accept":
                accept = value.decode("latin-1")
            elif name == b"content-length":
                with contextlib.suppress(ValueError):
                    length = int(value)
        body = b""
        close = False
        headers: list[tuple[bytes, bytes]] = []
        try:
            answer_type = p.negotiate(accept)
            p.check_content_type(content_type)
            if length is not None:
                p.check_size(length, self.max_payload_bytes)
            received = await self._read_body(receive)
            if received is None:
                return
            body = received
            frame = p.parse_request(
                body, content_type, self.schema, max_bytes=self.max_payload_bytes
            )
            dropped = frame.attrs.get("dropped_columns")
            if dropped:
                headers.append((b"x-dropped-columns", p.dropped_header(dropped)))
            try:
                if len(body) <= INLINE_PREDICT_BYTES:
                    prediction = self.model.predict(frame)
                else:
                    prediction = await self._predict_aside(frame)
                payload = p.render(prediction, answer_type, dropped)
            except Exception as error:  # the model's own failure: a 500, and keep serving
                log.exception("the model failed on %d rows", len(frame))
                raise p.PayloadError(
                    500, f"the model failed to predict: {type(error).__name__}: {error}"
                ) from None
            status = 200
        except p.PayloadError as error:
            status, payload, answer_type = error.status, error.to_json(), p.JSON
            close = status == 413
        except Exception as error:  # a bug here, not the caller's fault: say so and keep serving
            log.exception("cannot handle an invocation")
            status, answer_type = 500, p.JSON
            payload = p.error_body(500, f"internal error: {type(error).__name__}: {error}")
        # Counted before the answer leaves, so a client that reads /stats next sees its request.
        elapsed = time.perf_counter() - started
        if self.stats is not None:
            self.stats.record(elapsed, status)
        await self._send(send, status, payload, answer_type.encode(), close=close, headers=headers)
        capture_invocation(
            self.capture,
            started_wall,
            (body, content_type),
            (payload, answer_type),
            status,
            elapsed,
        )

    async def _predict_aside(self, frame: Any) -> Any:
        if self.executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="predict")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.model.predict, frame)

    def close(self) -> None:
        """Release the capture file and the helper thread."""
        if self.capture is not None:
            self.capture.close()
        if self.executor is not None:
            self.executor.shutdown(wait=True)


# ------------------------------------------------------------------------------------------ worker


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this worker when the supervisor dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _limit_threads(workers: int) -> int:
    threads = max(1, (os.cpu_count() or 1) // workers)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    return threads


def run_worker(
    args: argparse.Namespace, sock: socket.socket, shared: SharedStats, slot: int
) -> int:
    """Load the model and serve on ``sock`` until SIGTERM; the worker's exit status."""
    threads = _limit_threads(args.workers)
    stats = shared.writer(slot, os.getpid())
    from .model import LoadedModel, ModelLoadError

    try:
        model = LoadedModel(args.model_dir, threads=threads)
    except ModelLoadError as error:
        log.error("worker %d: %s", slot, error)
        return EXIT_LOAD
    capture = None
    if args.capture_percent > 0:
        from .capture import DataCapture

        capture = DataCapture(
            args.capture_dir,
            args.capture_percent,
            max_bytes=args.capture_max_bytes,
            endpoint=args.endpoint_name,
            model_version=args.model_version,
        )
    app = ModelApp(
        model,
        stats=stats,
        shared=shared,
        capture=capture,
        max_payload_bytes=args.max_payload_bytes,
        model_version=args.model_version,
        endpoint=args.endpoint_name,
    )
    import uvicorn

    config = uvicorn.Config(
        app,
        loop="auto",
        http="auto",
        lifespan="off",
        interface="asgi3",
        access_log=args.access_log,
        log_config=None,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=args.graceful_timeout,
        timeout_keep_alive=15,
    )
    server = uvicorn.Server(config)
    # uvicorn handles SIGTERM/SIGINT while serving, then raises them again on its way out to the
    # handler found before: make that one harmless so the worker ends its own way (exit status 0).
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
    stats.mark_ready()
    log.info("worker %d serving (model %s)", slot, args.model_version or args.model_dir)
    try:
        server.run(sockets=[sock])
    finally:
        app.close()
    log.info("worker %d stopped", slot)
    return EXIT_OK


# -------------------------------------------------------------------------------------- supervisor


class Supervisor:
    """Forks the workers, restarts the ones that die, and stops them all on SIGTERM."""

    def __init__(self, args: argparse.Namespace, sock: socket.socket) -> None:
        self.args = args
        self.sock = sock
        self.shared = SharedStats(args.workers)
        self.pids: dict[int, int] = {}  # pid -> slot
        self.stopping = False
        self.announced = False
        self.restarts: list[float] = []
        self.lease = EndpointLease.from_args(args.endpoint_name, args.generation)
        self.next_check = time.monotonic() + max(0.1, args.lease_check_seconds)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if not self.stopping:
            log.info("received %s: stopping gracefully", signal.Signals(signum).name)
        self.stopping = True

    def spawn(self, slot: int) -> None:
        """Fork the worker of ``slot``."""
        self.shared.reset_ready(slot)
        supervisor = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                _die_with_parent()
                if os.getppid() != supervisor:
                    os._exit(EXIT_OK)
                code = run_worker(self.args, self.sock, self.shared, slot)
            except BaseException:
                log.exception("worker %d crashed", slot)
                code = 1
            finally:
                logging.shutdown()
                sys.stdout.flush()
                os._exit(code)
        self.pids[pid] = slot
        log.info("started worker %d (pid %d)", slot, pid)

    def run(self) -> int:
        """Supervise until stopped; the exit status of the server."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        host, port = self.sock.getsockname()[:2]
        log.info(
            "model server on http://%s:%d with %d worker(s), model %s",
            host,
            port,
            self.args.workers,
            self.args.model_dir,
        )
        for slot in range(self.args.workers):
            self.spawn(slot)
        status = EXIT_OK
        while not self.stopping:
            status = self._reap()
            if status != EXIT_OK:
                break
            if not self.announced and all(
                self.shared.is_ready(s) for s in range(self.args.workers)
            ):
                self.announced = True
                log.info("ready: all %d worker(s) serve on port %d", self.args.workers, port)
                self._write_ready_file(host, port)
            self._check_lease()
            time.sleep(0.05)
        self._stop_workers()
        self._remove_ready_file()
        log.info("model server stopped")
        return status

    def _check_lease(self) -> None:
        """Stop (gracefully) once the endpoint's row no longer names this server."""
        if self.lease is None or time.monotonic() < self.next_check:
            return
        self.next_check = time.monotonic() + max(0.1, self.args.lease_check_seconds)
        reason = self.lease.check()
        if reason is not None:
            log.warning("stopping: %s", reason)
            self.stopping = True

    def _reap(self) -> int:
        while self.pids:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return EXIT_OK
            if pid == 0:
                return EXIT_OK
            slot = self.pids.pop(pid, None)
            if slot is None:
                continue
            code = os.waitstatus_to_exitcode(wait_status)
            if self.stopping:
                continue
            if not self.shared.is_ready(slot):
                log.error(
                    "worker %d (pid %d) exited with status %s before serving: stopping the server",
                    slot,
                    pid,
                    code,
                )
                return EXIT_LOAD
            now = time.monotonic()
            self.restarts = [t for t in self.restarts if now - t < CRASH_WINDOW] + [now]
            if len(self.restarts) > MAX_RESTARTS:
                log.error("workers keep dying (%d restarts in a minute): giving up", MAX_RESTARTS)
                return EXIT_CRASHLOOP
            log.warning("worker %d (pid %d) exited with status %s: restarting it", slot, pid, code)
            self.spawn(slot)
        return EXIT_OK

    def _stop_workers(self) -> None:
        # New connections go elsewhere at once when the workers close theirs too (a proxy retries).
        with contextlib.suppress(OSError):
            self.sock.close()
        for pid in list(self.pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.args.graceful_timeout + 5.0
        while self.pids and time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.pids.clear()
                break
            if pid:
                self.pids.pop(pid, None)
            else:
                time.sleep(0.05)
        for pid in list(self.pids):
            log.warning("worker pid %d did not stop in time: killing it", pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.pids.clear()

    def _write_ready_file(self, host: str, port: int) -> None:
        if not self.args.ready_file:
            return
        path = Path(self.args.ready_file)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(
            json.dumps(
                {"pid": os.getpid(), "host": host, "port": port, "workers": self.args.workers}
            )
        )
        temporary.replace(path)

    def _remove_ready_file(self) -> None:
        if self.args.ready_file:
            with contextlib.suppress(OSError):
                Path(self.args.ready_file).unlink()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the model server; its exit status (0 after a graceful stop)."""
    args = parse_args(argv)
    setup_logging()
    model_dir = Path(args.model_dir)
    if not (model_dir / "MLmodel").is_file():
        log.error("%s is not an MLflow model folder (no MLmodel file)", model_dir)
        return EXIT_LOAD
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", args.host, args.port, error)
        return EXIT_BIND
    try:
        return Supervisor(args, sock).run()
    finally:
        sock.close()


if __name__ == "__main__":
    sys.exit(main())
