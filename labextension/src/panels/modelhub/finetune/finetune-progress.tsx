/*
 * The fine-tuning being followed: its status, the live loss chart, Stop and
 * Resume (from the last checkpoint), its files, and what to do once it has
 * completed.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Button } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { isStoppable, isTerminal } from '../../../api/jobs';
import { errorMessage } from '../../../api/request';
import { StatusBadge } from '../../../components/status-badge';
import { VegaChart } from '../../../components/vega-chart';
import type { IPathOpener } from '../../../tokens';
import { LoadState } from '../../../utils/load-state';
import { lossChartSpec } from '../charts';
import { ModelHubModel } from '../model';

export function FinetuneProgress(props: {
  model: ModelHubModel;
  rendermime: IRenderMimeRegistry | null;
  opener: IPathOpener;
}): JSX.Element | null {
  const { model } = props;
  const run = model.finetune;
  const [error, setError] = useState<string | null>(null);
  if (!run) {
    return (
      <div className="jp-studio-ModelHubResult jp-studio-muted">
        The loss curve of the fine-tuning shows here while it trains.
      </div>
    );
  }
  const points = LoadState.valueOf(run.loss)?.points ?? [];
  const checkpoint = LoadState.valueOf(run.loss)?.checkpoint ?? null;
  const job = run.job;
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section
      className="jp-studio-ModelHubResult"
      data-testid="studio-modelhub-finetune-job"
      data-job-id={job.job_id}
      data-status={job.status}
    >
      <div className="jp-studio-JobDetail-titleRow">
        <h3 className="jp-studio-JobDetail-title">{job.name}</h3>
        <StatusBadge status={job.status} title={job.status_message} />
      </div>
      <div className="jp-studio-muted">
        {run.request.model_id} on {run.request.data} ·{' '}
        {points.length
          ? `step ${points[points.length - 1].step} of ${run.request.max_steps}, loss ${points[points.length - 1].loss.toFixed(4)}`
          : job.progress_message || 'waiting for the first step'}
      </div>
      {job.status_message && job.status !== 'Completed' ? (
        <pre className="jp-studio-StatusMessage">{job.status_message}</pre>
      ) : null}
      {points.length ? (
        <VegaChart
          spec={lossChartSpec(points)}
          rendermime={props.rendermime}
          label="Training loss by step"
          testId="studio-modelhub-loss-chart"
        />
      ) : null}
      {run.loss.status === 'error' ? (
        <div className="jp-studio-error">{run.loss.error}</div>
      ) : null}
      <div className="jp-studio-ModelHubRow">
        <Button
          small
          className="jp-studio-danger"
          disabled={!isStoppable(job.status)}
          title="Stop training; the last checkpoint is kept"
          onClick={() => void act(() => model.stopFinetune())}
        >
          Stop
        </Button>
        <Button
          small
          className="jp-studio-secondary"
          disabled={
            !(job.status === 'Stopped' || job.status === 'Failed') ||
            !checkpoint
          }
          title={
            checkpoint
              ? `Train again from ${checkpoint}`
              : 'Resume needs a checkpoint of a stopped job'
          }
          onClick={() => void act(() => model.resumeFinetune())}
        >
          Resume
        </Button>
        {checkpoint ? (
          <button
            className="jp-studio-linkButton"
            onClick={() => props.opener.reveal(checkpoint)}
          >
            checkpoint
          </button>
        ) : null}
        {job.output_path ? (
          <button
            className="jp-studio-linkButton"
            onClick={() => props.opener.reveal(job.output_path!)}
          >
            output folder
          </button>
        ) : null}
        {job.log_path ? (
          <button
            className="jp-studio-linkButton"
            onClick={() => props.opener.openFile(job.log_path!)}
          >
            log
          </button>
        ) : null}
      </div>
      {isTerminal(job.status) && job.status === 'Completed' ? (
        <Button
          small
          className="jp-studio-primary"
          title="Evaluate the base model against the tuned version"
          onClick={() => void act(() => model.compareWithBase())}
        >
          Compare with the base model
        </Button>
      ) : null}
      {isTerminal(job.status) && job.status === 'Completed' ? (
        <div className="jp-studio-muted">
          Registered as {run.request.output_model_name}: deploy it from the
          Models panel or find it in the catalogue (source: registry).
        </div>
      ) : null}
      {error ? (
        <div className="jp-studio-error" role="alert">
          {error}
        </div>
      ) : null}
    </section>
  );
}
