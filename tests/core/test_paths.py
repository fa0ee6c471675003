"""Every user path is resolved inside the caller's allowed folders, or refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_studio.core.errors import Forbidden, InvalidInput, PathNotFound, StudioError
from jupyter_studio.core.spaces.paths import PathScope, scope_for
from jupyter_studio.core.spaces.schemas import CreateSpace, SpaceKind

CRAFTED = [
    "../secret.txt",
    "../../etc/passwd",
    "a/../../secret.txt",
    "a/../b",
    "..",
    "/etc/passwd",
    "//etc/passwd",
    "\\etc\\passwd",
    "..\\secret.txt",
    "a\\..\\..\\secret.txt",
    "~/secret.txt",
    "~root/.bashrc",
    "C:/Windows/win.ini",
    "c:\\windows",
    "%2e%2e/secret.txt",
    "%2E%2E%2Fsecret.txt",
    "a/%2e%2e/%2e%2e/secret.txt",
    "%252e%252e/secret.txt",
    "..%2fsecret.txt",
    "..%5csecret.txt",
    "%2fetc%2fpasswd",
    "\uff0e\uff0e/secret.txt",  # full-width dots normalise to '..'
    "file\x00.py",
    "file\n.py",
    "",
    "   ",
    "a" * 5000,
]


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    contents = tmp_path / "contents"
    domain = contents / "studio"
    home = domain / "users" / "alice"
    space = domain / "spaces" / "team-a"
    other_space = domain / "spaces" / "secret-b"
    for folder in (home, space, other_space):
        folder.mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("outside")
    (other_space / "plan.txt").write_text("not yours")
    (contents / "mine.py").write_text("print(1)")
    (space / "train.py").write_text("print(2)")
    return {
        "contents": contents,
        "domain": domain,
        "home": home,
        "space": space,
        "other": other_space,
        "outside": tmp_path / "secret.txt",
    }


@pytest.fixture
def scope(layout: dict[str, Path]) -> PathScope:
    return scope_for(layout["contents"], layout["domain"], [layout["home"], layout["space"]], True)


@pytest.mark.parametrize("raw", CRAFTED)
def test_crafted_paths_are_refused_with_a_clear_message(scope: PathScope, raw: str) -> None:
    with pytest.raises(StudioError) as info:
        scope.resolve(raw, what="script")
    assert info.value.status in (400, 403)
    assert "script" in info.value.message


def test_table_has_at_least_twenty_attacks() -> None:
    assert len(CRAFTED) >= 20


def test_non_string_paths_are_refused(scope: PathScope) -> None:
    for raw in (None, 3, ["a"], {"a": 1}):
        with pytest.raises(InvalidInput):
            scope.resolve(raw)


def test_symlink_pointing_outside_is_refused(scope: PathScope, layout: dict[str, Path]) -> None:
    os.symlink(layout["outside"], layout["space"] / "link.txt")
    os.symlink(layout["outside"].parent, layout["home"] / "escape")
    with pytest.raises(Forbidden):
        scope.resolve("studio/spaces/team-a/link.txt")
    with pytest.raises(Forbidden):
        scope.resolve("studio/users/alice/escape/secret.txt")


def test_symlink_into_another_space_is_refused(scope: PathScope, layout: dict[str, Path]) -> None:
    os.symlink(layout["other"], layout["home"] / "sneaky")
    with pytest.raises(Forbidden):
        scope.resolve("studio/users/alice/sneaky/plan.txt")


def test_other_spaces_and_domain_internals_are_refused(scope: PathScope) -> None:
    for raw in (
        "studio/spaces/secret-b/plan.txt",
        "studio/users/bob/x.py",
        "studio/studio.db",
        "studio/.trash/old",
        "studio",
    ):
        with pytest.raises(Forbidden) as info:
            scope.resolve(raw)
        assert info.value.code == "path_outside_space"


def test_prefix_sibling_is_not_inside(layout: dict[str, Path]) -> None:
    sibling = layout["domain"] / "spaces" / "team-a-evil"
    sibling.mkdir()
    scope = scope_for(layout["contents"], layout["domain"], [layout["space"]], False)
    with pytest.raises(Forbidden):
        scope.resolve("studio/spaces/team-a-evil")


def test_good_paths_resolve_inside(scope: PathScope, layout: dict[str, Path]) -> None:
    assert (
        scope.resolve("mine.py", must_exist=True, expect="file")
        == (layout["contents"] / "mine.py").resolve()
    )
    assert (
        scope.resolve("studio/spaces/team-a/train.py", must_exist=True)
        == (layout["space"] / "train.py").resolve()
    )
    assert (
        scope.resolve("studio/users/alice/new/file.csv")
        == (layout["home"] / "new" / "file.csv").resolve()
    )
    assert scope.resolve("100%.csv").name == "100%.csv"
    assert scope.resolve("notes..txt").name == "notes..txt"


def test_missing_and_wrong_type_are_clear(scope: PathScope) -> None:
    with pytest.raises(PathNotFound, match="does not exist") as missing:
        scope.resolve("nope.py", what="script", must_exist=True)
    # a 404 (the request is well formed, the file is missing), still an InvalidInput
    assert isinstance(missing.value, InvalidInput) and missing.value.status == 404
    assert missing.value.code == "path_not_found"
    with pytest.raises(InvalidInput, match="not a file"):
        scope.resolve("studio/spaces/team-a", what="script", must_exist=True, expect="file")


def test_without_outside_access_only_allowed_dirs_count(layout: dict[str, Path]) -> None:
    scope = scope_for(layout["contents"], layout["domain"], [layout["home"]], False)
    with pytest.raises(Forbidden):
        scope.resolve("mine.py")


def test_studio_scope_follows_membership(studio) -> None:  # noqa: ANN001
    alice, bob = studio.caller("alice"), studio.caller("bob")
    space = studio.spaces.create_space(alice, CreateSpace(name="Team", kind=SpaceKind.SHARED))
    with pytest.raises(Forbidden):
        studio.spaces.path_scope(bob).resolve(f"{space.path}/data.csv")
    studio.spaces.add_member(alice, space.space_id, "bob")
    assert studio.spaces.path_scope(bob).resolve(f"{space.path}/data.csv").name == "data.csv"


def test_unusable_names_are_clear_errors(scope: PathScope, layout: dict[str, Path]) -> None:
    os.symlink("loop-b", layout["home"] / "loop-a")
    os.symlink("loop-a", layout["home"] / "loop-b")
    for raw in (
        "studio/users/alice/loop-a/x.py",
        "\ud800.py",
        "x" * 300 + ".py",
        "/".join(["d" * 200] * 15),
    ):
        with pytest.raises(StudioError) as info:
            scope.resolve(raw, what="script", must_exist=True)
        assert info.value.status in (400, 403, 404), raw  # 404: a long name that is not there
