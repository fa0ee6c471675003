"""The Python API of Data Wrangler: :class:`Flow`.

```python
from jupyter_studio.flows import Flow

flow = Flow.new("sales")
flow.add_parameter("date", "2026-11-01")
src = flow.add_source("data/{date}/sales.csv")
clean = flow.add_step(src, "fill_missing", columns=["price"], strategy="median")
flow.preview(clean)                      # on the sample, cached per node
flow.run(clean, params={"date": "2026-11-02"}, output="out.parquet")   # all rows, streamed
flow.report(clean, target="churned")
flow.export_code()                       # a Python script that reproduces the flow
flow.save("sales.flow")
```

Paths given to a flow are resolved by a ``resolve(path) -> Path`` callable. From Python the
default resolves relative paths against the flow file's folder (or the working folder); the
server passes :meth:`PathScope.resolve <jupyter_studio.core.spaces.paths.PathScope.resolve>`
so a user's flow reads only their own files and spaces.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from .edits import apply_edit, make_node
from .engine import Engine, ResultCache, RunResult
from .format import load_document, save_document
from .schemas import (
    AddNode,
    DeleteNode,
    FlowDocument,
    FlowParameter,
    InsightsReport,
    NodePreview,
    SampleSettings,
    TrainingHandoff,
    UpdateNode,
)

__all__ = ["Flow", "local_resolver"]

Resolver = Callable[[str], Path]


def local_resolver(base: str | os.PathLike[str] | None = None) -> Resolver:
    """Resolve paths relative to ``base`` (absolute paths as they are): for local Python use."""
    root = Path(base or os.getcwd())

    def resolve(path: str) -> Path:
        p = Path(os.path.expanduser(path))
        return (p if p.is_absolute() else root / p).resolve()

    return resolve


class Flow:
    """A Data Wrangler flow: its document, plus an engine that computes its nodes."""

    def __init__(
        self,
        document: FlowDocument | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        resolve: Resolver | None = None,
        root: str | os.PathLike[str] | None = None,
        cache: ResultCache | None = None,
        namespace: str = "",
    ) -> None:
        self.document = document or FlowDocument()
        self.path = Path(path) if path is not None else None
        base = self.path.parent if self.path is not None else None
        #: The folder relative source paths start from (exported code uses it as ROOT).
        self.root = Path(root) if root is not None else Path(base or os.getcwd()).resolve()
        self.engine = Engine(resolve or local_resolver(self.root), cache=cache, namespace=namespace)

    # -- files ---------------------------------------------------------------------------------

    @classmethod
    def new(
        cls,
        name: str = "",
        *,
        resolve: Resolver | None = None,
        root: str | os.PathLike[str] | None = None,
        sample_size: int | None = None,
    ) -> Flow:
        """An empty flow. Relative paths start from ``root`` (the working folder by default)."""
        doc = FlowDocument(name=name)
        if sample_size is not None:
            doc.settings.sample = SampleSettings(size=sample_size)
        return cls(doc, resolve=resolve, root=root)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        resolve: Resolver | None = None,
        root: str | os.PathLike[str] | None = None,
    ) -> Flow:
        """Open a ``.flow`` file (older format versions are migrated).

        Relative source paths start from ``root``, by default the flow file's folder.
        """
        return cls(load_document(path), path=path, resolve=resolve, root=root)

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the flow atomically (to ``path``, or where it was loaded from)."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("give a path: this flow was never saved")
        save_document(self.document, target)
        self.path = target
        return target

    # -- reading the graph ---------------------------------------------------------------------

    @property
    def nodes(self) -> list[str]:
        """Node ids in document order."""
        return [n.id for n in self.document.nodes]

    def node(self, node_id: str) -> Any:
        return self.document.node(node_id)

    def _last(self) -> str:
        leaves = [
            n.id
            for n in self.document.nodes
            if n.kind != "analysis"
            and not any(n.id in m.inputs for m in self.document.nodes if m.kind != "analysis")
        ]
        if not leaves:
            raise ValueError("the flow has no nodes")
        return leaves[-1]

    # -- editing -------------------------------------------------------------------------------

    def edit(self, edit: Any) -> Flow:
        """Apply an edit (an edit model or its JSON form, as the graph editor sends)."""
        self.document = apply_edit(self.document, edit)
        return self

    def add_parameter(self, name: str, default: str = "", description: str = "") -> Flow:
        """Declare a flow parameter used as ``{name}`` in source paths and queries."""
        params = [p for p in self.document.parameters if p.name != name]
        params.append(FlowParameter(name=name, default=str(default), description=description))
        data = self.document.model_dump()
        data["parameters"] = [p.model_dump() for p in params]
        self.document = FlowDocument.model_validate(data)
        return self

    def add_source(
        self,
        path: str | None = None,
        *,
        kind: str = "file",
        id: str | None = None,
        title: str = "",
        **parameters: Any,
    ) -> str:
        """Add a source and return its node id.

        ``kind`` is ``file`` (``path``: a CSV, TSV, JSON Lines or Parquet file or folder),
        ``object_store`` (``url=...``), ``sql`` (``url=..., table=... or query=...``) or
        ``duckdb`` (``query=..., tables={name: path}``).
        """
        if path is not None:
            parameters["path"] = path
        node = make_node(
            self.document,
            "source",
            kind,
            [],
            parameters,
            node_id=id,
            title=title or (Path(path).name if path else kind),
        )
        self.edit(AddNode(node=node))
        return node.id

    def add_step(
        self,
        after: str | list[str],
        operator: str,
        *,
        right: str | None = None,
        id: str | None = None,
        title: str = "",
        **parameters: Any,
    ) -> str:
        """Add a transform after a node and return its id (``right=`` is a join's second input)."""
        inputs = [after] if isinstance(after, str) else list(after)
        if right is not None:
            inputs.append(right)
        node = make_node(
            self.document, "transform", operator, inputs, parameters, node_id=id, title=title
        )
        self.edit(AddNode(node=node))
        return node.id

    def add_join(
        self,
        left: str,
        right: str,
        *,
        left_on: list[str],
        right_on: list[str] | None = None,
        how: str = "inner",
        **parameters: Any,
    ) -> str:
        """Join two nodes on key columns."""
        return self.add_step(
            [left, right],
            "join",
            left_on=left_on,
            right_on=right_on or left_on,
            how=how,
            **parameters,
        )

    def add_concatenate(self, top: str, bottom: str, **parameters: Any) -> str:
        """Stack the rows of two nodes."""
        return self.add_step([top, bottom], "concatenate", **parameters)

    def add_analysis(
        self,
        after: str,
        operator: str,
        *,
        id: str | None = None,
        title: str = "",
        **parameters: Any,
    ) -> str:
        """Add an analysis (histogram, scatter, quick_model, ...) of a node."""
        node = make_node(
            self.document, "analysis", operator, [after], parameters, node_id=id, title=title
        )
        self.edit(AddNode(node=node))
        return node.id

    def update_step(self, node_id: str, **parameters: Any) -> Flow:
        """Change some parameters of a node (the others stay)."""
        merged = {**self.document.node(node_id).parameters, **parameters}
        return self.edit(UpdateNode(node_id=node_id, parameters=merged))

    def remove(self, node_id: str, *, reconnect: bool = True) -> Flow:
        """Delete a node; its children read from its first input instead."""
        return self.edit(DeleteNode(node_id=node_id, reconnect=reconnect))

    # -- computing -----------------------------------------------------------------------------

    def _values(self, params: dict[str, Any] | None = None) -> dict[str, str]:
        from .engine import flow_parameter_values

        return flow_parameter_values(self.document, params)

    def preview(
        self,
        node: str | None = None,
        *,
        params: dict[str, Any] | None = None,
        rows: int = 100,
        offset: int = 0,
    ) -> NodePreview:
        """The node on the sample: column types, mini histograms and rows (errors as data)."""
        return self.engine.preview(
            self.document, node or self._last(), params, rows_offset=offset, rows_limit=rows
        )

    def sample(
        self, node: str | None = None, *, params: dict[str, Any] | None = None
    ) -> pl.DataFrame:
        """The node's sample as a Polars DataFrame (raises NodeError when it fails)."""
        result = self.engine.compute(self.document, node or self._last(), params)
        if result.frame is None:
            raise ValueError(f"{node} is an analysis; use preview() for its chart")
        return result.frame

    def run(
        self,
        node: str | None = None,
        *,
        params: dict[str, Any] | None = None,
        output: str | os.PathLike[str] | None = None,
        format: str | None = None,
        refit: bool = True,
        progress: Callable[[float, str], None] | None = None,
    ) -> pl.DataFrame | RunResult:
        """Run on all rows. With ``output``, stream into a Parquet/CSV file and return a RunResult;
        without, return the rows as a Polars DataFrame."""
        target = node or self._last()
        if output is None:
            return self.engine.collect(self.document, target, params, refit=refit)
        return self.engine.run(
            self.document, target, output, params, format=format, refit=refit, progress=progress
        )

    def report(
        self,
        node: str | None = None,
        *,
        target: str | None = None,
        params: dict[str, Any] | None = None,
        scope: str = "sample",
    ) -> InsightsReport:
        """The Data Quality and Insights report of a node, on the sample or on all rows."""
        from .report import build_report

        node_id = node or self._last()
        frame = (
            self.sample(node_id, params=params)
            if scope == "sample"
            else self.run(node_id, params=params)
        )
        assert isinstance(frame, pl.DataFrame)
        return build_report(
            frame, node_id=node_id, target=target, scope=scope, title=self.document.name or node_id
        )  # type: ignore[arg-type]

    def export_code(self, node: str | None = None, *, format: str = "script") -> str:
        """Python code (``script``) or notebook JSON (``notebook``) that reproduces the flow."""
        from .export import export_notebook, export_script

        target = node or self._last()
        if format == "notebook":
            return export_notebook(
                self.document, target, resolve=self.engine.resolve, root=self.root
            )
        return export_script(self.document, target, resolve=self.engine.resolve, root=self.root)

    def training_handoff(
        self,
        node: str | None,
        target: str,
        *,
        output_dir: str | os.PathLike[str],
        params: dict[str, Any] | None = None,
    ) -> TrainingHandoff:
        """Run the flow, write its output and a transform pipeline, and return what AutoML needs."""
        from .handoff import training_handoff

        return training_handoff(self, node or self._last(), target, Path(output_dir), params=params)
