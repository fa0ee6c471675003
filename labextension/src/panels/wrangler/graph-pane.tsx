/*
 * The editor's graph pane: the flow's nodes with their preview status, the
 * step picker that "+" on a node opens, or an empty flow's import button.
 */
import { ReactFlowProvider } from '@xyflow/react';
import React, { useState } from 'react';

import type { IFlowNode } from '../../api/wrangler';
import { LoadState } from '../../utils/load-state';
import { secondInput } from './flow-utils';
import { FlowGraph } from './graph';
import type { FlowEditorModel, ICatalogue } from './model';
import { IPickerItem, StepPicker } from './picker';
import type { Run } from './use-runner';

/** A node's preview status for its card. */
function statusOf(model: FlowEditorModel, id: string) {
  const state = model.preview(id);
  if (!state) {
    const checked = model.status(id)?.status;
    return checked === 'ok' || checked === 'error' ? checked : 'unknown';
  }
  if (state.status === 'loading') {
    return 'loading' as const;
  }
  if (state.status === 'error') {
    return 'error' as const;
  }
  return state.value.status;
}

/** A node's problem (message and hint) for its card, or ''. */
function problemOf(model: FlowEditorModel, id: string): string {
  const state = model.preview(id);
  const value = state ? LoadState.valueOf(state) : undefined;
  const error = value?.error ?? model.status(id)?.error;
  if (error) {
    return `${error.message} ${error.hint}`.trim();
  }
  return state?.status === 'error' ? state.error : '';
}

export function GraphPane(props: {
  model: FlowEditorModel;
  catalogue: ICatalogue | null;
  labelOf: (node: IFlowNode) => string;
  twoInputs: (node: IFlowNode) => boolean;
  run: Run;
  /** Open the import drawer (the empty flow's button). */
  onImport: () => void;
}): JSX.Element {
  const { model, catalogue } = props;
  /** The node whose "+" opened the step picker. */
  const [pickerFor, setPickerFor] = useState<string | null>(null);

  const onPick = (item: IPickerItem) => {
    const after = pickerFor;
    setPickerFor(null);
    if (!after) {
      return;
    }
    const inputs = [after];
    if (item.inputs === 2) {
      const other = secondInput(model.nodes, after);
      if (other) {
        inputs.push(other);
      }
    }
    void props.run(() =>
      model.edit({
        op: 'add_step',
        operator: item.name,
        inputs,
        parameters: {}
      })
    );
  };

  return (
    <div className="jp-studio-Wrangler-graph">
      {model.nodes.length === 0 ? (
        <div className="jp-studio-Wrangler-empty">
          <p>This flow is empty.</p>
          <button
            className="jp-mod-styled jp-mod-accept jp-studio-button"
            onClick={props.onImport}
            disabled={!catalogue}
          >
            Import data
          </button>
        </div>
      ) : (
        <ReactFlowProvider>
          <FlowGraph
            nodes={model.nodes}
            selected={model.selected}
            labelOf={props.labelOf}
            statusOf={id => statusOf(model, id)}
            problemOf={id => problemOf(model, id)}
            twoInputs={props.twoInputs}
            onSelect={id => model.select(id)}
            onAdd={setPickerFor}
            onMove={(id, x, y) => model.moveNode(id, x, y)}
          />
        </ReactFlowProvider>
      )}
      {pickerFor && catalogue ? (
        <StepPicker
          catalogue={catalogue}
          after={pickerFor}
          onPick={onPick}
          onClose={() => setPickerFor(null)}
        />
      ) : null}
    </div>
  );
}
