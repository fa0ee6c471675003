"""S3 and S3-compatible object stores through fsspec: their settings, in one place.

Every feature that reads or writes ``s3://`` URLs builds its fsspec options and reads a failure
through this module, so a bucket is reached the same way everywhere: the Data Wrangler's
object-store source and output, and a processor's ``s3://`` inputs and outputs. It sits in the
shared base of the core (below every feature), so each of them may use it.

Credentials are never stored: ``key`` and ``secret`` name environment variables
(``${AWS_ACCESS_KEY_ID}``) read when the store is used; left out, botocore's own chain applies
(``AWS_*`` variables, ``~/.aws``). Connections time out after 5 s, reads after 30 s, with two
attempts, so an unreachable store is an answer within seconds, not a hang.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from .errors import InvalidInput

__all__ = [
    "ObjectStoreSettings",
    "StoreProblem",
    "classify_store_error",
    "expand_env",
    "fsspec_options",
    "parse_s3_url",
    "settings_options",
]

#: ``${NAME}`` in a credential: read from the environment when the store is used.
ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

#: ``s3://bucket`` or ``s3://bucket/key``: a bucket name as S3 allows it (3-63 characters).
S3_URL = re.compile(r"^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?$")


class ObjectStoreSettings(BaseModel):
    """How to reach an S3-compatible store (the same fields as the wrangler's object store)."""

    model_config = ConfigDict(extra="forbid")

    endpoint_url: str | None = Field(
        default=None, description="For S3-compatible stores (MinIO...)."
    )
    region: str | None = None
    anonymous: StrictBool = False
    key: str | None = Field(
        default=None, description="Access key id; ${ENV_VAR} reads the environment."
    )
    secret: str | None = Field(
        default=None, description="Secret key; use ${ENV_VAR}, never the secret."
    )


def fsspec_options(
    *,
    key: str | None,
    secret: str | None,
    endpoint_url: str | None,
    region: str | None,
    anonymous: bool,
) -> dict[str, Any]:
    """The ``s3fs`` keyword arguments for a store (``key``/``secret`` already read)."""
    options: dict[str, Any] = {}
    if anonymous:
        options["anon"] = True
    if key:
        options["key"] = key
    if secret:
        options["secret"] = secret
    client: dict[str, Any] = {}
    if endpoint_url:
        client["endpoint_url"] = endpoint_url
    if region:
        client["region_name"] = region
    if client:
        options["client_kwargs"] = client
    options["config_kwargs"] = {
        "connect_timeout": 5,
        "read_timeout": 30,
        "retries": {"max_attempts": 2},
    }
    options["skip_instance_cache"] = True
    return options


def expand_env(text: str | None) -> str | None:
    """``text`` with each ``${NAME}`` replaced by the environment variable (a 400 when unset)."""
    if text is None:
        return None

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise InvalidInput(
                f"The environment variable {name} is not set: set it in the environment of the "
                "server (or of the job), then try again.",
                code="missing_environment",
            )
        return os.environ[name]

    return ENV.sub(value, text)


def settings_options(settings: ObjectStoreSettings | None) -> dict[str, Any]:
    """The ``s3fs`` keyword arguments of :class:`ObjectStoreSettings` (``${ENV}`` read now)."""
    settings = settings or ObjectStoreSettings()
    return fsspec_options(
        key=expand_env(settings.key),
        secret=expand_env(settings.secret),
        endpoint_url=settings.endpoint_url,
        region=settings.region,
        anonymous=settings.anonymous,
    )


@dataclass(frozen=True)
class StoreProblem:
    """What went wrong with an object store, in words a user can act on."""

    code: str
    message: str
    hint: str
    #: ``not_found`` (a 404), ``access`` (refused), ``unreachable`` or ``other``.
    category: str


def classify_store_error(exc: BaseException, url: str, endpoint: str | None) -> StoreProblem:
    """Turn an fsspec/botocore failure into a :class:`StoreProblem` that says what to do."""
    text = f"{type(exc).__name__}: {exc}"
    where = f" at {endpoint}" if endpoint else ""
    if isinstance(exc, FileNotFoundError) or "NoSuchBucket" in text or "NoSuchKey" in text:
        return StoreProblem(
            "object_not_found",
            f"Nothing found at {url}.",
            "Check the bucket and the key or prefix (and the flow parameters they use).",
            "not_found",
        )
    if isinstance(exc, PermissionError) or any(
        s in text
        for s in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden", "403")
    ):
        return StoreProblem(
            "store_access_denied",
            f"The object store{where} refused access to {url} ({exc}).",
            "Check the access key and secret (or the ${ENV_VAR} they name) and the bucket's "
            "permissions.",
            "access",
        )
    if any(
        s in text
        for s in ("Connect", "connect", "Timeout", "timed out", "Name or service", "resolve")
    ):
        return StoreProblem(
            "store_unreachable",
            f"Cannot reach the object store{where}: {exc}.",
            "Check the endpoint URL and that the store is running and reachable from the server.",
            "unreachable",
        )
    return StoreProblem(
        "store_error",
        f"Reading {url} failed: {text}.",
        "Check the URL, the endpoint and the credentials.",
        "other",
    )


def parse_s3_url(url: str) -> tuple[str, str] | None:
    """``(bucket, key)`` of an ``s3://`` URL (the key may be empty), or None when it is not one."""
    match = S3_URL.match(url)
    if match is None or ".." in match.group(1):
        return None
    return match.group(1), match.group(2) or ""
