"""Fixtures of the model hub's training tests: a Studio with a generous stop grace, sample files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[3] / "jupyter_studio" / "samples" / "modelhub"


@pytest.fixture
def hub_studio(contents_root: Path) -> Iterator:
    """A Studio whose jobs have time to save a checkpoint when stopped."""
    from jupyter_studio.core.studio import Studio

    engine = Studio(
        contents_root=str(contents_root),
        poll_interval=0.1,
        stop_grace_seconds=30.0,
        default_user="alice",
        admin_users={"admin"},
        warm_up_tracking_store=False,
    )
    try:
        yield engine
    finally:
        engine.close()


@pytest.fixture
def samples(contents_root: Path) -> Path:
    """The bundled model hub samples copied under the contents root as ``data/``."""
    target = contents_root / "data"
    shutil.copytree(SAMPLES, target)
    return target
