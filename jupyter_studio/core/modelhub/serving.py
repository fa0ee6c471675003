"""How the model server serves hub models: JSON text bodies, streamed generation.

Registered with the endpoints as the ``modelhub`` serving runtime (the entry point
``jupyter_studio.serving_runtimes``; see :mod:`jupyter_studio.core.endpoints.runtime.registry`).

A model folder whose ``MLmodel`` metadata has ``studio_modelhub`` is served here instead of the
DataFrame path of :mod:`jupyter_studio.core.endpoints.runtime.payloads`. Its unwrapped python model has an ``engine`` with ``task``
and the methods ``generate`` / ``stream`` (text generation), ``embed`` (embeddings) and
``classify`` (zero-shot labels) taking the requests of :mod:`jupyter_studio.core.modelhub.invocations`.

Bodies:

- ``{prompt | messages, max_new_tokens, temperature, top_p, stop, stream}`` (text generation);
  with ``"stream": true`` the answer is ``text/event-stream``: ``data: {"token": "..."}`` per
  piece of text as it is generated, then ``data: {"done": true, "text", "tokens", "finish_reason"}``
  (or ``data: {"error": ..., "code": ...}`` if the model fails midway);
- ``{inputs}`` (embeddings) and ``{inputs, labels}`` (zero-shot classification, both kinds).

A field out of range is a 400 naming it; a prompt longer than the context is a 400
``prompt_too_long``. Model work runs on helper threads, so ``/ping`` keeps answering while a
long generation runs, and a client that disconnects mid-stream stops its generation.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ..endpoints.runtime.capture import capture_invocation
from ..endpoints.runtime.registry import ServingRuntime

log = logging.getLogger("jupyter_studio.model_server")

JSON = "application/json"
CSV = "text/csv"
EVENT_STREAM = "text/event-stream"
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def _payload_error(
    status: int, message: str, *, code: str | None = None, field: str | None = None
) -> Exception:
    from ..endpoints.runtime.payloads import PayloadError

    error = PayloadError(status, message, column=field)
    error.code = code  # type: ignore[attr-defined]
    return error


def _validation_error(exc: Any) -> Exception:
    """A 400 naming the first bad field of a pydantic ValidationError."""
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0] if errors else {"loc": (), "msg": str(exc)}
    field = ".".join(str(p) for p in first["loc"]) or None
    where = f"{field}: " if field else ""
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    return _payload_error(
        400, f"Invalid body: {where}{message}{more}.", code="validation_error", field=field
    )


def _csv_document(body: bytes) -> dict[str, Any]:
    """A CSV body as MLflow's ``dataframe_split``: the first row is a header when it names a
    text column (``text``, ``inputs``, ``prompt``), else every row is data of one column."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _payload_error(
            400, f"The CSV body is not UTF-8: {exc}.", code="invalid_csv"
        ) from None
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if rows and any(cell.strip() in TEXT_COLUMNS for cell in rows[0]):
        columns, rows = [cell.strip() for cell in rows[0]], rows[1:]
    else:
        columns = (
            ["text"] if not rows or len(rows[0]) == 1 else [str(i) for i in range(len(rows[0]))]
        )
    return {"dataframe_split": {"columns": columns, "data": rows}}


def parse(engine: Any, body: bytes, media: str = JSON) -> tuple[str, Any]:
    """``(operation, request)``: operation is ``generate``, ``embed`` or ``classify``.

    ``body`` is JSON (the hub protocol or MLflow's scoring bodies) or, with ``media``
    ``text/csv``, rows of texts."""
    from pydantic import ValidationError

    from .invocations import ClassifyRequest, EmbedRequest, GenerateRequest

    if media == CSV:
        document: Any = _csv_document(body)
    else:
        try:
            document = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise _payload_error(
                400, f"The body is not valid JSON: {exc}.", code="invalid_json"
            ) from None
    if not isinstance(document, dict):
        raise _payload_error(
            400,
            'Send a JSON object: {"prompt": ...} for text generation, {"inputs": [...]} for '
            'embeddings, {"inputs": [...], "labels": [...]} to classify.',
            code="invalid_body",
        )
    document = _from_mlflow_body(document, engine.task)
    try:
        if "labels" in document:
            return "classify", ClassifyRequest(**document)
        if engine.task == "text-classification":  # a fine-tuned classifier: its own labels
            return "predict", EmbedRequest(**document)
        if engine.task == "text-generation":
            return "generate", GenerateRequest(**document)
        if "prompt" in document or "messages" in document:
            raise _payload_error(
                400,
                f'This endpoint serves a {engine.task} model: send {{"inputs": [texts]}} '
                '(and "labels" to classify), not a prompt.',
                code="wrong_task",
                field="prompt",
            )
        return "embed", EmbedRequest(**document)
    except ValidationError as exc:
        raise _validation_error(exc) from None


