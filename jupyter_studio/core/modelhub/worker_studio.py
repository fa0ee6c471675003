"""The Studio facade inside a job's worker, for jobs that register models, submit further jobs
or deploy endpoints when they end (``finetune``, ``solution``).

The server puts what the facade needs in the job's resolved parameters (:func:`facade_settings`),
the facade's own class included, so the model hub never imports the composition root above it;
the store URL comes from the worker's environment when the executor sets it (a PostgreSQL URL with
its password is then never copied into the job's record).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

__all__ = ["facade_settings", "open_studio"]

_KEYS = ("domain_root", "contents_root", "domain_name", "allow_files_outside_domain")


def facade_settings(services: Any) -> dict[str, Any]:
    """What a worker needs to open the same domain as the server (``services`` is the Studio)."""
    if services is None:
        return {}
    out = {key: getattr(services, key) for key in _KEYS if hasattr(services, key)}
    out["facade"] = f"{type(services).__module__}:{type(services).__qualname__}"
    out["admin_users"] = sorted(getattr(services, "admin_users", ()) or ())
    db_url = str(getattr(services, "db_url", "") or "")
    if db_url.startswith("sqlite"):  # no secret in a SQLite URL
        out["db_url"] = db_url
    tracking = getattr(services, "mlflow_tracking_uri", "")
    if tracking:
        out["mlflow_tracking_uri"] = tracking
    return out


def open_studio(settings: dict[str, Any]) -> Any:
    """A Studio facade on the domain described by ``settings`` (its runner is not started)."""
    from ..jobs.worker import WORKER_DB_URL_ENV

    kwargs = dict(settings)
    module, _, name = str(kwargs.pop("facade", "")).partition(":")
    if not module or not name:
        raise RuntimeError("the job's parameters do not say which Studio facade to open")
    facade = getattr(importlib.import_module(module), name)
    kwargs["admin_users"] = set(kwargs.get("admin_users") or ())
    db_url = os.environ.get(WORKER_DB_URL_ENV) or kwargs.pop("db_url", None)
    kwargs.pop("db_url", None)
    if db_url:
        kwargs["db_url"] = db_url
    kwargs["warm_up_tracking_store"] = False
    return facade(**kwargs)
