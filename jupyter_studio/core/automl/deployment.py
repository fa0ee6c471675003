"""Registering an AutoML candidate as a model version, and deploying it to an endpoint."""

from __future__ import annotations

import re
from typing import Any

from ..endpoints.schemas import ENDPOINT_NAME_PATTERN, CreateEndpoint
from ..errors import Conflict, InvalidInput
from ..spaces.service import Caller
from .access import ExperimentAccess
from .results import ExperimentResults
from .schemas import DeployCandidate, DeployedCandidate, RegisterCandidate


class CandidateDeployment:
    """Register candidates in the model registry and deploy them to new endpoints."""

    def __init__(
        self,
        access: ExperimentAccess,
        results: ExperimentResults,
        *,
        models: Any = None,
        endpoints: Any = None,
    ) -> None:
        self.access = access
        self.results = results
        self.models = models
        self.endpoints = endpoints

    def register(self, caller: Caller, name: str, body: RegisterCandidate) -> Any:
        """Register a candidate (default: the best) as the next version of ``body.model_name``."""
        if self.models is None:
            raise Conflict("The model registry is not available.", code="no_model_registry")
        row, chosen, folder, item = self.results.candidate_folder(caller, name, body.candidate)
        metrics = {k: v for k, v in item.metrics.items() if v is not None}
        if item.objective is not None:
            metrics.setdefault(item.objective_metric, item.objective)
        return self.models.register(
            caller,
            str(folder),
            body.model_name,
            space_id=body.space_id if body.space_id is not None else row.space_id,
            metrics=dict(list(metrics.items())[:100]),
            tags={"automl.experiment": name, "automl.candidate": chosen, **(row.tags or {})},
            description=f"AutoML experiment {name}, candidate {chosen} ({item.algorithm})",
            source=f"job:{row.job_id}",
        )

    def deploy(self, caller: Caller, name: str, body: DeployCandidate) -> DeployedCandidate:
        """Register a candidate, then deploy that version to a new endpoint."""
        if self.endpoints is None:
            raise Conflict("Endpoints are not available.", code="no_endpoints")
        if not re.match(ENDPOINT_NAME_PATTERN, body.endpoint_name):
            raise InvalidInput(
                "endpoint_name: letters, digits and hyphens only (at most 63).",
                code="invalid_endpoint_name",
                detail=[{"loc": ["endpoint_name"], "msg": "letters, digits and hyphens only"}],
            )
        if self.access.endpoint_taken(body.endpoint_name):
            raise Conflict(
                f"The endpoint name {body.endpoint_name!r} is in use: pick another name.",
                code="endpoint_exists",
            )
        # the model is named after the experiment: each deployment of it is one more version
        model_name = body.model_name or name
        version = self.register(
            caller, name, RegisterCandidate(candidate=body.candidate, model_name=model_name)
        )
        endpoint = self.endpoints.create(
            caller,
            CreateEndpoint(
                endpoint_name=body.endpoint_name,
                model_name=version.model_name,
                model_version=version.version,
                model_space_id=version.space_id,
                instance_count=body.instance_count,
            ),
        )
        return DeployedCandidate(
            experiment_name=name,
            candidate=version.tags.get("automl.candidate", body.candidate or ""),
            model_name=version.model_name,
            model_version=version.version,
            endpoint_name=endpoint.endpoint_name,
            endpoint_status=endpoint.status.value,
        )
