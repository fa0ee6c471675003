"""Model hub catalogue: packaged entries, search and filters, model pages, the license gate,
prompt templates, and the register-once wrapper version (no weights loaded here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_studio.core.errors import Forbidden, InvalidInput, NotFound
from jupyter_studio.core.modelhub.catalogue import entry_from_folder, packaged_entries
from jupyter_studio.core.modelhub.licenses import html_to_text
from jupyter_studio.core.modelhub.service import placeholders, registry_model_name

PACKAGED = {e.id for e in packaged_entries()}
needs_packages = pytest.mark.skipif(
    not {"smollm2-135m-instruct", "all-minilm-l6-v2", "gemma3-270m"} <= PACKAGED,
    reason="the model packages are not installed",
)


@needs_packages
def test_catalogue_lists_packaged_models_and_filters(studio) -> None:
    caller = studio.caller("alice")
    hub = studio.modelhub
    everything = hub.list_models(caller)
    ids = [card.id for card in everything.items]
    assert {"smollm2-135m-instruct", "all-minilm-l6-v2", "gemma3-270m"} <= set(ids)
    assert everything.total == len(ids)

    generation = hub.list_models(caller, {"task": "text-generation"})
    assert {c.id for c in generation.items} == {"smollm2-135m-instruct", "gemma3-270m"}
    classification = hub.list_models(caller, {"task": "text-classification"})
    assert "all-minilm-l6-v2" in {c.id for c in classification.items}
    gated = hub.list_models(caller, {"gated": True})
    assert [c.id for c in gated.items] == ["gemma3-270m"]
    assert gated.items[0].accepted is False
    assert [c.id for c in hub.list_models(caller, {"q": "sentence embeddings"}).items] == [
        "all-minilm-l6-v2"
    ]
    assert [c.id for c in hub.list_models(caller, {"license": "gemma"}).items] == ["gemma3-270m"]
    st = hub.list_models(caller, {"framework": "sentence-transformers"})
    assert [c.id for c in st.items] == ["all-minilm-l6-v2"]
    small = hub.list_models(caller, {"max_size_mb": 100})
    assert "gemma3-270m" not in {c.id for c in small.items}
    assert hub.list_models(caller, {"q": "no-such-words-anywhere"}).total == 0
    with pytest.raises(InvalidInput) as bad:
        hub.list_models(caller, {"task": "painting"})
    assert "task" in bad.value.message


@needs_packages
def test_model_page_license_text_and_unknown_id(studio) -> None:
    caller = studio.caller("alice")
    page = studio.modelhub.get_model(caller, "gemma3-270m")
    assert page.gated and not page.accepted and page.acceptance is None
    assert page.license_text.startswith("Gemma Terms of Use")
    assert "Last modified" in page.license_text and "<" not in page.license_text[:2000]
    assert page.context_length == 32768
    smol = studio.modelhub.get_model(caller, "smollm2-135m-instruct")
    assert "Apache" in smol.license_text
    assert smol.example_request["max_new_tokens"] == 64
    assert "hub.deploy('smollm2-135m-instruct'" in smol.example_python
    assert smol.inputs["properties"]["max_new_tokens"]["maximum"] == 2048
    notebooks = {n.title: n.path for n in smol.notebooks}
    assert notebooks["Generate text with SmolLM2"].endswith(
        "modelhub-examples/text-generation.ipynb"
    )
    copied = Path(studio.contents_root) / notebooks["Generate text with SmolLM2"]
    assert copied.is_file() and "hub.stream" in copied.read_text()
    with pytest.raises(NotFound) as missing:
        studio.modelhub.get_model(caller, "gpt-17")
    assert "gpt-17" in missing.value.message and missing.value.code == "modelhub_model_not_found"


@needs_packages
def test_license_gate_refuses_then_accepts_per_profile(studio) -> None:
    alice, bob = studio.caller("alice"), studio.caller("bob")
    hub = studio.modelhub
    with pytest.raises(Forbidden) as refused:
        hub.deploy(alice, "gemma3-270m", {"endpoint_name": "gemma"})
    assert refused.value.code == "license_not_accepted"
    assert (
        "Gemma Terms of Use" in refused.value.message
        and "accept_eula=True" in refused.value.message
    )
    with pytest.raises(Forbidden):
        hub.require_license(alice, "gemma3-270m", "fine-tune")
    first = hub.accept(alice, "gemma3-270m")
    again = hub.accept(alice, "gemma3-270m")
    assert first.accepted_at == again.accepted_at and first.profile == "alice"
    assert first.license == "gemma"
    hub.require_license(alice, "gemma3-270m", "fine-tune")
    page = hub.get_model(alice, "gemma3-270m")
    assert page.accepted and page.acceptance is not None and page.acceptance.profile == "alice"
    # per profile: bob has not accepted
    assert hub.get_model(bob, "gemma3-270m").acceptance is None
    with pytest.raises(Forbidden):
        hub.require_license(bob, "gemma3-270m")
    # an ungated model needs nothing
    hub.require_license(bob, "all-minilm-l6-v2")


@needs_packages
def test_register_once_per_home_and_reuse(studio) -> None:
    caller = studio.caller("alice")
    hub = studio.modelhub
    first = hub.register(caller, "all-minilm-l6-v2")
    second = hub.register(caller, "all-minilm-l6-v2")
    assert first.name == registry_model_name("all-minilm-l6-v2") == "hub-all-minilm-l6-v2"
    assert first.version == second.version == 1
    size = sum(f.stat().st_size for f in Path(first.model_dir).rglob("*") if f.is_file())
    assert size < 200_000, "the wrapper version carries no weights"
    mlmodel = (Path(first.model_dir) / "MLmodel").read_text()
    assert "studio_modelhub" in mlmodel
    hub_json = json.loads(next(Path(first.model_dir).rglob("hub.json")).read_text())
    assert hub_json["model_id"] == "all-minilm-l6-v2"
    assert hub_json["cache_dir"].endswith("model-cache")
    # gated: accept_eula registers and records the acceptance
    gemma = hub.register(caller, "gemma3-270m", accept_eula=True)
    assert gemma.name == "hub-gemma3-270m"
    assert hub.gate.acceptance(caller, "gemma3-270m") is not None


def test_prompt_templates_in_home_and_bad_names(studio) -> None:
    caller = studio.caller("alice")
    hub = studio.modelhub
    saved = hub.save_template(
        caller,
        {
            "name": "sentiment",
            "template": "Examples:\n{examples}\nClassify {text} as one of {labels}. {text}",
            "kind": "few-shot",
            "settings": {"max_new_tokens": 8, "temperature": 0, "stop": ["\n"]},
        },
    )
    assert saved.placeholders == ["examples", "text", "labels"]
    assert saved.path and saved.path.endswith("prompt-templates/sentiment.json")
    listed = hub.list_templates(caller)
    assert [t.name for t in listed.items] == ["sentiment"]
    assert listed.items[0].settings.stop == ["\n"]
    with pytest.raises(InvalidInput):
        hub.save_template(caller, {"name": "../escape", "template": "x"})
    with pytest.raises(InvalidInput) as bad:
        hub.save_template(caller, {"name": "t", "template": "x", "settings": {"top_p": 0}})
    assert "top_p" in bad.value.message
    hub.delete_template(caller, "sentiment")
    assert hub.list_templates(caller).total == 0
    with pytest.raises(NotFound):
        hub.delete_template(caller, "sentiment")
    assert placeholders("{a} {b} {a}") == ["a", "b"]


def test_admin_folder_entries(tmp_path: Path) -> None:
    folder = tmp_path / "my-encoder"
    folder.mkdir()
    (folder / "modules.json").write_text("[]")
    (folder / "modelhub.json").write_text(
        json.dumps({"name": "Team encoder", "license": "mit", "tags": ["team"]})
    )
    entry = entry_from_folder(folder)
    assert entry is not None
    assert entry.id == "folder:my-encoder" and entry.framework == "sentence-transformers"
    assert entry.task.value == "text-embedding" and entry.license == "mit"
    assert entry_from_folder(tmp_path / "nothing") is None
    plain = tmp_path / "plain"
    plain.mkdir()
    assert entry_from_folder(plain) is None


def test_admin_folders_in_the_catalogue(studio, tmp_path: Path) -> None:
    root = tmp_path / "team-models"
    (root / "lm").mkdir(parents=True)
    (root / "lm" / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"]}))
    studio.modelhub.folders = [str(root)]
    caller = studio.caller("alice")
    cards = studio.modelhub.list_models(caller, {"source": "folder"}).items
    assert [(c.id, c.task.value) for c in cards] == [("folder:lm", "text-generation")]


def test_html_license_text_keeps_the_terms() -> None:
    page = (
        "<html><body><nav>Home</nav><article><h1>Terms</h1><p>Last modified: today</p>"
        "<ul><li><p>One</p></li></ul><script>x=1</script><p>Send feedback</p></article></body></html>"
    )
    text = html_to_text(page)
    assert text.startswith("Terms") and "• One" in text and "x=1" not in text
    assert "Send feedback" not in text


@needs_packages
def test_cli_list_show_accept_and_refused_deploy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jupyter_studio.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))

    def cli(*argv: str) -> tuple[int, str, str]:
        code = main(["--user", "alice", *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, _ = cli("modelhub", "list", "--task", "text-generation")
    assert code == 0 and "smollm2-135m-instruct" in out and "gemma (gated)" in out
    assert "all-minilm-l6-v2" not in out
    code, out, _ = cli("modelhub", "list", "--json", "embeddings")
    assert [c["id"] for c in json.loads(out)] == ["all-minilm-l6-v2"]
    code, out, _ = cli("modelhub", "show", "gemma3-270m")
    assert code == 0 and "NOT accepted" in out
    code, _, err = cli("modelhub", "deploy", "gemma3-270m", "gemma")
    assert code == 2 and "license_not_accepted" not in err and "Gemma Terms of Use" in err
    code, out, _ = cli("modelhub", "accept", "gemma3-270m")
    assert code == 2 and "--yes" in out
    code, out, _ = cli("modelhub", "accept", "gemma3-270m", "--yes")
    assert code == 0 and "Accepted gemma" in out
    code, out, _ = cli("modelhub", "show", "gemma3-270m")
    assert "accepted" in out and "by alice" in out
    code, _, err = cli("modelhub", "show", "nope")
    assert code == 2 and "No model 'nope'" in err


@needs_packages
def test_registry_copies_are_catalogued_without_a_gate(studio, tmp_path: Path) -> None:
    from jupyter_studio.core.modelhub.catalogue import BUILTIN
    from jupyter_studio.core.modelhub.pyfunc import hub_spec, save_hub_model

    caller = studio.caller("alice")
    gemma = next(e for e in BUILTIN if e.id == "gemma3-270m")
    folder = save_hub_model(
        tmp_path / "copy", {**hub_spec(gemma, cache_dir=None), "base_model_id": gemma.id}
    )
    studio.models.register(
        caller,
        str(folder),
        "gemma-support",
        tags={"modelhub.base_model": "gemma3-270m", "modelhub.task": "text-generation"},
    )
    cards = studio.modelhub.list_models(caller, {"source": "registry"}).items
    assert [(c.id, c.gated, c.license) for c in cards] == [
        ("registry:gemma-support/1", False, "gemma")
    ]
    page = studio.modelhub.get_model(caller, "registry:gemma-support/1")
    assert "fine-tuned" in page.tags and page.context_length == 32768
    resolved = studio.modelhub.register(caller, "registry:gemma-support/1")  # no gate, no copy
    assert (resolved.name, resolved.version) == ("gemma-support", 1)
    # bob cannot see alice's home model
    assert studio.modelhub.list_models(studio.caller("bob"), {"source": "registry"}).total == 0
    with pytest.raises(NotFound):
        studio.modelhub.get_model(caller, "hf:org/repo")  # offline: no Hugging Face entries
