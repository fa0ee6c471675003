"""Invoking an endpoint's model server on its loopback port: rows encoded exactly as CSV or JSON,
answers decoded, refusals as :class:`InvocationError`.

The user-facing client is :class:`jupyter_studio.endpoints.Predictor`; the CLI and the model hub
client use these pieces too.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from typing import Any

from ..errors import InvalidInput, StudioError

JSON = "application/json"
CSV = "text/csv"


class InvocationError(StudioError):
    """The endpoint refused or failed an invocation; ``status`` is its HTTP status."""

    code = "invocation_failed"

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _cell(value: Any) -> Any:
    """One DataFrame value as a JSON-ready Python value (missing values become null)."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    if value is pd.NA:
        return None
    return value


def frame_split(frame: Any) -> dict[str, Any]:
    """``{"columns", "data"}`` of a DataFrame with every value exact.

    Floats keep every digit: they are written by orjson as the shortest text that reads back to
    the same double (``DataFrame.to_json`` keeps 10 decimal places, so ``3e-12`` became ``0.0``).
    """
    columns = [str(name) for name in frame.columns]
    data = [[_cell(value) for value in row] for row in frame.itertuples(index=False, name=None)]
    return {"columns": columns, "data": data}


def encode_rows(data: Any, content_type: str = JSON) -> tuple[bytes, str]:
    """A request body for ``data`` (DataFrame, list of records, dict, str or bytes).

    Numbers are sent exactly: a float arrives as the same double (shortest round-trip text).
    """
    import orjson
    import pandas as pd

    if isinstance(data, bytes):
        return data, content_type
    if isinstance(data, str):
        return data.encode(), content_type
    if isinstance(data, pd.Series):
        data = data.to_frame().T.infer_objects()
    if isinstance(data, pd.DataFrame):
        if content_type == CSV:
            # pandas writes floats with repr(), the shortest text that reads back exactly
            return data.to_csv(index=False).encode(), CSV
        return orjson.dumps({"dataframe_split": frame_split(data)}), JSON
    if isinstance(data, list | dict):
        try:
            return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY), JSON
        except TypeError:
            return json.dumps(data, default=str).encode(), JSON
    raise InvalidInput(
        f"Cannot send a {type(data).__name__}: pass a DataFrame, a list of records, CSV text or bytes.",
        code="invalid_rows",
    )


def decode_predictions(body: bytes, content_type: str) -> Any:
    """The model server's answer as a DataFrame (one row per input row)."""
    import pandas as pd

    if content_type.startswith(CSV):
        return pd.read_csv(io.BytesIO(body))
    payload = json.loads(body or b"null")
    if isinstance(payload, dict) and "predictions" in payload:
        predictions = payload["predictions"]
        frame = (
            pd.DataFrame(predictions)
            if predictions and isinstance(predictions[0], dict)
            else pd.DataFrame({"prediction": predictions})
        )
        probabilities = payload.get("probabilities")
        if probabilities:
            probs = pd.DataFrame(probabilities)
            probs.columns = [f"probability_{c}" for c in probs.columns]
            frame = pd.concat([frame.reset_index(drop=True), probs], axis=1)
        return frame
    if isinstance(payload, list):
        if payload and isinstance(payload[0], dict):
            return pd.DataFrame(payload)
        return pd.DataFrame({"prediction": payload})
    return pd.DataFrame([payload])


def invoke_port(
    port: int,
    body: bytes,
    *,
    content_type: str = JSON,
    accept: str = JSON,
    timeout: float = 60.0,
) -> tuple[bytes, str, float]:
    """POST ``body`` to ``/invocations`` on a loopback port: (answer, its content type, seconds)."""
    import time

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/invocations",
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "Accept": accept},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            data = reply.read()
            return data, reply.headers.get("Content-Type", accept), time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace")
        try:
            message = json.loads(text).get("message", text)
        except (ValueError, AttributeError):
            message = text
        raise InvocationError(f"The endpoint answered {exc.code}: {message}", exc.code) from None
    except OSError as exc:
        raise InvocationError(f"The endpoint did not answer: {exc}", 503) from None
