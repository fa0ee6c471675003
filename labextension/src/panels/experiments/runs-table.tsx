/*
 * The runs table: a checkbox to select runs for comparison, and sortable
 * columns for the status, the start time and every param and metric key.
 */
import { folderIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { IRun } from '../../api/experiments';
import { formatTimestamp } from '../../utils/format';
import type { IPathOpener } from '../../tokens';
import { formatCell } from '../../components/response-table';
import { MAX_COMPARED } from './comparison';
import {
  IRunColumn,
  IRunSort,
  runColumns,
  runLabel,
  sortRuns
} from './run-columns';
import { RunStatusBadge } from './run-status';

function SortHeader(props: {
  column: IRunColumn;
  sort: IRunSort | null;
  onSort: (column: string) => void;
  className?: string;
}): JSX.Element {
  const { column, sort } = props;
  const active = sort?.column === column.id;
  const direction = active ? sort!.direction : null;
  return (
    <th
      scope="col"
      className={props.className}
      aria-sort={
        direction === 'asc'
          ? 'ascending'
          : direction === 'desc'
            ? 'descending'
            : 'none'
      }
      data-column={column.id}
    >
      <button
        className="jp-studio-SortButton"
        title={`Sort by ${column.label}`}
        onClick={() => props.onSort(column.id)}
      >
        {column.label}
        <span className="jp-studio-SortButton-arrow" aria-hidden="true">
          {direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : ''}
        </span>
      </button>
    </th>
  );
}

export function RunsTable(props: {
  runs: IRun[];
  sort: IRunSort | null;
  selectedIds: readonly string[];
  /** Show each run's experiment (when listing every experiment). */
  showExperiment: boolean;
  opener: IPathOpener;
  onSort: (column: string) => void;
  onToggle: (runId: string) => void;
  onOpenJob: (jobId: string) => void;
}): JSX.Element {
  const { runs, sort, selectedIds, opener } = props;
  const columns = runColumns(runs);
  const fixed = columns.filter(c => c.kind !== 'param' && c.kind !== 'metric');
  const params = columns.filter(c => c.kind === 'param');
  const metrics = columns.filter(c => c.kind === 'metric');
  const sorted = sortRuns(runs, columns, sort);
  const full = selectedIds.length >= MAX_COMPARED;
  return (
    <table
      className="jp-studio-Table jp-studio-RunsTable"
      data-testid="studio-runs-table"
    >
      <thead>
        <tr className="jp-studio-RunsTable-groups">
          <th colSpan={fixed.length + 1} />
          {metrics.length ? (
            <th colSpan={metrics.length} className="jp-studio-RunsTable-group">
              Metrics
            </th>
          ) : null}
          {params.length ? (
            <th colSpan={params.length} className="jp-studio-RunsTable-group">
              Parameters
            </th>
          ) : null}
          <th />
        </tr>
        <tr>
          <th scope="col" className="jp-studio-RunsTable-check">
            <span className="jp-studio-visuallyHidden">Select</span>
          </th>
          {fixed.map(c => (
            <SortHeader
              key={c.id}
              column={c}
              sort={sort}
              onSort={props.onSort}
            />
          ))}
          {metrics.map((c, i) => (
            <SortHeader
              key={c.id}
              column={c}
              sort={sort}
              onSort={props.onSort}
              className={`jp-studio-Table-num${i === 0 ? ' jp-studio-RunsTable-first' : ''}`}
            />
          ))}
          {params.map((c, i) => (
            <SortHeader
              key={c.id}
              column={c}
              sort={sort}
              onSort={props.onSort}
              className={i === 0 ? 'jp-studio-RunsTable-first' : undefined}
            />
          ))}
          <th scope="col">
            <span className="jp-studio-visuallyHidden">Artifacts</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sorted.map(run => {
          const checked = selectedIds.includes(run.run_id);
          const label = runLabel(run);
          return (
            <tr
              key={run.run_id}
              data-testid="studio-run-row"
              data-run-id={run.run_id}
              data-name={label}
              className={`jp-studio-Table-row${checked ? ' jp-mod-selected' : ''}`}
              onClick={event => {
                const target = event.target as HTMLElement;
                if (!target.closest('button, input, a')) {
                  props.onToggle(run.run_id);
                }
              }}
            >
              <td className="jp-studio-RunsTable-check">
                <input
                  type="checkbox"
                  aria-label={`Select run ${label}`}
                  checked={checked}
                  disabled={!checked && full}
                  title={
                    !checked && full
                      ? `At most ${MAX_COMPARED} runs can be compared`
                      : 'Select for comparison'
                  }
                  onChange={() => props.onToggle(run.run_id)}
                />
              </td>
              <td className="jp-studio-Table-name" title={run.run_id}>
                {label}
                {props.showExperiment && run.experiment_name ? (
                  <div className="jp-studio-muted jp-studio-RunsTable-sub">
                    {run.experiment_name}
                  </div>
                ) : null}
              </td>
              <td>
                <RunStatusBadge status={run.status} tags={run.tags} />
              </td>
              <td title={run.start_time ?? ''}>
                {formatTimestamp(run.start_time)}
              </td>
              {metrics.map((c, i) => {
                const value = run.metrics[c.key!];
                return (
                  <td
                    key={c.id}
                    className={`jp-studio-Table-num${i === 0 ? ' jp-studio-RunsTable-first' : ''}`}
                    title={value === undefined ? '' : String(value)}
                  >
                    {value === undefined ? '' : formatCell(value)}
                  </td>
                );
              })}
              {params.map((c, i) => (
                <td
                  key={c.id}
                  className={`jp-studio-mono${i === 0 ? ' jp-studio-RunsTable-first' : ''}`}
                  title={run.params[c.key!] ?? ''}
                >
                  {run.params[c.key!] ?? ''}
                </td>
              ))}
              <td className="jp-studio-RunsTable-actions">
                {run.job_id ? (
                  <button
                    className="jp-studio-linkButton"
                    title={`Show job ${run.job_id} in the Jobs panel`}
                    onClick={() => props.onOpenJob(run.job_id!)}
                  >
                    job
                  </button>
                ) : null}
                {run.artifact_path ? (
                  <button
                    className="jp-studio-linkButton"
                    title={`Show the artifacts (${run.artifact_path}) in the file browser`}
                    aria-label={`Open the artifacts of ${label}`}
                    onClick={() => opener.reveal(run.artifact_path!)}
                  >
                    <folderIcon.react
                      tag="span"
                      className="jp-studio-ButtonIcon"
                    />
                    artifacts
                  </button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
