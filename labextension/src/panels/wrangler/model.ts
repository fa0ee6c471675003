/*
 * The model of one open `.flow` document: the flow (kept in the document
 * context's model as JSON, so dirty state, Ctrl+S and reopening are
 * JupyterLab's own), the undo stack, the selected node and node previews.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IFlowDocument,
  IFlowNode,
  IInsightsReport,
  IListOperators,
  IListTransforms,
  INodePreview,
  ISampleSettings,
  INodeStatus,
  editFlow,
  flowReport,
  flowStatuses,
  listAnalyses,
  listSources,
  listTransforms,
  previewNode
} from '../../api/wrangler';
import { LoadState } from '../../utils/load-state';
import type { IColumnInfo } from './step-fields';

/** The catalogue of operators, loaded once per page. */
export interface ICatalogue {
  transforms: IListTransforms;
  analyses: IListOperators;
  sources: IListOperators;
}

let cataloguePromise: Promise<ICatalogue> | null = null;

/** The transforms, analyses and sources (cached for the page's lifetime). */
export function loadCatalogue(
  serverSettings: ServerConnection.ISettings
): Promise<ICatalogue> {
  if (!cataloguePromise) {
    cataloguePromise = Promise.all([
      listTransforms(serverSettings),
      listAnalyses(serverSettings),
      listSources(serverSettings)
    ]).then(([transforms, analyses, sources]) => ({
      transforms,
      analyses,
      sources
    }));
    cataloguePromise.catch(() => {
      cataloguePromise = null;
    });
  }
  return cataloguePromise;
}

/** A new, empty flow document. */
export function emptyFlow(name = ''): IFlowDocument {
  return {
    format_version: 1,
    name,
    description: '',
    parameters: [],
    settings: { sample: { method: 'first', size: 50000, seed: 0 } },
    nodes: [],
    metadata: {}
  };
}

/** Parse the text of a `.flow` file; an empty file is an empty flow. */
export function parseFlow(text: string): IFlowDocument {
  if (!text.trim()) {
    return emptyFlow();
  }
  const parsed = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('A .flow file holds one JSON object.');
  }
  return parsed as IFlowDocument;
}

/** How many undo steps a document keeps. */
const UNDO_DEPTH = 50;

export class FlowEditorModel {
  constructor(options: {
    context: DocumentRegistry.Context;
    serverSettings: ServerConnection.ISettings;
  }) {
    this.context = options.context;
    this.serverSettings = options.serverSettings;
    void this.context.ready.then(() => {
      this._load();
      this.context.model.contentChanged.connect(this._onContentChanged, this);
    });
    void loadCatalogue(this.serverSettings).then(
      catalogue => {
        this._catalogue = LoadState.ready(catalogue);
        this._changed.emit();
      },
      error => {
        this._catalogue = LoadState.failed(error);
        this._changed.emit();
      }
    );
  }

  readonly context: DocumentRegistry.Context;
  readonly serverSettings: ServerConnection.ISettings;

  /** Emitted whenever anything the view shows changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get document(): IFlowDocument {
    return this._doc;
  }

  get nodes(): IFlowNode[] {
    return this._doc.nodes ?? [];
  }

  /** A problem reading the file (it is shown instead of the editor). */
  get loadError(): string | null {
    return this._loadError;
  }

  get catalogue(): LoadState<ICatalogue> {
    return this._catalogue;
  }

  get selected(): string | null {
    return this._selected;
  }

  get canUndo(): boolean {
    return this._undo.length > 0;
  }

  /** The flow file's path (relative to the file browser's root). */
  get path(): string {
    return this.context.path;
  }

