"""Blank prompts (issue 22 #15): ``{"prompt": ""}`` was answered with 128 tokens of filler. A
blank prompt, blank message or empty ``messages`` list is a 400 naming the field at the model
server, in the Python client (before anything is sent) and in saved prompt templates."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from jupyter_studio.core.endpoints.runtime.payloads import PayloadError
from jupyter_studio.core.modelhub.serving import parse

GENERATOR = SimpleNamespace(task="text-generation")


def body(document: object) -> bytes:
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": " \n\t "}, "prompt"),
        ({"prompt": "", "stream": True}, "prompt"),
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "user", "content": "   "}]}, "messages.0.content"),
        (
            {
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": ""},
                ]
            },
            "messages.1.content",
        ),
        ({"dataframe_records": [{"prompt": ""}]}, "prompt"),
        ({"instances": ["  "]}, "prompt"),
    ],
)
def test_a_blank_prompt_or_message_is_a_400_naming_the_field(document: dict, field: str) -> None:
    """Issue 22 #15: ``{"prompt": ""}`` was answered with 128 tokens of filler."""
    with pytest.raises(PayloadError) as caught:
        parse(GENERATOR, body(document))
    assert caught.value.status == 400
    assert caught.value.code == "validation_error"  # type: ignore[attr-defined]
    message = str(caught.value)
    assert f"{field}: " in message, message
    assert ("empty" if field == "messages" else "blank") in message, message
    assert "Value error" not in str(caught.value)


def test_the_python_client_refuses_a_blank_prompt_before_sending() -> None:
    from jupyter_studio.core.errors import InvalidInput
    from jupyter_studio.modelhub import ModelHub

    hub = ModelHub(studio=SimpleNamespace())  # no endpoint is looked up: the check comes first
    for call in (
        lambda: hub.generate("smol", ""),
        lambda: list(hub.stream("smol", "   ")),
        lambda: hub.generate("smol", messages=[]),
        lambda: hub.generate("smol", messages=[{"role": "user", "content": " "}]),
    ):
        with pytest.raises(InvalidInput) as caught:
            call()
        assert caught.value.detail and caught.value.detail[0]["loc"][0] in ("prompt", "messages")


def test_a_blank_prompt_template_is_refused(studio) -> None:  # noqa: ANN001
    from jupyter_studio.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        studio.modelhub.save_template(studio.caller(), {"name": "blank", "template": " \n "})
    assert caught.value.detail[0]["loc"][-1] == "template"
