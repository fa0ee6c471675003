"""Domain, user profiles and spaces, with the permission rules in one place."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..store import Store
from ..store.orm import utcnow
from .paths import PathScope, contents_path, scope_for
from .schemas import (
    CreateProfile,
    CreateSpace,
    DescribeDomain,
    DescribeProfile,
    DescribeSpace,
    ProfileSettings,
    SpaceKind,
    UpdateProfile,
    UpdateSpace,
)
from .tables import DomainRow, SpaceMemberRow, SpaceRow, UserProfileRow


@dataclass(frozen=True)
class Caller:
    """Who is asking: a username and whether they administer the domain."""

    username: str
    is_admin: bool = False


#: Called with a space's id and name before it is deleted; raises ``Conflict`` to refuse.
DeleteGuard = Callable[[str, str], None]


def slugify(name: str) -> str:
    """A folder-safe form of a space name."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60] or "space"


class SpaceService:
    """Profiles and spaces of one domain, stored in the metadata store.

    Folders on the shared filesystem::

        <root>/users/<username>/     a user's home
        <root>/spaces/<slug>/        one folder per space
        <root>/.trash/               deleted spaces, never destroyed
    """

    def __init__(
        self,
        store: Store,
        *,
        domain_root: Path,
        contents_root: Path,
        domain_name: str = "default",
        admin_users: frozenset[str] = frozenset(),
        default_settings: ProfileSettings | None = None,
        allow_outside_domain: bool = True,
    ):
        self.store = store
        self._delete_guards: list[DeleteGuard] = []
        self.domain_root = domain_root.resolve()
        self.contents_root = contents_root.resolve()
        self.admin_users = admin_users
        self.generation = 0  # bumped on every space or membership change made through this object
        self.allow_outside_domain = allow_outside_domain
        for sub in ("users", "spaces", ".trash"):
            (self.domain_root / sub).mkdir(parents=True, exist_ok=True)
        self.domain_id = self._ensure_domain(
            domain_name, (default_settings or ProfileSettings()).model_dump(exclude_none=True)
        )

    # ----------------------------------------------------------------- domain
    def _ensure_domain(self, name: str, settings: dict[str, Any]) -> str:
        # Servers of one team start together: the id derives from the root, so concurrent
        # first starts insert the same row and all but one hit the unique key and reuse it.
        domain_id = uuid.uuid5(uuid.NAMESPACE_URL, f"jupyter-studio:{self.domain_root}").hex
        for _attempt in range(2):
            with self.store.session() as session:
                row = session.scalars(
                    select(DomainRow).where(DomainRow.root_dir == str(self.domain_root))
                ).first()
                if row is not None:
                    row.name = name
                    row.settings = settings
                    return row.domain_id
                session.add(
                    DomainRow(
                        domain_id=domain_id,
                        name=name,
                        root_dir=str(self.domain_root),
                        settings=settings,
                    )
                )
                try:
                    session.flush()
                except IntegrityError:
                    session.rollback()
                    continue
                return domain_id
        raise RuntimeError(f"Could not create or find the domain at {self.domain_root}")

    def describe_domain(self) -> DescribeDomain:
        """The domain this Studio serves."""
        with self.store.session() as session:
            row = session.get(DomainRow, self.domain_id)
            assert row is not None
            return DescribeDomain(
                domain_id=row.domain_id,
                name=row.name,
                domain_root=row.root_dir,
                store=self.store.backend,
                default_settings=ProfileSettings.lenient(row.settings),
            )

    # --------------------------------------------------------------- profiles
    def home_dir(self, username: str) -> Path:
        return self.domain_root / "users" / username

    def caller(self, username: str) -> Caller:
        """The caller for ``username``, creating their profile (and home) on first use."""
        profile = self.ensure_profile(username)
        return Caller(username=username, is_admin=profile.is_admin)

    def ensure_profile(self, username: str) -> DescribeProfile:
        """Return the profile of ``username``, creating it on first sight."""
        with self.store.session() as session:
            row = session.get(UserProfileRow, username)
            if row is None:
                row = UserProfileRow(
                    username=username,
                    domain_id=self.domain_id,
                    display_name=username,
                    is_admin=username in self.admin_users,
                    settings={},
                )
                session.add(row)
                try:
                    session.flush()
                except IntegrityError:  # another server created it at the same moment
                    session.rollback()
                    row = session.get(UserProfileRow, username)
                    assert row is not None
            elif username in self.admin_users and not row.is_admin:
                row.is_admin = True
            self.home_dir(username).mkdir(parents=True, exist_ok=True)
            return self._describe_profile(row)

    def _describe_profile(self, row: UserProfileRow) -> DescribeProfile:
        return DescribeProfile(
            username=row.username,
            display_name=row.display_name or row.username,
            is_admin=row.is_admin,
            home_path=contents_path(self.contents_root, self.home_dir(row.username)),
            settings=ProfileSettings.lenient(row.settings),
            created_at=row.created_at,
        )

    def list_profiles(self, caller: Caller) -> list[DescribeProfile]:
        """Every profile of the domain (admins only)."""
        self._require_admin(caller, "list user profiles")
        with self.store.session() as session:
            rows = session.scalars(select(UserProfileRow).order_by(UserProfileRow.username)).all()
            return [self._describe_profile(row) for row in rows]

    def create_profile(self, caller: Caller, body: CreateProfile) -> DescribeProfile:
        """Create a profile for another user (admins only)."""
        self._require_admin(caller, "create user profiles")
        with self.store.session() as session:
            if session.get(UserProfileRow, body.username) is not None:
                raise Conflict(
                    f"A profile for {body.username!r} already exists: update it instead.",
                    code="profile_exists",
                )
            row = UserProfileRow(
                username=body.username,
                domain_id=self.domain_id,
                display_name=body.display_name or body.username,
                is_admin=body.is_admin or body.username in self.admin_users,
                settings=body.settings.model_dump(exclude_none=True),
            )
            session.add(row)
            session.flush()
            self.home_dir(body.username).mkdir(parents=True, exist_ok=True)
            return self._describe_profile(row)

    def get_profile(self, caller: Caller, username: str) -> DescribeProfile:
        if username != caller.username:
            self._require_admin(caller, "read other users' profiles")
        with self.store.session() as session:
            row = session.get(UserProfileRow, username)
            if row is None:
                raise NotFound(f"No user profile {username!r}.", code="profile_not_found")
            return self._describe_profile(row)

    def update_profile(self, caller: Caller, username: str, body: UpdateProfile) -> DescribeProfile:
        """Change a profile's display name, admin flag or default settings (admins only)."""
        self._require_admin(caller, "change user profiles")
        with self.store.session() as session:
            row = session.get(UserProfileRow, username)
            if row is None:
                raise NotFound(f"No user profile {username!r}.", code="profile_not_found")
            if body.display_name is not None:
                row.display_name = body.display_name
            if body.is_admin is not None:
                if not body.is_admin and username in self.admin_users:
                    raise Conflict(
                        f"{username!r} is an administrator by configuration (Studio.admin_users).",
                        code="admin_by_config",
                    )
                row.is_admin = body.is_admin
            if body.settings is not None:
                merged = ProfileSettings.lenient(row.settings).model_copy(
                    update=body.settings.model_dump(exclude_unset=True)
                )
                row.settings = merged.model_dump(exclude_none=True)
            row.updated_at = utcnow()
            session.flush()
            return self._describe_profile(row)

    def profile_settings(self, username: str) -> ProfileSettings:
        """Domain defaults overlaid with the user's own settings."""
        with self.store.session() as session:
            domain = session.get(DomainRow, self.domain_id)
            row = session.get(UserProfileRow, username)
            merged = ProfileSettings.lenient(domain.settings if domain else None)
            if row is not None:
                merged = merged.overlay(ProfileSettings.lenient(row.settings))
            return merged

    @staticmethod
    def _require_admin(caller: Caller, action: str) -> None:
        if not caller.is_admin:
            raise Forbidden(f"Only domain administrators may {action}.", code="admin_only")

    # ----------------------------------------------------------------- spaces
    def space_dir(self, row: SpaceRow) -> Path:
        return self.domain_root / "spaces" / row.slug

    def _describe_space(self, row: SpaceRow) -> DescribeSpace:
        return DescribeSpace(
            space_id=row.space_id,
            name=row.name,
            kind=SpaceKind(row.kind),
            owner=row.owner,
            members=sorted(member.username for member in row.members),
            path=contents_path(self.contents_root, self.space_dir(row)),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @staticmethod
    def _is_member(row: SpaceRow, username: str) -> bool:
        return row.owner == username or any(m.username == username for m in row.members)

    def _visible_rows(self, session: Session, username: str) -> list[SpaceRow]:
        member_of = select(SpaceMemberRow.space_id).where(SpaceMemberRow.username == username)
        query = (
            select(SpaceRow)
            .where(SpaceRow.deleted_at.is_(None), SpaceRow.domain_id == self.domain_id)
            .where((SpaceRow.owner == username) | SpaceRow.space_id.in_(member_of))
            .order_by(SpaceRow.kind, SpaceRow.name)
        )
        return list(session.scalars(query).all())

    def list_spaces(self, caller: Caller) -> list[DescribeSpace]:
        """The caller's private spaces and the shared spaces they belong to."""
        with self.store.session() as session:
            return [
                self._describe_space(row) for row in self._visible_rows(session, caller.username)
            ]

    def _get_row(self, session: Session, caller: Caller, space_id: str) -> SpaceRow:
        row = session.get(SpaceRow, space_id)
        if row is None or row.deleted_at is not None or row.domain_id != self.domain_id:
            raise NotFound(f"No space with id {space_id!r}.", code="space_not_found")
        if not self._is_member(row, caller.username):
            raise Forbidden(
                "You are not a member of this space: ask its owner to add you.", code="not_a_member"
            )
        return row

    def _get_owned_row(
        self, session: Session, caller: Caller, space_id: str, action: str
    ) -> SpaceRow:
        row = self._get_row(session, caller, space_id)
        if row.owner != caller.username:
            raise Forbidden(
                f"Only the owner of space {row.name!r} ({row.owner}) may {action}.",
                code="owner_only",
            )
        return row

    def get_space(self, caller: Caller, space_id: str) -> DescribeSpace:
        with self.store.session() as session:
            return self._describe_space(self._get_row(session, caller, space_id))

    def create_space(self, caller: Caller, body: CreateSpace) -> DescribeSpace:
        """Create a space and its folder; the caller owns it."""
        if body.kind == SpaceKind.PRIVATE and body.members:
            raise InvalidInput(
                "A private space has no members: create a shared space to work with others.",
                code="private_space_members",
            )
        space_id = uuid.uuid4().hex
        slug = f"{slugify(body.name)}-{space_id[:6]}"
        with self.store.session() as session:
            clash = session.scalars(
                select(SpaceRow).where(
                    SpaceRow.owner == caller.username,
                    SpaceRow.name == body.name,
                    SpaceRow.deleted_at.is_(None),
                )
            ).first()
            if clash is not None:
                raise Conflict(
                    f"You already have a space named {body.name!r}: pick another name.",
                    code="space_exists",
                )
            row = SpaceRow(
                space_id=space_id,
                domain_id=self.domain_id,
                name=body.name,
                slug=slug,
                kind=body.kind.value,
                owner=caller.username,
            )
            row.members = [
                SpaceMemberRow(username=name) for name in {caller.username, *body.members}
            ]
            session.add(row)
            session.flush()
            self.space_dir(row).mkdir(parents=True, exist_ok=False)
            self.generation += 1
            return self._describe_space(row)

    def rename_space(self, caller: Caller, space_id: str, body: UpdateSpace) -> DescribeSpace:
        """Rename a space; its folder keeps its path so open files and jobs stay valid."""
        with self.store.session() as session:
            row = self._get_owned_row(session, caller, space_id, "rename it")
            row.name = body.name
            row.updated_at = utcnow()
            session.flush()
            return self._describe_space(row)

    def add_delete_guard(self, guard: DeleteGuard) -> None:
        """Let a feature above spaces refuse deleting a space (it raises ``Conflict`` with the reason).

        Spaces stand first in the feature order, so they cannot ask the features that live in a
        space (jobs, endpoints...) themselves: those register a guard instead.
        """
        self._delete_guards.append(guard)

    def delete_space(self, caller: Caller, space_id: str) -> Path:
        """Delete a space: its folder moves to the domain trash. Returns the trash path."""
        with self.store.session() as session:
            row = self._get_owned_row(session, caller, space_id, "delete it")
            for guard in self._delete_guards:
                guard(space_id, row.name)
            stamp = utcnow().strftime("%Y%m%dT%H%M%S")
            trash = self.domain_root / ".trash" / f"{stamp}-{row.slug}"
            source = self.space_dir(row)
            if source.exists():
                shutil.move(str(source), str(trash))
            row.deleted_at = utcnow()
            self.generation += 1
            row.trash_path = str(trash)
            return trash

    def add_member(self, caller: Caller, space_id: str, username: str) -> DescribeSpace:
        with self.store.session() as session:
            row = self._get_owned_row(session, caller, space_id, "change its members")
            if row.kind != SpaceKind.SHARED.value:  # the space's state, not the body, refuses
                raise Conflict(
                    "Private spaces have no members: create a shared space instead.",
                    code="private_space_members",
                )
            if not any(m.username == username for m in row.members):
                row.members.append(SpaceMemberRow(username=username))
                self.generation += 1
                row.updated_at = utcnow()
            session.flush()
            return self._describe_space(row)

    def remove_member(self, caller: Caller, space_id: str, username: str) -> DescribeSpace:
        with self.store.session() as session:
            row = self._get_owned_row(session, caller, space_id, "change its members")
            if username == row.owner:
                raise InvalidInput(
                    "The owner cannot be removed from their own space.", code="owner_member"
                )
            member = next((m for m in row.members if m.username == username), None)
            if member is None:
                raise NotFound(
                    f"{username!r} is not a member of this space.", code="member_not_found"
                )
            row.members.remove(member)
            self.generation += 1
            row.updated_at = utcnow()
            session.flush()
            return self._describe_space(row)

    # ------------------------------------------------------------------ paths
    def member_space_ids(self, username: str) -> set[str]:
        with self.store.session() as session:
            return {row.space_id for row in self._visible_rows(session, username)}

    def space_path(self, caller: Caller, space_id: str) -> Path:
        """The folder of a space the caller belongs to."""
        with self.store.session() as session:
            return self.space_dir(self._get_row(session, caller, space_id))

    def path_scope(self, caller: Caller) -> PathScope:
        """The folders ``caller`` may read and write."""
        with self.store.session() as session:
            dirs = [self.space_dir(row) for row in self._visible_rows(session, caller.username)]
        return scope_for(
            self.contents_root,
            self.domain_root,
            [self.home_dir(caller.username), *dirs],
            self.allow_outside_domain,
        )
