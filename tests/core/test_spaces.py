"""Domains, user profiles and spaces: lifecycle, membership rules and the trash."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_studio.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from jupyter_studio.core.spaces.schemas import (
    CreateProfile,
    CreateSpace,
    SpaceKind,
    UpdateProfile,
    UpdateSpace,
)


def test_first_use_creates_domain_profile_and_home(studio) -> None:  # noqa: ANN001
    alice = studio.caller("alice")
    profile = studio.spaces.get_profile(alice, "alice")
    assert profile.username == "alice" and not profile.is_admin
    assert (Path(studio.domain_root) / "users" / "alice").is_dir()
    assert profile.home_path == "studio/users/alice"
    assert studio.spaces.describe_domain().store == "sqlite"


def test_private_space_lifecycle_with_trash(studio) -> None:  # noqa: ANN001
    alice = studio.caller("alice")
    space = studio.spaces.create_space(alice, CreateSpace(name="My analysis"))
    folder = Path(studio.contents_root) / space.path
    assert folder.is_dir() and space.kind == SpaceKind.PRIVATE and space.members == ["alice"]
    (folder / "notebook.ipynb").write_text("{}")

    renamed = studio.spaces.rename_space(alice, space.space_id, UpdateSpace(name="Churn study"))
    assert renamed.name == "Churn study" and renamed.path == space.path  # the folder keeps its path
    assert [s.name for s in studio.spaces.list_spaces(alice)] == ["Churn study"]

    trash = studio.spaces.delete_space(alice, space.space_id)
    assert not folder.exists()
    assert (trash / "notebook.ipynb").read_text() == "{}"  # nothing destroyed
    assert trash.parent == Path(studio.domain_root) / ".trash"
    assert studio.spaces.list_spaces(alice) == []
    with pytest.raises(NotFound):
        studio.spaces.get_space(alice, space.space_id)


def test_shared_space_membership_rules(studio) -> None:  # noqa: ANN001
    alice, bob, carol = (studio.caller(name) for name in ("alice", "bob", "carol"))
    shared = studio.spaces.create_space(alice, CreateSpace(name="Team A", kind=SpaceKind.SHARED))
    studio.spaces.add_member(alice, shared.space_id, "bob")
    assert [s.name for s in studio.spaces.list_spaces(bob)] == ["Team A"]
    assert studio.spaces.get_space(bob, shared.space_id).members == ["alice", "bob"]

    assert studio.spaces.list_spaces(carol) == []
    with pytest.raises(Forbidden):
        studio.spaces.get_space(carol, shared.space_id)
    with pytest.raises(Forbidden, match="owner"):
        studio.spaces.add_member(bob, shared.space_id, "carol")
    with pytest.raises(Forbidden):
        studio.spaces.delete_space(bob, shared.space_id)
    with pytest.raises(Forbidden):
        studio.spaces.rename_space(bob, shared.space_id, UpdateSpace(name="Mine now"))

    studio.spaces.remove_member(alice, shared.space_id, "bob")
    assert studio.spaces.list_spaces(bob) == []
    with pytest.raises(InvalidInput):
        studio.spaces.remove_member(alice, shared.space_id, "alice")
    with pytest.raises(NotFound):
        studio.spaces.remove_member(alice, shared.space_id, "zed")


def test_private_spaces_are_invisible_to_others(studio) -> None:  # noqa: ANN001
    alice, bob = studio.caller("alice"), studio.caller("bob")
    private = studio.spaces.create_space(alice, CreateSpace(name="Diary"))
    assert studio.spaces.list_spaces(bob) == []
    with pytest.raises(Forbidden):
        studio.spaces.get_space(bob, private.space_id)
    with pytest.raises(Conflict, match="Private spaces have no members"):
        studio.spaces.add_member(alice, private.space_id, "bob")
    with pytest.raises(InvalidInput):
        studio.spaces.create_space(
            alice, CreateSpace(name="X", kind=SpaceKind.PRIVATE, members=["bob"])
        )


def test_names_are_validated_and_unique_per_owner(studio) -> None:  # noqa: ANN001
    alice, bob = studio.caller("alice"), studio.caller("bob")
    studio.spaces.create_space(alice, CreateSpace(name="Data"))
    with pytest.raises(Conflict):
        studio.spaces.create_space(alice, CreateSpace(name="Data"))
    studio.spaces.create_space(bob, CreateSpace(name="Data"))  # another owner may reuse it
    for bad in ("", "a/b", "..", "x\ny"):
        with pytest.raises(ValueError):
            CreateSpace(name=bad)


def test_unknown_space_is_404(studio) -> None:  # noqa: ANN001
    with pytest.raises(NotFound):
        studio.spaces.get_space(studio.caller("alice"), "nope")


def test_admins_manage_profiles(studio) -> None:  # noqa: ANN001
    admin, alice = studio.caller("admin"), studio.caller("alice")
    assert admin.is_admin
    with pytest.raises(Forbidden):
        studio.spaces.list_profiles(alice)
    created = studio.spaces.create_profile(
        admin, CreateProfile(username="dave", display_name="Dave D")
    )
    assert created.display_name == "Dave D"
    with pytest.raises(Conflict):
        studio.spaces.create_profile(admin, CreateProfile(username="dave"))
    updated = studio.spaces.update_profile(
        admin, "alice", UpdateProfile(settings={"default_max_runtime_seconds": 60})
    )
    assert updated.settings.default_max_runtime_seconds == 60
    assert {p.username for p in studio.spaces.list_profiles(admin)} >= {"admin", "alice", "dave"}
    with pytest.raises(Forbidden):
        studio.spaces.update_profile(alice, "alice", UpdateProfile(is_admin=True))
    with pytest.raises(NotFound):
        studio.spaces.update_profile(admin, "nobody", UpdateProfile(display_name="x"))


def test_servers_starting_together_share_one_domain(tmp_path: Path) -> None:
    """Several servers of a team start at once on one store: one domain row, one id."""
    from concurrent.futures import ThreadPoolExecutor

    from jupyter_studio.core.spaces.service import SpaceService
    from jupyter_studio.core.store import Store

    store = Store(f"sqlite:///{tmp_path / 'studio.db'}")
    root = tmp_path / "domain"

    def start(_: int) -> str:
        return SpaceService(store, domain_root=root, contents_root=tmp_path).domain_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(start, range(16)))
    assert len(ids) == 1
