/*
 * The Data Wrangler editor of one `.flow` document: toolbar (import,
 * parameters, sample, undo, report, exports), the graph, and the selected
 * node's form, preview or insights report.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactFlowProvider } from '@xyflow/react';
import React, { useCallback, useState } from 'react';

import type { IFlowNode } from '../../api/wrangler';
import { useSignal } from '../../components/use-signal';
import { LoadState } from '../../utils/load-state';
import { secondInput } from './flow-utils';
import { FlowGraph } from './graph';
import { ImportPanel, ParametersPanel } from './import-panel';
import { FlowEditorModel, ICatalogue } from './model';
import { IPickerItem, StepPicker } from './picker';
import { PreviewView } from './preview-table';
import { ReportView } from './report-view';
import { StepForm } from './step-form';

/** What the editor asks of JupyterLab (files, jobs, AutoML, dialogs). */
export interface IWranglerActions {
  /** Export CSV/Parquet, script, notebook, processing job, Export and train. */
  exportAs: (
    kind:
      | 'data'
      | 'script'
      | 'notebook'
      | 'job'
      | 'train'
      | 'report-job'
      | 'report-html',
    nodeId: string,
    target?: string | null
  ) => Promise<void>;
}

type Drawer = 'import' | 'parameters' | null;

/** A node's display name: its title, else its operator's title, else its id. */
function labeller(catalogue: ICatalogue | null) {
  return (node: IFlowNode): string => {
    if (node.title) {
      return node.title;
    }
    if (node.kind === 'source') {
      const p = node.parameters ?? {};
      const where = p.path ?? p.url ?? p.table ?? p.query ?? node.operator;
      return String(where).split('/').pop() || node.operator;
    }
    const known =
      catalogue?.transforms.items.find(t => t.name === node.operator) ??
      catalogue?.analyses.items.find(a => a.name === node.operator);
    return known?.title ?? node.operator;
  };
}