#: Column names read as the texts of an MLflow DataFrame body, in this order.
TEXT_COLUMNS = ("text", "inputs", "prompt")
MLFLOW_KEYS = ("dataframe_split", "dataframe_records", "instances")


def _text_column(columns: list[str]) -> str:
    for name in TEXT_COLUMNS:
        if name in columns:
            return name
    if len(columns) == 1:
        return columns[0]
    raise _payload_error(
        400,
        f"Which column holds the texts? Name it one of {list(TEXT_COLUMNS)} or send one column "
        f"(got {columns}).",
        code="missing_column",
        field="text",
    )


def _records_texts(records: list[Any]) -> list[Any]:
    if all(isinstance(r, dict) for r in records):
        columns = list(dict.fromkeys(k for r in records for k in r))
        column = _text_column(columns)
        return [r.get(column) for r in records]
    return records


def _from_mlflow_body(document: dict[str, Any], task: str) -> dict[str, Any]:
    """MLflow's scoring bodies (``dataframe_split``, ``dataframe_records``, ``instances``,
    ``inputs`` as records or columns, with ``params``) as the hub protocol's own body, so
    MLflow clients can call a hub model; other bodies are returned unchanged."""
    key = next((k for k in MLFLOW_KEYS if k in document), None)
    inputs = document.get("inputs")
    columnar = isinstance(inputs, dict) and key is None
    records = isinstance(inputs, list) and any(isinstance(i, dict) for i in inputs)
    if key is None and not columnar and not records:
        return document
    value = document.get(key) if key else inputs
    if key == "dataframe_split" or columnar:
        if not isinstance(value, dict):
            raise _payload_error(400, f"{key or 'inputs'} must be an object.", field=key)
        if key == "dataframe_split":
            columns = [str(c) for c in value.get("columns") or []]
            rows = value.get("data") or []
            column = _text_column(columns)
            index = columns.index(column)
            texts = [row[index] if isinstance(row, list) else row for row in rows]
        else:
            column = _text_column([str(c) for c in value])
            texts = value[column] if isinstance(value[column], list) else [value[column]]
    elif isinstance(value, list):
        texts = _records_texts(value)
    else:
        raise _payload_error(400, f"{key} must be a list.", field=key)
    params = document.get("params") or {}
    if not isinstance(params, dict):
        raise _payload_error(400, "params must be an object.", field="params")
    if task == "text-generation":
        if len(texts) != 1:
            raise _payload_error(
                400,
                f"Send one prompt per request to a text-generation model (got {len(texts)}).",
                field="prompt",
            )
        return {"prompt": texts[0], **params}
    return {"inputs": texts, **params}


def _error_json(error: Any) -> bytes:
    raw = json.loads(error.to_json())
    code = getattr(error, "code", None)
    if code:
        raw["code"] = code
    return json.dumps(raw).encode()


def _sse(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, ensure_ascii=False).encode() + b"\n\n"


