/*
 * Runs side by side: parameters (the differing ones highlighted), latest
 * metrics, and a line chart of each metric over steps.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Button, folderIcon } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import type { IRunComparison } from '../../api/experiments';
import { formatTimestamp } from '../../utils/format';
import type { IPathOpener } from '../../tokens';
import { formatCell } from '../../components/response-table';
import {
  chartedMetrics,
  comparisonTable,
  IComparisonRow,
  metricChartSpec
} from './comparison';
import { RunStatusBadge } from './run-status';
import { VegaChart } from '../../components/vega-chart';

function Rows(props: {
  title: string;
  rows: IComparisonRow[];
  width: number;
}): JSX.Element | null {
  if (!props.rows.length) {
    return null;
  }
  return (
    <>
      <tr className="jp-studio-Comparison-section">
        <th colSpan={props.width} scope="rowgroup">
          {props.title}
        </th>
      </tr>
      {props.rows.map(row => (
        <tr
          key={`${row.section}:${row.key}`}
          data-testid={`studio-compare-${row.section}`}
          data-key={row.key}
          data-differs={row.differs}
          className={row.differs ? 'jp-mod-differs' : undefined}
        >
          <th scope="row" className="jp-studio-mono" title={row.key}>
            {row.key}
          </th>
          {row.values.map((value, i) => (
            <td
              key={i}
              className={`jp-studio-mono${row.section === 'metric' ? ' jp-studio-Table-num' : ''}`}
              title={value === null ? 'not logged' : String(value)}
            >
              {value === null ? (
                <span className="jp-studio-muted">—</span>
              ) : typeof value === 'number' ? (
                formatCell(value)
              ) : (
                value
              )}
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function ComparisonView(props: {
  comparison: IRunComparison;
  rendermime: IRenderMimeRegistry | null;
  opener: IPathOpener;
}): JSX.Element {
  const { comparison, opener } = props;
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const table = comparisonTable(comparison, onlyDiffering);
  const params = table.rows.filter(r => r.section === 'param');
  const metrics = table.rows.filter(r => r.section === 'metric');
  const charts = chartedMetrics(comparison);
  const width = table.runs.length + 1;
  return (
    <div className="jp-studio-Comparison" data-testid="studio-comparison">
      <div className="jp-studio-Comparison-toolbar">
        <label className="jp-studio-Checkbox">
          <input
            type="checkbox"
            checked={onlyDiffering}
            onChange={e => setOnlyDiffering(e.target.checked)}
          />
          Only parameters that differ
        </label>
      </div>
      <div className="jp-studio-Comparison-tableWrap">
        <table
          className="jp-studio-Table jp-studio-Table-compact jp-studio-Comparison-table"
          data-testid="studio-comparison-table"
        >
          <thead>
            <tr>
              <th scope="col">Run</th>
              {table.runs.map((run, i) => (
                <th
                  key={run.run_id}
                  scope="col"
                  data-testid="studio-compare-run"
                  data-run-id={run.run_id}
                  title={run.run_id}
                >
                  {table.labels[i]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Status</th>
              {table.runs.map(run => (
                <td key={run.run_id}>
                  <RunStatusBadge status={run.status} tags={run.tags} />
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">Started</th>
              {table.runs.map(run => (
                <td key={run.run_id} title={run.start_time ?? ''}>
                  {formatTimestamp(run.start_time)}
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">Experiment</th>
              {table.runs.map(run => (
                <td key={run.run_id}>{run.experiment_name ?? '—'}</td>
              ))}
            </tr>
            <tr>
              <th scope="row">Artifacts</th>
              {table.runs.map(run => (
                <td key={run.run_id}>
                  {run.artifact_path ? (
                    <Button
                      small
                      minimal
                      title={`Show ${run.artifact_path} in the file browser`}
                      onClick={() => opener.reveal(run.artifact_path!)}
                    >
                      <folderIcon.react
                        tag="span"
                        className="jp-studio-ButtonIcon"
                      />
                      Open
                    </Button>
                  ) : (
                    <span className="jp-studio-muted">—</span>
                  )}
                </td>
              ))}
            </tr>
            <Rows title="Metrics (latest)" rows={metrics} width={width} />
            <Rows title="Parameters" rows={params} width={width} />
          </tbody>
        </table>
      </div>
      {params.length === 0 && onlyDiffering ? (
        <div className="jp-studio-muted">Every parameter is the same.</div>
      ) : null}
      <h4 className="jp-studio-SectionTitle">Metrics over steps</h4>
      {charts.length ? (
        <div className="jp-studio-Comparison-charts">
          {charts.map(key => (
            <VegaChart
              key={key}
              label={`${key} over steps`}
              spec={metricChartSpec(comparison, key)}
              rendermime={props.rendermime}
            />
          ))}
        </div>
      ) : (
        <div className="jp-studio-muted">These runs logged no metrics.</div>
      )}
    </div>
  );
}
