import {
  Button,
  fileIcon,
  folderIcon,
  refreshIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { IArtifact, IJob, isStoppable } from '../../api/jobs';
import { errorMessage } from '../../api/request';
import { DetailHeader } from '../../components/detail-header';
import { ElapsedTime } from '../../components/elapsed-time';
import { LogViewer } from '../../components/log-viewer';
import { ProgressBar } from '../../components/progress-bar';
import { StatusBadge } from '../../components/status-badge';
import { useSignal } from '../../components/use-signal';
import {
  displayProgress,
  formatBytes,
  formatDuration,
  formatTimestamp
} from '../../utils/format';
import { LoadState } from '../../utils/load-state';
import { shellJoin } from '../../utils/shell-split';
import { NO_SPACE, spaceDisplayName } from '../../utils/spaces';
import { modelFolders, suggestModelName } from '../../utils/model-folders';
import { registerModelHandler } from '../../components/register-action';
import type { IPathOpener } from '../../tokens';
import { JobsModel } from './model';

/**
 * The detail pane of the selected job.
 */
export function JobDetail(props: {
  model: JobsModel;
  job: IJob;
  opener: IPathOpener;
  onClose: () => void;
}): JSX.Element {
  const { model, job, opener } = props;
  useSignal(model.log?.changed);
  const [stopError, setStopError] = useState<string | null>(null);
  const [stopping, setStopping] = useState(false);

  const retry = async () => {
    setStopError(null);
    try {
      await model.retry(job.job_id);
    } catch (error) {
      setStopError(errorMessage(error));
    }
  };

  const stop = async () => {
    setStopError(null);
    setStopping(true);
    try {
      await model.stop(job.job_id);
    } catch (error) {
      setStopError(errorMessage(error));
    } finally {
      setStopping(false);
    }
  };

  const failed = job.status === 'Failed';
  const space = model.spaceById(job.space_id);
  const artifacts = LoadState.valueOf(model.artifacts) ?? [];
  return (
    <section
      className="jp-studio-JobDetail"
      data-testid="studio-job-detail"
      data-job-id={job.job_id}
      aria-label={`Job ${job.name}`}
    >
      <DetailHeader
        title={job.name}
        tooltip={job.name}
        badges={<StatusBadge status={job.status} title={job.status_message} />}
        actions={
          isStoppable(job.status) ? (
            <Button
              small
              className="jp-studio-danger"
              aria-label="Stop job"
              title="Stop this job"
              disabled={stopping}
              onClick={stop}
            >
              <stopIcon.react tag="span" className="jp-studio-ButtonIcon" />
              Stop
            </Button>
          ) : (
            <Button
              small
              className="jp-studio-secondary"
              aria-label="Retry job"
              title="Run this job again with the same parameters"
              onClick={() => void retry()}
            >
              Retry
            </Button>
          )
        }
        onClose={props.onClose}
        closeLabel="Close job details"
      />
      {stopError ? (
        <div className="jp-studio-error" role="alert">
          {stopError}
        </div>
      ) : null}
      {job.status_message ? (
        <div
          className={`jp-studio-StatusMessage${failed ? ' jp-mod-error' : ''}`}
          data-testid="studio-job-status-message"
        >
          {job.status_message}
        </div>
      ) : null}

      <ProgressBar
        progress={displayProgress(job)}
        message={
          job.status === 'Failed' || job.status === 'Stopped'
            ? null
            : job.progress_message
        }
        status={job.status}
      />

      <dl className="jp-studio-Properties">
        <dt>Job ID</dt>
        <dd className="jp-studio-mono">{job.job_id}</dd>
        <dt>Kind</dt>
        <dd>{job.kind}</dd>
        <dt>Owner</dt>
        <dd>{job.owner}</dd>
        <dt>Space</dt>
        <dd
          data-testid="studio-job-detail-space"
          data-space-id={job.space_id ?? ''}
        >
          {space && space.path !== null ? (
            <button
              className="jp-studio-linkButton"
              title={`Show ${space.path} in the file browser`}
              onClick={() => opener.reveal(space.path!)}
            >
              <folderIcon.react tag="span" className="jp-studio-ButtonIcon" />
              {space.name}
              {space.kind === 'shared' ? (
                <span className="jp-studio-muted"> (shared)</span>
              ) : null}
            </button>
          ) : job.space_id ? (
            <span title={job.space_id}>
              {space ? space.name : spaceDisplayName(job.space_id, [])}
            </span>
          ) : (
            <span className="jp-studio-muted">{NO_SPACE}</span>
          )}
        </dd>
        <dt>Created</dt>
        <dd title={job.created_at}>{formatTimestamp(job.created_at)}</dd>
        <dt>Started</dt>
        <dd title={job.started_at ?? ''}>{formatTimestamp(job.started_at)}</dd>
        <dt>Ended</dt>
        <dd title={job.ended_at ?? ''}>{formatTimestamp(job.ended_at)}</dd>
        <dt>Elapsed</dt>
        <dd>
          <ElapsedTime job={job} receivedAt={model.selectedReceivedAt} />
        </dd>
        <dt>Max runtime</dt>
        <dd>
          {job.max_runtime_seconds
            ? formatDuration(job.max_runtime_seconds)
            : '—'}
        </dd>
        {job.exit_code !== null && job.exit_code !== undefined ? (
          <>
            <dt>Exit code</dt>
            <dd>{job.exit_code}</dd>
          </>
        ) : null}
      </dl>

      <h4 className="jp-studio-SectionTitle">Parameters</h4>
      <Parameters job={job} opener={opener} />

      <h4 className="jp-studio-SectionTitle">Output</h4>
      <div className="jp-studio-OutputRow">
        {job.output_path ? (
          <>
            <code className="jp-studio-path" title={job.output_path}>
              {job.output_path}
            </code>
            <Button
              small
              className="jp-studio-secondary"
              title="Show the output folder in the file browser"
              onClick={() => opener.reveal(job.output_path!)}
            >
              <folderIcon.react tag="span" className="jp-studio-ButtonIcon" />
              Open output folder
            </Button>
          </>
        ) : (
          <span className="jp-studio-muted">
            The output folder is outside the file browser root.
          </span>
        )}
      </div>

      <h4 className="jp-studio-SectionTitle">
        Artifacts
        <span className="jp-studio-count">{artifacts.length}</span>
      </h4>
      {model.artifacts.status === 'error' ? (
        <div className="jp-studio-error">{model.artifacts.error}</div>
      ) : null}
      <RegisterModelActions job={job} artifacts={artifacts} />
      {model.artifacts.status === 'loading' ? (
        <div className="jp-studio-muted">Loading artifacts…</div>
      ) : artifacts.length === 0 ? (
        model.artifacts.status === 'ready' ? (
          <div className="jp-studio-muted">
            No artifacts yet. Files the job writes to its output folder appear
            here.
          </div>
        ) : null
      ) : (
        <ul className="jp-studio-Artifacts" data-testid="studio-job-artifacts">
          {artifacts.map(artifact => (
            <ArtifactItem
              key={artifact.name}
              artifact={artifact}
              opener={opener}
            />
          ))}
        </ul>
      )}

      <h4 className="jp-studio-SectionTitle">
        Log
        {job.log_path ? (
          <button
            className="jp-studio-linkButton jp-studio-SectionTitle-action"
            title={`Open ${job.log_path}`}
            onClick={() => opener.openFile(job.log_path!)}
          >
            Open log file
          </button>
        ) : null}
        {model.log && !model.log.complete ? (
          <Button
            small
            minimal
            title="Read new output now"
            aria-label="Refresh log"
            onClick={() => void model.log?.refresh()}
          >
            <refreshIcon.react tag="span" />
          </Button>
        ) : null}
      </h4>
      <LogViewer model={model.log} className="jp-studio-JobDetail-log" />
    </section>
  );
}

/**
 * One artifact: its name (relative to the output folder), opened with a
 * click when it is inside the file browser, and its size.
 */
function ArtifactItem(props: {
  artifact: IArtifact;
  opener: IPathOpener;
}): JSX.Element {
  const { artifact, opener } = props;
  const path = artifact.path;
  return (
    <li className="jp-studio-Artifact" data-name={artifact.name}>
      {path !== null ? (
        <button
          className="jp-studio-linkButton"
          title={`Open ${path}`}
          onClick={() => opener.openFile(path)}
        >
          <fileIcon.react tag="span" className="jp-studio-ButtonIcon" />
          {artifact.name}
        </button>
      ) : (
        <span title="Outside the file browser">{artifact.name}</span>
      )}
      <span className="jp-studio-muted">{formatBytes(artifact.size)}</span>
      {path !== null ? (
        <Button
          small
          minimal
          title="Show in the file browser"
          aria-label={`Show ${artifact.name} in the file browser`}
          onClick={() => opener.reveal(path)}
        >
          <folderIcon.react tag="span" />
        </Button>
      ) : null}
    </li>
  );
}

/**
 * "Register model" for each MLflow model folder (a folder with an `MLmodel`
 * file) among the artifacts, when the Models panel is available.
 */
function RegisterModelActions(props: {
  job: IJob;
  artifacts: IArtifact[];
}): JSX.Element | null {
  const { job } = props;
  const register = registerModelHandler();
  const folders = modelFolders(props.artifacts).filter(f => f.path !== null);
  if (!register || !folders.length) {
    return null;
  }
  return (
    <ul
      className="jp-studio-Artifacts jp-studio-ModelFolders"
      data-testid="studio-job-model-folders"
    >
      {folders.map(folder => (
        <li key={folder.name} className="jp-studio-Artifact">
          <span className="jp-studio-mono" title={folder.path ?? ''}>
            MLflow model: {folder.name || 'output folder'}
          </span>
          <Button
            small
            className="jp-studio-secondary"
            title={`Register ${folder.path} as a model version`}
            aria-label={`Register model ${folder.name || 'output folder'}`}
            onClick={() =>
              register({
                path: folder.path!,
                name: suggestModelName(folder.name, job.name),
                spaceId: job.space_id
              })
            }
          >
            Register model
          </Button>
        </li>
      ))}
    </ul>
  );
}

/**
 * The job's parameters; script and input paths are clickable.
 */
function Parameters(props: { job: IJob; opener: IPathOpener }): JSX.Element {
  const { job, opener } = props;
  const entries = Object.entries(job.parameters ?? {});
  if (!entries.length) {
    return <div className="jp-studio-muted">No parameters.</div>;
  }
  return (
    <dl className="jp-studio-Properties" data-testid="studio-job-parameters">
      {entries.map(([key, value]) => (
        <React.Fragment key={key}>
          <dt>{key}</dt>
          <dd>{renderParameter(key, value, opener)}</dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

function renderParameter(
  key: string,
  value: unknown,
  opener: IPathOpener
): React.ReactNode {
  if (key === 'script' && typeof value === 'string') {
    return (
      <button
        className="jp-studio-linkButton jp-studio-mono"
        title={`Open ${value}`}
        onClick={() => opener.openFile(value)}
      >
        {value}
      </button>
    );
  }
  if (key === 'arguments' && Array.isArray(value)) {
    return value.length ? (
      <code className="jp-studio-mono">{shellJoin(value.map(String))}</code>
    ) : (
      <span className="jp-studio-muted">none</span>
    );
  }
  const allStrings =
    Array.isArray(value) && value.every(v => typeof v === 'string');
  if (key === 'inputs' && Array.isArray(value) && allStrings) {
    return value.length ? (
      <span className="jp-studio-pathList">
        {value.map(String).map(path => (
          <button
            key={path}
            className="jp-studio-linkButton jp-studio-mono"
            onClick={() => opener.reveal(path)}
          >
            {path}
          </button>
        ))}
      </span>
    ) : (
      <span className="jp-studio-muted">none</span>
    );
  }
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return <span className="jp-studio-mono">{String(value)}</span>;
  }
  if (value === null || value === undefined) {
    return <span className="jp-studio-muted">—</span>;
  }
  if (Array.isArray(value) && value.length && value.every(isTransfer)) {
    // a processor's inputs and outputs: where each comes from and where it goes
    return (
      <span className="jp-studio-pathList">
        {value.map(item => (
          <code
            key={`${item.source}->${item.destination}`}
            className="jp-studio-mono"
          >
            {`${item.source} → ${item.destination ?? ''}`}
          </code>
        ))}
      </span>
    );
  }
  return <pre className="jp-studio-json">{JSON.stringify(value, null, 2)}</pre>;
}

/** A processing input or output: `{source, destination}`. */
function isTransfer(
  item: unknown
): item is { source: string; destination?: string } {
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof (item as { source?: unknown }).source === 'string'
  );
}
