"""License texts and the license gate: who accepted which model's license, and when.

A gated model (its catalogue entry says ``gated``) refuses deploy and fine-tune until the caller's
profile has accepted its license; the acceptance is recorded once per profile and model, with its
time. A fine-tuned copy in the registry carries no gate (its terms were accepted to make it).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

from sqlalchemy.exc import IntegrityError

from ..errors import Forbidden
from ..spaces.service import Caller
from ..store import Store
from ..store.orm import utcnow
from .catalogue import CatalogueEntry, package_folder
from .schemas import Acceptance
from .tables import LicenseAcceptanceRow

#: Short texts of common permissive licenses (the full texts are at their URLs).
SHORT_TEXTS = {
    "apache-2.0": (
        "Apache License, Version 2.0\n\n"
        'Licensed under the Apache License, Version 2.0 (the "License"); you may not use this '
        "model except in compliance with the License. You may obtain a copy of the License at "
        "https://www.apache.org/licenses/LICENSE-2.0\n\n"
        "Unless required by applicable law or agreed to in writing, software distributed under the "
        'License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY '
        "KIND, either express or implied. See the License for the specific language governing "
        "permissions and limitations under the License."
    ),
    "mit": (
        "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a "
        "copy of this software and associated documentation files, to deal in the Software "
        "without restriction, subject to the following conditions: the above copyright notice "
        "and this permission notice shall be included in all copies or substantial portions of "
        'the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.'
    ),
}
LICENSE_NAMES = {"apache-2.0": "Apache-2.0", "mit": "MIT", "gemma": "Gemma Terms of Use"}


def license_title(license_id: str) -> str:
    """A readable license name: ``gemma`` → ``Gemma Terms of Use``."""
    return LICENSE_NAMES.get(license_id, license_id)


class _TextOfHTML(HTMLParser):
    """The readable text of an HTML page's ``<article>`` (or body), one paragraph per line."""

    BLOCKS = frozenset(
        {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "div", "tr", "section"}
    )
    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "nav", "header", "footer"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.in_article = 0
        self.saw_article = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "article":
            self.in_article += 1
            self.saw_article = True
            self.parts.clear()  # keep only the article's text
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag == "article" and self.in_article:
            self.in_article -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skipping or (self.saw_article and not self.in_article):
            return
        self.parts.append(data)

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in raw.split("\n")]
        out: list[str] = []
        bullet = False
        for line in lines:
            if line == "•":
                bullet = True
                continue
            if bullet and line:
                line, bullet = f"• {line}", False
            if line or (out and out[-1]):
                out.append(line)
        return "\n".join(out).strip()


def html_to_text(page: str) -> str:
    """The readable text of an HTML license page."""
    parser = _TextOfHTML()
    parser.feed(page)
    parser.close()
    text = html.unescape(parser.text())
    # Site chrome around the terms: keep from the title line above "Last modified" to the
    # last "Send feedback" (documentation sites such as ai.google.dev).
    start = text.find("\nLast modified")
    if start > 0:
        title = text.rfind("\n", 0, max(0, start - 1))
        text = text[title + 1 if title >= 0 else 0 :]
    end = text.rfind("\nSend feedback")
    if end > 0:
        text = text[:end]
    return text.strip()


def license_text(entry: CatalogueEntry) -> str:
    """The license text shown on the model page (and accepted by the gate)."""
    return _license_text(entry.license, entry.license_text, entry.license_url)


@lru_cache(maxsize=32)
def _license_text(license_id: str, spec: str | None, url: str | None) -> str:
    if spec and spec.startswith("package-file:"):
        _, package, relative = spec.split(":", 2)
        folder = package_folder(package)
        path = folder / relative if folder else None
        if path is not None and path.is_file():
            raw = path.read_text(encoding="utf-8", errors="replace")
            return html_to_text(raw) if path.suffix in (".html", ".htm") else raw
        return f"{license_title(license_id)}: see {url or 'the model package'}."
    if spec:
        return spec
    return SHORT_TEXTS.get(
        license_id.lower(),
        f"{license_title(license_id)}" + (f": see {url}" if url else " (no license text given)."),
    )


class LicenseGate:
    """Records and checks license acceptances in the metadata store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def acceptance(self, caller: Caller, model_id: str) -> Acceptance | None:
        """The caller's acceptance of ``model_id``'s license, or None."""
        with self.store.session() as session:
            row = session.get(LicenseAcceptanceRow, (caller.username, model_id))
            if row is None:
                return None
            return Acceptance(
                model_id=row.model_id,
                license=row.license,
                accepted_at=row.accepted_at,
                profile=row.profile,
            )

    def accepted_ids(self, caller: Caller) -> set[str]:
        """Every model id whose license the caller accepted."""
        from sqlalchemy import select

        with self.store.session() as session:
            return set(
                session.scalars(
                    select(LicenseAcceptanceRow.model_id).where(
                        LicenseAcceptanceRow.profile == caller.username
                    )
                )
            )

    def accept(self, caller: Caller, entry: CatalogueEntry) -> Acceptance:
        """Record that the caller accepts ``entry``'s license (idempotent: the first time stays)."""
        existing = self.acceptance(caller, entry.id)
        if existing is not None:
            return existing
        try:
            with self.store.session() as session:
                session.add(
                    LicenseAcceptanceRow(
                        profile=caller.username,
                        model_id=entry.id,
                        license=entry.license,
                        accepted_at=utcnow(),
                    )
                )
        except IntegrityError:  # accepted at the same moment by another request
            pass
        accepted = self.acceptance(caller, entry.id)
        assert accepted is not None
        return accepted

    def require(self, caller: Caller, entry: CatalogueEntry, action: str) -> None:
        """Raise 403 ``license_not_accepted`` unless the caller may ``action`` a gated model."""
        if not entry.gated or self.acceptance(caller, entry.id) is not None:
            return
        raise Forbidden(
            f"Model {entry.id!r} is under the {license_title(entry.license)} ({entry.license}), "
            f"which you have not accepted: read it on the model page and accept it (the Accept "
            f"button, POST /studio/api/modelhub/models/{entry.id}/accept, accept_eula=True from "
            f"Python, or jupyter studio modelhub accept {entry.id}) before you {action} this model.",
            code="license_not_accepted",
        )
