"""The URL table of the REST API: every feature's route rows, concatenated.

A feature adds ``server/handlers/<feature>.py`` exporting ``ROUTES`` and lists it here.
"""

from __future__ import annotations

from .handlers import (
    automl,
    endpoints,
    experiments,
    flows,
    info,
    jobs,
    modelhub,
    models,
    processing,
    spaces,
)
from .routing import API_PREFIX, Route

ENDPOINTS_PREFIX = "/studio/endpoints"

ROUTES: list[Route] = [
    *info.ROUTES,
    *jobs.ROUTES,
    *processing.ROUTES,
    *spaces.ROUTES,
    *models.ROUTES,
    *experiments.ROUTES,
    *endpoints.ROUTES,
    *automl.ROUTES,
    *flows.ROUTES,
    *modelhub.ROUTES,
]


def handlers(routes: list[Route] = ROUTES) -> list[tuple[str, type]]:
    """(pattern, handler) pairs; ExtensionApp adds the server's base_url."""
    return [(route.pattern(), route.handler) for route in routes] + [
        (API_PREFIX + r"(?P<rest>/.*)?", info.UnknownRouteHandler),
        # an unknown action of an endpoint (/studio/endpoints/<name>/<other>): JSON too
        (ENDPOINTS_PREFIX + r"(?P<rest>/.*)?", info.UnknownRouteHandler),
    ]
