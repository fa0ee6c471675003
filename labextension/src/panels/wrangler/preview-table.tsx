/*
 * A node's preview: the sample's rows with each column's type, missing count
 * and a mini histogram (numeric/date bins, or the top values), or the node's
 * error; an analysis node's chart through JupyterLab's rendermime.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import type { IColumnProfile, INodePreview } from '../../api/wrangler';
import { VegaChart } from '../../components/vega-chart';
import { histogramBars } from './flow-utils';

function MiniHistogram(props: { column: IColumnProfile }): JSX.Element {
  const bars = histogramBars(props.column);
  if (!bars.length) {
    return <svg className="jp-studio-MiniHist" aria-hidden="true" />;
  }
  const width = 80;
  const height = 24;
  const step = width / bars.length;
  const { column } = props;
  const summary = column.histogram.length
    ? `${column.min ?? ''} … ${column.max ?? ''}`
    : column.top_values
        .slice(0, 5)
        .map(v => `${v.value}: ${v.count}`)
        .join(', ');
  return (
    <svg
      className="jp-studio-MiniHist"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`distribution of ${column.name}`}
    >
      <title>{summary}</title>
      {bars.map((h, i) => (
        <rect
          key={i}
          x={i * step + 0.5}
          y={height - Math.max(1, h * height)}
          width={Math.max(1, step - 1)}
          height={Math.max(1, h * height)}
        />
      ))}
    </svg>
  );
}

function cell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function NodeErrorView(props: {
  preview: INodePreview;
  onSelect: (id: string) => void;
}): JSX.Element | null {
  const error = props.preview.error;
  if (!error) {
    return null;
  }
  const elsewhere = error.node_id && error.node_id !== props.preview.node_id;
  return (
    <div
      className="jp-studio-NodeError"
      role="alert"
      data-testid="studio-node-error"
    >
      <div>
        <strong>{error.message}</strong>{' '}
        <span className="jp-studio-muted">({error.code})</span>
      </div>
      {error.hint ? <div>{error.hint}</div> : null}
      {elsewhere ? (
        <button
          className="jp-mod-styled jp-studio-button"
          onClick={() => props.onSelect(error.node_id as string)}
        >
          Go to the failing node {error.node_id}
        </button>
      ) : null}
    </div>
  );
}

export function PreviewView(props: {
  preview: INodePreview;
  rendermime: IRenderMimeRegistry | null;
  onSelect: (id: string) => void;
}): JSX.Element {
  const { preview } = props;
  if (preview.status === 'error') {
    return <NodeErrorView preview={preview} onSelect={props.onSelect} />;
  }
  const output = preview.output;
  const sample = preview.sample;
  return (
    <div className="jp-studio-Preview" data-testid="studio-node-preview">
      <div className="jp-studio-muted" hidden={output !== null}>
        {preview.row_count.toLocaleString()} rows ×{' '}
        {preview.columns.length.toLocaleString()} columns
        {sample
          ? ` in the sample (${sample.method} ${sample.size?.toLocaleString()} rows)`
          : ''}
        , {preview.elapsed_seconds.toFixed(2)} s
      </div>
      {output ? (
        <div className="jp-studio-AnalysisOutput">
          {output.title ? <h3>{output.title}</h3> : null}
          {output.chart ? (
            <VegaChart
              spec={output.chart}
              rendermime={props.rendermime}
              label={output.title || 'analysis chart'}
              testId="studio-analysis-chart"
            />
          ) : null}
          {output.text ? (
            <pre className="jp-studio-mono">{output.text}</pre>
          ) : null}
          {output.table && output.table.length ? (
            <table className="jp-studio-table jp-studio-PreviewTable">
              <thead>
                <tr>
                  {Object.keys(output.table[0]).map(k => (
                    <th key={k}>{k}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {output.table.slice(0, 200).map((row, i) => (
                  <tr key={i}>
                    {Object.keys(output.table![0]).map(k => (
                      <td key={k}>{cell(row[k])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : (
        <div className="jp-studio-PreviewTable-scroll">
          <table className="jp-studio-table jp-studio-PreviewTable">
            <thead>
              <tr>
                {preview.columns.map(column => (
                  <th
                    key={column.name}
                    title={`${column.name}: ${column.dtype}`}
                  >
                    <div className="jp-studio-PreviewTable-name">
                      {column.name}
                    </div>
                    <div className="jp-studio-PreviewTable-type">
                      {column.dtype}
                      {column.missing ? ` · ${column.missing} missing` : ''}
                    </div>
                    <MiniHistogram column={column} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((value, j) => (
                    <td key={j}>{cell(value)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
