/*
 * The Data Wrangler editor of one `.flow` document: toolbar (import,
 * parameters, sample, undo, exports), the import and parameters drawers, the
 * graph, and the selected node's form, preview or insights report. Each
 * section is a component of its own; this one holds what they share.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React, { useCallback, useState } from 'react';

import type { IFlowNode } from '../../api/wrangler';
import { useSignal } from '../../components/use-signal';
import { LoadState } from '../../utils/load-state';
import { Drawer, EditorToolbar } from './editor-toolbar';
import { hasTwoInputs, nodeLabel } from './flow-utils';
import { GraphPane } from './graph-pane';
import { ImportPanel } from './import-panel';
import { FlowEditorModel } from './model';
import { NodePane } from './node-pane';
import { ParametersPanel } from './parameters-panel';
import { useRunner } from './use-runner';

/** What a node can be exported as (the toolbar's and the report bar's). */
export type ExportKind =
  | 'data'
  | 'script'
  | 'notebook'
  | 'job'
  | 'train'
  | 'report-job'
  | 'report-html';

/** What the editor asks of JupyterLab (files, jobs, AutoML, dialogs). */
export interface IWranglerActions {
  /** Export CSV/Parquet, script, notebook, processing job, Export and train. */
  exportAs: (
    kind: ExportKind,
    nodeId: string,
    target?: string | null
  ) => Promise<void>;
}

export function FlowEditor(props: {
  model: FlowEditorModel;
  rendermime: IRenderMimeRegistry | null;
  actions: IWranglerActions;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const [drawer, setDrawer] = useState<Drawer>(null);
  /** The report's target column, also handed to the exports. */
  const [target, setTarget] = useState<string>('');
  const { busy, error, run } = useRunner();

  const catalogue = LoadState.valueOf(model.catalogue) ?? null;
  const labelOf = useCallback(
    (node: IFlowNode) => nodeLabel(catalogue, node),
    [catalogue]
  );
  const twoInputs = useCallback(
    (node: IFlowNode) => hasTwoInputs(catalogue, node),
    [catalogue]
  );

  if (model.loadError) {
    return (
      <div className="jp-studio-error jp-studio-Wrangler">
        {model.loadError}
      </div>
    );
  }

  const onExport = (kind: ExportKind, nodeId: string) =>
    void run(() => props.actions.exportAs(kind, nodeId, target || null));

  return (
    <div className="jp-studio-Wrangler" data-testid="studio-wrangler">
      <EditorToolbar
        model={model}
        canImport={!!catalogue}
        drawer={drawer}
        onDrawer={setDrawer}
        selected={model.node(model.selected)}
        labelOf={labelOf}
        busy={busy}
        run={run}
        onExport={onExport}
      />
      {error ? (
        <div className="jp-studio-error" role="status">
          {error}
        </div>
      ) : null}
      {drawer === 'import' && catalogue ? (
        <ImportPanel
          sources={catalogue.sources.items}
          onImport={async (operator, parameters) => {
            await model.edit({
              op: 'add_step',
              operator,
              inputs: [],
              parameters
            });
          }}
          onClose={() => setDrawer(null)}
        />
      ) : null}
      {drawer === 'parameters' ? (
        <ParametersPanel
          parameters={model.document.parameters ?? []}
          onSave={async parameters => {
            await model.edit({ op: 'set_parameters', parameters });
          }}
          onClose={() => setDrawer(null)}
        />
      ) : null}
      <div className="jp-studio-Wrangler-body">
        <GraphPane
          model={model}
          catalogue={catalogue}
          labelOf={labelOf}
          twoInputs={twoInputs}
          run={run}
          onImport={() => setDrawer('import')}
        />
        <NodePane
          model={model}
          catalogue={catalogue}
          rendermime={props.rendermime}
          labelOf={labelOf}
          twoInputs={twoInputs}
          target={target}
          onTarget={setTarget}
          busy={busy}
          run={run}
          onExport={onExport}
        />
      </div>
    </div>
  );
}
