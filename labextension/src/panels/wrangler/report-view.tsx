/*
 * The Data Quality and Insights report of a node: summary, target, quick
 * model, issues with severity and advice, features, charts.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import type { IInsightsReport } from '../../api/wrangler';
import { VegaChart } from '../../components/vega-chart';

function pct(value: number | null | undefined): string {
  return value === null || value === undefined
    ? ''
    : `${(value * 100).toFixed(1)}%`;
}

export function ReportView(props: {
  report: IInsightsReport;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { report } = props;
  const { summary } = report;
  const severityOrder = { high: 0, medium: 1, low: 2 };
  const issues = [...report.issues].sort(
    (a, b) => severityOrder[a.severity] - severityOrder[b.severity]
  );
  return (
    <div className="jp-studio-Report" data-testid="studio-insights-report">
      <h2>
        Data Quality and Insights: {report.title}{' '}
        <span className="jp-studio-muted">
          ({report.scope === 'all' ? 'all rows' : 'sample'},{' '}
          {report.elapsed_seconds.toFixed(1)} s)
        </span>
      </h2>
      <section>
        <h3>Summary</h3>
        <dl className="jp-studio-Report-summary">
          <dt>Rows</dt>
          <dd>{summary.rows.toLocaleString()}</dd>
          <dt>Columns</dt>
          <dd>{summary.columns.toLocaleString()}</dd>
          <dt>Types</dt>
          <dd>
            {Object.entries(summary.column_types)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}
          </dd>
          <dt>Missing cells</dt>
          <dd>
            {summary.missing_cells.toLocaleString()} (
            {pct(summary.missing_fraction)})
          </dd>
          <dt>Duplicate rows</dt>
          <dd>{summary.duplicate_rows.toLocaleString()}</dd>
        </dl>
      </section>
      <section>
        <h3>Issues ({issues.length})</h3>
        {issues.length === 0 ? (
          <div className="jp-studio-muted">No issues found.</div>
        ) : (
          <ul className="jp-studio-Report-issues">
            {issues.map((issue, i) => (
              <li key={i} data-severity={issue.severity}>
                <span
                  className={`jp-studio-Severity jp-studio-Severity-${issue.severity}`}
                >
                  {issue.severity}
                </span>{' '}
                <strong>{issue.title}</strong>
                <div>{issue.detail}</div>
                <div className="jp-studio-muted">Advice: {issue.advice}</div>
              </li>
            ))}
          </ul>
        )}
      </section>
      {report.target ? (
        <section>
          <h3>Target: {report.target.name}</h3>
          <div>
            {report.target.problem_type}
            {report.target.imbalance_ratio !== null
              ? `, imbalance ratio ${report.target.imbalance_ratio.toFixed(2)}`
              : ''}
            {report.target.missing ? `, ${report.target.missing} missing` : ''}
          </div>
        </section>
      ) : null}
      {report.quick_model ? (
        <section>
          <h3>Quick model</h3>
          <div>
            {report.quick_model.model}: {report.quick_model.metric}{' '}
            <strong>{report.quick_model.score.toFixed(3)}</strong> (
            {report.quick_model.folds}-fold cross-validation on{' '}
            {report.quick_model.rows_used.toLocaleString()} rows)
          </div>
        </section>
      ) : null}
      {Object.keys(report.charts).length ? (
        <section className="jp-studio-Report-charts">
          {Object.entries(report.charts).map(([name, spec]) => (
            <VegaChart
              key={name}
              spec={spec}
              rendermime={props.rendermime}
              label={name}
              testId="studio-report-chart"
            />
          ))}
        </section>
      ) : null}
      <section>
        <h3>Features</h3>
        <table className="jp-studio-table">
          <thead>
            <tr>
              <th>Column</th>
              <th>Type</th>
              <th>Missing</th>
              <th>Unique</th>
              <th>Outliers</th>
              <th>Prediction power</th>
            </tr>
          </thead>
          <tbody>
            {report.features.map(f => (
              <tr key={f.name}>
                <td>{f.name}</td>
                <td>{f.dtype}</td>
                <td>{pct(f.missing_fraction)}</td>
                <td>{f.unique.toLocaleString()}</td>
                <td>{pct(f.outlier_fraction)}</td>
                <td>
                  {f.prediction_power === null
                    ? ''
                    : f.prediction_power.toFixed(3)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {Object.keys(report.definitions).length ? (
        <section>
          <h3>Definitions</h3>
          <dl className="jp-studio-Report-definitions">
            {Object.entries(report.definitions).map(([k, v]) => (
              <React.Fragment key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </React.Fragment>
            ))}
          </dl>
        </section>
      ) : null}
    </div>
  );
}