  /** Values of the flow parameters for previews (defaults unless changed). */
  get parameterValues(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const p of this._doc.parameters ?? []) {
      values[p.name] = this._values[p.name] ?? p.default ?? '';
    }
    return values;
  }

  setParameterValue(name: string, value: string): void {
    this._values[name] = value;
    this._previews.clear();
    this._columns.clear();
    this._changed.emit();
    this.refreshSelected();
    this.refreshStatuses();
  }

  node(id: string | null): IFlowNode | null {
    return this.nodes.find(n => n.id === id) ?? null;
  }

  /** Select a node (and compute its preview if not cached). */
  select(id: string | null): void {
    if (this._selected === id) {
      return;
    }
    this._selected = id;
    this._report = null;
    this._changed.emit();
    this.refreshSelected();
  }

  /** Whether a node computes on the sample (from the last status check). */
  status(id: string): INodeStatus | null {
    return this._statuses.get(id) ?? null;
  }

  /** Check every source and step soon (debounced): the graph's error badges. */
  refreshStatuses(): void {
    if (this._statusTimer !== null) {
      clearTimeout(this._statusTimer);
    }
    this._statusTimer = setTimeout(() => {
      this._statusTimer = null;
      void this._fetchStatuses();
    }, 300);
  }

  /** The preview of a node (`null`: never asked). */
  preview(id: string): LoadState<INodePreview> | null {
    return this._previews.get(id) ?? null;
  }

  /**
   * The columns a node outputs (for the column pickers of the steps after
   * it), from its preview; asked of the server when not known. `undefined`
   * while asked, `null` when the node fails.
   */
  columnsOf(id: string | undefined): IColumnInfo[] | null | undefined {
    if (!id) {
      return null;
    }
    const state = this._previews.get(id);
    const preview = state ? LoadState.valueOf(state) : undefined;
    if (preview && preview.node_id === id && !preview.output) {
      return preview.status === 'ok'
        ? preview.columns.map(c => ({ name: c.name, kind: c.kind }))
        : null;
    }
    if (!this._columns.has(id)) {
      this._columns.set(id, undefined);
      void this._fetchColumns(id);
    }
    return this._columns.get(id);
  }

  /** Compute the selected node's preview unless it is cached. */
  refreshSelected(force = false): void {
    const id = this._selected;
    if (id && (force || !this._previews.has(id))) {
      void this._fetchPreview(id);
    }
  }

  /**
   * Apply one edit on the server, then put the new document in the context
   * (dirty until saved). Returns the id of an added node.
   */
  async edit(edit: Record<string, unknown>): Promise<string | null> {
    const response = await editFlow(
      { document: this._doc as Record<string, unknown>, edit },
      this.serverSettings
    );
    for (const id of response.changed_nodes) {
      this._previews.delete(id);
      this._columns.delete(id);
    }
    const present = new Set((response.document.nodes ?? []).map(n => n.id));
    for (const id of [...this._previews.keys(), ...this._columns.keys()]) {
      if (!present.has(id)) {
        this._previews.delete(id);
        this._columns.delete(id);
      }
    }
    this._commit(response.document);
    if (this._selected && !present.has(this._selected)) {
      this._selected = null;
    }
    if (response.node_id) {
      this._selected = response.node_id;
    }
    this._changed.emit();
    this.refreshSelected();
    this.refreshStatuses();
    return response.node_id;
  }

  /** Move a node (a local edit: positions do not change results). */
  moveNode(id: string, x: number, y: number): void {
    const nodes = this.nodes.map(n =>
      n.id === id ? { ...n, position: { x, y } } : n
    );
    this._commit({ ...this._doc, nodes });
    this._changed.emit();
  }

  /** Change the preview sample (first or random N rows). */
  async setSample(sample: ISampleSettings): Promise<void> {
    this._previews.clear();
    this._columns.clear();
    await this.edit({
      op: 'set_settings',
      settings: { ...(this._doc.settings ?? {}), sample }
    });
  }

  /** Undo the last edit. */
  undo(): void {
    const previous = this._undo.pop();
    if (previous === undefined) {
      return;
    }
    this._previews.clear();
    this._columns.clear();
    this._writing = true;
    try {
      this.context.model.fromString(previous);
      this.context.model.dirty = true;
    } finally {
      this._writing = false;
    }
    this._doc = parseFlow(previous);
    if (this._selected && !this.node(this._selected)) {
      this._selected = null;
    }
    this._changed.emit();
    this.refreshSelected();
    this.refreshStatuses();
  }

  /** The insights report shown for the selected node. */
  get report(): LoadState<IInsightsReport> | null {
    return this._report;
  }

  /** Compute the insights report of the selected node on the sample. */
  async computeReport(target: string | null): Promise<void> {
    const id = this._selected;
    if (!id) {
      return;
    }
    this._report = LoadState.loading();
    this._changed.emit();
    try {
      const report = await flowReport(
        {
          document: this._doc as Record<string, unknown>,
          node_id: id,
          target,
          parameters: this.parameterValues
        },
        this.serverSettings
      );
      if (this._selected === id) {
        this._report = LoadState.ready(report);
      }
    } catch (error) {
      if (this._selected === id) {
        this._report = LoadState.failed(error);
      }
    }
    this._changed.emit();
  }

  closeReport(): void {
    this._report = null;
    this._changed.emit();
  }

  dispose(): void {
    if (this._statusTimer !== null) {
      clearTimeout(this._statusTimer);
    }
    this._disposed = true;
    Signal.clearData(this);
  }

  private async _fetchStatuses(): Promise<void> {
    if (this._disposed || !this.nodes.length) {
      this._statuses.clear();
      return;
    }
    const doc = this._doc;
    try {
      const result = await flowStatuses(
        {
          document: doc as Record<string, unknown>,
          parameters: this.parameterValues
        },
        this.serverSettings
      );
      if (this._doc === doc && !this._disposed) {
        this._statuses = new Map(result.items.map(i => [i.node_id, i]));
        this._changed.emit();
      }
    } catch {
      // The badges are a hint; a failed check leaves the last ones.
    }
  }

  private async _fetchPreview(id: string): Promise<void> {
    const previous = this._previews.get(id);
    this._previews.set(id, LoadState.loading());
    this._changed.emit();
    const doc = this._doc;
    try {
      const preview = await previewNode(
        {
          document: doc as Record<string, unknown>,
          node_id: id,
          parameters: this.parameterValues,
          rows_limit: 100
        },
        this.serverSettings
      );
      if (this._doc === doc) {
        this._previews.set(id, LoadState.ready(preview));
      }
    } catch (error) {
      this._previews.set(id, LoadState.failed(error, previous ?? undefined));
    }
    this._changed.emit();
  }

  private async _fetchColumns(id: string): Promise<void> {
    const token = {};
    this._columnRequests.set(id, token);
    let columns: IColumnInfo[] | null = null;
    try {
      const preview = await previewNode(
        {
          document: this._doc as Record<string, unknown>,
          node_id: id,
          parameters: this.parameterValues,
          rows_limit: 0
        },
        this.serverSettings
      );
      if (preview.status === 'ok' && !preview.output) {
        columns = preview.columns.map(c => ({ name: c.name, kind: c.kind }));
      }
    } catch {
      // Unknown columns: the pickers take typed names.
    }
    if (
      this._columnRequests.get(id) === token &&
      this._columns.has(id) &&
      !this._disposed
    ) {
      this._columnRequests.delete(id);
      this._columns.set(id, columns);
      this._changed.emit();
    }
  }

  private _commit(doc: IFlowDocument): void {
    const before = this.context.model.toString();
    this._undo.push(before);
    if (this._undo.length > UNDO_DEPTH) {
      this._undo.shift();
    }
    this._doc = doc;
    this._writing = true;
    try {
      this.context.model.fromString(JSON.stringify(doc, null, 2) + '\n');
      // JupyterLab's text model leaves dirty state to its editors.
      this.context.model.dirty = true;
    } finally {
      this._writing = false;
    }
  }

  private _load(): void {
    try {
      this._doc = parseFlow(this.context.model.toString());
      this._loadError = null;
    } catch (error) {
      this._loadError = `This file is not a flow: ${(error as Error).message}`;
    }
    this._previews.clear();
    this._columns.clear();
    this._changed.emit();
    this.refreshStatuses();
  }

  private _onContentChanged(): void {
    if (!this._writing) {
      // Reverted or changed on disk: read the file again.
      this._undo = [];
      this._load();
      this.refreshSelected();
    }
  }

  private _doc: IFlowDocument = emptyFlow();
  private _loadError: string | null = null;
  private _catalogue: LoadState<ICatalogue> = LoadState.loading();
  private _selected: string | null = null;
  private _previews = new Map<string, LoadState<INodePreview>>();
  /** Output columns of nodes not previewed: `undefined` while asked, `null` failed. */
  private _columns = new Map<string, IColumnInfo[] | null | undefined>();
  private _columnRequests = new Map<string, object>();
  private _report: LoadState<IInsightsReport> | null = null;
  private _undo: string[] = [];
  private _values: Record<string, string> = {};
  private _writing = false;
  private _statuses = new Map<string, INodeStatus>();
  private _statusTimer: ReturnType<typeof setTimeout> | null = null;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}
