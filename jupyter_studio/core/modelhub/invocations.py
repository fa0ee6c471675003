"""Invocation bodies of a deployed hub model (``POST /studio/endpoints/<name>/invocations``).

- text generation: :class:`GenerateRequest` → ``{text, tokens, finish_reason}``, or with
  ``"stream": true`` a ``text/event-stream`` of ``data: {"token": ...}`` lines then
  ``data: {"done": true, "text", "tokens", "finish_reason"}``;
- embeddings: :class:`EmbedRequest` (``{inputs}``) → ``{embeddings}``;
- classification: :class:`ClassifyRequest` (``{inputs, labels}``) → ``{predictions: [{label, scores}]}``.

Checked in the model server; a bad field is a 400 naming it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_NEW_TOKENS = 2048
MAX_INPUTS = 512
MAX_STOP = 8


def _not_blank(value: str, what: str) -> str:
    """``value`` unless it is empty or only whitespace (then a ValueError naming ``what``)."""
    if not value.strip():
        raise ValueError(f"{what} is blank: write some text for the model to answer")
    return value


class ChatMessage(BaseModel):
    """One chat turn (its content must not be blank)."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str = Field(max_length=200_000)

    @field_validator("content")
    @classmethod
    def _check_content(cls, value: str) -> str:
        return _not_blank(value, "the message")


class GenerateRequest(BaseModel):
    """A text-generation invocation: a prompt or chat messages, and generation settings.

    A blank prompt, an empty ``messages`` list or a blank message is refused (a model given
    nothing would only generate filler)."""

    model_config = ConfigDict(extra="forbid")

    prompt: str | None = Field(default=None, max_length=1_000_000)
    messages: list[ChatMessage] | None = Field(default=None, max_length=200)
    max_new_tokens: int = Field(default=128, ge=1, le=MAX_NEW_TOKENS)
    temperature: float = Field(default=0.0, ge=0, le=2, description="0: greedy decoding.")
    top_p: float = Field(default=1.0, gt=0, le=1)
    stop: list[str] = Field(default_factory=list, max_length=MAX_STOP)
    stream: bool = False
    repetition_penalty: float | None = Field(default=None, ge=1, le=2)
    seed: int | None = Field(default=None, ge=0, description="Makes sampling repeatable.")
    chat: bool | None = Field(
        default=None,
        description="Wrap a prompt in the model's chat template (default: when it has one).",
    )

    @field_validator("prompt")
    @classmethod
    def _check_prompt(cls, value: str | None) -> str | None:
        return value if value is None else _not_blank(value, "the prompt")

    @field_validator("messages")
    @classmethod
    def _check_messages(cls, value: list[ChatMessage] | None) -> list[ChatMessage] | None:
        if value is not None and not value:
            raise ValueError("messages is empty: send at least one {role, content} message")
        return value

    @field_validator("stop")
    @classmethod
    def _check_stop(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item or len(item) > 200:
                raise ValueError("stop sequences have 1 to 200 characters")
        return value

    @model_validator(mode="after")
    def _prompt_or_messages(self) -> GenerateRequest:
        if (self.prompt is None) == (self.messages is None):
            raise ValueError(
                "send either prompt (a string) or messages ([{role, content}]), not both"
            )
        return self


class EmbedRequest(BaseModel):
    """An embedding invocation."""

    model_config = ConfigDict(extra="forbid")

    inputs: list[str] = Field(min_length=1, max_length=MAX_INPUTS)


class ClassifyRequest(BaseModel):
    """A zero-shot classification invocation: each input gets one of ``labels``."""

    model_config = ConfigDict(extra="forbid")

    inputs: list[str] = Field(min_length=1, max_length=MAX_INPUTS)
    labels: list[str] = Field(min_length=2, max_length=100)
    template: str = Field(
        default="This text is about {label}.",
        max_length=500,
        description="How a label is phrased (embedding models) ; must contain {label}.",
    )

    @field_validator("labels")
    @classmethod
    def _check_labels(cls, value: list[str]) -> list[str]:
        if any(not label.strip() for label in value):
            raise ValueError("labels must not be empty")
        if len(set(value)) != len(value):
            raise ValueError("labels must be distinct")
        return value

    @field_validator("template")
    @classmethod
    def _check_template(cls, value: str) -> str:
        if "{label}" not in value:
            raise ValueError("the template must contain {label}")
        return value


class PromptTooLong(ValueError):
    """The prompt and the tokens asked for do not fit in the model's context."""

    code = "prompt_too_long"

    def __init__(self, prompt_tokens: int, max_new_tokens: int, context_length: int) -> None:
        if prompt_tokens >= context_length:
            message = (
                f"The prompt has {prompt_tokens} tokens, more than the model's context length of "
                f"{context_length}: shorten it."
            )
        else:
            message = (
                f"The prompt has {prompt_tokens} tokens and max_new_tokens is {max_new_tokens}: "
                f"together more than the model's context length of {context_length}. Shorten the "
                f"prompt or ask for at most {context_length - prompt_tokens} new tokens."
            )
        super().__init__(message)
        self.message = message
