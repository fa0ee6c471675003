"""The one place that turns a user-supplied path into a real path on disk.

Every feature (jobs, spaces, Data Wrangler sources, ...) resolves user paths here.
A path is a *contents path*: relative to the Jupyter contents root, as the file
browser shows it. It is refused when it is absolute, climbs with ``..`` (also when
URL-encoded or written with look-alike characters), or resolves, after following
symlinks, outside every folder the caller may use.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..errors import Forbidden, InvalidInput, PathNotFound, PathOfAnotherKind

MAX_PATH_LENGTH = 4096
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def is_within(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies below it (both already resolved)."""
    return path == folder or path.is_relative_to(folder)


def _decoded_forms(raw: str) -> list[str]:
    """The raw path plus its URL-decoded and Unicode-normalised forms."""
    forms = [raw]
    current = raw
    for _ in range(3):
        if not _ENCODED.search(current):
            break
        current = unquote(current)
        forms.append(current)
    forms += [unicodedata.normalize("NFKC", form) for form in list(forms)]
    return forms


def check_relative_path(raw: object, *, what: str = "path") -> str:
    """Validate the shape of a user path without touching the disk.

    Returns the path with surrounding whitespace kept as given (file names may
    contain spaces) and a trailing slash removed.
    """
    if not isinstance(raw, str):
        raise InvalidInput(f"The {what} must be a string.", code="invalid_path")
    if raw.strip() == "":
        raise InvalidInput(
            f"The {what} is empty: give a path relative to your files.", code="invalid_path"
        )
    if len(raw) > MAX_PATH_LENGTH:
        raise InvalidInput(
            f"The {what} is longer than {MAX_PATH_LENGTH} characters.", code="invalid_path"
        )
    for form in _decoded_forms(raw):
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in form):
            raise InvalidInput(
                f"The {what} {raw!r} contains control characters.", code="invalid_path"
            )
        if form.startswith(("/", "\\", "~")) or _WINDOWS_DRIVE.match(form):
            raise InvalidInput(
                f"The {what} {raw!r} is absolute: give a path relative to your files, "
                "as the file browser shows it.",
                code="invalid_path",
            )
        if "\\" in form:
            raise InvalidInput(
                f"The {what} {raw!r} contains a backslash: use '/' between folders.",
                code="invalid_path",
            )
        if any(part == ".." for part in form.split("/")):
            raise InvalidInput(
                f"The {what} {raw!r} climbs out of its folder with '..': give a path inside your files.",
                code="invalid_path",
            )
    return raw.rstrip("/") or raw


@dataclass(frozen=True)
class PathScope:
    """The folders one caller may use.

    ``allowed_dirs`` are always usable (the caller's home, spaces they belong to).
    ``contents_root`` is usable outside ``domain_root`` when ``allow_outside_domain``
    is set (a single user's own files); inside the domain root only ``allowed_dirs`` count.
    """

    contents_root: Path
    domain_root: Path
    allowed_dirs: tuple[Path, ...]
    allow_outside_domain: bool = True

    def permits(self, real: Path) -> bool:
        if any(is_within(real, folder) for folder in self.allowed_dirs):
            return True
        return (
            self.allow_outside_domain
            and is_within(real, self.contents_root)
            and not is_within(real, self.domain_root)
        )

    def resolve(
        self,
        raw: object,
        *,
        what: str = "path",
        must_exist: bool = False,
        expect: str | None = None,
    ) -> Path:
        """Resolve a contents path for this caller.

        Parameters
        ----------
        raw:
            The path as the user typed it, relative to the contents root.
        what:
            How error messages name the path ("script", "input", ...).
        must_exist:
            Refuse paths that do not exist (:class:`PathNotFound`, a 404).
        expect:
            ``"file"`` or ``"dir"`` to require that type when the path exists.
        """
        rel = check_relative_path(raw, what=what)
        try:
            os.fsencode(rel)
            real = (self.contents_root / rel).resolve(strict=False)
            exists = real.exists()
            is_file, is_dir = (real.is_file(), real.is_dir()) if exists else (False, False)
        except UnicodeError:
            raise InvalidInput(
                f"The {what} {rel!r} has characters no file name can hold.", code="invalid_path"
            ) from None
        except (OSError, RuntimeError) as exc:  # name too long, symlink loop, ...
            raise InvalidInput(
                f"The {what} {rel!r} cannot be used: {exc}.", code="invalid_path"
            ) from None
        if not self.permits(real):
            raise Forbidden(
                f"The {what} {rel!r} is outside the folders you may use "
                "(your own files and the spaces you belong to).",
                code="path_outside_space",
            )
        if must_exist and not exists:
            raise PathNotFound(f"The {what} {rel!r} does not exist.")
        if expect == "file" and exists and not is_file:
            raise PathOfAnotherKind(f"The {what} {rel!r} is not a file.", code="not_a_file")
        if expect == "dir" and exists and not is_dir:
            raise PathOfAnotherKind(f"The {what} {rel!r} is not a folder.", code="not_a_folder")
        return real

    def to_contents_path(self, real: Path) -> str | None:
        """The contents path of a real path, or None when it is outside the contents root."""
        return contents_path(self.contents_root, real)


def contents_path(contents_root: Path, real: Path) -> str | None:
    """``real`` relative to the contents root as a '/'-joined string, or None."""
    try:
        rel = Path(real).resolve().relative_to(contents_root)
    except ValueError:
        return None
    return rel.as_posix() if str(rel) != "." else ""


def scope_for(
    contents_root: Path, domain_root: Path, allowed_dirs: Iterable[Path], allow_outside_domain: bool
) -> PathScope:
    """Build a scope with every folder resolved (symlinks followed) once."""
    return PathScope(
        contents_root=contents_root.resolve(),
        domain_root=domain_root.resolve(),
        allowed_dirs=tuple(Path(folder).resolve() for folder in allowed_dirs),
        allow_outside_domain=allow_outside_domain,
    )
