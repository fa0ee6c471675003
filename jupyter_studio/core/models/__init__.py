"""Pydantic models at the engine's boundary (REST bodies, Python API results)."""

from .jobs import (
    CreateJob,
    DescribeJob,
    JobArtifact,
    JobKindInfo,
    JobLogs,
    JobStatus,
    ListJobsQuery,
    ListJobsResponse,
)
from .spaces import (
    AddMember,
    CreateProfile,
    CreateSpace,
    DescribeDomain,
    DescribeProfile,
    DescribeSpace,
    ListResponse,
    SpaceKind,
    UpdateProfile,
    UpdateSpace,
)

__all__ = [
    "AddMember",
    "CreateJob",
    "CreateProfile",
    "CreateSpace",
    "DescribeDomain",
    "DescribeJob",
    "DescribeProfile",
    "DescribeSpace",
    "JobArtifact",
    "JobKindInfo",
    "JobLogs",
    "JobStatus",
    "ListJobsQuery",
    "ListJobsResponse",
    "ListResponse",
    "SpaceKind",
    "UpdateProfile",
    "UpdateSpace",
]