async def invoke(app: Any, scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """``POST /invocations`` of a hub model (``app`` is the worker's ModelApp)."""
    from ..endpoints.runtime.payloads import PayloadError
    from .invocations import PromptTooLong

    engine = app.model.hub_engine
    started_wall = time.time()
    started = time.perf_counter()
    content_type = None
    length = None
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value.decode("latin-1")
        elif name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                length = None
    body = b""
    status, payload, answer_type = 200, b"", JSON
    loop = asyncio.get_running_loop()
    try:
        media = (content_type or JSON).split(";")[0].strip().lower()
        if media not in (JSON, "text/json", CSV):
            raise _payload_error(
                415,
                f"Send application/json (or text/csv rows of texts) to this model "
                f"(got {content_type}).",
                code="unsupported_media_type",
            )
        if length is not None:
            app.payloads.check_size(length, app.max_payload_bytes)
        received = await app._read_body(receive)
        if received is None:
            return
        body = received
        operation, request = parse(engine, body, CSV if media == CSV else JSON)
        if operation == "generate" and request.stream:
            await _stream(app, engine, request, receive, send, body, started, started_wall)
            return
        method = getattr(engine, operation, None)
        if method is None:
            raise _payload_error(
                400, f"This model cannot {operation}.", code="unsupported_operation"
            )
        try:
            answer = await loop.run_in_executor(None, method, request)
        except PromptTooLong as exc:
            raise _payload_error(400, exc.message, code=exc.code, field="prompt") from None
        except PayloadError:
            raise
        except ValueError as exc:  # a request the model refuses (e.g. labels it does not know)
            raise _payload_error(400, str(exc), code="invalid_request") from None
        except Exception as exc:
            log.exception("the model failed to %s", operation)
            raise _payload_error(
                500, f"the model failed: {type(exc).__name__}: {exc}", code="model_error"
            ) from None
        payload = json.dumps(answer, ensure_ascii=False).encode()
    except PayloadError as error:
        status, payload = error.status, _error_json(error)
    except Exception as error:  # a bug here: say so and keep serving
        log.exception("cannot handle an invocation")
        status = 500
        payload = app.payloads.error_body(500, f"internal error: {type(error).__name__}: {error}")
    elapsed = time.perf_counter() - started
    if app.stats is not None:
        app.stats.record(elapsed, status)
    await app._send(send, status, payload, answer_type.encode(), close=status == 413)
    capture_invocation(
        app.capture, started_wall, (body, content_type), (payload, JSON), status, elapsed
    )


async def _stream(
    app: Any,
    engine: Any,
    request: Any,
    receive: Receive,
    send: Send,
    body: bytes,
    started: float,
    started_wall: float,
) -> None:
    """Answer with server-sent events, one per piece of generated text."""
    from .invocations import PromptTooLong

    loop = asyncio.get_running_loop()
    events = engine.stream(request)
    done = object()
    # The first event: PromptTooLong (and other refusals) still become a plain 400.
    try:
        first = await loop.run_in_executor(None, next, events, done)
    except PromptTooLong as exc:
        events.close()
        error = _payload_error(400, exc.message, code=exc.code, field="prompt")
        await _answer_error(app, send, error, started)
        return
    except Exception as exc:
        log.exception("the model failed to start generating")
        events.close()
        error = _payload_error(
            500, f"the model failed: {type(exc).__name__}: {exc}", code="model_error"
        )
        await _answer_error(app, send, error, started)
        return
    headers = [
        (b"content-type", b"text/event-stream; charset=utf-8"),
        (b"cache-control", b"no-cache"),
        (b"x-accel-buffering", b"no"),
        *app.extra_headers,
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    final: dict[str, Any] = {}
    status = 200
    event: Any = first
    # uvicorn drops what is sent to a client that went away: watch for its disconnect instead.
    gone = asyncio.ensure_future(receive())
    try:
        while event is not done:
            if gone.done():
                log.info("client disconnected during a stream: generation stopped")
                status = 499
                break
            if event.get("done"):
                final = event
            await send({"type": "http.response.body", "body": _sse(event), "more_body": True})
            event = await loop.run_in_executor(None, next, events, done)
    except OSError:  # the client went away: stop generating
        log.info("client disconnected during a stream: generation stopped")
        status = 499
    except Exception as exc:
        log.exception("the model failed while streaming")
        status = 500
        with contextlib.suppress(OSError):
            await send(
                {
                    "type": "http.response.body",
                    "body": _sse({"error": f"{type(exc).__name__}: {exc}", "code": "model_error"}),
                    "more_body": True,
                }
            )
    finally:
        gone.cancel()
        await loop.run_in_executor(None, events.close)  # joins the generation thread
    with contextlib.suppress(OSError):
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    elapsed = time.perf_counter() - started
    if app.stats is not None:
        app.stats.record(elapsed, 200 if status == 499 else status)
    capture_invocation(
        app.capture, started_wall, (body, JSON), (json.dumps(final).encode(), JSON), status, elapsed
    )


async def _answer_error(app: Any, send: Send, error: Any, started: float) -> None:
    if app.stats is not None:
        app.stats.record(time.perf_counter() - started, error.status)
    await app._send(send, error.status, _error_json(error), JSON.encode())


def _load_engine(python_model: Any, metadata: Any) -> Any:
    from .pyfunc import engine_for

    return engine_for(python_model, dict(metadata))


#: The model hub's serving runtime (entry point ``jupyter_studio.serving_runtimes: modelhub``).
RUNTIME = ServingRuntime(
    name="modelhub",
    metadata_keys=("studio_modelhub", "modelhub"),
    load_engine=_load_engine,
    invoke=invoke,
)
