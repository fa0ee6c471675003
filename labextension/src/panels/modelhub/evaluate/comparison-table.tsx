/*
 * The evaluation's metrics as a table: a column per model, a row per metric
 * (and perturbation), the best value of each row marked.
 */
import React from 'react';

import { formatMetric, IComparisonTable } from '../charts';

export function ComparisonTable(props: {
  table: IComparisonTable;
}): JSX.Element {
  const { table } = props;
  return (
    <table
      className="jp-studio-Table"
      data-testid="studio-modelhub-evaluation-table"
    >
      <thead>
        <tr>
          <th scope="col">Metric</th>
          {table.models.map(m => (
            <th key={m} scope="col" className="jp-studio-Table-num">
              {m}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map(r => (
          <tr key={`${r.metric}/${r.perturbation ?? ''}`}>
            <td>
              {r.metric}
              {r.perturbation ? (
                <span className="jp-studio-muted"> · {r.perturbation}</span>
              ) : null}
            </td>
            {r.values.map((v, i) => (
              <td
                key={i}
                className={`jp-studio-Table-num${r.best === i ? ' jp-studio-ModelHubBest' : ''}`}
              >
                {formatMetric(v)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
