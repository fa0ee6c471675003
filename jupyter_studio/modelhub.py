"""The model hub from Python: ``from jupyter_studio.modelhub import ModelHub``.

>>> hub = ModelHub()
>>> [card.id for card in hub.list(task="text-generation")]
['smollm2-135m-instruct', 'gemma3-270m']
>>> hub.deploy("smollm2-135m-instruct", endpoint_name="smol")      # waits until InService
>>> hub.generate("smol", "Name three primary colours.", max_new_tokens=32)
>>> for piece in hub.stream("smol", "Write a haiku about the sea."):
...     print(piece, end="", flush=True)
>>> hub.deploy("gemma3-270m", endpoint_name="gemma", accept_eula=True)   # gated: Gemma Terms of Use
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

from ._client import UserClient
from .core.endpoints.invocation import InvocationError
from .core.modelhub.invocations import GenerateRequest
from .core.modelhub.schemas import DeployModel, ModelCard, ModelDetail
from .core.validation import parse_model

__all__ = ["InvocationError", "ModelHub"]


def _generation_body(prompt: str | None, settings: dict[str, Any], *, stream: bool) -> dict:
    """The JSON body of a generation, checked as the model server checks it (a blank prompt or
    message, an empty ``messages`` list, a setting out of range: :class:`InvalidInput`)."""
    body = {**({"prompt": prompt} if prompt is not None else {}), **settings, "stream": stream}
    parse_model(GenerateRequest, body, "generation request")
    return body


class ModelHub(UserClient):
    """``studio.modelhub`` for one user, plus invocation helpers for hub endpoints."""

    def __init__(self, studio: Any = None, *, user: str | None = None, timeout: float = 300.0):
        super().__init__(studio, user=user)
        self.timeout = timeout

    # ------------------------------------------------------------ catalogue
    def list(self, q: str | None = None, **filters: Any) -> list[ModelCard]:
        """Catalogue cards: ``q`` words and filters ``task``, ``framework``, ``license``, ``gated``,
        ``source``, ``max_size_mb``."""
        query = {"q": q, **filters}
        query = {k: v for k, v in query.items() if v is not None}
        return self.studio.modelhub.list_models(self.caller, query).items

    def show(self, model_id: str) -> ModelDetail:
        """The model page (license text, inputs and outputs, example calls)."""
        return self.studio.modelhub.get_model(self.caller, model_id)

    def accept(self, model_id: str) -> Any:
        """Accept the model's license for your profile."""
        return self.studio.modelhub.accept(self.caller, model_id)

    def deploy(
        self,
        model_id: str,
        endpoint_name: str,
        *,
        space_id: str | None = None,
        accept_eula: bool = False,
        instance_count: int = 1,
        wait: bool = True,
        timeout: float = 600.0,
    ) -> Any:
        """Deploy ``model_id`` to a new endpoint (``accept_eula=True`` accepts a gated license);
        with ``wait``, return once it is InService or Failed."""
        body = DeployModel(
            endpoint_name=endpoint_name,
            space_id=space_id,
            accept_eula=accept_eula,
            instance_count=instance_count,
        )
        endpoint = self.studio.modelhub.deploy(self.caller, model_id, body)
        if wait:
            endpoint = self.studio.endpoints.wait(self.caller, endpoint_name, timeout=timeout)
        return endpoint

    # ------------------------------------------------------------ invoking
    def _connection(self, endpoint: str) -> http.client.HTTPConnection:
        port = self.studio.endpoints.port_of(self.caller, endpoint)
        return http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)

    def invoke(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a JSON body to the endpoint; its JSON answer (InvocationError on 4xx/5xx)."""
        connection = self._connection(endpoint)
        try:
            connection.request(
                "POST",
                "/invocations",
                body=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            reply = connection.getresponse()
            raw = reply.read()
        except OSError as exc:
            raise InvocationError(f"The endpoint did not answer: {exc}", 503) from None
        finally:
            connection.close()
        answer = json.loads(raw or b"null")
        if reply.status >= 400:
            message = answer.get("message") if isinstance(answer, dict) else raw.decode()
            raise InvocationError(f"The endpoint answered {reply.status}: {message}", reply.status)
        return answer

    def generate(self, endpoint: str, prompt: str | None = None, **settings: Any) -> str:
        """The generated text (settings: ``messages``, ``max_new_tokens``, ``temperature``,
        ``top_p``, ``stop``...); :class:`InvalidInput` naming the field for a blank prompt or
        message, before anything is sent."""
        return self.invoke(endpoint, _generation_body(prompt, settings, stream=False))["text"]

    def stream(self, endpoint: str, prompt: str | None = None, **settings: Any) -> Iterator[str]:
        """Generated text piece by piece, as the model writes it (checked as :meth:`generate`)."""
        body = _generation_body(prompt, settings, stream=True)
        connection = self._connection(endpoint)
        try:
            connection.request(
                "POST",
                "/invocations",
                body=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            reply = connection.getresponse()
            if reply.status >= 400:
                answer = json.loads(reply.read() or b"null")
                message = answer.get("message") if isinstance(answer, dict) else answer
                raise InvocationError(
                    f"The endpoint answered {reply.status}: {message}", reply.status
                )
            for line in reply:
                if not line.startswith(b"data: "):
                    continue
                event = json.loads(line[6:])
                if "token" in event:
                    yield event["token"]
                elif "error" in event:
                    raise InvocationError(f"The model failed: {event['error']}", 500)
        finally:
            connection.close()

    def embed(self, endpoint: str, texts: list[str]) -> list[list[float]]:
        """Normalized embeddings of ``texts``."""
        return self.invoke(endpoint, {"inputs": list(texts)})["embeddings"]

    def classify(
        self, endpoint: str, texts: list[str], labels: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """``[{label, scores}]`` per text: zero-shot over ``labels``, or a fine-tuned
        classifier's own labels when ``labels`` is None."""
        body: dict[str, Any] = {"inputs": list(texts)}
        if labels is not None:
            body["labels"] = list(labels)
        return self.invoke(endpoint, body)["predictions"]

    # ------------------------------------------------------------ training
    def finetune(self, **request: Any) -> Any:
        """Start a fine-tuning job (see ``POST /studio/api/modelhub/finetune``)."""
        return self.studio.modelhub.finetune(self.caller, request)

    def evaluate(self, **request: Any) -> Any:
        """Start an evaluation job (see ``POST /studio/api/modelhub/evaluate``)."""
        return self.studio.modelhub.evaluate(self.caller, request)
