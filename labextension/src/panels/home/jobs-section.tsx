import { addIcon, Button, stopIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { IJob, isStoppable } from '../../api/jobs';
import { errorMessage } from '../../api/request';
import { ElapsedTime } from '../../components/elapsed-time';
import { LogTailModel } from '../../components/log-tail';
import { LogViewer } from '../../components/log-viewer';
import { ProgressBar } from '../../components/progress-bar';
import { StatusBadge } from '../../components/status-badge';
import { displayProgress } from '../../utils/format';
import { LoadState } from '../../utils/load-state';
import { HomeModel } from './model';

/**
 * The "Jobs" section of the home panel: the most recent jobs.
 */
export function JobsSection(props: {
  model: HomeModel;
  onOpenJob: (jobId: string) => void;
  onOpenJobs: () => void;
  onNewJob: () => void;
}): JSX.Element {
  const { model } = props;
  const page = LoadState.valueOf(model.jobs);
  const loadError = LoadState.errorOf(model.jobs);
  const [error, setError] = useState<string | null>(null);
  const [logJobId, setLogJobId] = useState<string | null>(null);
  const [logModel, setLogModel] = useState<LogTailModel | null>(null);

  // One live log at a time, tailed while it is shown and disposed when hidden.
  useEffect(() => {
    if (!logJobId) {
      setLogModel(null);
      return;
    }
    const tail = LogTailModel.forJob(logJobId, model.connection.serverSettings);
    setLogModel(tail);
    return () => tail.dispose();
  }, [logJobId, model]);

  const stop = async (job: IJob) => {
    setError(null);
    try {
      await model.stopJob(job.job_id);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section
      className="jp-studio-Section"
      data-testid="studio-home-jobs"
      aria-label="Jobs"
    >
      <div className="jp-studio-Section-header">
        <h3>Jobs</h3>
        <div className="jp-studio-Section-actions">
          <Button
            small
            minimal
            title="Open the Jobs panel"
            onClick={props.onOpenJobs}
          >
            Open Jobs
          </Button>
          <Button
            small
            className="jp-studio-secondary"
            title="Start a job (a Python script, by default)"
            onClick={props.onNewJob}
          >
            <addIcon.react tag="span" className="jp-studio-ButtonIcon" />
            New job
          </Button>
        </div>
      </div>
      {error || loadError ? (
        <div className="jp-studio-error" role="alert">
          {error ?? loadError}
        </div>
      ) : null}
      {model.jobs.status === 'loading' ? (
        <div className="jp-studio-muted">Loading jobs…</div>
      ) : page?.items.length === 0 ? (
        <div className="jp-studio-muted">
          No jobs yet. Right-click a .py file and choose “Run as Studio job”.
        </div>
      ) : (
        <ul className="jp-studio-JobList">
          {(page?.items ?? []).map(job => (
            <li
              key={job.job_id}
              className="jp-studio-JobItem"
              data-testid="studio-home-job"
              data-job-id={job.job_id}
              data-status={job.status}
            >
              <div className="jp-studio-JobItem-top">
                <button
                  className="jp-studio-linkButton jp-studio-JobItem-name"
                  title={`Show ${job.name} in the Jobs panel`}
                  onClick={() => props.onOpenJob(job.job_id)}
                >
                  {job.name}
                </button>
                <Button
                  small
                  minimal
                  aria-label={logJobId === job.job_id ? 'Hide log' : 'Show log'}
                  aria-expanded={logJobId === job.job_id}
                  title={
                    logJobId === job.job_id
                      ? 'Hide the live log'
                      : `Show the live log of ${job.name}`
                  }
                  onClick={() =>
                    setLogJobId(logJobId === job.job_id ? null : job.job_id)
                  }
                >
                  {logJobId === job.job_id ? 'Hide log' : 'Log'}
                </Button>
                {isStoppable(job.status) ? (
                  <Button
                    small
                    minimal
                    className="jp-studio-dangerText"
                    aria-label="Stop job"
                    title={`Stop ${job.name}`}
                    onClick={() => void stop(job)}
                  >
                    <stopIcon.react tag="span" />
                  </Button>
                ) : null}
              </div>
              <div className="jp-studio-JobItem-meta">
                <StatusBadge status={job.status} title={job.status_message} />
                <ElapsedTime
                  job={job}
                  receivedAt={page?.receivedAt ?? Date.now()}
                />
              </div>
              <ProgressBar
                compact
                progress={displayProgress(job)}
                message={job.progress_message}
                status={job.status}
              />
              {job.status === 'Failed' && job.status_message ? (
                <div
                  className="jp-studio-JobItem-reason"
                  title={job.status_message}
                >
                  {job.status_message}
                </div>
              ) : job.progress_message &&
                !['Completed', 'Failed', 'Stopped'].includes(job.status) ? (
                <div
                  className="jp-studio-JobItem-message"
                  title={job.progress_message}
                >
                  {job.progress_message}
                </div>
              ) : null}
              {logJobId === job.job_id ? (
                <LogViewer
                  model={logModel}
                  className="jp-studio-HomeLog"
                  emptyText="Loading log…"
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
