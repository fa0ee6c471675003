"""The architecture holds: the core is plain Python, and no package imports itself in a circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "jupyter_studio"
SERVER_ONLY = ("tornado", "jupyter_server", "jupyterlab", "IPython", "ipywidgets", "ipykernel")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Modules ``path`` imports anywhere (functions included), except under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(), str(path))
    here = module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found: list[tuple[int, str]] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.extend((node.lineno, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                found.append((node.lineno, module))
                for alias in node.names:  # `from . import x` may import the submodule x
                    found.append((node.lineno, f"{module}.{alias.name}"))
            elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
            else:
                visit([c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt)])

    visit(tree.body)
    return found


def test_the_core_imports_no_server_or_notebook_package() -> None:
    offenders = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(PACKAGE)}:{node.lineno} imports {name}"
                for name in names
                if name.split(".")[0] in SERVER_ONLY
            ]
    assert not offenders, "the core must stay plain Python:\n" + "\n".join(offenders)


def test_no_import_cycles() -> None:
    modules = {
        module_name(p): p
        for p in PACKAGE.rglob("*.py")
        if "labextension" not in p.parts and "migrations" not in p.parts
    }
    graph = {
        name: {m for _, m in imports_of(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    # A package's __init__ importing its own submodules is how packages work, not a cycle.
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt) :] + [nxt])
            elif nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


#: The features of the core, in their declared order: a feature may import the ones before it, never
#: one after it, lazily or not (README, "Layout"). ``store`` is the metadata store every feature uses.
FEATURE_ORDER = (
    "store",
    "spaces",
    "experiments",
    "jobs",
    "processing",
    "endpoints",
    "models",
    "wrangler",
    "automl",
    "modelhub",
)
#: Modules of the core outside any feature folder: the shared base (imports no feature but the
#: store) and the composition root ``studio``, which wires every feature together.
COMPOSITION_ROOT = "studio"


def feature_of(module: str) -> str | None:
    """The core feature a module of ``jupyter_studio.core`` belongs to (None outside the core)."""
    parts = module.split(".")
    if parts[:2] != ["jupyter_studio", "core"] or len(parts) < 3:
        return None
    return parts[2]


def core_imports_against_the_order(package: Path) -> list[str]:
    """Every import in ``package/core`` of a feature that stands after the importer."""
    rank = {name: i for i, name in enumerate(FEATURE_ORDER)}
    offenders = []
    for path in sorted((package / "core").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = feature_of(module_name(path))
        if source is None or source == COMPOSITION_ROOT:
            continue
        # A module of the shared base (errors, schemas, validation, processes...) ranks below all.
        source_rank = rank.get(source, -1) if (package / "core" / source).is_dir() else -1
        seen_lines: set[int] = set()
        for line, imported in imports_of(path):  # `from m import x` yields m, then m.x: keep m
            target = feature_of(imported)
            if target == COMPOSITION_ROOT and line not in seen_lines:
                seen_lines.add(line)
                offenders.append(
                    f"core/{path.relative_to(package / 'core')}:{line} ({source}) builds on the "
                    "composition root core.studio: take the services it needs as arguments"
                )
                continue
            if target is None or target == source or target not in rank or line in seen_lines:
                continue
            if rank[target] > source_rank:
                seen_lines.add(line)
                offenders.append(
                    f"core/{path.relative_to(package / 'core')}:{line} ({source}) imports {imported}"
                )
        unknown = (package / "core" / source).is_dir() and source not in rank
        if unknown:
            offenders.append(f"core/{source}/ is a feature folder missing from FEATURE_ORDER")
    return sorted(set(offenders))


def test_every_feature_folder_has_its_place_in_the_order() -> None:
    folders = {
        p.name for p in (PACKAGE / "core").iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    assert folders == set(FEATURE_ORDER), (
        "add the new feature folder to FEATURE_ORDER (and to README's Layout section)"
    )


def test_no_core_import_runs_against_the_feature_order() -> None:
    offenders = core_imports_against_the_order(PACKAGE)
    assert not offenders, (
        "imports against the feature order "
        f"({' < '.join(FEATURE_ORDER)}); move the shared piece down, or register it "
        "from above:\n" + "\n".join(offenders)
    )


def test_the_order_check_sees_lazy_imports(tmp_path: Path) -> None:
    """The check is not blind to an import inside a function (as endpoints once did with modelhub)."""
    fake = tmp_path / "jupyter_studio"
    (fake / "core" / "spaces").mkdir(parents=True)
    for name in FEATURE_ORDER:
        (fake / "core" / name).mkdir(parents=True, exist_ok=True)
        (fake / "core" / name / "__init__.py").write_text("")
    (fake / "core" / "spaces" / "service.py").write_text(
        "def running_jobs():\n    from ..jobs.tables import JobRow\n    return JobRow\n"
    )
    global PACKAGE
    saved = PACKAGE
    try:
        PACKAGE = fake  # module_name() resolves paths against PACKAGE
        offenders = core_imports_against_the_order(fake)
    finally:
        PACKAGE = saved
    assert offenders == [
        "core/spaces/service.py:2 (spaces) imports jupyter_studio.core.jobs.tables"
    ]


LABEXTENSION_SRC = PACKAGE.parent / "labextension" / "src"
TS_IMPORT = re.compile(
    r"""(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)"""
)


def panel_imports_of_other_panels(src: Path) -> list[str]:
    """Every import of ``panels/<b>`` (or of a module that lives there) from ``panels/<a>``."""
    offenders = []
    panels = src / "panels"
    for path in sorted(panels.rglob("*.ts*")):
        if "__tests__" in path.parts:
            continue
        own = path.relative_to(panels).parts[0]
        for match in TS_IMPORT.finditer(path.read_text()):
            spec = match.group(1) or match.group(2)
            if not spec.startswith("."):
                continue
            target = (path.parent / spec).resolve()
            try:
                parts = target.relative_to(panels.resolve()).parts
            except ValueError:
                continue  # outside panels/: components/, utils/, api/, tokens.ts...
            if len(parts) > 1 and parts[0] != own:
                offenders.append(f"panels/{path.relative_to(panels)} imports {spec}")
    return offenders


def test_no_panel_imports_another_panel() -> None:
    """Shared widgets live in components/ and utils/, shared tokens in tokens.ts (README, Layout)."""
    offenders = panel_imports_of_other_panels(LABEXTENSION_SRC)
    assert not offenders, "a panel imports another panel:\n" + "\n".join(offenders)


def test_nothing_outside_panels_imports_a_panel_module_but_the_plugin_index() -> None:
    """components/, utils/, api/, model/ and file-browser.ts stand below the panels."""
    offenders = []
    for path in sorted(LABEXTENSION_SRC.rglob("*.ts*")):
        rel = path.relative_to(LABEXTENSION_SRC)
        if rel.parts[0] == "panels" or "__tests__" in rel.parts or rel == Path("index.ts"):
            continue
        for match in TS_IMPORT.finditer(path.read_text()):
            spec = match.group(1) or match.group(2)
            if spec.startswith(".") and "/panels/" in f"/{(path.parent / spec).resolve()}/":
                offenders.append(f"{rel} imports {spec}")
    assert not offenders, "shared code imports a panel:\n" + "\n".join(offenders)