export function FlowEditor(props: {
  model: FlowEditorModel;
  rendermime: IRenderMimeRegistry | null;
  actions: IWranglerActions;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const [drawer, setDrawer] = useState<Drawer>(null);
  const [pickerFor, setPickerFor] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [target, setTarget] = useState<string>('');
  const [busy, setBusy] = useState(false);

  const catalogue = LoadState.valueOf(model.catalogue) ?? null;
  const labelOf = useCallback(labeller(catalogue), [catalogue]);
  const transformOf = (name: string) =>
    catalogue?.transforms.items.find(t => t.name === name);
  const twoInputs = useCallback(
    (node: IFlowNode) =>
      node.kind === 'transform' &&
      catalogue?.transforms.items.find(t => t.name === node.operator)
        ?.inputs === 2,
    [catalogue]
  );
  const statusOf = (id: string) => {
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
  };

  const problemOf = (id: string): string => {
    const state = model.preview(id);
    const value = state ? LoadState.valueOf(state) : undefined;
    const error = value?.error ?? model.status(id)?.error;
    if (error) {
      return `${error.message} ${error.hint}`.trim();
    }
    return state?.status === 'error' ? state.error : '';
  };

  const run = async (what: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await what();
      if (done) {
        setMessage(done);
      }
    } catch (reason) {
      setMessage(`Error: ${(reason as Error)?.message ?? reason}`);
    } finally {
      setBusy(false);
    }
  };

  if (model.loadError) {
    return (
      <div className="jp-studio-error jp-studio-Wrangler">
        {model.loadError}
      </div>
    );
  }

  const selected = model.node(model.selected);
  const preview = selected ? model.preview(selected.id) : null;
  const previewValue = preview ? LoadState.valueOf(preview) : undefined;
  const columns = previewValue?.columns.map(c => c.name) ?? [];

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
    void run(() =>
      model.edit({
        op: 'add_step',
        operator: item.name,
        inputs,
        parameters: {}
      })
    );
  };

  const schemaOf = (node: IFlowNode): Record<string, unknown> | null => {
    if (!catalogue) {
      return null;
    }
    const list =
      node.kind === 'source'
        ? catalogue.sources.items
        : node.kind === 'analysis'
          ? catalogue.analyses.items
          : catalogue.transforms.items;
    return list.find(o => o.name === node.operator)?.parameters_schema ?? null;
  };

  const sample = model.document.settings?.sample ?? {};
  const report = model.report;

  return (
    <div className="jp-studio-Wrangler" data-testid="studio-wrangler">
      <div className="jp-studio-Wrangler-toolbar" role="toolbar">
        <button
          className="jp-mod-styled jp-mod-accept jp-studio-button"
          onClick={() => setDrawer(drawer === 'import' ? null : 'import')}
          disabled={!catalogue}
        >
          Import data
        </button>
        <button
          className="jp-mod-styled jp-studio-button"
          onClick={() =>
            setDrawer(drawer === 'parameters' ? null : 'parameters')
          }
        >
          Parameters ({model.document.parameters?.length ?? 0})
        </button>
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
        <button
          className="jp-mod-styled jp-studio-button"
          onClick={() => model.undo()}
          disabled={!model.canUndo}
          title="Undo the last edit"
        >
          Undo
        </button>
        <span className="jp-studio-Wrangler-spacer" />
        <span className="jp-studio-Wrangler-exports" aria-label="Export">
          Export:
          {(
            [
              ['data', 'CSV/Parquet'],
              ['script', 'Python script'],
              ['notebook', 'Notebook'],
              ['job', 'Processing job'],
              ['train', 'Export and train']
            ] as const
          ).map(([kind, label]) => (
            <button
              key={kind}
              className="jp-mod-styled jp-studio-button"
              disabled={!selected || selected.kind === 'analysis' || busy}
              title={
                selected
                  ? `${label} for node ${labelOf(selected)}`
                  : 'Select a node first'
              }
              onClick={() =>
                selected &&
                void run(() =>
                  props.actions.exportAs(kind, selected.id, target || null)
                )
              }
            >
              {label}
            </button>
          ))}
        </span>
      </div>
      {message ? (
        <div
          className={
            message.startsWith('Error') ? 'jp-studio-error' : 'jp-studio-muted'
          }
          role="status"
        >
          {message}
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
        <div className="jp-studio-Wrangler-graph">
          {model.nodes.length === 0 ? (
            <div className="jp-studio-Wrangler-empty">
              <p>This flow is empty.</p>
              <button
                className="jp-mod-styled jp-mod-accept jp-studio-button"
                onClick={() => setDrawer('import')}
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
                labelOf={labelOf}
                statusOf={statusOf}
                problemOf={problemOf}
                twoInputs={twoInputs}
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
        <div className="jp-studio-Wrangler-side">
          {!selected ? (
            <div className="jp-studio-muted jp-studio-Wrangler-hint">
              Select a node to see its preview and edit its parameters; “+” on a
              node adds a step.
            </div>
          ) : (
            <>
              <StepForm
                node={selected}
                schema={schemaOf(selected)}
                operatorTitle={
                  selected.kind === 'source'
                    ? `Source: ${selected.operator}`
                    : (transformOf(selected.operator)?.title ??
                      labelOf({ ...selected, title: '' }))
                }
                rightCandidates={
                  twoInputs(selected)
                    ? model.nodes.filter(
                        n => n.id !== selected.id && n.kind !== 'analysis'
                      )
                    : null
                }
                labelOf={labelOf}
                columnsOf={index => model.columnsOf(selected.inputs?.[index])}
                onApply={async ({ parameters, title, inputs }) => {
                  await model.edit({
                    op: 'update_node',
                    node_id: selected.id,
                    parameters,
                    title,
                    ...(inputs ? { inputs } : {})
                  });
                }}
                onDelete={() =>
                  void run(() =>
                    model.edit({ op: 'delete_node', node_id: selected.id })
                  )
                }
              />
              {selected.kind !== 'analysis' ? (
                <div className="jp-studio-Wrangler-reportbar">
                  <label>
                    Target{' '}
                    <select
                      aria-label="Report target"
                      className="jp-mod-styled jp-studio-select"
                      value={target}
                      onChange={e => setTarget(e.target.value)}
                    >
                      <option value="">none</option>
                      {columns.map(c => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button
                    className="jp-mod-styled jp-studio-button"
                    onClick={() => void model.computeReport(target || null)}
                  >
                    Insights report
                  </button>
                  <button
                    className="jp-mod-styled jp-studio-button"
                    title="Compute the report on all rows as a job"
                    disabled={busy}
                    onClick={() =>
                      void run(() =>
                        props.actions.exportAs(
                          'report-job',
                          selected.id,
                          target || null
                        )
                      )
                    }
                  >
                    Report on all rows (job)
                  </button>
                  <button
                    className="jp-mod-styled jp-studio-button"
                    disabled={busy}
                    onClick={() =>
                      void run(() =>
                        props.actions.exportAs(
                          'report-html',
                          selected.id,
                          target || null
                        )
                      )
                    }
                  >
                    Export HTML
                  </button>
                  {report ? (
                    <button
                      className="jp-mod-styled jp-studio-button"
                      onClick={() => model.closeReport()}
                    >
                      Back to preview
                    </button>
                  ) : null}
                </div>
              ) : null}
              {report ? (
                report.status === 'loading' ? (
                  <div className="jp-studio-muted">
                    Computing the insights report…
                  </div>
                ) : report.status === 'error' ? (
                  <div className="jp-studio-error">{report.error}</div>
                ) : (
                  <ReportView
                    report={report.value}
                    rendermime={props.rendermime}
                  />
                )
              ) : !preview || preview.status === 'loading' ? (
                <div className="jp-studio-muted">Computing the preview…</div>
              ) : preview.status === 'error' ? (
                <div className="jp-studio-error">
                  {preview.error}{' '}
                  <button
                    className="jp-mod-styled jp-studio-button"
                    onClick={() => model.refreshSelected(true)}
                  >
                    Retry
                  </button>
                </div>
              ) : (
                <PreviewView
                  preview={preview.value}
                  rendermime={props.rendermime}
                  onSelect={id => model.select(id)}
                />
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
