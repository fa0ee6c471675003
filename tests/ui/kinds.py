"""A job kind registered only for the browser tests (``--Studio.extra_job_kinds``): it has no
form of its own, so the Jobs panel builds one from its parameters schema."""

from __future__ import annotations

import time
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jupyter_studio.core.jobs import JobKind


class Tone(str, Enum):
    PLAIN = "plain"
    CHEERFUL = "cheerful"


class GreetParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    who: str = Field(title="Who", description="Name of the one to greet.", min_length=1)
    times: int = Field(default=2, ge=1, le=5, title="Times", description="How many greetings.")
    tone: Tone = Field(default=Tone.PLAIN, title="Tone")
    shout: bool = Field(default=False, title="Shout", description="Write in capitals.")
    extras: list[str] = Field(default_factory=list, title="Extra lines")
    labels: dict[str, str] = Field(default_factory=dict, title="Labels")

    @field_validator("who")
    @classmethod
    def _somebody(cls, value: str) -> str:
        if value.strip().lower() == "nobody":
            raise ValueError("greet somebody")
        return value


class GreetJob(JobKind):
    """Writes greetings to its log and a file to its output folder."""

    name = "greet"
    title = "Greeting"
    description = "Greets someone a few times (a test kind with a form built from its schema)."
    Parameters = GreetParameters

    def run(self, context) -> None:  # noqa: ANN001
        params = context.parameters
        assert isinstance(params, GreetParameters)
        lines = []
        for i in range(params.times):
            context.check_stop()
            text = f"hello {params.who} ({params.tone.value})"
            text = text.upper() if params.shout else text
            lines.append(text)
            context.log.studio(text)
            context.set_progress((i + 1) / params.times, f"greeting {i + 1}")
            time.sleep(0.2)
        lines += params.extras
        lines += [f"{key}={value}" for key, value in sorted(params.labels.items())]
        context.output_dir.mkdir(parents=True, exist_ok=True)
        (context.output_dir / "greetings.txt").write_text("\n".join(lines) + "\n")
