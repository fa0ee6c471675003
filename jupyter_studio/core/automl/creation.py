"""Creating AutoML experiments: check everything (data included), then submit the ``automl`` job.

An experiment is a row (its unique name, its job, tags and auto-deploy settings) beside an
``automl`` job that does the training in a worker. The request travels typed: the REST body
(:class:`~.schemas.CreateAutoMLExperiment`) becomes the job's :class:`~.job.AutoMLParameters`,
which the job turns into the engine's :class:`~.settings.RunSettings`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..errors import PATH_KIND_CODES, Conflict, InvalidInput, PathNotFound, PathOfAnotherKind
from ..jobs.schemas import CreateJob
from ..spaces.service import Caller
from .access import ExperimentAccess
from .checks import RequestChecks, check_experiment_name
from .job import AutoMLParameters
from .results import ExperimentResults
from .schemas import AutoMLValidation, CreateAutoMLExperiment, DescribeAutoMLExperiment
from .tables import AutoMLExperimentRow


class ExperimentCreation:
    """Submit AutoML experiments: one row and one ``automl`` job each."""

    def __init__(
        self,
        access: ExperimentAccess,
        checks: RequestChecks,
        results: ExperimentResults,
        *,
        default_user: str | None = None,
    ) -> None:
        self.access = access
        self.checks = checks
        self.results = results
        self.default_user = default_user

    def create(self, caller: Caller, body: CreateAutoMLExperiment) -> DescribeAutoMLExperiment:
        """Check everything (data included), then submit the ``automl`` job.

        400 with every bad field in ``detail`` before any training; 409 when the name is in use.
        """
        self._check_name(body.experiment_name)
        self.checks.check_paths_permitted(caller, body)
        _refuse(self.checks.validate(caller, body, check_name=False))
        self._add_row(caller, body)
        try:
            job = self.access.jobs.create(caller, self.job_request(body))
        except BaseException:
            with self.access.store.session() as session:
                row = session.get(AutoMLExperimentRow, body.experiment_name)
                if row is not None:
                    session.delete(row)
            raise
        with self.access.store.session() as session:
            session.execute(
                update(AutoMLExperimentRow)
                .where(AutoMLExperimentRow.experiment_name == body.experiment_name)
                .values(job_id=job.job_id)
            )
        return self.results.get(caller, body.experiment_name)

    def _check_name(self, name: str) -> None:
        """400 when ``name`` cannot name an experiment, 409 when one has it."""
        why = check_experiment_name(name)
        if why:
            raise InvalidInput(
                f"experiment_name: {why}.",
                code="invalid_automl_request",
                detail=[{"loc": ["experiment_name"], "msg": why}],
            )
        if self.access.name_taken(name):
            raise Conflict(
                f"An AutoML experiment named {name!r} exists in this domain: pick another name.",
                code="automl_experiment_exists",
            )

    def _add_row(self, caller: Caller, body: CreateAutoMLExperiment) -> None:
        """The experiment's row, without its job yet (409 when another server took the name)."""
        with self.access.store.session() as session:
            session.add(
                AutoMLExperimentRow(
                    experiment_name=body.experiment_name,
                    owner=caller.username,
                    space_id=body.space_id,
                    tags=dict(body.tags),
                    auto_deploy_endpoint=body.endpoint_name if body.auto_deploy else None,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                raise Conflict(
                    f"An AutoML experiment named {body.experiment_name!r} exists in this domain.",
                    code="automl_experiment_exists",
                ) from None

    def job_request(self, body: CreateAutoMLExperiment) -> CreateJob:
        """The ``automl`` job of the experiment: its parameters are the request's (typed)."""
        params = AutoMLParameters.of_request(body, min_rows=self.checks.min_rows)
        # the job keeps max_runtime, its results included (the job page shows what was asked)
        return CreateJob(
            kind="automl",
            name=body.experiment_name,
            space_id=body.space_id,
            max_runtime_seconds=min(body.max_runtime, 7 * 86400),
            parameters=params.model_dump(exclude_none=True),
        )

    def submit(
        self,
        experiment_name: str,
        data: str,
        target: str,
        *,
        user: str | None = None,
        **settings: Any,
    ) -> DescribeAutoMLExperiment:
        """Python entry point: ``studio.automl.submit("churn-1", "data/churn.csv", "churned")``.

        ``settings`` are the other fields of :class:`CreateAutoMLExperiment` (``max_runtime``,
        ``mode``, ``space_id``, ``auto_deploy``, ``endpoint_name``, ``tags``...).
        """
        from ..validation import parse_model

        body = parse_model(
            CreateAutoMLExperiment,
            {"experiment_name": experiment_name, "data": data, "target": target, **settings},
            "AutoML experiment",
        )
        caller = self.access.spaces.caller(user or self.default_user or "user")
        return self.create(caller, body)


def _refuse(checked: AutoMLValidation) -> None:
    """A 400 listing every problem :meth:`RequestChecks.validate` found, if any."""
    if checked.valid:
        return
    first = checked.problems[0]
    more = len(checked.problems) - 1
    # a well-formed request whose only trouble is a file that is missing (404) or of another
    # kind (409) gets that status, as any other operation naming such a file does
    codes = {p.code for p in checked.problems}
    error: type[InvalidInput] = InvalidInput
    if codes == {PathNotFound.code}:
        error = PathNotFound
    elif codes and codes <= PATH_KIND_CODES:
        error = PathOfAnotherKind
    raise error(
        f"{'.'.join(first.loc)}: {first.msg}"
        + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""),
        code="invalid_automl_request" if error is InvalidInput else None,
        detail=[p.model_dump() for p in checked.problems],
    )
