/*
 * The editor's toolbar: import, parameters, the sample, undo and the exports
 * of the selected node.
 */
import React from 'react';

import type { IFlowNode } from '../../api/wrangler';
import type { ExportKind } from './editor';
import type { FlowEditorModel } from './model';
import type { Run } from './use-runner';

/** The side drawer the toolbar opens. */
export type Drawer = 'import' | 'parameters' | null;

/** The exports of a node, in toolbar order. */
const EXPORTS: ReadonlyArray<readonly [ExportKind, string]> = [
  ['data', 'CSV/Parquet'],
  ['script', 'Python script'],
  ['notebook', 'Notebook'],
  ['job', 'Processing job'],
  ['train', 'Export and train']
];

export function EditorToolbar(props: {
  model: FlowEditorModel;
  /** The operator catalogue has loaded (import needs it). */
  canImport: boolean;
  drawer: Drawer;
  onDrawer: (drawer: Drawer) => void;
  selected: IFlowNode | null;
  labelOf: (node: IFlowNode) => string;
  busy: boolean;
  run: Run;
  onExport: (kind: ExportKind, nodeId: string) => void;
}): JSX.Element {
  const { model, drawer, onDrawer } = props;
  return (
    <div className="jp-studio-Wrangler-toolbar" role="toolbar">
      <button
        className="jp-mod-styled jp-mod-accept jp-studio-button"
        onClick={() => onDrawer(drawer === 'import' ? null : 'import')}
        disabled={!props.canImport}
      >
        Import data
      </button>
      <button
        className="jp-mod-styled jp-studio-button"
        onClick={() => onDrawer(drawer === 'parameters' ? null : 'parameters')}
      >
        Parameters ({model.document.parameters?.length ?? 0})
      </button>
      <SampleControls model={model} run={props.run} />
      <button
        className="jp-mod-styled jp-studio-button"
        onClick={() => model.undo()}
        disabled={!model.canUndo}
        title="Undo the last edit"
      >
        Undo
      </button>
      <span className="jp-studio-Wrangler-spacer" />
      <ExportButtons
        selected={props.selected}
        labelOf={props.labelOf}
        busy={props.busy}
        onExport={props.onExport}
      />
    </div>
  );
}

/** The sample the previews are computed on: first or random rows, how many. */
function SampleControls(props: {
  model: FlowEditorModel;
  run: Run;
}): JSX.Element {
  const { model, run } = props;
  const sample = model.document.settings?.sample ?? {};
  return (
    <label className="jp-studio-Wrangler-sample">
      Sample
      <select
        aria-label="Sample method"
        className="jp-mod-styled jp-studio-select"
        value={sample.method ?? 'first'}
        onChange={e =>
          void run(() =>
            model.setSample({
              ...sample,
              method: e.target.value as 'first' | 'random'
            })
          )
        }
      >
        <option value="first">first</option>
        <option value="random">random</option>
      </select>
      <input
        aria-label="Sample size"
        type="number"
        min={1}
        className="jp-mod-styled jp-studio-input jp-studio-input-short"
        defaultValue={sample.size ?? 50000}
        key={`size-${sample.size}`}
        onBlur={e => {
          const size = Number(e.target.value);
          if (size >= 1 && size !== sample.size) {
            void run(() => model.setSample({ ...sample, size }));
          }
        }}
      />
      rows
    </label>
  );
}

/** Export buttons for the selected node (none for an analysis). */
function ExportButtons(props: {
  selected: IFlowNode | null;
  labelOf: (node: IFlowNode) => string;
  busy: boolean;
  onExport: (kind: ExportKind, nodeId: string) => void;
}): JSX.Element {
  const { selected, labelOf } = props;
  return (
    <span className="jp-studio-Wrangler-exports" aria-label="Export">
      Export:
      {EXPORTS.map(([kind, label]) => (
        <button
          key={kind}
          className="jp-mod-styled jp-studio-button"
          disabled={!selected || selected.kind === 'analysis' || props.busy}
          title={
            selected
              ? `${label} for node ${labelOf(selected)}`
              : 'Select a node first'
          }
          onClick={() => selected && props.onExport(kind, selected.id)}
        >
          {label}
        </button>
      ))}
    </span>
  );
}
