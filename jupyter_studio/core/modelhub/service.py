"""The model hub service (``studio.modelhub``): catalogue, model pages, license gate, deploy,
prompt templates.

Deploying a hub model registers it once per home or space as a small MLflow pyfunc version named
``hub-<id>`` (:mod:`.pyfunc`; the weights stay in the package and the domain's model cache), then
creates an endpoint from that version through ``studio.endpoints``: hub endpoints are endpoints
like any other (the Endpoints panel, statistics, limits, restarts). The weights load in the model
server, never in the Jupyter server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..errors import InvalidInput, NotFound
from ..models.tables import ModelVersionRow, RegisteredModelRow
from ..spaces.paths import contents_path
from ..spaces.service import Caller, SpaceService
from ..store import Store
from ..validation import parse_model
from .cache import ModelCache, cache_root
from .catalogue import (
    CatalogueEntry,
    Loader,
    ModelSource,
    folder_entries,
    huggingface_entry,
    packaged_entries,
    search_huggingface,
)
from .licenses import LicenseGate, license_text
from .schemas import (
    Acceptance,
    DeployModel,
    ListModelsQuery,
    ListModelsResponse,
    ListTemplatesResponse,
    ModelCard,
    ModelDetail,
    ModelTask,
    Notebook,
    PromptTemplate,
    SaveTemplate,
)
from .training_service import TrainingMixin

log = logging.getLogger(__name__)

REGISTRY_PREFIX = "registry:"
HF_PREFIX = "hf:"
#: Registry model name of a hub model's wrapper version: ``hub-<id>``.
HUB_MODEL_PREFIX = "hub-"
#: Version tags: the catalogue id a wrapper version serves, the base of a fine-tuned copy.
TAG_MODEL_ID = "modelhub.model_id"
TAG_WRAPPER = "modelhub.wrapper_version"
TAG_BASE_MODEL = "modelhub.base_model"
TAG_TASK = "modelhub.task"
TEMPLATES_FOLDER = "prompt-templates"
NOTEBOOKS_FOLDER = "modelhub-examples"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples" / "modelhub"
PACKAGE_NOTEBOOKS = Path(__file__).resolve().parents[2] / "samples" / "modelhub" / "notebooks"


def registry_model_name(model_id: str) -> str:
    """The registry name of a hub model's wrapper: ``hub-<id>`` as a valid model name."""
    slug = re.sub(r"[^A-Za-z0-9-]+", "-", model_id).strip("-")
    return (HUB_MODEL_PREFIX + slug)[:63].rstrip("-")


def example_request(entry: CatalogueEntry) -> dict[str, Any]:
    """A body that works for ``POST .../invocations`` of this model."""
    if entry.task == ModelTask.TEXT_GENERATION:
        if entry.id.startswith("gemma"):
            return {"prompt": "The three primary colours are", "max_new_tokens": 40}
        return {
            "messages": [{"role": "user", "content": "Name three primary colours."}],
            "max_new_tokens": 64,
            "temperature": 0,
            "stream": False,
        }
    return {"inputs": ["The match ended in a draw.", "Shares fell 3% on Monday."]}


def example_python(entry: CatalogueEntry, endpoint: str = "my-endpoint") -> str:
    """The example call from Python."""
    body = json.dumps(example_request(entry))
    lines = [
        "from jupyter_studio.modelhub import ModelHub",
        "hub = ModelHub()",
        f"hub.deploy({entry.id!r}, endpoint_name={endpoint!r}"
        + (", accept_eula=True" if entry.gated else "")
        + ", wait=True)",
    ]
    if entry.task == ModelTask.TEXT_GENERATION:
        lines += [
            f"print(hub.generate({endpoint!r}, {json.loads(body).get('prompt', 'Name three primary colours.')!r}))",
            f"for token in hub.stream({endpoint!r}, 'Write a haiku about the sea.'):",
            "    print(token, end='', flush=True)",
        ]
    else:
        lines += [
            f"vectors = hub.embed({endpoint!r}, ['The match ended in a draw.'])",
            f"hub.classify({endpoint!r}, ['The match ended in a draw.'], labels=['sport', 'finance'])",
        ]
    return "\n".join(lines)


