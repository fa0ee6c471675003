/*
 * The editor's side pane: the selected node's parameter form, its report
 * bar, and its preview or insights report.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import type { IFlowNode } from '../../api/wrangler';
import { LoadState } from '../../utils/load-state';
import type { ExportKind } from './editor';
import type { FlowEditorModel, ICatalogue } from './model';
import { PreviewView } from './preview-table';
import { ReportBar } from './report-bar';
import { ReportView } from './report-view';
import { StepForm } from './step-form';
import type { Run } from './use-runner';

/** The parameters schema of a node's operator (`null`: not known). */
function schemaOf(
  catalogue: ICatalogue | null,
  node: IFlowNode
): Record<string, unknown> | null {
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
}

export function NodePane(props: {
  model: FlowEditorModel;
  catalogue: ICatalogue | null;
  rendermime: IRenderMimeRegistry | null;
  labelOf: (node: IFlowNode) => string;
  twoInputs: (node: IFlowNode) => boolean;
  /** The report's target column ('' for none); the exports use it too. */
  target: string;
  onTarget: (target: string) => void;
  busy: boolean;
  run: Run;
  onExport: (kind: ExportKind, nodeId: string) => void;
}): JSX.Element {
  const { model, catalogue, labelOf } = props;
  const selected = model.node(model.selected);
  if (!selected) {
    return (
      <div className="jp-studio-Wrangler-side">
        <div className="jp-studio-muted jp-studio-Wrangler-hint">
          Select a node to see its preview and edit its parameters; “+” on a
          node adds a step.
        </div>
      </div>
    );
  }
  const preview = model.preview(selected.id);
  const previewValue = preview ? LoadState.valueOf(preview) : undefined;
  const transform = catalogue?.transforms.items.find(
    t => t.name === selected.operator
  );
  return (
    <div className="jp-studio-Wrangler-side">
      <StepForm
        node={selected}
        schema={schemaOf(catalogue, selected)}
        operatorTitle={
          selected.kind === 'source'
            ? `Source: ${selected.operator}`
            : (transform?.title ?? labelOf({ ...selected, title: '' }))
        }
        rightCandidates={
          props.twoInputs(selected)
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
          void props.run(() =>
            model.edit({ op: 'delete_node', node_id: selected.id })
          )
        }
      />
      {selected.kind !== 'analysis' ? (
        <ReportBar
          model={model}
          nodeId={selected.id}
          columns={previewValue?.columns.map(c => c.name) ?? []}
          target={props.target}
          onTarget={props.onTarget}
          busy={props.busy}
          onExport={props.onExport}
        />
      ) : null}
      <NodeOutput
        model={model}
        nodeId={selected.id}
        rendermime={props.rendermime}
      />
    </div>
  );
}

/** The node's insights report when one is open, else its preview. */
function NodeOutput(props: {
  model: FlowEditorModel;
  nodeId: string;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { model, rendermime } = props;
  const report = model.report;
  const preview = model.preview(props.nodeId);
  if (report) {
    return report.status === 'loading' ? (
      <div className="jp-studio-muted">Computing the insights report…</div>
    ) : report.status === 'error' ? (
      <div className="jp-studio-error">{report.error}</div>
    ) : (
      <ReportView report={report.value} rendermime={rendermime} />
    );
  }
  if (!preview || preview.status === 'loading') {
    return <div className="jp-studio-muted">Computing the preview…</div>;
  }
  if (preview.status === 'error') {
    return (
      <div className="jp-studio-error">
        {preview.error}{' '}
        <button
          className="jp-mod-styled jp-studio-button"
          onClick={() => model.refreshSelected(true)}
        >
          Retry
        </button>
      </div>
    );
  }
  return (
    <PreviewView
      preview={preview.value}
      rendermime={rendermime}
      onSelect={id => model.select(id)}
    />
  );
}
