/*
 * The insights report bar of the selected node: its target column, the
 * report on the sample, on all rows (a job) or as HTML, and back.
 */
import React from 'react';

import type { ExportKind } from './editor';
import type { FlowEditorModel } from './model';

export function ReportBar(props: {
  model: FlowEditorModel;
  nodeId: string;
  /** The node's columns (its preview's), for the target. */
  columns: string[];
  /** The target column ('' for none). */
  target: string;
  onTarget: (target: string) => void;
  busy: boolean;
  onExport: (kind: ExportKind, nodeId: string) => void;
}): JSX.Element {
  const { model, nodeId, target } = props;
  return (
    <div className="jp-studio-Wrangler-reportbar">
      <label>
        Target{' '}
        <select
          aria-label="Report target"
          className="jp-mod-styled jp-studio-select"
          value={target}
          onChange={e => props.onTarget(e.target.value)}
        >
          <option value="">none</option>
          {props.columns.map(c => (
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
        disabled={props.busy}
        onClick={() => props.onExport('report-job', nodeId)}
      >
        Report on all rows (job)
      </button>
      <button
        className="jp-mod-styled jp-studio-button"
        disabled={props.busy}
        onClick={() => props.onExport('report-html', nodeId)}
      >
        Export HTML
      </button>
      {model.report ? (
        <button
          className="jp-mod-styled jp-studio-button"
          onClick={() => model.closeReport()}
        >
          Back to preview
        </button>
      ) : null}
    </div>
  );
}