class ModelHubService(TrainingMixin):
    """Catalogue, license gate, deploy and prompt templates of the model hub."""

    def __init__(
        self,
        store: Store,
        spaces: SpaceService,
        *,
        models: Any = None,
        endpoints: Any = None,
        jobs: Any = None,
        domain_root: str | Path | None = None,
        folders: list[str] | None = None,
        online: bool = False,
        logger: logging.Logger | None = None,
    ) -> None:
        self.store = store
        self.spaces = spaces
        self.models = models
        self.endpoints = endpoints
        self.jobs = jobs
        self.domain_root = Path(domain_root) if domain_root else spaces.domain_root
        self.folders = list(folders or [])
        self.online = online
        self.gate = LicenseGate(store)
        self.cache = ModelCache(cache_root(self.domain_root))
        self.log = logger or log

    # ------------------------------------------------------------ catalogue
    def _registry_entries(self, caller: Caller) -> list[CatalogueEntry]:
        """Fine-tuned copies (and other hub-based versions) in the registry the caller may see."""
        spaces = self.spaces.member_space_ids(caller.username)
        entries: list[CatalogueEntry] = []
        base_entries = {e.id: e for e in packaged_entries()}
        with self.store.session() as session:
            rows = session.execute(
                select(RegisteredModelRow, ModelVersionRow)
                .join(ModelVersionRow, ModelVersionRow.model_id == RegisteredModelRow.model_id)
                .where(ModelVersionRow.status == "Ready")
                .order_by(RegisteredModelRow.name, ModelVersionRow.version)
            ).all()
            for model, version in rows:
                tags = version.tags or {}
                base = tags.get(TAG_BASE_MODEL)
                if not base:
                    continue
                if not (
                    caller.is_admin
                    or model.owner == caller.username
                    or (model.space_id and model.space_id in spaces)
                ):
                    continue
                base_entry = base_entries.get(base)
                try:
                    task = ModelTask(tags.get(TAG_TASK) or (base_entry.task if base_entry else ""))
                except ValueError:
                    continue
                entries.append(
                    CatalogueEntry(
                        id=f"{REGISTRY_PREFIX}{model.name}/{version.version}",
                        name=f"{model.name} v{version.version}",
                        task=task,
                        tasks=(task,),
                        framework=base_entry.framework if base_entry else "transformers",
                        license=base_entry.license if base_entry else "unknown",
                        gated=False,  # a fine-tuned copy carries no gate
                        license_url=base_entry.license_url if base_entry else None,
                        description=(model.description or "")
                        or f"Fine-tuned from {base} ({version.source}).",
                        loader=Loader(kind="registry"),
                        size_mb=None,
                        context_length=base_entry.context_length if base_entry else None,
                        tags=("fine-tuned", base),
                        source=ModelSource.REGISTRY,
                        notebooks=base_entry.notebooks if base_entry else (),
                        extra={
                            "model_name": model.name,
                            "version": version.version,
                            "space_id": model.space_id,
                            "base_model": base,
                        },
                    )
                )
        return entries

    def catalogue(
        self, caller: Caller, *, source: ModelSource | None = None, q: str = ""
    ) -> list[CatalogueEntry]:
        """Every entry the caller may see (Hugging Face only when asked for and online)."""
        entries: list[CatalogueEntry] = []
        if source in (None, ModelSource.PACKAGED):
            entries += packaged_entries()
        if source in (None, ModelSource.FOLDER) and self.folders:
            entries += folder_entries(self.folders)
        if source in (None, ModelSource.REGISTRY) and self.models is not None:
            entries += self._registry_entries(caller)
        if source == ModelSource.HUGGINGFACE and self.online:
            entries += search_huggingface(q)
        return entries

    def entry(self, caller: Caller, model_id: str) -> CatalogueEntry:
        """The catalogue entry ``model_id``; 404 naming it when there is none."""
        if model_id.startswith(HF_PREFIX) and self.online:
            return huggingface_entry(model_id[len(HF_PREFIX) :])
        source = ModelSource.REGISTRY if model_id.startswith(REGISTRY_PREFIX) else None
        for entry in self.catalogue(caller, source=source):
            if entry.id == model_id:
                return entry
        raise NotFound(
            f"No model {model_id!r} in the model hub: list the catalogue (GET "
            "/studio/api/modelhub/models or jupyter studio modelhub list) to see the ids.",
            code="modelhub_model_not_found",
        )

    def _card(self, entry: CatalogueEntry, accepted: set[str]) -> ModelCard:
        return ModelCard(
            id=entry.id,
            name=entry.name,
            task=entry.task,
            tasks=list(entry.all_tasks),
            framework=entry.framework,
            source=entry.source,
            license=entry.license,
            gated=entry.gated,
            accepted=(not entry.gated) or entry.id in accepted,
            size_mb=entry.size_mb,
            parameters=entry.parameters,
            description=entry.description,
            tags=list(entry.tags),
        )

    def list_models(
        self, caller: Caller, query: ListModelsQuery | dict[str, Any] | None = None
    ) -> ListModelsResponse:
        """Catalogue cards matching the query: words in ``q`` (all must match), then filters."""
        if not isinstance(query, ListModelsQuery):
            query = parse_model(ListModelsQuery, dict(query or {}), "catalogue query")
        words = (query.q or "").lower().split()
        accepted = self.gate.accepted_ids(caller)
        items = []
        for entry in self.catalogue(caller, source=query.source, q=query.q or ""):
            if words and not all(word in entry.searchable() for word in words):
                continue
            if query.task and query.task not in entry.all_tasks:
                continue
            if query.framework and entry.framework.lower() != query.framework.lower():
                continue
            if query.license and entry.license.lower() != query.license.lower():
                continue
            if query.gated is not None and entry.gated != query.gated:
                continue
            if query.max_size_mb is not None and (entry.size_mb or 0) > query.max_size_mb:
                continue
            items.append(self._card(entry, accepted))
        return ListModelsResponse(items=items, total=len(items))

    def get_model(self, caller: Caller, model_id: str) -> ModelDetail:
        """The model page of ``model_id``."""
        entry = self.entry(caller, model_id)
        acceptance = self.gate.acceptance(caller, entry.id) if entry.gated else None
        card = self._card(entry, {entry.id} if acceptance else set())
        return ModelDetail(
            **card.model_dump(),
            license_text=license_text(entry),
            license_url=entry.license_url,
            inputs=_inputs_of(entry),
            outputs=_outputs_of(entry),
            example_request=example_request(entry),
            example_python=example_python(entry),
            notebooks=self._notebooks(caller, entry),
            acceptance=acceptance,
            context_length=entry.context_length,
        )

    def _notebooks(self, caller: Caller, entry: CatalogueEntry) -> list[Notebook]:
        """Example notebooks, copied into the caller's home (``modelhub-examples/``) on first
        view so they open (and run) in JupyterLab; missing sources are left out."""
        found: list[Notebook] = []
        home = None
        for title, name in entry.notebooks:
            source = next(
                (d / name for d in (PACKAGE_NOTEBOOKS, EXAMPLES_DIR) if (d / name).is_file()), None
            )
            if source is None:
                continue
            if home is None:
                self.spaces.ensure_profile(caller.username)
                home = self.spaces.home_dir(caller.username)
            target = home / NOTEBOOKS_FOLDER / name
            if not target.exists():
                with contextlib.suppress(OSError):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
            path = contents_path(self.spaces.contents_root, target)
            if path is not None:
                found.append(Notebook(title=title, path=path))
        return found

    # ------------------------------------------------------------ license gate
    def accept(self, caller: Caller, model_id: str) -> Acceptance:
        """Record that the caller accepts ``model_id``'s license (idempotent)."""
        return self.gate.accept(caller, self.entry(caller, model_id))

    def require_license(self, caller: Caller, model_id: str, action: str = "use") -> CatalogueEntry:
        """The entry, after checking the caller accepted its license (403 otherwise)."""
        entry = self.entry(caller, model_id)
        self.gate.require(caller, entry, action)
        return entry

    # ------------------------------------------------------------ registering and deploying
    def register(
        self,
        caller: Caller,
        model_id: str,
        *,
        space_id: str | None = None,
        accept_eula: bool = False,
    ) -> Any:
        """The registry version serving ``model_id`` in the caller's home or ``space_id``.

        Registered once (a small MLflow pyfunc folder, ``hub-<id>``) and reused; a registry id
        (``registry:<name>/<version>``) is already a version. Returns a ResolvedVersion.
        """
        entry = self.entry(caller, model_id)
        if accept_eula and entry.gated:
            self.gate.accept(caller, entry)
        self.gate.require(caller, entry, "deploy")
        if self.models is None:
            raise InvalidInput("The model registry is not available.", code="no_model_registry")
        if entry.source == ModelSource.REGISTRY:
            return self.models.resolve_version(
                caller,
                entry.extra["model_name"],
                entry.extra["version"],
                space_id=space_id or entry.extra.get("space_id"),
            )
        from .pyfunc import WRAPPER_VERSION

        name = registry_model_name(entry.id)
        existing = self._wrapper_version(caller, name, entry.id, space_id, WRAPPER_VERSION)
        if existing is not None:
            return existing
        import tempfile

        from .pyfunc import hub_spec, save_hub_model

        with tempfile.TemporaryDirectory(prefix="studio-hub-") as tmp:
            folder = save_hub_model(Path(tmp) / "model", hub_spec(entry, cache_dir=self.cache.root))
            self.models.register(
                caller,
                str(folder),
                name,
                space_id=space_id,
                description=f"{entry.name} from the model hub ({entry.license}).",
                tags={
                    TAG_MODEL_ID: entry.id,
                    TAG_WRAPPER: str(WRAPPER_VERSION),
                    TAG_TASK: entry.task.value,
                },
                source=f"modelhub:{entry.id}",
            )
        return self.models.resolve_version(caller, name, None, space_id=space_id)

    def _wrapper_version(
        self, caller: Caller, name: str, model_id: str, space_id: str | None, wrapper: int
    ) -> Any:
        try:
            versions = self.models.list_versions(caller, name, space_id=space_id)
        except NotFound:
            return None
        for version in versions:  # newest first
            if version.tags.get(TAG_MODEL_ID) == model_id and version.tags.get(TAG_WRAPPER) == str(
                wrapper
            ):
                if space_id is None and version.space_id is not None:
                    continue  # a same-named model of a space, not the caller's home
                try:
                    return self.models.resolve_version(
                        caller, name, version.version, space_id=space_id
                    )
                except Exception:  # files damaged: register a new version
                    return None
        return None

    def deploy(self, caller: Caller, model_id: str, body: DeployModel | dict[str, Any]) -> Any:
        """Deploy ``model_id`` to a new endpoint (403 ``license_not_accepted`` for a gated model
        whose license the caller has not accepted and ``accept_eula`` is not set)."""
        if not isinstance(body, DeployModel):
            body = parse_model(DeployModel, dict(body), "deploy request")
        if self.endpoints is None:
            raise InvalidInput("Endpoints are not available.", code="no_endpoints")
        resolved = self.register(
            caller, model_id, space_id=body.space_id, accept_eula=body.accept_eula
        )
        from ..endpoints.schemas import CreateEndpoint

        return self.endpoints.create(
            caller,
            CreateEndpoint(
                endpoint_name=body.endpoint_name,
                model_name=resolved.name,
                model_version=resolved.version,
                model_space_id=resolved.describe.space_id,
                instance_count=body.instance_count,
            ),
        )

    # ------------------------------------------------------------ prompt templates
    def _templates_dir(self, caller: Caller, space_id: str | None) -> Path:
        if space_id:
            base = self.spaces.space_path(caller, space_id)
        else:
            self.spaces.ensure_profile(caller.username)
            base = self.spaces.home_dir(caller.username)
        return base / TEMPLATES_FOLDER

    def _template_from_file(self, path: Path, space_id: str | None) -> PromptTemplate | None:
        try:
            data = json.loads(path.read_text())
            body = SaveTemplate(**{**data, "space_id": space_id})
        except Exception as exc:  # a hand-edited file that no longer parses: skip it, say so
            self.log.warning("Skipping prompt template %s: %s", path, exc)
            return None
        return PromptTemplate(
            name=body.name,
            space_id=space_id,
            template=body.template,
            kind=body.kind,
            placeholders=placeholders(body.template),
            settings=body.settings,
            path=contents_path(self.spaces.contents_root, path),
            updated_at=datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc),
        )

    def list_templates(self, caller: Caller, space_id: str | None = None) -> ListTemplatesResponse:
        """Prompt templates saved in the caller's home or in ``space_id``."""
        folder = self._templates_dir(caller, space_id)
        items = []
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                template = self._template_from_file(path, space_id)
                if template is not None:
                    items.append(template)
        return ListTemplatesResponse(items=items, total=len(items))

    def save_template(self, caller: Caller, body: SaveTemplate | dict[str, Any]) -> PromptTemplate:
        """Save (or replace) a prompt template as ``prompt-templates/<name>.json``."""
        if not isinstance(body, SaveTemplate):
            body = parse_model(SaveTemplate, dict(body), "prompt template")
        folder = self._templates_dir(caller, body.space_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{body.name}.json"
        staging = folder / f".{body.name}.json.tmp"
        staging.write_text(body.model_dump_json(exclude={"space_id"}, indent=2))
        staging.replace(path)
        template = self._template_from_file(path, body.space_id)
        assert template is not None
        return template

    def delete_template(self, caller: Caller, name: str, space_id: str | None = None) -> None:
        """Delete a saved prompt template (404 when there is none of that name)."""
        folder = self._templates_dir(caller, space_id)
        path = folder / f"{name}.json"
        if "/" in name or name.startswith(".") or not path.is_file():
            raise NotFound(
                f"No prompt template {name!r} here: list the templates to see their names.",
                code="template_not_found",
            )
        path.unlink()


def placeholders(template: str) -> list[str]:
    """The ``{name}`` placeholders of a template, in order, once each."""
    seen: list[str] = []
    for name in PLACEHOLDER.findall(template):
        if name not in seen:
            seen.append(name)
    return seen


def _inputs_of(entry: CatalogueEntry) -> dict[str, Any]:
    from .catalogue import EMBEDDING_INPUTS, GENERATION_INPUTS

    schema = GENERATION_INPUTS if entry.task == ModelTask.TEXT_GENERATION else EMBEDDING_INPUTS
    return {**schema, "context_length": entry.context_length}


def _outputs_of(entry: CatalogueEntry) -> dict[str, Any]:
    from .catalogue import EMBEDDING_OUTPUTS, GENERATION_OUTPUTS

    return GENERATION_OUTPUTS if entry.task == ModelTask.TEXT_GENERATION else EMBEDDING_OUTPUTS
