"""The TypeScript wire types mirror the pydantic models the server sends and accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from jupyter_studio.core.jobs.processing import ProcessingParameters
from jupyter_studio.core.jobs.schemas import (
    CreateJob,
    DescribeJob,
    JobArtifact,
    JobKindInfo,
    JobLogs,
)
from jupyter_studio.core.spaces.schemas import (
    CreateSpace,
    DescribeDomain,
    DescribeProfile,
    DescribeSpace,
    UpdateSpace,
)

API = Path(__file__).resolve().parents[2] / "labextension" / "src" / "api"


def ts_fields(file: str, interface: str) -> set[str]:
    """Field names of an exported interface (own fields plus those of the interface it extends)."""
    source = (API / file).read_text()
    match = re.search(
        rf"export interface {interface}(?:\s+extends\s+(\w+))?\s*\{{(.*?)\n\}}", source, re.S
    )
    assert match, f"{interface} not found in {file}"
    body = re.sub(r"/\*.*?\*/|//[^\n]*", "", match.group(2), flags=re.S)
    fields = set(re.findall(r"^\s*(?:readonly\s+)?(\w+)\??\s*:", body, re.M))
    if match.group(1):
        fields |= ts_fields(file, match.group(1))
    return fields


@pytest.mark.parametrize(
    ("file", "interface", "model"),
    [
        ("jobs.ts", "IJob", DescribeJob),
        ("jobs.ts", "ICreateJob", CreateJob),
        ("jobs.ts", "ILogChunk", JobLogs),
        ("jobs.ts", "IArtifact", JobArtifact),
        ("jobs.ts", "IJobKind", JobKindInfo),
        ("jobs.ts", "IProcessingParameters", ProcessingParameters),
        ("spaces.ts", "ISpace", DescribeSpace),
        ("spaces.ts", "ICreateSpace", CreateSpace),
        ("spaces.ts", "IUpdateSpace", UpdateSpace),
        ("info.ts", "IProfile", DescribeProfile),
        ("info.ts", "IDomain", DescribeDomain),
    ],
)
def test_typescript_interface_matches_the_model(
    file: str, interface: str, model: type[BaseModel]
) -> None:
    assert ts_fields(file, interface) == set(model.model_fields), (
        f"{interface} drifted from {model.__name__}"
    )
