/*
 * The evaluation being followed: its status, then the metrics of each
 * model as a table and a chart as soon as the model is scored.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import { StatusBadge } from '../../../components/status-badge';
import { VegaChart } from '../../../components/vega-chart';
import { LoadState } from '../../../utils/load-state';
import { comparisonTable, evaluationChartSpec } from '../charts';
import { ModelHubModel } from '../model';
import { ComparisonTable } from './comparison-table';

export function EvaluationResults(props: {
  model: ModelHubModel;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const run = props.model.evaluation;
  const result = run?.result ? LoadState.valueOf(run.result) : undefined;
  const table = result ? comparisonTable(result.rows) : null;
  const chart =
    result && result.chart && Object.keys(result.chart).length
      ? result.chart
      : result
        ? evaluationChartSpec(result.rows)
        : null;
  return (
    <section
      className="jp-studio-ModelHubResult"
      data-testid="studio-modelhub-evaluation"
    >
      {!run ? (
        <div className="jp-studio-muted">
          Metrics of the models show here side by side, each model as soon as it
          is scored.
        </div>
      ) : (
        <>
          <div className="jp-studio-JobDetail-titleRow">
            <h3 className="jp-studio-JobDetail-title">{run.job.name}</h3>
            <StatusBadge
              status={run.job.status}
              title={run.job.status_message}
            />
          </div>
          {run.job.status === 'Failed' && run.job.status_message ? (
            <pre className="jp-studio-StatusMessage jp-mod-error">
              {run.job.status_message}
            </pre>
          ) : null}
          {run.result?.status === 'error' ? (
            <div className="jp-studio-error">{run.result.error}</div>
          ) : null}
          {result && result.complete === false ? (
            <div className="jp-studio-muted" role="status">
              Scoring the next model… (the table grows as each model ends)
            </div>
          ) : null}
          {table && table.models.length ? (
            <ComparisonTable table={table} />
          ) : null}
          {chart && table?.models.length ? (
            <VegaChart
              spec={chart}
              rendermime={props.rendermime}
              label="Metrics by model"
              testId="studio-modelhub-evaluation-chart"
            />
          ) : null}
        </>
      )}
    </section>
  );
}
