"""The Python API reports bad input the way REST does: InvalidInput with field details."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets import TraitError

from jupyter_studio.core.errors import InvalidInput, StudioError
from jupyter_studio.core.jobs.schemas import MAX_JOB_NAME_LENGTH


def test_a_studio_error_is_a_client_error_unless_it_says_otherwise() -> None:
    assert StudioError("x").status == 400


def test_submit_job_raises_invalid_input_with_field_details(studio) -> None:  # noqa: ANN001
    with pytest.raises(InvalidInput) as info:
        studio.submit_job("processing", {"script": "a.py"}, max_runtime_seconds=-1)
    assert info.value.detail and info.value.detail[0]["loc"] == ["max_runtime_seconds"]
    with pytest.raises(InvalidInput) as info:
        studio.submit_job("processing", {"script": "a.py"}, name="x" * (MAX_JOB_NAME_LENGTH + 1))
    assert info.value.detail[0]["loc"] == ["name"]


def test_unknown_parameters_are_refused_by_name(studio) -> None:  # noqa: ANN001
    with pytest.raises(InvalidInput) as info:
        studio.submit_job("processing", {"script_path": "a.py", "args": ["x"]})
    assert info.value.code == "unknown_parameters"
    assert "args, script_path" in info.value.message
    assert {tuple(d["loc"]) for d in info.value.detail} == {
        ("parameters", "args"),
        ("parameters", "script_path"),
    }


def test_list_jobs_with_an_unknown_status_is_invalid_input(studio) -> None:  # noqa: ANN001
    with pytest.raises(InvalidInput) as info:
        studio.list_jobs(status="bogus")
    assert info.value.detail[0]["loc"][0] == "status"


def test_a_long_default_name_is_shortened_and_retry_works(studio, contents_root: Path) -> None:  # noqa: ANN001
    stem = "s" * 230
    (contents_root / f"{stem}.py").write_text("raise SystemExit(3)\n")
    job = studio.submit_job("processing", {"script": f"{stem}.py"})
    assert len(job.name) == MAX_JOB_NAME_LENGTH
    assert studio.wait(job.job_id, timeout=60).status.value == "Failed"
    again = studio.retry_job(job.job_id)
    assert again.name == job.name and again.job_id != job.job_id


@pytest.mark.parametrize("value", [-5, 0, 1e9, "soon"])
def test_profile_settings_are_validated(studio, value: object) -> None:  # noqa: ANN001
    with pytest.raises(InvalidInput) as info:
        studio.update_profile(
            "alice", settings={"default_max_runtime_seconds": value}, user="admin"
        )
    assert info.value.detail[0]["loc"] == ["settings", "default_max_runtime_seconds"]
    with pytest.raises(InvalidInput) as info:
        studio.update_profile("alice", settings={"colour": "blue"}, user="admin")
    assert info.value.detail[0]["loc"] == ["settings", "colour"]


def test_profile_settings_update_only_the_fields_sent(studio) -> None:  # noqa: ANN001
    studio.caller("alice")
    studio.update_profile("alice", settings={"default_max_runtime_seconds": 600}, user="admin")
    kept = studio.update_profile("alice", display_name="Alice", user="admin")
    assert kept.settings.default_max_runtime_seconds == 600
    cleared = studio.update_profile(
        "alice", settings={"default_max_runtime_seconds": None}, user="admin"
    )
    assert cleared.settings.default_max_runtime_seconds is None


def test_stored_settings_from_before_validation_do_not_break_reads(studio) -> None:  # noqa: ANN001
    from jupyter_studio.core.spaces.tables import UserProfileRow

    studio.caller("bob")
    with studio.store.session() as session:
        session.get(UserProfileRow, "bob").settings = {
            "default_max_runtime_seconds": -5,
            "old": 1,
        }
    assert studio.spaces.get_profile(studio.caller("admin"), "bob").settings.model_dump() == {
        "default_max_runtime_seconds": None
    }


def test_bad_domain_default_settings_are_refused_at_start(contents_root: Path) -> None:
    from jupyter_studio.core.studio import Studio

    with pytest.raises(TraitError, match="default_max_runtime_seconds"):
        Studio(
            contents_root=str(contents_root),
            default_user_settings={"default_max_runtime_seconds": -5},
        )


def test_services_are_swappable_through_traits(contents_root: Path) -> None:
    from jupyter_studio.core.jobs.service import JobService
    from jupyter_studio.core.studio import Studio

    class AuditedJobs(JobService):
        pass

    with Studio(contents_root=str(contents_root), jobs_class=AuditedJobs) as studio:
        assert isinstance(studio.jobs, AuditedJobs)
