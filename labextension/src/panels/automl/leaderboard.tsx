/*
 * The live leaderboard of an AutoML experiment: rank, candidate and status
 * first, then the objective and the other metrics, then the algorithm and
 * the training time, so a narrow panel shows what matters without scrolling.
 * A candidate that did not finish says why in the row itself (not only in a
 * tooltip); its settings expand below the row.
 */
import React, { useState } from 'react';

import type { ILeaderboardRow } from '../../api/automl';
import { AutoMLModel } from './model';

/** Metric columns shown in the leaderboard besides the objective. */
const SHOWN_METRICS = 3;

/** Candidate statuses as people read them. */
const STATUS_LABELS: Record<string, string> = {
  completed: 'Completed',
  partial: 'Partial',
  skipped: 'Skipped',
  failed: 'Failed',
  pruned: 'Pruned',
  pending: 'Pending'
};

/** A candidate's status for people (`skipped` -> `Skipped`). */
export function candidateStatusLabel(status: string): string {
  return (
    STATUS_LABELS[status] ??
    (status ? status.charAt(0).toUpperCase() + status.slice(1) : '—')
  );
}

/** A number for a table cell (5 significant digits, '—' when missing). */
export function formatValue(v: number | null | undefined): string {
  return v === null || v === undefined
    ? '—'
    : Number(v.toPrecision(5)).toString();
}

/** A coloured pill for a candidate's status, its reason readable below it. */
function CandidateStatus(props: { row: ILeaderboardRow }): JSX.Element {
  const { status, failure_reason: reason } = props.row;
  return (
    <>
      <span
        className={`jp-studio-StatusBadge jp-studio-AutoMLStatus-${status}`}
        data-status={status}
      >
        <span className="jp-studio-StatusBadge-dot" aria-hidden="true" />
        {candidateStatusLabel(status)}
      </span>
      {reason ? (
        <div
          className="jp-studio-muted jp-studio-AutoMLReason"
          data-testid="automl-status-reason"
        >
          {reason}
        </div>
      ) : null}
    </>
  );
}

function LeaderboardRow(props: {
  model: AutoMLModel;
  row: ILeaderboardRow;
  metricNames: string[];
  selected: boolean;
  open: boolean;
  onToggle: () => void;
}): JSX.Element {
  const { row: r, model, metricNames } = props;
  const columns = 6 + metricNames.length;
  return (
    <>
      <tr
        className={`jp-studio-Table-row${props.selected ? ' jp-mod-selected' : ''}${r.best ? ' jp-studio-AutoMLBest' : ''}`}
        data-testid="automl-leaderboard-row"
        data-best={r.best ? 'true' : 'false'}
        data-saved={r.saved ? 'true' : 'false'}
        data-candidate={r.candidate}
        data-status={r.status}
        onClick={() =>
          r.status === 'completed' &&
          model.selectCandidate(r.best ? null : r.candidate)
        }
      >
        <td className="jp-studio-Table-num">{r.rank}</td>
        <td className="jp-studio-Table-name">
          {r.best ? (
            <span className="jp-studio-Tag" aria-label="Best on validation">
              ★ best
            </span>
          ) : null}{' '}
          {r.candidate}
          <button
            type="button"
            className="jp-studio-linkButton"
            aria-expanded={props.open}
            onClick={e => {
              e.stopPropagation();
              props.onToggle();
            }}
          >
            {props.open ? 'hide settings' : 'settings'}
          </button>
        </td>
        <td className="jp-studio-AutoMLStatusCell">
          <CandidateStatus row={r} />
        </td>
        <td className="jp-studio-Table-num">{formatValue(r.objective)}</td>
        {metricNames.map(m => (
          <td key={m} className="jp-studio-Table-num">
            {formatValue(r.metrics[m])}
          </td>
        ))}
        <td>{r.algorithm}</td>
        <td className="jp-studio-Table-num">
          {formatValue(r.training_seconds)}
        </td>
      </tr>
      {props.open ? (
        <tr className="jp-studio-Table-note">
          <td colSpan={columns}>
            <pre className="jp-studio-AutoMLParams">
              {JSON.stringify(r.hyperparameters, null, 1)}
            </pre>
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** The leaderboard table; a click on a finished candidate shows its results. */
export function Leaderboard(props: {
  model: AutoMLModel;
  rows: ILeaderboardRow[];
  selected: string | null;
}): JSX.Element {
  const { rows, model } = props;
  const objective = rows[0]?.objective_metric;
  const metricNames = Array.from(
    new Set(rows.flatMap(r => Object.keys(r.metrics)))
  )
    .filter(m => m !== objective)
    .slice(0, SHOWN_METRICS);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="jp-studio-TableScroll">
      <table className="jp-studio-Table" data-testid="automl-leaderboard">
        <thead>
          <tr>
            <th scope="col" className="jp-studio-Table-num">
              #
            </th>
            <th scope="col">Candidate</th>
            <th scope="col">Status</th>
            <th scope="col" className="jp-studio-Table-num">
              {objective ?? 'objective'} (validation)
            </th>
            {metricNames.map(m => (
              <th key={m} scope="col" className="jp-studio-Table-num">
                {m}
              </th>
            ))}
            <th scope="col">Algorithm</th>
            <th scope="col" className="jp-studio-Table-num">
              Seconds
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(r => (
            <LeaderboardRow
              key={r.candidate}
              model={model}
              row={r}
              metricNames={metricNames}
              selected={
                props.selected === r.candidate || (!props.selected && r.best)
              }
              open={open === r.candidate}
              onToggle={() =>
                setOpen(open === r.candidate ? null : r.candidate)
              }
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
